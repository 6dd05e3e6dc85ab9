"""Question statistics kept as running sums, so a report never rescans every attempt.

Each fully graded attempt adds, for each of its questions, x (the question's fraction) and y
(the rest of the attempt's score, 0..1) to the question version's sums, and one to the count
of the option it chose. Re-grading removes the old contribution and adds the new one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select, update

from seminar.core.questions import graded_types, question_type
from seminar.db import db
from seminar.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    ChoiceStat,
    QuestionStat,
    QuestionVersion,
)

SUMS = ("n", "sum_x", "sum_y", "sum_xx", "sum_yy", "sum_xy")


def terms(fraction: float, points: float, total: float, maximum: float) -> tuple[float, ...]:
    """One answer's addition to the sums: (1, x, y, x*x, y*y, x*y)."""
    rest_max = maximum - points
    y = (total - fraction * points) / rest_max if rest_max > 0 else 0.0
    x = fraction
    return (1, x, y, x * x, y * y, x * y)


def record(attempt: Attempt, sign: int) -> None:
    """Add (+1) or remove (-1) a graded attempt's contribution, with atomic increments."""
    for aq in attempt.questions:
        if not aq.question.graded or aq.fraction is None:
            continue
        add = terms(aq.fraction, aq.points, attempt.points or 0, attempt.max_points or 0)
        db.session.execute(
            update(QuestionStat)
            .where(QuestionStat.question_version_id == aq.question_version_id)
            .values(
                {
                    name: getattr(QuestionStat, name) + sign * value
                    for name, value in zip(SUMS, add, strict=True)
                }
            )
        )
        db.session.execute(
            update(ChoiceStat)
            .where(
                ChoiceStat.question_version_id == aq.question_version_id,
                ChoiceStat.option.in_(aq.question.kind.options_chosen(aq.response, aq.fraction)),
            )
            .values(count=ChoiceStat.count + sign)
        )
    attempt.in_statistics = sign > 0


def _counted(quiz_id: int) -> tuple[Any, ...]:
    """The attempts statistics count: submitted and fully graded."""
    return (
        Attempt.quiz_id == quiz_id,
        Attempt.state == AttemptState.SUBMITTED,
        Attempt.needs_grading.is_(False),
    )


def rebuild(quiz_id: int) -> int:
    """Recompute a quiz's statistics from all its attempts in one pass (import or repair)."""
    rows = db.session.execute(
        select(
            AttemptQuestion.question_version_id,
            AttemptQuestion.fraction,
            AttemptQuestion.points,
            AttemptQuestion.response,
            QuestionVersion.type,
            Attempt.id,
            Attempt.points,
            Attempt.max_points,
        )
        .join(Attempt, AttemptQuestion.attempt_id == Attempt.id)
        .join(QuestionVersion, AttemptQuestion.question_version_id == QuestionVersion.id)
        .where(*_counted(quiz_id), QuestionVersion.type.in_(graded_types()))
    ).all()
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(SUMS))
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    attempts = set()
    for qv_id, fraction, points, response, kind, attempt_id, total, maximum in rows:
        attempts.add(attempt_id)
        for i, value in enumerate(terms(fraction or 0.0, points, total or 0, maximum or 0)):
            sums[qv_id][i] += value
        counts[qv_id].update(question_type(kind).options_chosen(response, fraction))

    version_ids = db.session.scalars(
        select(QuestionVersion.id).where(QuestionVersion.quiz_id == quiz_id)
    ).all()
    for qv_id in version_ids:
        values = sums.get(qv_id, [0.0] * len(SUMS))
        db.session.execute(
            update(QuestionStat)
            .where(QuestionStat.question_version_id == qv_id)
            .values(dict(zip(SUMS, values, strict=True)) | {"n": int(values[0])})
        )
        db.session.execute(
            update(ChoiceStat).where(ChoiceStat.question_version_id == qv_id).values(count=0)
        )
        for option, count in counts.get(qv_id, Counter()).items():
            db.session.execute(
                update(ChoiceStat)
                .where(ChoiceStat.question_version_id == qv_id, ChoiceStat.option == option)
                .values(count=count)
            )
    db.session.execute(update(Attempt).where(*_counted(quiz_id)).values(in_statistics=True))
    return len(attempts)
