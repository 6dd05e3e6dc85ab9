"""What the native and GIFT quiz parsers share: settings, ids, weights, numbers, checks.

Both formats parse into the frozen model of `quiz_model`; everything here is format-neutral so
the two parsers accept exactly the same settings and report the same question-level problems.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import yaml

from seminar.core.content.problems import Problem
from seminar.core.content.quiz_model import (
    GRADING_METHODS,
    REVIEW_TIMES,
    Answer,
    Question,
    Quiz,
    Review,
)

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
# A number as authors write it; no 'inf' or 'nan', and no trailing dot so '4..6' stays a range.
NUMBER = r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?"
NUMBER_RE = re.compile(rf"^{NUMBER}$")
# Moodle's answer weight: '%50%', '%-33.33333%'. Anything else between % signs is a typo.
WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d*)?)%")
WEIGHT_LIKE_RE = re.compile(r"^%[^%\s]*%")
WEIGHT_SUM_SLACK = 0.01  # percent: 3 x 33.33333 is close enough to 100
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


# --- text and numbers ---------------------------------------------------------------------


def normalize_newlines(text: str) -> str:
    """Editors on every platform: CRLF and CR become LF, and a leading BOM goes."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def clean(text: str) -> str:
    """The form every text field of the model is kept in."""
    return normalize_newlines(text).strip()


def fmt_number(value: float) -> str:
    """Write a number so that it parses back to exactly the same value, without exponents.

    Exponents are avoided because YAML 1.1 reads '1e-05' as text and Moodle's weight pattern
    has none; the shortest repr's digits are kept, so float(fmt_number(x)) == x.
    """
    if isinstance(value, int):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(float(value))), "f")


def parse_number(text: str) -> float | None:
    text = text.strip()
    if not NUMBER_RE.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def split_weight(text: str) -> tuple[float | None, str, str | None]:
    """Split a leading '%N%' weight from an answer: (weight, rest, error)."""
    m = WEIGHT_RE.match(text)
    if m:
        weight = float(m.group(1))
        rest = text[m.end() :]
        if not -100 <= weight <= 100:
            return weight, rest, f"weight {m.group(0)} is outside -100..100"
        return weight, rest, None
    bad = WEIGHT_LIKE_RE.match(text)
    if bad:
        return None, text, f"'{bad.group(0)}' is not a weight: write e.g. %50% or %-33.3%"
    return None, text, None


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
    graded = sum(1 for q in questions if q.graded)
    if draw is not None and draw > graded:
        report.error(line, f"'draw: {draw}' is more than the {graded} graded questions")


# --- question checks both formats share ---------------------------------------------------


def close_to(a: float, b: float) -> bool:
    return abs(a - b) <= WEIGHT_SUM_SLACK


def check_choice_weights(kind: str, weights: list[float]) -> str | None:
    """The question-level rule for a choice question's weights, or None when they are fine."""
    if kind == "single":
        if len(weights) < 2:
            return "a choice question needs at least two choices"
        if 100 not in weights:
            return "no choice is worth 100%"
        if any(w < 0 for w in weights):
            return "negative weights are only allowed in multiple-choice questions"
        return None
    positive = [w for w in weights if w > 0]
    if len(positive) < 2:
        return "a multiple-choice question needs at least two right choices (positive weights)"
    if not close_to(sum(positive), 100):
        return f"the right choices' weights add up to {fmt_number(sum(positive))}, not 100"
    return None


def check_answer_weights(answers: list[Answer]) -> str | None:
    if any(a.weight < 0 for a in answers):
        return "negative weights are only allowed in multiple-choice questions"
    if not any(a.weight == 100 for a in answers):
        return "no answer is worth 100%"
    return None


def yaml_scalar(value: Any) -> str:
    """One-line YAML for a setting value: quoted text, plain numbers and booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return fmt_number(value)
    dumped = yaml.safe_dump(str(value), default_style='"', allow_unicode=True, width=math.inf)
    return dumped.rstrip("\n")
