"""Reads of instructors' announcements: a cohort's, and those on a student's pages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from seminar.db import db, now_utc
from seminar.models import Announcement, Cohort, CohortMember

SHOWN_FOR = timedelta(days=60)  # a notice stays on a student's pages this long


def of_cohort(cohort: Cohort, limit: int = 10) -> list[Announcement]:
    return list(
        db.session.scalars(
            select(Announcement)
            .where(Announcement.cohort_id == cohort.id)
            .order_by(Announcement.created_at.desc(), Announcement.id.desc())
            .limit(limit)
        )
    )


def for_student(user_id: int, limit: int = 5) -> list[Announcement]:
    """The recent announcements of the student's cohorts, newest first."""
    cohorts = select(CohortMember.cohort_id).where(CohortMember.user_id == user_id)
    return list(
        db.session.scalars(
            select(Announcement)
            .options(joinedload(Announcement.cohort))
            .where(
                Announcement.cohort_id.in_(cohorts),
                Announcement.created_at >= now_utc() - SHOWN_FOR,
            )
            .order_by(Announcement.created_at.desc(), Announcement.id.desc())
            .limit(limit)
        )
    )
