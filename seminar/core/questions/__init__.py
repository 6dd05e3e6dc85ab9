"""Question types: one class each, registered here by name, and nowhere else.

Everything that depends on a question's type asks its class (`question_type`): taking and
grading an attempt, the attempt and review pages, the live quiz, statistics, demo data and
every file format. A new type is a class (a subclass of `QuestionType`), one line below, its
templates in `templates/questions/<name>/` and its tests.
"""

from __future__ import annotations

from seminar.core.questions.base import (
    LIVE_KINDS,
    FormData,
    GiftBody,
    Grade,
    LiveDraft,
    QuestionType,
    Response,
    Unwritable,
)
from seminar.core.questions.choices import MultipleChoice, SingleChoice
from seminar.core.questions.essay import Description, Essay
from seminar.core.questions.matching import Matching
from seminar.core.questions.model import Answer, Choice, Pair, Question
from seminar.core.questions.native import LineSyntax
from seminar.core.questions.numeric import Numeric
from seminar.core.questions.ordering import Ordering
from seminar.core.questions.short import ShortAnswer
from seminar.core.questions.true_false import TrueFalse

__all__ = [
    "LIVE_KINDS",
    "TYPES",
    "Answer",
    "Choice",
    "FormData",
    "GiftBody",
    "Grade",
    "LineSyntax",
    "LiveDraft",
    "Pair",
    "Question",
    "QuestionType",
    "Response",
    "Unwritable",
    "graded_types",
    "native_syntaxes",
    "question_type",
]

# In this order the native parser tries the answer-line kinds the types claim.
TYPES: dict[str, QuestionType] = {
    t.name: t
    for t in (
        SingleChoice(),
        MultipleChoice(),
        TrueFalse(),
        ShortAnswer(),
        Numeric(),
        Matching(),
        Essay(),
        Description(),
        Ordering(),
    )
}


def question_type(of: str | Question) -> QuestionType:
    """The class of a question (or of a type name)."""
    name = of if isinstance(of, str) else of.type
    try:
        return TYPES[name]
    except KeyError:
        raise ValueError(f"unknown question type {name!r}") from None


def graded_types() -> list[str]:
    """The names of the types a quiz scores (all but those shown between questions)."""
    return [name for name, t in TYPES.items() if t.graded]


def native_syntaxes() -> list[LineSyntax]:
    """Every answer-line kind of the native format, each once, in the order they are tried."""
    seen: dict[str, LineSyntax] = {}
    for t in TYPES.values():
        for syntax in t.native_syntax:
            seen.setdefault(syntax.kind, syntax)
    return list(seen.values())
