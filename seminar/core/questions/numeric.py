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
from seminar.core.questions import moodle_xml as xml
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
from seminar.core.questions.syntax import (
    NEGATIVE_WEIGHT,
    NUMBER,
    Report,
    check_answer_weights,
    fmt_number,
    read_number,
)

VALUE_SPEC_RE = re.compile(rf"^({NUMBER})$")
TOLERANCE_SPEC_RE = re.compile(rf"^({NUMBER})\s*(?:±|\+-|\+/-)\s*({NUMBER})$")
RANGE_SPEC_RE = re.compile(rf"^({NUMBER})\s*\.\.\s*({NUMBER})$")
# Starts like a numeric answer, so a typo in it is an error, not a short answer.
NUMERIC_ISH_RE = re.compile(rf"^{NUMBER}\s*(?:±|\+-|\+/-|\.\.)")
CATCH_ALL = "*"
RANGE_COMMENT_RE = re.compile(rf"^\s*range:\s*({NUMBER})\s*\.\.\s*({NUMBER})\s*$")

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


def _xml_number(x: xml.XmlRead, answer: Any, text: str) -> dict[str, float] | None:
    """A Moodle numeric answer's value and tolerance, or the range our comment gives when it
    agrees with them."""
    value = read_number(text)
    tolerance = read_number(xml.child_text(answer, "tolerance", "0") or "0")
    if value is None or tolerance is None or tolerance < 0:
        x.error(answer, f"answer '{text}' needs a number and a tolerance of 0 or more")
        return None
    for comment in xml.comments(answer):
        m = RANGE_COMMENT_RE.match(comment)
        if not m:
            continue
        low, high = read_number(m.group(1)), read_number(m.group(2))
        if (
            low is not None
            and high is not None
            and low <= high
            and close_to_range(value, tolerance, low, high)
        ):
            return {"min": low, "max": high}
        x.warn(
            answer,
            f"the range comment '{m.group(0).strip()}' does not match the answer: "
            f"reading {text} ± {fmt_number(tolerance)}",
        )
    return {"value": value, "tolerance": tolerance}


def close_to_range(value: float, tolerance: float, low: float, high: float) -> bool:
    slack = 1e-9 * max(1.0, abs(low), abs(high))
    return abs(value - (low + high) / 2) <= slack and abs(tolerance - (high - low) / 2) <= slack


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
            "answer_feedback": [
                block(a.feedback, q.format_of(f"answers.{i}.feedback"))
                for i, a in enumerate(q.answers)
            ]
        }

    def texts(self, q: Question) -> dict[str, str]:
        return super().texts(q) | {
            f"answers.{i}.feedback": a.feedback for i, a in enumerate(q.answers)
        }

    def feedback_html(self, q: Question, rendered: dict[str, Any]) -> dict[str, str]:
        return {a.feedback: h for a, h in zip(q.answers, rendered["answer_feedback"], strict=True)}

    def outline(self, q: Question) -> list[str]:
        return [f"{self.shown(a)} ({a.weight:g}%)" for a in q.answers]

    def shown(self, a: Answer) -> str:
        return a.text or ""

    def to_json(self, q: Question) -> dict[str, Any]:
        return {"answers": [answer_to_dict(a) for a in q.answers]}

    def xml_answers(
        self, q: Question, texts: list[str], extra: list[list[str]] | None = None
    ) -> list[str]:
        """Moodle's `<answer>` of each accepted answer: its text, weight and feedback."""
        lines: list[str] = []
        for i, (a, text) in enumerate(zip(q.answers, texts, strict=True)):
            lines += xml.text_element(
                "answer",
                text,
                2,
                fmt="moodle",
                attrs={"fraction": fmt_number(a.weight)},
                children=[
                    *xml.feedback(q, f"answers.{i}.feedback", a.feedback, 3),
                    *(extra[i] if extra else []),
                ],
            )
        return lines

    def read_xml_answers(self, x: xml.XmlRead) -> list[tuple[Any, float, str]]:
        """Each `<answer>` with its weight and feedback; a negative weight is reported."""
        read = []
        for i, answer in enumerate(x.el.findall("answer")):
            weight = x.fraction(answer)
            if weight is not None and weight < 0:
                x.error(answer, NEGATIVE_WEIGHT)
            feedback = x.text(answer.find("feedback"), f"answers.{i}.feedback")
            read.append((answer, weight or 0, feedback))
        return read

    def from_json(self, d: dict[str, Any]) -> dict[str, Any]:
        return {"answers": tuple(answer_from_dict(a) for a in d.get("answers", []))}


