"""Moodle's GIFT syntax as question types write it: escapes, format tags and weights.

The parser (`seminar.core.content.gift`) undoes exactly these: a backslash before each
special character, and a format tag (`[html]`, `[plain]`, `[moodle]`, `[markdown]`) in front
of a text whose format is not its default (the question's format; Markdown for the stem), or
whose start would otherwise read as a format tag, a weight or a comment.
"""

from __future__ import annotations

import re
from typing import Any

from seminar.core.questions.model import Question
from seminar.core.questions.syntax import fmt_number

FORMAT_TAGS = ("html", "moodle", "plain", "markdown")
TAG_RE = re.compile(r"^\[([A-Za-z]+)\]")
SPECIAL = "\\~=#{}:"


def escape(text: str, *, arrow: bool = False) -> str:
    escaped = "".join("\\n" if ch == "\n" else "\\" + ch if ch in SPECIAL else ch for ch in text)
    # '->' makes Moodle read answers as matching pairs; '\>' is our escape for it.
    return escaped.replace("->", "-\\>") if arrow else escaped


def text(
    value: str,
    *,
    starts: tuple[str, ...] = (),
    arrow: bool = False,
    fmt: str = "markdown",
    default: str = "markdown",
) -> str:
    """Escaped text, behind its format's tag when that is not the default or when its start
    would read as syntax."""
    if not value:
        return ""
    tag = TAG_RE.match(value)
    needs_tag = bool(tag and tag.group(1).lower() in FORMAT_TAGS) or value.startswith(starts)
    return (f"[{fmt}]" if needs_tag or fmt != default else "") + escape(value, arrow=arrow)


def feedback(
    value: str, *, arrow: bool = False, fmt: str = "markdown", default: str = "markdown"
) -> str:
    """An answer's '#feedback', or nothing."""
    return "#" + text(value, arrow=arrow, fmt=fmt, default=default) if value else ""


def weighted(marker: str, weight: float, default: float) -> str:
    """An answer's marker with its '%N%' weight, which is left out when it is the default."""
    return marker if weight == default else f"{marker}%{fmt_number(weight)}%"


def part(q: Question, name: str, value: str, **kw: Any) -> str:
    """One of a question's texts (named as in `Question.formats`), with its format's tag
    when it differs from the question's."""
    return text(value, fmt=q.format_of(name), default=q.format, **kw)


def part_feedback(q: Question, name: str, value: str, *, arrow: bool = False) -> str:
    return "#" + part(q, name, value, arrow=arrow) if value else ""
