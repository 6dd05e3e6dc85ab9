"""Marking a practical exam: each examiner submits one sheet (a mark and a comment per rubric
item), once; the booking's result is then reconciled from every sheet (core/rubric.py). The
booking's row is locked first, so two examiners submitting at the same moment are reconciled
one after the other and the second sees the first's sheet."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from seminar.core.errors import SeminarError
from seminar.core.rubric import MARK_LABELS, MAX_COMMENT_CHARS, ExamSpec, Verdict, reconcile
from seminar.db import db, insert_ignore, now_utc
from seminar.models import ExamBooking, ExamMark, User
from seminar.queries import exams as exam_queries
from seminar.services import audit, standing


def mark(
    booking: ExamBooking,
    examiner: User,
    *,
    marks: Sequence[int | None],
    comments: Sequence[str],
    now: datetime | None = None,
) -> ExamBooking:
    """Record the examiner's sheet and reconcile the exam; a SeminarError says why not."""
    now = now or now_utc()
    slot = booking.slot
    spec = ExamSpec.from_dict(slot.exam)
    assert spec is not None
    if booking.cancelled_at is not None:
        raise SeminarError("This booking was cancelled.")
    if now < slot.starts_at:
        raise SeminarError("Marks are given once the exam has begun.")
    # Lock the booking's row: concurrent sheets are reconciled one at a time.
    db.session.execute(select(ExamBooking.id).where(ExamBooking.id == booking.id).with_for_update())
    role = exam_queries.role_of(booking, examiner)
    if role is None:
        raise SeminarError("You are not an examiner of this candidate.")
    if len(marks) != len(spec.rubric) or any(m not in MARK_LABELS for m in marks):
        raise SeminarError("Mark every item of the rubric.", field="marks")
    if len(comments) != len(spec.rubric) or any(len(c) > MAX_COMMENT_CHARS for c in comments):
        raise SeminarError(
            f"Comments are at most {MAX_COMMENT_CHARS} characters each.", field="comments"
        )
    inserted = insert_ignore(
        ExamMark,
        {
            "booking_id": booking.id,
            "examiner_id": examiner.id,
            "role": role,
            "marks": [int(m) for m in marks if m is not None],
            "comments": [c.strip() for c in comments],
            "submitted_at": now,
        },
        keys=("booking_id", "role"),
    )
    if not inserted:
        raise SeminarError("These marks are already in; a sheet cannot be changed.")
    db.session.expire(booking, ["marks"])
    sheets = {m.role: m.marks for m in booking.marks}
    result = reconcile(spec, sheets.get(1), sheets.get(2), sheets.get(3))
    booking.verdict = result.verdict.value
    if result.final:
        booking.passed = result.passed
        booking.percent = float(result.percent) if result.percent is not None else None
        booking.decided_at = now
        if not result.passed:
            booking.active_key = None  # a failed candidate may book another sitting
    db.session.flush()
    audit.log(
        "exam.marks",
        target_type="exam_booking",
        target_id=booking.id,
        target_label=f"{booking.user.name}, {spec.title}",
        subject=booking.user_id,
        after={"role": role, "marks": list(marks), "verdict": result.verdict.value},
        actor=examiner,
    )
    if result.verdict is not Verdict.AWAITING:
        standing.mark(booking.cohort_id, [booking.user_id])
    return booking
