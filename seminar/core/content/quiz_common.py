"""What the native and GIFT quiz parsers share: the report, settings and question ids.

Both formats parse into the frozen model of `quiz_model`; everything here is format-neutral so
the two parsers accept exactly the same settings. What they share within one answer (numbers,
weights) is in `seminar.core.questions.syntax`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml

from seminar.core.content.problems import Problem
from seminar.core.content.quiz_model import GRADING_METHODS, REVIEW_TIMES, Quiz, Review
from seminar.core.questions import Question, question_type
from seminar.core.questions.syntax import fmt_number

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
ID_HELP = "letters, digits, '-' and '_'"
SETTING_KEYS = (
    "title",
    "summary",
    "pass_mark",
    "time_limit",
    "max_attempts",
    "shuffle",
    "grading",
    "draw",
    "closes",
    "review",
)
REVIEW_PARTS = ("score", "answers", "feedback")
MAX_ID_LENGTH = 60


@dataclass(frozen=True)
class QuizParse:
    """A parsed quiz file: the quiz, and warnings that do not stop it loading."""

    quiz: Quiz
    warnings: tuple[Problem, ...] = ()


class Report:
    """Collects the problems of one file, errors and warnings, each at its 1-based line."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, max(1, line), message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, max(1, line), message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity != "error")

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: p.line)


# --- ids ----------------------------------------------------------------------------------


def slugify(text: str) -> str:
    """'Which *category*, I or II?' -> 'which-category-i-or-ii' (ASCII, at most 60 chars)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_ID_LENGTH:
        cut = slug.rfind("-", 0, MAX_ID_LENGTH + 1)
        slug = slug[: cut if cut > 0 else MAX_ID_LENGTH]
    return slug


def title_from_slug(slug: str) -> str:
    return " ".join(word.capitalize() for word in slug.split("-"))


@dataclass
class PendingId:
    """A question's id before the whole quiz is known: explicit, or a text to derive it from."""

    explicit: str | None
    line: int
    base: str = ""  # slug to derive from when there is no explicit id
    warn_if_derived: bool = True
    why: str = ""  # for the warning: what the id was derived from
    failed: bool = False  # the question has errors: no warning about its id on top


def assign_ids(pending: list[PendingId], report: Report) -> list[str]:
    """Explicit ids must be unique; derived ids avoid every explicit one and each other.

    Two passes, because a derived id must not take an id that a later question names.
    """
    taken: dict[str, int] = {}
    for p in pending:
        if p.explicit is None:
            continue
        if p.explicit in taken:
            report.error(
                p.line, f"duplicate question id '{p.explicit}' (first at line {taken[p.explicit]})"
            )
        else:
            taken[p.explicit] = p.line
    ids: list[str] = []
    for p in pending:
        if p.explicit is not None:
            ids.append(p.explicit)
            continue
        base = p.base or "question"
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken[candidate] = p.line
        ids.append(candidate)
        if (p.warn_if_derived or n > 1) and not p.failed:
            report.warn(
                p.line,
                f"no id: using '{candidate}' {p.why}; "
                "an id keeps a question's identity across versions",
            )
    return ids


# --- settings -----------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _text_setting(value: Any) -> str | None:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip()
    return None


def _closes(value: Any) -> str | None:
    # YAML turns an unquoted date into a date object; keep the ISO text either way.
    if isinstance(value, date | datetime):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return value.strip()


def _review(value: Any) -> Review | str:
    """A Review, or an error message."""
    allowed = ", ".join(REVIEW_TIMES)
    if isinstance(value, str):
        if value not in REVIEW_TIMES:
            return f"'review' must be one of: {allowed}"
        return Review(value, value, value)
    if not isinstance(value, dict):
        return f"'review' must be one of: {allowed}, or a mapping of score/answers/feedback"
    unknown = [str(k) for k in value if k not in REVIEW_PARTS]
    if unknown:
        return f"unknown 'review' key '{unknown[0]}' (known: {', '.join(REVIEW_PARTS)})"
    bad = [k for k, v in value.items() if v not in REVIEW_TIMES]
    if bad:
        return f"'review: {bad[0]}' must be one of: {allowed}"
    return Review(**{k: str(v) for k, v in value.items()})


def read_settings(
    data: dict[str, Any],
    key_lines: dict[str, int],
    report: Report,
    *,
    fallback_line: int,
    default_title: str | None = None,
) -> dict[str, Any]:
    """Check the quiz settings (front matter or '// quiz:' lines); return Quiz keyword args."""

    def line(key: str) -> int:
        return key_lines.get(key, fallback_line)

    def bad(key: str, message: str) -> None:
        report.error(line(key), message)

    out: dict[str, Any] = {}
    for key in data:
        if key not in SETTING_KEYS:
            bad(key, f"unknown key '{key}' (known: {', '.join(sorted(SETTING_KEYS))})")
    given = {k: v for k, v in data.items() if v is not None}

    title = _text_setting(given.get("title", default_title))
    if "title" not in given and default_title is None:
        bad("title", "'title' is required")
    elif not title:
        bad("title", "'title' must be non-empty text")
    out["title"] = title or ""
    if "summary" in given:
        summary = _text_setting(given["summary"])
        if summary is None:
            bad("summary", "'summary' must be text")
        out["summary"] = summary or ""

    if "pass_mark" in given:
        value = given["pass_mark"]
        if _is_number(value) and 0 <= value <= 100:
            out["pass_mark"] = value
        else:
            bad("pass_mark", "'pass_mark' must be a number from 0 to 100")
    if "time_limit" in given:
        value = given["time_limit"]
        if _is_number(value) and value > 0:
            out["time_limit"] = value
        else:
            bad("time_limit", "'time_limit' must be a number of minutes above 0")
    for key in ("max_attempts", "draw"):
        if key in given:
            value = given[key]
            if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
                out[key] = value
            else:
                bad(key, f"'{key}' must be a whole number of at least 1")
    if "shuffle" in given:
        if isinstance(given["shuffle"], bool):
            out["shuffle"] = given["shuffle"]
        else:
            bad("shuffle", "'shuffle' must be true or false")
    if "grading" in given:
        if given["grading"] in GRADING_METHODS:
            out["grading"] = given["grading"]
        else:
            bad("grading", f"'grading' must be one of: {', '.join(GRADING_METHODS)}")
    if "closes" in given:
        closes = _closes(given["closes"])
        if closes is None:
            bad("closes", "'closes' must be an ISO date or date-time, e.g. 2025-06-30T18:00")
        out["closes"] = closes
    if "review" in given:
        review = _review(given["review"])
        if isinstance(review, str):
            bad("review", review)
        else:
            out["review"] = review
            if "after_close" in (review.score, review.answers, review.feedback) and not given.get(
                "closes"
            ):
                bad("review", "'review: after_close' needs a 'closes' date")
    return out


def check_draw(
    settings: dict[str, Any], questions: list[Question], line: int, report: Report
) -> None:
    draw = settings.get("draw")
    graded = sum(1 for q in questions if question_type(q).graded)
    if draw is not None and draw > graded:
        report.error(line, f"'draw: {draw}' is more than the {graded} graded questions")


def yaml_scalar(value: Any) -> str:
    """One-line YAML for a setting value: quoted text, plain numbers and booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return fmt_number(value)
    dumped = yaml.safe_dump(str(value), default_style='"', allow_unicode=True, width=math.inf)
    return dumped.rstrip("\n")
