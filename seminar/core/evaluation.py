"""The post-course evaluation: a short survey of statements rated on a five-point scale and two
free-text questions, as CE accreditors commonly ask of a course, and its summary for staff.
Pure. Answers are anonymous by design (kept with no name, time or order; see
models/evaluations.py); staff see only the summary, and only once enough people answered that
no one answer can be told apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from seminar.core.errors import SeminarError

SCALE = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")
MIN_SHOWN = 3  # fewer answers than this are not shown at all: they could be told apart
MAX_TEXT = 2000


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    kind: str  # "scale" (1 to 5, required) or "text" (optional)


QUESTIONS = (
    Question("objectives", "The course met its stated learning objectives.", "scale"),
    Question("relevance", "What I learned is relevant to my practice.", "scale"),
    Question("instruction", "The instructors knew the subject and taught it clearly.", "scale"),
    Question(
        "evidence", "The course was clear about what the evidence does and does not show.", "scale"
    ),
    Question("balance", "The course was free of commercial bias and product promotion.", "scale"),
    Question("setting", "The venue, materials and timing helped me learn.", "scale"),
    Question("change", "What will you do differently in practice after this course?", "text"),
    Question("comments", "Anything else the instructors should know?", "text"),
)


class EvaluationError(SeminarError):
    pass


def clean(form: Mapping[str, Any]) -> dict[str, int | str]:
    """The answers as kept: every statement rated 1 to 5, texts trimmed (empty left out)."""
    answers: dict[str, int | str] = {}
    for question in QUESTIONS:
        value = str(form.get(question.key) or "").strip()
        if question.kind == "scale":
            if value not in {"1", "2", "3", "4", "5"}:
                raise EvaluationError("Choose one answer for this statement.", field=question.key)
            answers[question.key] = int(value)
        elif value:
            if len(value) > MAX_TEXT:
                raise EvaluationError(f"Keep this under {MAX_TEXT} characters.", field=question.key)
            answers[question.key] = value
    return answers


@dataclass(frozen=True)
class ScaleSummary:
    question: Question
    counts: tuple[int, ...]  # how many chose each point of the scale, 1 to 5
    mean: float | None  # None when nobody answered

    @property
    def answered(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class TextSummary:
    question: Question
    answers: tuple[str, ...]  # in alphabetical order, so their order tells nothing


@dataclass(frozen=True)
class Summary:
    responses: int
    shown: bool  # enough responses to show anything
    scales: tuple[ScaleSummary, ...] = ()
    texts: tuple[TextSummary, ...] = ()


def summarise(responses: Iterable[Mapping[str, Any]]) -> Summary:
    responses = list(responses)
    if len(responses) < MIN_SHOWN:
        return Summary(responses=len(responses), shown=False)
    scales, texts = [], []
    for question in QUESTIONS:
        values = [r.get(question.key) for r in responses]
        if question.kind == "scale":
            points = [v for v in values if isinstance(v, int) and 1 <= v <= 5]
            counts = tuple(points.count(n) for n in range(1, 6))
            mean = round(sum(points) / len(points), 2) if points else None
            scales.append(ScaleSummary(question, counts, mean))
        else:
            written = sorted((str(v) for v in values if v), key=str.lower)
            texts.append(TextSummary(question, tuple(written)))
    return Summary(len(responses), True, tuple(scales), tuple(texts))