class Numeric(AcceptedAnswers):
    name = "numeric"
    key = "value"
    moodle_type = "numerical"

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
            gift.weighted("=", a.weight, 100)
            + _spec(a, ":", "..")
            + gift.part_feedback(q, f"answers.{i}.feedback", a.feedback)
            for i, a in enumerate(q.answers)
            if a.text != CATCH_ALL
        ]
        lines += [
            "~#" + gift.part(q, f"answers.{i}.feedback", a.feedback)
            for i, a in enumerate(q.answers)
            if a.text == CATCH_ALL
        ]
        return GiftBody(lines, opener="{#")

    def to_xml(self, q: Question) -> list[str]:
        # Moodle has no ranges: the middle and half the width, with the range in a comment
        # (which Moodle ignores) so that the platform reads it back as written.
        texts, extra = [], []
        for a in q.answers:
            if a.text == CATCH_ALL:
                texts.append(CATCH_ALL)
                extra.append([xml.value("tolerance", "0", 3)])
            elif a.min is not None and a.max is not None:
                middle, half = (a.min + a.max) / 2, (a.max - a.min) / 2
                texts.append(fmt_number(middle))
                range_ = f"{fmt_number(a.min)}..{fmt_number(a.max)}"
                extra.append(
                    [xml.value("tolerance", fmt_number(half), 3), f"      <!-- range: {range_} -->"]
                )
            else:
                texts.append(fmt_number(a.value if a.value is not None else 0))
                extra.append([xml.value("tolerance", fmt_number(a.tolerance), 3)])
        return self.xml_answers(q, texts, extra)

    def from_xml(self, x: xml.XmlRead) -> dict[str, Any] | None:
        units = [xml.child_text(u, "unit_name") for u in x.el.findall("units/unit")]
        if any(units):
            x.warn(
                x.el.find("units"),
                f"units ({', '.join(u for u in units if u)}) are left out: students type the "
                "number alone",
            )
        errors = len(x.report.errors)
        answers: list[Answer] = []
        for answer, weight, feedback in self.read_xml_answers(x):
            text = xml.child_text(answer, "text") or CATCH_ALL  # Moodle: empty is '*'
            if text == CATCH_ALL:
                if weight:
                    x.error(answer, "the catch-all '*' answer is worth nothing here: give it 0")
                answers.append(Answer(text=CATCH_ALL, weight=0, feedback=feedback))
                continue
            fields = _xml_number(x, answer, text)
            if fields is not None:
                answers.append(Answer(weight=weight, feedback=feedback, **fields))
        if len(x.report.errors) > errors:
            return None
        catch_alls = [i for i, a in enumerate(answers) if a.text == CATCH_ALL]
        if catch_alls and catch_alls != [len(answers) - 1]:
            x.error(x.el, "the catch-all '*' answer must be the last, and only one")
            return None
        if problem := check_answer_weights(answers):
            x.error(x.el, problem)
            return None
        return {"type": self.name, "answers": tuple(answers)}

    def to_native(self, q: Question) -> list[str]:
        lines: list[str] = []
        for a in q.answers:
            if a.text == CATCH_ALL:
                lines += with_feedback(f"= {CATCH_ALL}", a.feedback)
            else:
                prefix = weight_prefix(None if a.weight == 100 else a.weight)
                lines += with_feedback(f"= {prefix}{_spec(a, ' ± ', '..')}", a.feedback)
        return lines
