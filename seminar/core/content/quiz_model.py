"""The quiz model that every quiz format parses into (FORMATS.md, "The question model").

Frozen dataclasses, with `quiz_to_dict` / `quiz_from_dict` for the JSON form. The questions
are `seminar.core.questions.Question`s; each type writes and reads its own fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from seminar.core.questions import TYPES, question_type
from seminar.core.questions.model import MARKDOWN, Answer, Choice, Pair, Question, json_number

__all__ = [
    "DEFAULT_PASS_MARK",
    "GRADING_METHODS",
    "QUESTION_TYPES",
    "REVIEW_TIMES",
    "Answer",
    "Choice",
    "Pair",
    "Question",
    "Quiz",
    "Review",
    "question_from_dict",
    "question_to_dict",
    "quiz_from_dict",
    "quiz_to_dict",
]

QUESTION_TYPES = tuple(TYPES)
GRADING_METHODS = ("highest", "average", "first", "last")
REVIEW_TIMES = ("immediately", "after_last_attempt", "after_close", "never")
DEFAULT_PASS_MARK = 70


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


def question_to_dict(q: Question) -> dict[str, Any]:
    kind = question_type(q)
    out: dict[str, Any] = {"id": q.id, "type": q.type, "title": q.title, "stem": q.stem}
    out.update(kind.to_json(q))
    if kind.graded:
        out["feedback"] = q.feedback
    if q.category:
        out["category"] = q.category
    if q.points != 1:
        out["points"] = json_number(q.points)
    # Written only when set, so a question stored before these existed keeps its hash.
    if q.tags:
        out["tags"] = list(q.tags)
    if q.format != MARKDOWN:
        out["format"] = q.format
    if q.formats:
        out["formats"] = dict(q.formats)
    if not q.shuffle:
        out["shuffle"] = False
    if q.penalty is not None:
        out["penalty"] = json_number(q.penalty)
    return out


def quiz_to_dict(quiz: Quiz) -> dict[str, Any]:
    out: dict[str, Any] = {
        "slug": quiz.slug,
        "title": quiz.title,
        "pass_mark": json_number(quiz.pass_mark),
        "time_limit": json_number(quiz.time_limit) if quiz.time_limit is not None else None,
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


def question_from_dict(d: dict[str, Any]) -> Question:
    return Question(
        id=d["id"],
        type=d["type"],
        stem=d.get("stem", ""),
        title=d.get("title", ""),
        feedback=d.get("feedback", ""),
        category=d.get("category", ""),
        points=d.get("points", 1),
        tags=tuple(d.get("tags", ())),
        format=d.get("format", MARKDOWN),
        formats=tuple(sorted((d.get("formats") or {}).items())),
        shuffle=d.get("shuffle", True),
        penalty=d.get("penalty"),
        **question_type(d["type"]).from_json(d),
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
