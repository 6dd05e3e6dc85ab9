"""Practical exams: the slots staff open, the candidates' bookings (a seat each, settled by the
database) and each examiner's marks on a candidate's rubric."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar.db import db, now_utc


class ExamSlot(db.Model):
    """A sitting of a cohort's practical exam: when, where, how many seats, who examines."""

    __tablename__ = "exam_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    # The exam as the program defined it when the slot was opened (core.rubric.ExamSpec):
    # marks are given against this rubric even if the program changes later.
    exam: Mapped[dict[str, Any]] = mapped_column(JSON)
    starts_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300))
    capacity: Mapped[int]
    # Seats taken: moved only by conditional UPDATEs (services/exam_slots.py), so two
    # candidates racing for the last seat never both get it.
    booked: Mapped[int] = mapped_column(default=0, server_default="0")
    opens_at: Mapped[datetime]  # booking opens
    deadline: Mapped[datetime]  # the application deadline: booking closes
    cancel_until: Mapped[datetime]  # a candidate may cancel until then
    no_contact_from: Mapped[date]  # from this day candidates may not contact the examiners
    first_examiner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    second_examiner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    cohort: Mapped[Any] = relationship("Cohort")
    first_examiner: Mapped[Any] = relationship("User", foreign_keys=[first_examiner_id])
    second_examiner: Mapped[Any] = relationship("User", foreign_keys=[second_examiner_id])

    @property
    def examiners(self) -> list[Any]:
        return [u for u in (self.first_examiner, self.second_examiner) if u is not None]


class ExamBooking(db.Model):
    """A candidate's seat in a slot, and the exam's reconciled result once marked."""

    __tablename__ = "exam_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("exam_slots.id", ondelete="CASCADE"), index=True
    )
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # One booking at a time per candidate and cohort: set while it stands (booked, or passed),
    # cleared when it is cancelled or failed; the unique index refuses a second one.
    active_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    booked_at: Mapped[datetime] = mapped_column(default=now_utc)
    cancelled_at: Mapped[datetime | None]
    # core.rubric.Verdict, and the result once final (agreed, or decided by a third examiner).
    verdict: Mapped[str] = mapped_column(String(12), default="awaiting", server_default="awaiting")
    passed: Mapped[bool | None]
    percent: Mapped[float | None] = mapped_column(Float)
    decided_at: Mapped[datetime | None]

    slot: Mapped[ExamSlot] = relationship(ExamSlot)
    user: Mapped[Any] = relationship("User", foreign_keys=[user_id])
    marks: Mapped[list[ExamMark]] = relationship(
        "ExamMark", order_by="ExamMark.role", back_populates="booking"
    )


class ExamMark(db.Model):
    """One examiner's sheet for one candidate: a mark and a comment per rubric item. Role 1 and
    2 are the slot's examiners; role 3 is the third examiner of a flagged exam."""

    __tablename__ = "exam_marks"
    __table_args__ = (
        # Column order names them apart (uq_<table>_<first column>).
        UniqueConstraint("role", "booking_id"),
        UniqueConstraint("examiner_id", "booking_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("exam_bookings.id", ondelete="CASCADE"))
    examiner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[int]
    marks: Mapped[list[int]] = mapped_column(JSON)
    comments: Mapped[list[str]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(default=now_utc)

    booking: Mapped[ExamBooking] = relationship(ExamBooking, back_populates="marks")
    examiner: Mapped[Any] = relationship("User", foreign_keys=[examiner_id])
