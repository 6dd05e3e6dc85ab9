"""What the quiz formats share at the level of one answer: text, numbers and '%N%' weights.

The native and GIFT parsers, the exporters and the question types all read and write answers
with these, so the formats accept exactly the same numbers and weights.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from seminar.core.questions.model import Answer

# A number as authors write it; no 'inf' or 'nan', and no trailing dot so '4..6' stays a range.
NUMBER = r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?"
NUMBER_RE = re.compile(rf"^{NUMBER}$")
# Moodle's answer weight: '%50%', '%-33.33333%'. Anything else between % signs is a typo.
WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d*)?)%")
WEIGHT_LIKE_RE = re.compile(r"^%[^%\s]*%")
# Percent: Moodle rounds the right choices' sum to two decimals of a fraction, so 3 x 33.3
# passes there, and so it does here.
WEIGHT_SUM_SLACK = 0.5
NEGATIVE_WEIGHT = "negative weights are only allowed in choice questions"


class Report(Protocol):
    """Where a reader puts the problems it finds, each at its 1-based line of the file."""

    @property
    def errors(self) -> Sequence[object]: ...

    def error(self, line: int, message: str) -> None: ...

    def warn(self, line: int, message: str) -> None: ...


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


def read_number(text: str) -> float | None:
    """A number as an author writes it in a quiz file (strict: no commas, no 'inf')."""
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


def close_to(a: float, b: float) -> bool:
    return abs(a - b) <= WEIGHT_SUM_SLACK


def check_answer_weights(answers: list[Answer]) -> str | None:
    """The question-level rule for accepted answers' weights, or None when they are fine."""
    if any(a.weight < 0 for a in answers):
        return NEGATIVE_WEIGHT
    if not any(a.weight == 100 for a in answers):
        return "no answer is worth 100%"
    return None
