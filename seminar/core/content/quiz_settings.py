"""Quiz settings, as front matter or GIFT's `// quiz:` lines give them: checked once for
every format, and written back as one-line YAML values."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml

from seminar.core.content.limits import yaml_problems
from seminar.core.content.quiz_common import (
    PendingId,
    QuestionReport,
    QuizParse,
    Report,
    finish_quiz,
    title_from_slug,
)
from seminar.core.content.quiz_model import GRADING_METHODS, REVIEW_TIMES, Question, Review
from seminar.core.questions.syntax import fmt_number

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


def yaml_scalar(value: Any) -> str:
    """One-line YAML for a setting value: quoted text, plain numbers and booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return fmt_number(value)
    dumped = yaml.safe_dump(str(value), default_style='"', allow_unicode=True, width=math.inf)
    return dumped.rstrip("\n")


SETTING_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*:(.*)$")


@dataclass
class SettingLines:
    """Quiz settings given one per line (GIFT's `// quiz:`), with the line of each."""

    data: dict[str, Any]
    lines: dict[str, int]


def read_setting_line(
    rest: str, number: int, settings: SettingLines, report: Report, *, how: str
) -> None:
    """One `key: value` setting line (the value a YAML scalar), kept with its line; `how`
    shows how the format writes one."""
    m = SETTING_RE.match(rest)
    if not m:
        report.error(number, f"write quiz settings as '{how}'")
        return
    key, value_text = m.group(1), m.group(2)
    if key in settings.data:
        report.error(number, f"'{key}' is set twice (first at line {settings.lines[key]})")
        return
    if too_deep := yaml_problems(value_text, report.path, first_line=number):
        report.error(number, too_deep[0].message)
        return
    try:
        value = yaml.safe_load(value_text)
    except Exception as exc:
        # Besides YAMLError, PyYAML's constructors raise plain ValueError, KeyError, ... for
        # values such as '2025-13-45' or '!!int x'.
        problem = getattr(exc, "problem", None) or str(exc)
        report.error(number, f"invalid value for '{key}': {problem}")
        return
    settings.data[key] = value
    settings.lines[key] = number


def finish_with_setting_lines(
    built: list[tuple[Question | None, PendingId]],
    settings: SettingLines,
    report: Report,
    *,
    slug: str,
    partial: bool,
    unsupported: tuple[QuestionReport, ...] = (),
) -> QuizParse:
    """`finish_quiz` for a format whose settings are lines (GIFT, Moodle XML comments): the
    title defaults to the slug's words."""
    quiz_settings = read_settings(
        settings.data, settings.lines, report, fallback_line=1, default_title=title_from_slug(slug)
    )
    return finish_quiz(
        built,
        quiz_settings,
        report,
        slug=slug,
        draw_line=settings.lines.get("draw", 1),
        partial=partial,
        unsupported=unsupported,
    )
