"""Numeric answers, and what they share with short answers: a list of accepted answers.

Native: `= 5`, `= 5 ± 0.5` (or `+-`, `+/-`) and `= 4..6`, with `= *` last for feedback on
any other number; GIFT: `{#5:0.5}`, `{#4..6}`, `~#feedback`. A student's number is read as
typed, with a decimal comma or a Unicode minus.
"""

from __future__ import annotations

import math
import random
import re
from typing import Any

from seminar.core.questions import gift
from seminar.core.questions.base import (
    FormData,
    GiftBody,
    Grade,
    QuestionType,
    Render,
    Response,
    clamp,
)
from seminar.core.questions.model import Answer, Question, answer_from_dict, answer_to_dict
from seminar.core.questions.native import AnswerLine, weight_prefix, with_feedback
from seminar.core.questions.syntax import NUMBER, Report, fmt_number, read_number

VALUE_SPEC_RE = re.compile(rf"^({NUMBER})$")
TOLERANCE_SPEC_RE = re.compile(rf"^({NUMBER})\s*(?:±|\+-|\+/-)\s*({NUMBER})$")
RANGE_SPEC_RE = re.compile(rf"^({NUMBER})\s*\.\.\s*({NUMBER})$")
# Starts like a numeric answer, so a typo in it is an error, not a short answer.
NUMERIC_ISH_RE = re.compile(rf"^{NUMBER}\s*(?:±|\+-|\+/-|\.\.)")
CATCH_ALL = "*"

# An '=' line read: the line, its weight (None: the default), its text, whether quoted.
Entry = tuple[AnswerLine, float | None, str, bool]


def read_numeric(text: str) -> tuple[dict[str, float] | None, str | None]:
    """Answer fields of a numeric answer text, or an error; (None, None) if not numeric."""
    if m := VALUE_SPEC_RE.match(text):
        value = read_number(m.group(1))
        if value is None:
            return None, f"'{text}' is too large a number"
        return {"value": value, "tolerance": 0}, None
    if m := TOLERANCE_SPEC_RE.match(text):
        value, tolerance = read_number(m.group(1)), read_number(m.group(2))
        if value is None or tolerance is None:
            return None, f"'{text}' is not a number"
        if tolerance < 0:
            return None, f"tolerance {m.group(2)} is negative"
        return {"value": value, "tolerance": tolerance}, None
    if m := RANGE_SPEC_RE.match(text):
        low, high = read_number(m.group(1)), read_number(m.group(2))
        if low is None or high is None:
            return None, f"'{text}' is not a number"
        if low > high:
            return None, f"range {text}: the minimum is above the maximum"
        return {"min": low, "max": high}, None
    if NUMERIC_ISH_RE.match(text):
        return None, f"'{text}' is not a number, a 'number ± tolerance' or a 'low..high' range"
    return None, None


def numeric_answers(
    entries: list[Entry],
    specs: list[tuple[dict[str, float] | None, str | None]],
    report: Report,
) -> list[Answer]:
    """The answers of '=' lines that make a numeric question (see `short`)."""
    answers: list[Answer] = []
    for index, ((item, weight, text, quoted), spec) in enumerate(zip(entries, specs, strict=True)):
        if not quoted and text == CATCH_ALL:
            if weight is not None:
                report.error(item.line, "the catch-all '= *' is worth nothing: remove its weight")
            if index != len(entries) - 1:
                report.error(item.line, "the catch-all '= *' must be the last answer")
            answers.append(Answer(text=CATCH_ALL, weight=0, feedback=item.feedback_text))
            continue
        fields, error = spec
        if fields is None:
            report.error(item.line, error or f"'{text}' is not a number (this question is numeric)")
            continue
        answers.append(
            Answer(weight=100 if weight is None else weight, feedback=item.feedback_text, **fields)
        )
    return answers


