"""The question model every format parses into (FORMATS.md, "The question model").

Frozen dataclasses: the fields common to all types, and the type-specific parts each question
type reads and writes (see the type classes). Text fields hold Markdown unless the question
says otherwise: `format` is the stem's text format and every other text's, except those
`formats` names (Moodle's `[html]`, `[plain]`, `[moodle]` and `[markdown]` markers, and the
`format` of Moodle XML). Weights are percentages (negative weights are allowed in `multiple`).
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


# Text formats, as Moodle has them: Markdown (this platform's own), sanitised HTML, plain text
# shown literally, and Moodle's auto-format (HTML with line breaks kept).
MARKDOWN = "markdown"
TEXT_FORMATS = (MARKDOWN, "html", "plain", "moodle")


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
    tags: tuple[str, ...] = ()  # Moodle's tags, kept for export
    format: str = MARKDOWN  # the stem's text format, and every other text's unless `formats`
    # (text, format) of each non-empty text in another format than `format`, sorted by text:
    # "feedback", "feedback_if_true", "feedback_if_false", "choices.N", "choices.N.feedback",
    # "answers.N.feedback", "pairs.N" (the left side).
    formats: tuple[tuple[str, str], ...] = ()
    shuffle: bool = True  # False: choices keep their order even in a shuffled quiz
    penalty: float | None = None  # Moodle's penalty per wrong try; None: Moodle's default

    def format_of(self, text: str) -> str:
        """The format of one of the question's texts, named as in `formats`."""
        return next((f for name, f in self.formats if name == text), self.format)


def canonical_formats(
    question_format: str, formats: dict[str, str], texts: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    """`Question.formats` as the model keeps it: only non-empty texts, only where the format
    differs from the question's, sorted; `texts` gives each named text's content."""
    return tuple(
        sorted(
            (name, fmt)
            for name, fmt in formats.items()
            if fmt != question_format and texts.get(name, "")
        )
    )


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
