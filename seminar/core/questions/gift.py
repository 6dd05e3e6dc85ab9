"""Moodle's GIFT syntax as question types write it: escapes, format tags and weights.

The parser (`seminar.core.content.gift`) undoes exactly these: a backslash before each
special character, and a `[markdown]` tag in front of text that starts like a format tag, a
weight or a comment.
"""

from __future__ import annotations

import re

from seminar.core.questions.syntax import fmt_number

FORMAT_TAGS = ("html", "moodle", "plain", "markdown")
TAG_RE = re.compile(r"^\[([A-Za-z]+)\]")
SPECIAL = "\\~=#{}:"


def escape(text: str, *, arrow: bool = False) -> str:
    escaped = "".join("\\n" if ch == "\n" else "\\" + ch if ch in SPECIAL else ch for ch in text)
    # '->' makes Moodle read answers as matching pairs; '\>' is our escape for it.
    return escaped.replace("->", "-\\>") if arrow else escaped


def text(value: str, *, starts: tuple[str, ...] = (), arrow: bool = False) -> str:
    """Escaped text, behind a [markdown] tag when its start would read as syntax."""
    tag = TAG_RE.match(value)
    needs_tag = bool(tag and tag.group(1).lower() in FORMAT_TAGS) or value.startswith(starts)
    return ("[markdown]" if needs_tag else "") + escape(value, arrow=arrow)


def feedback(value: str, *, arrow: bool = False) -> str:
    """An answer's '#feedback', or nothing."""
    return "#" + text(value, arrow=arrow) if value else ""


def weighted(marker: str, weight: float, default: float) -> str:
    """An answer's marker with its '%N%' weight, which is left out when it is the default."""
    return marker if weight == default else f"{marker}%{fmt_number(weight)}%"
