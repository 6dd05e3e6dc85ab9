"""The question model every format parses into (FORMATS.md, "The question model").

Frozen dataclasses: the fields common to all types, and the type-specific parts each question
type reads and writes (see the type classes). Text fields hold Markdown. Weights are
percentages (negative weights are allowed in `multiple`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Choice:
    """An option the student sees: a choice to pick, or an item to put in its place."""

    text: str
    weight: float = 0
    feedback: str = ""


@dataclass(frozen=True)
class Answer:
    """An accepted answer of a short-answer or numeric question.

    Short: `text`. Numeric: `value` with `tolerance`, or a `min`..`max` range; a numeric
    catch-all (GIFT `~#feedback`) is `text="*"` with weight 0.
    """

    text: str | None = None
    value: float | None = None
    tolerance: float = 0
    min: float | None = None
    max: float | None = None
    weight: float = 100
    feedback: str = ""


@dataclass(frozen=True)
class Pair:
    left: str
    right: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # a name in the registry of question types
    stem: str
    title: str = ""
    feedback: str = ""  # general feedback, shown in review
    choices: tuple[Choice, ...] = ()  # single, multiple; any type's list of options
    answers: tuple[Answer, ...] = ()  # short, numeric
    pairs: tuple[Pair, ...] = ()  # matching
    answer: bool | None = None  # true_false
    feedback_if_true: str = ""  # true_false: shown to a student who picked True
    feedback_if_false: str = ""
    category: str = ""  # GIFT $CATEGORY, kept for export
    points: float = 1  # the question's mark within the quiz


# --- JSON of the parts --------------------------------------------------------------------


def json_number(value: float) -> int | float:
    """5.0 -> 5, so the JSON reads as an author wrote it."""
    return int(value) if float(value).is_integer() else value


def answer_to_dict(a: Answer) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if a.text is not None:
        out["text"] = a.text
    if a.value is not None:
        out["value"] = json_number(a.value)
        out["tolerance"] = json_number(a.tolerance)
    if a.min is not None or a.max is not None:
        out["min"] = json_number(a.min) if a.min is not None else None
        out["max"] = json_number(a.max) if a.max is not None else None
    out["weight"] = json_number(a.weight)
    out["feedback"] = a.feedback
    return out


def answer_from_dict(d: dict[str, Any]) -> Answer:
    return Answer(
        text=d.get("text"),
        value=d.get("value"),
        tolerance=d.get("tolerance", 0) or 0,
        min=d.get("min"),
        max=d.get("max"),
        weight=d.get("weight", 100),
        feedback=d.get("feedback", ""),
    )


def choice_to_dict(c: Choice) -> dict[str, Any]:
    return {"text": c.text, "weight": json_number(c.weight), "feedback": c.feedback}


def choice_from_dict(d: dict[str, Any]) -> Choice:
    return Choice(d["text"], d.get("weight", 0), d.get("feedback", ""))
