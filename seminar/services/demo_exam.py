"""The demo's practical exam: a slot of the demo cohort with two examiners (the demo instructor
and examiner), booked by the demo student, so the exam pages have something real to show."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from seminar.db import db, now_utc
from seminar.models import Cohort, ExamSlot
from seminar.queries.standing import program_of
from seminar.services.accounts import find_user
from seminar.services.exam_slots import book, create_slot

EXAMINERS = ("instructor@demo.seminar", "examiner@demo.seminar")


def ensure_demo_exam(cohort: Cohort) -> ExamSlot | None:
    """A booked slot of the cohort's practical exam, once; None when the program has none or
    the demo people are missing."""
    existing = db.session.scalar(select(ExamSlot).where(ExamSlot.cohort_id == cohort.id))
    first, second = (find_user(email) for email in EXAMINERS)
    if existing is not None or program_of(cohort).exam is None or not (first and second):
        return existing
    now = now_utc().replace(second=0, microsecond=0)
    starts = (now + timedelta(days=14)).replace(hour=9, minute=0)
    slot = create_slot(
        cohort,
        starts_at=starts,
        place="Demo clinic, treatment table 3",
        capacity=4,
        opens_at=now - timedelta(days=1),
        deadline=starts - timedelta(days=3),
        cancel_until=starts - timedelta(days=3),
        no_contact_from=(starts - timedelta(days=7)).date(),
        first_examiner=first.id,
        second_examiner=second.id,
    )
    student = find_user("student@demo.seminar")
    if student is not None:
        book(slot, student)
    return slot
