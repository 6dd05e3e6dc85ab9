"""Pure quiz-level grading: a student's result from several attempts, and how well a question
discriminates. Each question type grades its own responses (`seminar.core.questions`).
"""

from __future__ import annotations

import math


def grade_text(percent: float, *, needed: bool = False) -> str:
    """A grade as every page writes it: at most one decimal place and no trailing ".0"
    (36.666 -> "36.6", 97.5 -> "97.5", 98.0 -> "98"). A student's grade is rounded down, so a
    failing 79.96 never reads as the 80 it needs; a mark `needed` to pass is rounded up, so
    the figure shown is always enough (66.666 -> "66.7"). The epsilon keeps 65.3 * 10 ==
    652.999... at 65.3."""
    if percent < 0:  # no grade is negative; a penalty shown alone reads with its sign
        return "-" + grade_text(-percent, needed=needed)
    tenths = math.ceil(percent * 10 - 1e-6) if needed else math.floor(percent * 10 + 1e-6)
    whole, tenth = divmod(tenths, 10)
    return f"{whole}" if tenth == 0 else f"{whole}.{tenth}"


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
