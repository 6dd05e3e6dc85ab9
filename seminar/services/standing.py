"""Keep each student's precomputed standing (StudentProgress) in step with their facts.

Services that change a fact (a completion, a graded attempt, a sign-off, an enrolment, new
content) call refresh; the dashboard then reads one row per student.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from seminar.db import db, now_utc
from seminar.models import Cohort, CohortMember, MemberRole, StudentProgress
from seminar.queries.standing import cohort_statuses


def refresh(cohort: Cohort, user_ids: Iterable[int] | None = None) -> int:
    """Recompute the standing of the cohort's students (or the given ones); commits."""
    ids = None if user_ids is None else list(user_ids)
    try:
        return _replace(cohort, ids)
    except IntegrityError:
        # Another request refreshed the same rows between our delete and insert: theirs
        # are as fresh as ours would be, but try once more so this request's facts count.
        db.session.rollback()
        return _replace(cohort, ids)


def _replace(cohort: Cohort, ids: list[int] | None) -> int:
    statuses = cohort_statuses(cohort, ids)
    stale = delete(StudentProgress).where(StudentProgress.cohort_id == cohort.id)
    if ids is not None:
        stale = stale.where(StudentProgress.user_id.in_(ids))
    db.session.execute(stale)
    now = now_utc()
    db.session.add_all(
        StudentProgress(
            cohort_id=cohort.id,
            user_id=s.user_id,
            name=s.name,
            email=s.email,
            percent=s.eligibility.percent,
            eligible=s.eligibility.eligible,
            joined_at=s.joined_at,
            last_activity=s.last_activity,
            reading_seconds=s.reading_seconds,
            live_answers=s.live_answers,
            requirements=[
                dataclasses.asdict(r) | {"state": r.state.value} for r in s.eligibility.requirements
            ],
            updated_at=now,
        )
        for s in statuses
    )
    db.session.commit()
    return len(statuses)


def refresh_student(user_id: int) -> None:
    """After a student's own fact changed: every cohort they study in."""
    for cohort in db.session.scalars(
        select(Cohort)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id, CohortMember.role == MemberRole.STUDENT)
    ).all():
        refresh(cohort, [user_id])


def refresh_all() -> None:
    """After content changed (lessons, quizzes or programs): every cohort."""
    for cohort in db.session.scalars(select(Cohort)).all():
        refresh(cohort)


def touch(user_id: int, reading_seconds: int = 0) -> None:
    """Reading counts as activity: a cheap update, no recomputation."""
    db.session.execute(
        update(StudentProgress)
        .where(StudentProgress.user_id == user_id)
        .values(
            last_activity=now_utc(),
            reading_seconds=StudentProgress.reading_seconds + reading_seconds,
        )
    )
    db.session.commit()
