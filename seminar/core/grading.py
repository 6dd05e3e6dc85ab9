"""Pure grading: a registry of question types, each with a side-effect-free compare.

A response is the JSON a student's answer is stored as, always in terms of the question's
own indices (never the shuffled display order):

- single:     {"choice": i}
- multiple:   {"choices": [i, ...]}
- true_false: {"value": true|false}
- short:      {"text": "..."}
- numeric:    {"value": "2.5"}   (text, as typed)
- matching:   {"matches": [j, ...]}  right-hand pair index chosen for each left item, or null
- essay:      {"text": "..."}
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from seminar.core.content.quiz_model import Answer, Question

Response = dict[str, Any] | None


@dataclass(frozen=True)
class Grade:
    """fraction is 0..1 of the question's points; None means a person must grade it."""

    fraction: float | None
    feedback: tuple[str, ...] = field(default_factory=tuple)  # feedback texts for this answer

    @property
    def pending(self) -> bool:
        return self.fraction is None


Grader = Callable[[Question, Response], Grade]
GRADERS: dict[str, Grader] = {}


def grader(kind: str) -> Callable[[Grader], Grader]:
    def register(fn: Grader) -> Grader:
        GRADERS[kind] = fn
        return fn

    return register


def grade(question: Question, response: Response) -> Grade:
    if question.type not in GRADERS:
        raise ValueError(f"no grader for question type {question.type!r}")
    return GRADERS[question.type](question, response)


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _index(value: Any, size: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value < size else None


@grader("single")
def _single(q: Question, response: Response) -> Grade:
    i = _index((response or {}).get("choice"), len(q.choices))
    if i is None:
        return Grade(0.0)
    choice = q.choices[i]
    return Grade(_clamp(choice.weight / 100), (choice.feedback,) if choice.feedback else ())


@grader("multiple")
def _multiple(q: Question, response: Response) -> Grade:
    raw = (response or {}).get("choices") or []
    picked = sorted({i for i in (_index(v, len(q.choices)) for v in raw) if i is not None})
    total = sum(q.choices[i].weight for i in picked) / 100
    feedback = tuple(q.choices[i].feedback for i in picked if q.choices[i].feedback)
    return Grade(_clamp(total), feedback)  # wrong picks cost, but never below zero


@grader("true_false")
def _true_false(q: Question, response: Response) -> Grade:
    value = (response or {}).get("value")
    if not isinstance(value, bool):
        return Grade(0.0)
    feedback = q.feedback_if_true if value else q.feedback_if_false
    return Grade(1.0 if value == q.answer else 0.0, (feedback,) if feedback else ())


def normalise_text(text: str) -> str:
    """Case-, width- and space-insensitive form of a short answer."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split())


def _short_matches(accepted: str, given: str) -> bool:
    pattern = normalise_text(accepted)
    if "*" in pattern:  # Moodle's wildcard in short answers
        regex = ".*".join(re.escape(part) for part in pattern.split("*"))
        return re.fullmatch(regex, given) is not None
    return pattern == given


@grader("short")
def _short(q: Question, response: Response) -> Grade:
    given = normalise_text(str((response or {}).get("text") or ""))
    if not given:
        return Grade(0.0)
    best: Answer | None = None
    for answer in q.answers:
        matched = answer.text is not None and _short_matches(answer.text, given)
        if matched and (best is None or answer.weight > best.weight):
            best = answer
    if best is None:
        return Grade(0.0)
    return Grade(_clamp(best.weight / 100), (best.feedback,) if best.feedback else ())


def parse_number(text: Any) -> float | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text) if math.isfinite(text) else None
    cleaned = str(text or "").strip().replace(" ", "").replace("\u2212", "-")
    if re.fullmatch(r"[-+]?\d+,\d+", cleaned):  # a decimal comma, as many countries write it
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def numeric_matches(answer: Answer, value: float) -> bool:
    if answer.value is not None:
        # A relative epsilon keeps 0.1 + 0.2 style float noise from failing a right answer.
        slack = answer.tolerance + 1e-9 * max(1.0, abs(answer.value))
        return abs(value - answer.value) <= slack
    if answer.min is not None and answer.max is not None:
        return answer.min <= value <= answer.max
    return answer.text == "*"


@grader("numeric")
def _numeric(q: Question, response: Response) -> Grade:
    value = parse_number((response or {}).get("value"))
    if value is None:
        return Grade(0.0)
    matches = [a for a in q.answers if a.text != "*" and numeric_matches(a, value)]
    if not matches:
        catch_all = [a.feedback for a in q.answers if a.text == "*" and a.feedback]
        return Grade(0.0, tuple(catch_all[:1]))
    best = max(matches, key=lambda a: a.weight)
    return Grade(_clamp(best.weight / 100), (best.feedback,) if best.feedback else ())


@grader("matching")
def _matching(q: Question, response: Response) -> Grade:
    chosen = (response or {}).get("matches") or []
    if not q.pairs:
        return Grade(0.0)
    right = 0
    for i, pair in enumerate(q.pairs):
        j = _index(chosen[i], len(q.pairs)) if i < len(chosen) else None
        # Two pairs may share a right-hand text: credit the text, not the index.
        if j is not None and q.pairs[j].right == pair.right:
            right += 1
    return Grade(right / len(q.pairs))  # credit per pair


@grader("essay")
def _essay(q: Question, response: Response) -> Grade:
    text = str((response or {}).get("text") or "").strip()
    return Grade(None if text else 0.0)  # an empty essay needs no reader


@grader("description")
def _description(q: Question, response: Response) -> Grade:
    return Grade(0.0)


def correct_response(q: Question) -> Response:
    """The best response, for showing the right answer in review."""
    if q.type == "single":
        best = max(range(len(q.choices)), key=lambda i: q.choices[i].weight, default=None)
        return {"choice": best}
    if q.type == "multiple":
        return {"choices": [i for i, c in enumerate(q.choices) if c.weight > 0]}
    if q.type == "true_false":
        return {"value": q.answer}
    if q.type == "short":
        best_text = max((a for a in q.answers if a.text), key=lambda a: a.weight, default=None)
        return {"text": best_text.text if best_text else ""}
    if q.type == "numeric":
        ranked = sorted((a for a in q.answers if a.text != "*"), key=lambda a: -a.weight)
        if not ranked:
            return {"value": ""}
        a = ranked[0]
        if a.value is not None:
            shown = f"{a.value:g}" + (f" ± {a.tolerance:g}" if a.tolerance else "")
        else:
            shown = f"{a.min:g} to {a.max:g}"
        return {"value": shown}
    if q.type == "matching":
        return {"matches": list(range(len(q.pairs)))}
    return None


def aggregate(scores: list[float], method: str) -> float | None:
    """A student's quiz result from their graded attempt scores, oldest first."""
    if not scores:
        return None
    if method == "highest":
        return max(scores)
    if method == "average":
        return sum(scores) / len(scores)
    if method == "first":
        return scores[0]
    if method == "last":
        return scores[-1]
    raise ValueError(f"unknown grading method {method!r}")


def discrimination(
    n: int, sx: float, sy: float, sxx: float, syy: float, sxy: float
) -> float | None:
    """Pearson correlation of question score and rest-of-attempt score, from running sums."""
    if n < 2:
        return None
    var_x = n * sxx - sx * sx
    var_y = n * syy - sy * sy
    if var_x <= 1e-12 or var_y <= 1e-12:
        return None  # everyone scored the same: the question cannot discriminate
    return (n * sxy - sx * sy) / math.sqrt(var_x * var_y)
