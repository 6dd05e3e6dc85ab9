"""Pure quiz-level grading: a student's result from several attempts, and how well a question
discriminates. Each question type grades its own responses (`seminar.core.questions`).
"""

from __future__ import annotations

import math


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
