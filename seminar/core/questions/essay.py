"""Essays, which a person grades, and descriptions, text shown between questions.

Neither has answer lines: in the native format a heading with no answers is an essay, and
`{type=description}` makes a description; in GIFT an essay is `{}` and a description has no
braces at all.
"""

from __future__ import annotations

import random
from typing import Any

from seminar.core.questions import moodle_xml as xml
from seminar.core.questions.base import (
    FormData,
    GiftBody,
    Grade,
    QuestionType,
    Response,
    typed_text,
)
from seminar.core.questions.model import Question


class Essay(QuestionType):
    name = "essay"
    named_in_heading = True
    moodle_type = "essay"

    def read_form(self, form: FormData, name: str, order: list[int]) -> Any:
        return {"text": form.get(name, "")}

    def clean(self, q: Question, raw: Any) -> Response:
        return typed_text(raw, "text")

    def grade(self, q: Question, response: Response) -> Grade:
        text = str((response or {}).get("text") or "").strip()
        return Grade(None if text else 0.0)  # an empty essay needs no reader

    def example_response(self, q: Question, right: bool, rng: random.Random) -> Response:
        return {"text": "A careful, attributed explanation." if right else "A short answer."}

    def to_xml(self, q: Question) -> list[str]:
        return [xml.value("responseformat", "editor", 2), xml.value("responserequired", "1", 2)]

    def from_xml(self, x: xml.XmlRead) -> dict[str, Any] | None:
        # What Moodle's essay settings ask of students that a typed answer here does not.
        if x.value("graderinfo/text"):
            x.warn(x.el.find("graderinfo"), "the information for graders is left out")
        if x.value("responsetemplate/text"):
            x.warn(x.el.find("responsetemplate"), "the response template is left out")
        if x.value("attachments", "0") not in ("", "0"):
            x.warn(x.el.find("attachments"), "attachments are left out: students type their answer")
        return {"type": self.name}


class Description(QuestionType):
    name = "description"
    graded = False
    named_in_heading = True
    moodle_type = "description"
    moodle_penalty = 0.0

    def to_gift(self, q: Question) -> GiftBody | None:
        return None
