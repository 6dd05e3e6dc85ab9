"""Essays, which a person grades, and descriptions, text shown between questions.

Neither has answer lines: in the native format a heading with no answers is an essay, and
`{type=description}` makes a description; in GIFT an essay is `{}` and a description has no
braces at all.
"""

from __future__ import annotations

import random
from typing import Any

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

    def read_form(self, form: FormData, name: str, order: list[int]) -> Any:
        return {"text": form.get(name, "")}

    def clean(self, q: Question, raw: Any) -> Response:
        return typed_text(raw, "text")

    def grade(self, q: Question, response: Response) -> Grade:
        text = str((response or {}).get("text") or "").strip()
        return Grade(None if text else 0.0)  # an empty essay needs no reader

    def example_response(self, q: Question, right: bool, rng: random.Random) -> Response:
        return {"text": "A careful, attributed explanation." if right else "A short answer."}


class Description(QuestionType):
    name = "description"
    graded = False
    named_in_heading = True

    def to_gift(self, q: Question) -> GiftBody | None:
        return None
