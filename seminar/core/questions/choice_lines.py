"""Choice lines `- [x] text` of the native format: read and written for the choice types.

A weight may follow the checkbox (`- [ ] %50% half right`); a text written as a JSON string
is taken literally. Which type the lines make (single, multiple, true/false) is decided by
the reader in `choices`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from seminar.core.questions.native import (
    AnswerLine,
    first_fitting,
    inline_forms,
    read_weighted,
    weight_prefix,
)
from seminar.core.questions.syntax import Report

TRUE_FALSE = ("true", "false")
CHOICE_RE = re.compile(r"^-[ \t]+\[(?P<mark>[ xX])\](?=[ \t]|$)(?P<body>.*)$")


@dataclass(frozen=True)
class ChoiceLine:
    """A choice line read: its weight (None: the default), text, and whether it was quoted."""

    line: AnswerLine
    weight: float | None
    text: str
    quoted: bool

    @property
    def checked(self) -> bool:
        return self.line.match.group("mark") != " "


def read_choice_lines(lines: list[AnswerLine], report: Report) -> list[ChoiceLine]:
    """Each line's weight, text and checkbox; a bad weight or an empty text is reported."""
    parsed: list[ChoiceLine] = []
    for item in lines:
        weight, text, quoted, error = read_weighted(item.body)
        if error:
            report.error(item.line, error)
            weight = None  # reported once: no second complaint about the same weight
        if not text:
            report.error(item.line, "a choice with no text")
        parsed.append(ChoiceLine(item, weight, text, quoted))
    return parsed


def is_true_false(parsed: list[ChoiceLine]) -> bool:
    """Unquoted True and False texts make a true/false question."""
    return all(not p.quoted and p.text.lower() in TRUE_FALSE for p in parsed)


def choice_line(checked: bool, weight: float | None, text: str) -> str:
    box = "[x]" if checked else "[ ]"

    def reads_back(line: str) -> bool:
        m = CHOICE_RE.match(line)
        if not m:
            return False
        parsed_weight, parsed, quoted, error = read_weighted(m.group("body"))
        # Unquoted True/False choices would make it a true/false question.
        tf_like = not quoted and parsed.lower() in TRUE_FALSE
        return not error and parsed_weight == weight and parsed == text and not tf_like

    prefix = weight_prefix(weight)
    return first_fitting([f"- {box} {prefix}{form}" for form in inline_forms(text)], reads_back)
