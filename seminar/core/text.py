"""What typed text and numbers from a request may be, so that none of it reaches a page, a
calendar feed, a spreadsheet or a certificate in a form that misleads (control characters,
right-to-left overrides) or costs what it should not (a 5,000-digit number)."""

from __future__ import annotations

import unicodedata
from typing import Any

from seminar.core.errors import SeminarError

# Longer digit strings are never an id, an index or a page in this app; Python refuses to
# turn more than 4,300 digits into an int, and ASCII only: '²'.isdigit() is True.
MAX_DIGITS = 9

# Bidirectional controls reorder what a reader sees ("Smith" can display as "htimS" or hide
# a part); none belongs in a name or a title.
_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
         "\u200e", "\u200f", "\u061c"}  # fmt: skip


def small_int(value: Any, *, below: int | None = None) -> int | None:
    """A non-negative whole number as an int or a string of ASCII digits (else None)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS):
            return None
        value = int(value)
    if not isinstance(value, int) or value < 0:
        return None
    return value if below is None or value < below else None


def one_line_problem(text: str) -> str | None:
    """Why this cannot be a name or a title (one line of plain text), or None."""
    for char in text:
        if char in _BIDI:
            return "Remove the invisible direction mark (it can make the text read differently)."
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") and char != "\u200d":
            return "Use plain text on one line: no line breaks or invisible control characters."
    return None


def refuse_unsafe_lines(**fields: str | None) -> None:
    """Refuse (naming the field) a name or title that is not one line of plain text."""
    for field, value in fields.items():
        if value and (problem := one_line_problem(value)):
            raise SeminarError(problem, field=field)
