"""The one question model that both quiz formats parse into (FORMATS.md, "The question model").

Frozen dataclasses, with `quiz_to_dict` / `quiz_from_dict` for the JSON form. Text fields hold
Markdown. Weights are percentages (negative weights are allowed in `multiple`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

QUESTION_TYPES = (
    "single",
    "multiple",
    "true_false",
    "short",
    "numeric",
    "matching",
    "essay",
    "description",
)
GRADING_METHODS = ("highest", "average", "first", "last")
REVIEW_TIMES = ("immediately", "after_last_attempt", "after_close", "never")
DEFAULT_PASS_MARK = 70


@dataclass(frozen=True)
class Choice:
    """An option of a single- or multiple-choice question."""

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
    type: str
    stem: str
    title: str = ""
    feedback: str = ""  # general feedback, shown in review
    choices: tuple[Choice, ...] = ()  # single, multiple
    answers: tuple[Answer, ...] = ()  # short, numeric
    pairs: tuple[Pair, ...] = ()  # matching
    answer: bool | None = None  # true_false
    feedback_if_true: str = ""  # true_false: shown to a student who picked True
    feedback_if_false: str = ""
    category: str = ""  # GIFT $CATEGORY, kept for export
    points: float = 1  # the question's mark within the quiz

    @property
    def graded(self) -> bool:
        return self.type != "description"


@dataclass(frozen=True)
class Review:
    """When a student sees each part of their submitted attempt."""

    score: str = "immediately"
    answers: str = "immediately"  # which answers were right
    feedback: str = "immediately"


@dataclass(frozen=True)
class Quiz:
    slug: str
    title: str
    questions: tuple[Question, ...]
    pass_mark: float = DEFAULT_PASS_MARK
    time_limit: float | None = None  # minutes
    max_attempts: int | None = None
    shuffle: bool = False
    grading: str = "highest"
    draw: int | None = None  # draw this many questions at random per attempt
    closes: str | None = None  # ISO date-time after which no attempt starts
    review: Review = field(default_factory=Review)
    summary: str = ""


# --- JSON ---------------------------------------------------------------------------------


def _drop_defaults(d: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in defaults or defaults[k] != v}


def _number(value: float) -> int | float:
    """5.0 -> 5, so the JSON reads as an author wrote it."""
    return int(value) if float(value).is_integer() else value


def answer_to_dict(a: Answer) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if a.text is not None:
        out["text"] = a.text
    if a.value is not None:
        out["value"] = _number(a.value)
        out["tolerance"] = _number(a.tolerance)
    if a.min is not None or a.max is not None:
        out["min"] = _number(a.min) if a.min is not None else None
        out["max"] = _number(a.max) if a.max is not None else None
    out["weight"] = _number(a.weight)
    out["feedback"] = a.feedback
    return out


def question_to_dict(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {"id": q.id, "type": q.type, "title": q.title, "stem": q.stem}
    if q.type in ("single", "multiple"):
        out["choices"] = [
            {"text": c.text, "weight": _number(c.weight), "feedback": c.feedback} for c in q.choices
        ]
    elif q.type == "true_false":
        out["answer"] = q.answer
        out["feedback_if_true"] = q.feedback_if_true
        out["feedback_if_false"] = q.feedback_if_false
    elif q.type in ("short", "numeric"):
        out["answers"] = [answer_to_dict(a) for a in q.answers]
    elif q.type == "matching":
        out["pairs"] = [{"left": p.left, "right": p.right} for p in q.pairs]
    if q.type != "description":
        out["feedback"] = q.feedback
    if q.category:
        out["category"] = q.category
    if q.points != 1:
        out["points"] = _number(q.points)
    return out


def quiz_to_dict(quiz: Quiz) -> dict[str, Any]:
    out: dict[str, Any] = {
        "slug": quiz.slug,
        "title": quiz.title,
        "pass_mark": _number(quiz.pass_mark),
        "time_limit": _number(quiz.time_limit) if quiz.time_limit is not None else None,
        "max_attempts": quiz.max_attempts,
        "shuffle": quiz.shuffle,
    }
    extra = {
        "summary": quiz.summary,
        "grading": quiz.grading,
        "draw": quiz.draw,
        "closes": quiz.closes,
        "review": {
            "score": quiz.review.score,
            "answers": quiz.review.answers,
            "feedback": quiz.review.feedback,
        },
    }
    out.update(
        _drop_defaults(
            extra,
            {
                "summary": "",
                "grading": "highest",
                "draw": None,
                "closes": None,
                "review": {
                    "score": "immediately",
                    "answers": "immediately",
                    "feedback": "immediately",
                },
            },
        )
    )
    out["questions"] = [question_to_dict(q) for q in quiz.questions]
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


def question_from_dict(d: dict[str, Any]) -> Question:
    return Question(
        id=d["id"],
        type=d["type"],
        stem=d.get("stem", ""),
        title=d.get("title", ""),
        feedback=d.get("feedback", ""),
        choices=tuple(
            Choice(c["text"], c.get("weight", 0), c.get("feedback", ""))
            for c in d.get("choices", [])
        ),
        answers=tuple(answer_from_dict(a) for a in d.get("answers", [])),
        pairs=tuple(Pair(p["left"], p["right"]) for p in d.get("pairs", [])),
        answer=d.get("answer"),
        feedback_if_true=d.get("feedback_if_true", ""),
        feedback_if_false=d.get("feedback_if_false", ""),
        category=d.get("category", ""),
        points=d.get("points", 1),
    )


def quiz_from_dict(d: dict[str, Any]) -> Quiz:
    review = d.get("review") or {}
    return Quiz(
        slug=d["slug"],
        title=d["title"],
        questions=tuple(question_from_dict(q) for q in d.get("questions", [])),
        pass_mark=d.get("pass_mark", DEFAULT_PASS_MARK),
        time_limit=d.get("time_limit"),
        max_attempts=d.get("max_attempts"),
        shuffle=d.get("shuffle", False),
        grading=d.get("grading", "highest"),
        draw=d.get("draw"),
        closes=d.get("closes"),
        review=Review(
            score=review.get("score", "immediately"),
            answers=review.get("answers", "immediately"),
            feedback=review.get("feedback", "immediately"),
        ),
        summary=d.get("summary", ""),
    )
