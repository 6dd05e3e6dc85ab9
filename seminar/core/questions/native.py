"""The native format's answer lines, as question types read and write them.

A question's answers are lines at column 0 that a type claims with a `LineSyntax` (its
pattern and its reader); the parser (`seminar.core.content.quiz_native`) finds them, gathers
the `>` feedback indented under each, and hands a question's lines to the reader of their
kind. An answer text written entirely as a JSON string is taken literally, for texts with
line breaks or that would otherwise read as syntax; the writers fall back to that form
whenever the plain one would not read back the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from seminar.core.questions.syntax import Report, clean, fmt_number, split_weight

Fields = dict[str, Any]  # Question keyword arguments, "type" included


@dataclass
class AnswerLine:
    """One answer line of a question, with the feedback quoted under it."""

    kind: str
    line: int
    match: re.Match[str]
    feedback: list[str] = field(default_factory=list)
    feedback_line: int = 0
    blanks: int = 0  # blank lines seen since its last feedback line

    @property
    def body(self) -> str:
        """What follows the line's marker ('- [x]', '=', '-', '1.')."""
        return self.match.group("body")

    @property
    def feedback_text(self) -> str:
        return clean("\n".join(self.feedback))

    def add_feedback(self, text: str, line: int) -> None:
        # Blank lines between '>' lines stay in the feedback; before the first one they go.
        if self.feedback:
            self.feedback += [""] * self.blanks
        else:
            self.feedback_line = line
        self.blanks = 0
        self.feedback.append(text)


# (the question's lines of one kind, the report, the question's line, the type the heading
# declares with `type=` or None) -> the question's fields, or None after reporting why not.
Reader = Callable[[list[AnswerLine], Report, int, str | None], Fields | None]


@dataclass(frozen=True)
class LineSyntax:
    """A kind of answer line a question type claims.

    `pattern` matches the whole line at column 0 and has a `body` group; no two kinds may
    match the same line. `read` turns a question's lines of this kind into the question's
    fields, or reports why it cannot (and returns None); the question's line is given for
    question-level problems, and the type the heading declares (`type=multiple`) for lines
    that more than one type can read.
    """

    kind: str
    pattern: re.Pattern[str]
    plural: str  # "choices", for "mixed answer kinds: choices after '=' answers"
    example: str  # "'- [x] …'", for "expected an answer (...)"
    read: Reader


def decode_json_string(raw: str) -> str | None:
    """A value as written: plain, or a JSON string (None when that is not valid)."""
    if not raw.startswith('"'):
        return raw
    try:
        value = json.loads(raw, strict=False)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def read_inline(raw: str) -> tuple[str, bool]:
    """An answer's text and whether it was written as a JSON string."""
    raw = raw.strip()
    if raw.startswith('"'):
        value = decode_json_string(raw)
        if value is not None:
            return clean(value), True
    return raw, False


def read_weighted(body: str) -> tuple[float | None, str, bool, str | None]:
    """An answer's '%N%' weight (None: not given), its text, whether the text was written as
    a JSON string, and what is wrong with the weight (or None)."""
    weight, rest, error = split_weight(body.strip())
    text, quoted = read_inline(rest)
    return weight, text, quoted, error


def inline_forms(text: str) -> list[str]:
    """How a text can be written on an answer line: plain, then as a JSON string."""
    return [text, json.dumps(text, ensure_ascii=False)]


def first_fitting(candidates: list[str], reads_back: Callable[[str], bool]) -> str:
    """The first candidate line the parser reads back as meant; the last is always safe."""
    return next((line for line in candidates if reads_back(line)), candidates[-1])


def quote_content(after_marker: str) -> str:
    """'> text' holds 'text': the marker and one space go, any further indentation stays."""
    return after_marker[1:] if after_marker.startswith(" ") else after_marker


def quote_lines(text: str, indent: str) -> list[str]:
    """A text as '>' quote lines (feedback), indented under an answer or at column 0."""
    return [f"{indent}> {line}" if line else f"{indent}>" for line in text.split("\n")]


def with_feedback(line: str, feedback: str) -> list[str]:
    """An answer line and its feedback quoted under it."""
    return [line, *quote_lines(feedback, "  ")] if feedback else [line]


def weight_prefix(weight: float | None) -> str:
    """'%50% ' before an answer's text, or nothing for the default weight (None)."""
    return f"%{fmt_number(weight)}% " if weight is not None else ""