def parse_number(text: Any) -> float | None:
    """A number as a student typed it (a decimal comma, a Unicode minus), or None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text) if math.isfinite(text) else None
    cleaned = str(text or "").strip().replace(" ", "").replace("\u2212", "-")
    if re.fullmatch(r"[-+]?\d+,\d+", cleaned):  # a decimal comma, as many countries write it
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def numeric_matches(answer: Answer, value: float) -> bool:
    if answer.value is not None:
        # A relative epsilon keeps 0.1 + 0.2 style float noise from failing a right answer.
        slack = answer.tolerance + 1e-9 * max(1.0, abs(answer.value))
        return abs(value - answer.value) <= slack
    if answer.min is not None and answer.max is not None:
        return answer.min <= value <= answer.max
    return answer.text == CATCH_ALL


def _spec(a: Answer, tolerance: str, range_: str) -> str:
    """A numeric answer as text: value with `tolerance` between, or a range with `range_`."""
    if a.min is not None and a.max is not None:
        return f"{fmt_number(a.min)}{range_}{fmt_number(a.max)}"
    value = fmt_number(a.value if a.value is not None else 0)
    return f"{value}{tolerance}{fmt_number(a.tolerance)}" if a.tolerance else value


class AcceptedAnswers(QuestionType):
    """What short and numeric questions share: accepted answers with weights and feedback."""

    key = ""  # where the response keeps what the student typed

    @property
    def review_template(self) -> str:
        return "questions/answers/review.html"

    def read_form(self, form: FormData, name: str, order: list[int]) -> Any:
        return {self.key: form.get(name, "")}

    def rendered(self, q: Question, block: Render, inline: Render) -> dict[str, Any]:
        return super().rendered(q, block, inline) | {
            "answer_feedback": [block(a.feedback) for a in q.answers]
        }

    def feedback_html(self, q: Question, rendered: dict[str, Any]) -> dict[str, str]:
        return {a.feedback: h for a, h in zip(q.answers, rendered["answer_feedback"], strict=True)}

    def outline(self, q: Question) -> list[str]:
        return [f"{self.shown(a)} ({a.weight:g}%)" for a in q.answers]

    def shown(self, a: Answer) -> str:
        return a.text or ""

    def to_json(self, q: Question) -> dict[str, Any]:
        return {"answers": [answer_to_dict(a) for a in q.answers]}

    def from_json(self, d: dict[str, Any]) -> dict[str, Any]:
        return {"answers": tuple(answer_from_dict(a) for a in d.get("answers", []))}


class Numeric(AcceptedAnswers):
    name = "numeric"
    key = "value"

    def clean(self, q: Question, raw: Any) -> Response:
        if not isinstance(raw, dict):
            return None
        value = str(raw.get("value") or "").strip()[:100]
        return {"value": value} if value else None

    def grade(self, q: Question, response: Response) -> Grade:
        value = parse_number((response or {}).get("value"))
        if value is None:
            return Grade(0.0)
        matches = [a for a in q.answers if a.text != CATCH_ALL and numeric_matches(a, value)]
        if not matches:
            catch_all = [a.feedback for a in q.answers if a.text == CATCH_ALL and a.feedback]
            return Grade(0.0, tuple(catch_all[:1]))
        best = max(matches, key=lambda a: a.weight)
        return Grade(clamp(best.weight / 100), (best.feedback,) if best.feedback else ())

    def correct(self, q: Question) -> Response:
        ranked = sorted((a for a in q.answers if a.text != CATCH_ALL), key=lambda a: -a.weight)
        if not ranked:
            return {"value": ""}
        a = ranked[0]
        if a.value is not None:
            shown = f"{a.value:g}" + (f" ± {a.tolerance:g}" if a.tolerance else "")
        else:
            shown = f"{a.min:g} to {a.max:g}"
        return {"value": shown}

    def example_response(self, q: Question, right: bool, rng: random.Random) -> Response:
        return self.correct(q) if right else {"value": "0"}

    def shown(self, a: Answer) -> str:
        if a.text is not None:
            return a.text
        if a.value is not None:
            return f"{a.value:g} ± {a.tolerance:g}"
        return f"{a.min:g} to {a.max:g}"

    def to_gift(self, q: Question) -> GiftBody | None:
        lines = [
            gift.weighted("=", a.weight, 100) + _spec(a, ":", "..") + gift.feedback(a.feedback)
            for a in q.answers
            if a.text != CATCH_ALL
        ]
        lines += ["~#" + gift.text(a.feedback) for a in q.answers if a.text == CATCH_ALL]
        return GiftBody(lines, opener="{#")

    def to_native(self, q: Question) -> list[str]:
        lines: list[str] = []
        for a in q.answers:
            if a.text == CATCH_ALL:
                lines += with_feedback(f"= {CATCH_ALL}", a.feedback)
            else:
                prefix = weight_prefix(None if a.weight == 100 else a.weight)
                lines += with_feedback(f"= {prefix}{_spec(a, ' ± ', '..')}", a.feedback)
        return lines
