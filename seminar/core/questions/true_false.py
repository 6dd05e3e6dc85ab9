"""True/false questions, written as the two choice lines `- [x] True` and `- [ ] False`.

In GIFT `{T}` or `{F}`; after it, Moodle's first `#feedback` is for the wrong choice and the
second for the right one.
"""

from __future__ import annotations

import random
from typing import Any

from seminar.core.questions import gift
from seminar.core.questions import moodle_xml as xml
from seminar.core.questions.base import (
    BLANK,
    FormData,
    GiftBody,
    Grade,
    LiveDraft,
    QuestionType,
    Render,
    Response,
    as_text,
)
from seminar.core.questions.choice_lines import ChoiceLine
from seminar.core.questions.model import Question
from seminar.core.questions.native import Fields, with_feedback
from seminar.core.questions.syntax import Report


class TrueFalse(QuestionType):
    name = "true_false"
    moodle_type = "truefalse"
    moodle_penalty = 1.0

    @staticmethod
    def from_lines(parsed: list[ChoiceLine], report: Report) -> Fields | None:
        texts = sorted(p.text for p in parsed)
        if texts != ["False", "True"] or sum(1 for p in parsed if p.checked) != 1:
            report.error(
                parsed[0].line.line,
                "a true/false question has exactly the choices True and False, one checked",
            )
            return None
        for p in parsed:
            if p.weight is not None:
                report.error(p.line.line, "true/false choices have no weights")
        by_text = {p.text: p for p in parsed}
        return {
            "type": "true_false",
            "answer": by_text["True"].checked,
            "feedback_if_true": by_text["True"].line.feedback_text,
            "feedback_if_false": by_text["False"].line.feedback_text,
        }

    def read_form(self, form: FormData, name: str, order: list[int]) -> Any:
        return {"value": form.get(name, "")}

    def clean(self, q: Question, raw: Any) -> Response:
        if not isinstance(raw, dict):
            return None
        value = raw.get("value")
        if isinstance(value, str):
            value = {"true": True, "false": False}.get(value.lower())
        return {"value": value} if isinstance(value, bool) else None

    def grade(self, q: Question, response: Response) -> Grade:
        value = (response or {}).get("value")
        if not isinstance(value, bool):
            return Grade(0.0)
        feedback = q.feedback_if_true if value else q.feedback_if_false
        return Grade(1.0 if value == q.answer else 0.0, (feedback,) if feedback else ())

    def correct(self, q: Question) -> Response:
        return {"value": q.answer}

    def example_response(self, q: Question, right: bool, rng: random.Random) -> Response:
        return {"value": q.answer if right else not q.answer}

    def rendered(self, q: Question, block: Render, inline: Render) -> dict[str, Any]:
        return super().rendered(q, block, inline) | {
            "feedback_if_true": block(q.feedback_if_true, q.format_of("feedback_if_true")),
            "feedback_if_false": block(q.feedback_if_false, q.format_of("feedback_if_false")),
        }

    def texts(self, q: Question) -> dict[str, str]:
        return super().texts(q) | {
            "feedback_if_true": q.feedback_if_true,
            "feedback_if_false": q.feedback_if_false,
        }

    def feedback_html(self, q: Question, rendered: dict[str, Any]) -> dict[str, str]:
        return {
            q.feedback_if_true: rendered["feedback_if_true"],
            q.feedback_if_false: rendered["feedback_if_false"],
        }

    def outline(self, q: Question) -> list[str]:
        return [f"Answer: {q.answer}"]

    def to_live(self, q: Question, *, poll: bool = False) -> LiveDraft | None:
        stem = as_text(q.stem, q.format)
        if poll:
            return LiveDraft(stem, ["True", "False"], [], "poll")
        return LiveDraft(stem, ["True", "False"], [0 if q.answer else 1], self.name)

    def options(self, q: Question) -> list[str]:
        return ["true", "false", BLANK]

    def options_chosen(self, response: Response, fraction: float | None) -> list[str]:
        response = response or {}
        return [str(response["value"]).lower()] if "value" in response else [BLANK]

    def option_label(self, q: Question, key: str) -> str:
        return {"true": "True", "false": "False"}.get(key) or super().option_label(q, key)

    def to_json(self, q: Question) -> dict[str, Any]:
        return {
            "answer": q.answer,
            "feedback_if_true": q.feedback_if_true,
            "feedback_if_false": q.feedback_if_false,
        }

    def from_json(self, d: dict[str, Any]) -> dict[str, Any]:
        return {
            "answer": d.get("answer"),
            "feedback_if_true": d.get("feedback_if_true", ""),
            "feedback_if_false": d.get("feedback_if_false", ""),
        }

    def to_gift(self, q: Question) -> GiftBody | None:
        # Moodle: '#' feedback for the wrong choice first, then for the right one.
        right, wrong = ("feedback_if_true", "feedback_if_false")[:: 1 if q.answer else -1]
        out = "TRUE" if q.answer else "FALSE"
        if getattr(q, wrong) or getattr(q, right):
            out += "#" + gift.part(q, wrong, getattr(q, wrong))
        if getattr(q, right):
            out += "#" + gift.part(q, right, getattr(q, right))
        return GiftBody([out], inline=True)

    def to_xml(self, q: Question) -> list[str]:
        lines: list[str] = []
        for value, name in ((True, "feedback_if_true"), (False, "feedback_if_false")):
            lines += xml.text_element(
                "answer",
                "true" if value else "false",
                2,
                fmt="moodle",
                attrs={"fraction": "100" if q.answer == value else "0"},
                children=xml.feedback(q, name, getattr(q, name), 3),
            )
        return lines

    def from_xml(self, x: xml.XmlRead) -> dict[str, Any] | None:
        answers = x.el.findall("answer")
        if len(answers) != 2:
            x.error(x.el, "a true/false question has two answers, 'true' and 'false'")
            return None
        fields: dict[str, Any] = {"type": self.name}
        for position, answer in enumerate(answers):
            text = xml.child_text(answer, "text")
            if text not in ("true", "false"):
                # Moodle: an old file with translated texts lists True first.
                x.warn(
                    answer, f"answer '{text}' read as '{('true', 'false')[position]}' by its place"
                )
                text = ("true", "false")[position]
            name = f"feedback_if_{text}"
            fields[name] = x.text(answer.find("feedback"), name)
            right = (x.fraction(answer) or 0) == 100
            fields["answer"] = right if text == "true" else not right
        return fields

    def to_native(self, q: Question) -> list[str]:
        return [
            *with_feedback(f"- {'[x]' if q.answer else '[ ]'} True", q.feedback_if_true),
            *with_feedback(f"- {'[ ]' if q.answer else '[x]'} False", q.feedback_if_false),
        ]
