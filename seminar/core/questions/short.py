"""Short answers, and the native format's '=' lines that make a short or a numeric question.

`= text` lines are accepted answers (case, width and spaces ignored; `*` is Moodle's
wildcard). When every line is a number (or the catch-all `= *`), or any is written as a
tolerance or a range, the question is numeric instead.
"""

from __future__ import annotations

import random
import re
import unicodedata
from typing import Any

from seminar.core.questions import gift
from seminar.core.questions import moodle_xml as xml
from seminar.core.questions.base import GiftBody, Grade, Response, clamp, typed_text
from seminar.core.questions.model import Answer, Question
from seminar.core.questions.native import (
    AnswerLine,
    Fields,
    LineSyntax,
    first_fitting,
    inline_forms,
    read_weighted,
    weight_prefix,
    with_feedback,
)
from seminar.core.questions.numeric import (
    CATCH_ALL,
    NUMERIC_ISH_RE,
    AcceptedAnswers,
    Entry,
    numeric_answers,
    read_numeric,
)
from seminar.core.questions.syntax import NEGATIVE_WEIGHT, Report, check_answer_weights

EQ_RE = re.compile(r"^=(?=[ \t]|$)(?P<body>.*)$")


def _read_eq_lines(
    lines: list[AnswerLine], report: Report, line: int, declared: str | None
) -> Fields | None:
    errors = len(report.errors)
    entries: list[Entry] = []
    for item in lines:
        weight, text, quoted, error = read_weighted(item.body)
        if error:
            report.error(item.line, error)
        elif weight is not None and weight < 0:
            report.error(item.line, NEGATIVE_WEIGHT)
        if not text:
            report.error(item.line, "an '=' answer with no text")
        entries.append((item, weight, text, quoted))

    specs = [(None, None) if quoted else read_numeric(text) for _, _, text, quoted in entries]
    # Numeric when every line is a number or the catch-all, or when any line is written as a
    # tolerance or a range ('5 ± 1', '4..6'): then a typo is an error, not a short answer.
    valid = [fields is not None for fields, _ in specs]
    catch_all = [not quoted and text == CATCH_ALL for _, _, text, quoted in entries]
    ranged = any(not quoted and NUMERIC_ISH_RE.match(text) for _, _, text, quoted in entries)
    is_numeric = (
        ranged
        or any(error for _, error in specs)
        or (any(valid) and all(v or c for v, c in zip(valid, catch_all, strict=True)))
    )
    if is_numeric:
        answers = numeric_answers(entries, specs, report)
    else:
        answers = [
            Answer(text=text, weight=100 if w is None else w, feedback=item.feedback_text)
            for item, w, text, _ in entries
        ]
    if len(report.errors) == errors and not any(a.weight == 100 for a in answers):
        report.error(line, "no answer is worth 100%")
    return {"type": "numeric" if is_numeric else "short", "answers": tuple(answers)}


EQ_LINES = LineSyntax("eq", EQ_RE, "'=' answers", "'= …'", _read_eq_lines)


def _eq_line(weight: float | None, text: str) -> str:
    def reads_back(line: str) -> bool:
        m = EQ_RE.match(line)
        if not m:
            return False
        parsed_weight, parsed, quoted, error = read_weighted(m.group("body"))
        # Unquoted, a number would make the question numeric.
        looks_numeric = not quoted and read_numeric(parsed) != (None, None)
        return not error and parsed_weight == weight and parsed == text and not looks_numeric

    prefix = weight_prefix(weight)
    return first_fitting([f"= {prefix}{form}" for form in inline_forms(text)], reads_back)


def normalise_text(text: str) -> str:
    """Case-, width- and space-insensitive form of a short answer."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split())


def _matches(accepted: str, given: str) -> bool:
    pattern = normalise_text(accepted)
    if "*" not in pattern:
        return pattern == given
    return wildcard_match(pattern.split("*"), given)


def wildcard_match(parts: list[str], given: str) -> bool:
    """Moodle's `*` (any run of characters) without a regular expression: the first part must
    start the answer and the last end it, and each part between is found after the one before.
    Taking each part's leftmost place is never wrong for `*`, and costs one left-to-right scan:
    a regex can backtrack for minutes on `*s*o*t*` against a long answer."""
    first, *middle, last = parts
    if len(given) < len(first) + len(last) or not (
        given.startswith(first) and given.endswith(last)
    ):
        return False
    at, end = len(first), len(given) - len(last)
    for part in middle:
        found = given.find(part, at, end)
        if found < 0:
            return False
        at = found + len(part)
    return True


class ShortAnswer(AcceptedAnswers):
    name = "short"
    key = "text"
    native_syntax = (EQ_LINES,)
    moodle_type = "shortanswer"

    def clean(self, q: Question, raw: Any) -> Response:
        return typed_text(raw, "text")

    def grade(self, q: Question, response: Response) -> Grade:
        given = normalise_text(str((response or {}).get("text") or ""))
        if not given:
            return Grade(0.0)
        best: Answer | None = None
        for answer in q.answers:
            matched = answer.text is not None and _matches(answer.text, given)
            if matched and (best is None or answer.weight > best.weight):
                best = answer
        if best is None:
            return Grade(0.0)
        return Grade(clamp(best.weight / 100), (best.feedback,) if best.feedback else ())

    def correct(self, q: Question) -> Response:
        best = max((a for a in q.answers if a.text), key=lambda a: a.weight, default=None)
        return {"text": best.text if best else ""}

    def example_response(self, q: Question, right: bool, rng: random.Random) -> Response:
        return self.correct(q) if right else {"text": "not sure"}

    def to_gift(self, q: Question) -> GiftBody | None:
        lines = [
            gift.weighted("=", a.weight, 100)
            + gift.text(a.text or "", starts=("%",), arrow=True)
            + gift.part_feedback(q, f"answers.{i}.feedback", a.feedback, arrow=True)
            for i, a in enumerate(q.answers)
        ]
        return GiftBody(lines, arrow=True)

    def to_xml(self, q: Question) -> list[str]:
        return [
            xml.value("usecase", "0", 2),
            *self.xml_answers(q, [a.text or "" for a in q.answers]),
        ]

    def from_xml(self, x: xml.XmlRead) -> dict[str, Any] | None:
        if xml.flag(x.el.findtext("usecase"), False):
            x.warn(
                x.el.find("usecase"),
                "answers are matched whatever their case here (Moodle: case must match)",
            )
        errors = len(x.report.errors)
        answers: list[Answer] = []
        for answer, weight, feedback in self.read_xml_answers(x):
            text = xml.child_text(answer, "text")
            if not text:
                x.error(answer, "an answer with no text")
            answers.append(Answer(text=text, weight=weight, feedback=feedback))
        if len(x.report.errors) > errors:
            return None
        if problem := check_answer_weights(answers):
            x.error(x.el, problem)
            return None
        return {"type": self.name, "answers": tuple(answers)}

    def to_native(self, q: Question) -> list[str]:
        lines: list[str] = []
        for a in q.answers:
            weight = None if a.weight == 100 else a.weight
            lines += with_feedback(_eq_line(weight, a.text or ""), a.feedback)
        return lines
