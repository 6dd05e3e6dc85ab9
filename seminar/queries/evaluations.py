"""Course evaluations: who of a cohort has submitted one (it can gate CE certificates), whether
a student may, and the anonymous summary staff see."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from seminar.core import evaluation
from seminar.db import db
from seminar.models import (
    Attendance,
    Cohort,
    EvaluationResponse,
    EvaluationSubmission,
    SeminarSession,
)


def submitted(cohort: Cohort, user_ids: Iterable[int]) -> set[int]:
    """Which of these students have evaluated the cohort's course."""
    return set(
        db.session.scalars(
            select(EvaluationSubmission.user_id).where(
                EvaluationSubmission.cohort_id == cohort.id,
                EvaluationSubmission.user_id.in_(list(user_ids)),
            )
        )
    )


def has_attended(cohort: Cohort, user_id: int) -> bool:
    """A student evaluates a course they attended (some credited hours at one of its
    sessions)."""
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(Attendance)
            .join(SeminarSession, Attendance.session_id == SeminarSession.id)
            .where(
                SeminarSession.cohort_id == cohort.id,
                Attendance.user_id == user_id,
                Attendance.hours > 0,
            )
        )
    )


def summary(cohort: Cohort) -> evaluation.Summary:
    answers = db.session.scalars(
        select(EvaluationResponse.answers).where(EvaluationResponse.cohort_id == cohort.id)
    )
    return evaluation.summarise(answers)
