"""Exam slots: staff open a sitting of their cohort's practical exam (time, place, seats, the
booking window, the cancellation cut-off, the no-contact date, its examiners); candidates book
and cancel a seat. The seats are settled by the database: a booking takes one with a
conditional UPDATE (`booked < capacity`), so two candidates racing for the last seat never
both get it, and a candidate holds one booking per cohort by a unique key."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update

from seminar.core.errors import SeminarError
from seminar.db import db, insert_ignore, now_utc, update_if
from seminar.models import Cohort, ExamBooking, ExamSlot, User
from seminar.queries import exams as exam_queries
from seminar.queries.cohorts import instructors
from seminar.queries.standing import program_of
from seminar.services import audit, standing

MAX_CAPACITY = 200


def create_slot(
    cohort: Cohort,
    *,
    starts_at: datetime,
    place: str,
    capacity: int,
    opens_at: datetime,
    deadline: datetime,
    cancel_until: datetime,
    no_contact_from: date,
    first_examiner: int,
    second_examiner: int | None,
    by: User | None = None,
) -> ExamSlot:
    """A new sitting of the cohort's practical exam, its rubric frozen as the program has it."""
    exam = program_of(cohort).exam
    if exam is None:
        raise SeminarError("This cohort's program has no practical exam.")
    now = now_utc()
    if starts_at <= now:
        raise SeminarError("The exam must start in the future.", field="starts_at")
    if not place.strip():
        raise SeminarError("Say where the exam takes place.", field="place")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise SeminarError(f"Seats: 1 to {MAX_CAPACITY}.", field="capacity")
    if deadline <= opens_at:
        raise SeminarError("The application deadline comes after booking opens.", field="deadline")
    if deadline > starts_at:
        raise SeminarError("The application deadline is before the exam.", field="deadline")
    if cancel_until > starts_at:
        raise SeminarError("Cancelling must end before the exam starts.", field="cancel_until")
    if no_contact_from > starts_at.date():
        raise SeminarError(
            "The no-contact date is on or before the exam's day.", field="no_contact_from"
        )
    staff = {u.id for u in instructors(cohort)}
    if first_examiner not in staff:
        raise SeminarError("Pick an examiner from the cohort's staff.", field="first_examiner")
    if exam.examiners == 2:
        if second_examiner not in staff:
            raise SeminarError(
                "This exam has two examiners: pick a second from the cohort's staff.",
                field="second_examiner",
            )
        if second_examiner == first_examiner:
            raise SeminarError(
                "The two examiners must be different people.", field="second_examiner"
            )
    else:
        second_examiner = None
    slot = ExamSlot(
        cohort_id=cohort.id,
        exam=exam.to_dict(),
        starts_at=starts_at,
        place=place.strip()[:300],
        capacity=capacity,
        opens_at=opens_at,
        deadline=deadline,
        cancel_until=cancel_until,
        no_contact_from=no_contact_from,
        first_examiner_id=first_examiner,
        second_examiner_id=second_examiner,
        created_by_id=by.id if by is not None else None,
    )
    db.session.add(slot)
    db.session.flush()
    audit.log(
        "exam.slot",
        target_type="exam_slot",
        target_id=slot.id,
        target_label=f"{exam.title}, {cohort.title}",
        after={"starts_at": starts_at, "place": slot.place, "capacity": capacity},
        actor=by,
    )
    return slot


def active_key(cohort_id: int, user_id: int) -> str:
    return f"exam:cohort:{cohort_id}:user:{user_id}"


def book(slot: ExamSlot, student: User, *, now: datetime | None = None) -> ExamBooking:
    """A seat for the candidate, or a SeminarError saying why not."""
    now = now or now_utc()
    if now < slot.opens_at:
        raise SeminarError("Booking for this exam has not opened yet.")
    if now > slot.deadline:
        raise SeminarError("The application deadline for this exam has passed.")
    key = active_key(slot.cohort_id, student.id)
    values = {"slot_id": slot.id, "cohort_id": slot.cohort_id, "user_id": student.id}
    if not insert_ignore(ExamBooking, {**values, "active_key": key}, keys=("active_key",)):
        raise SeminarError("You already hold a place for this exam (or have passed it).")
    # The seat: one conditional UPDATE, so the database lets only as many in as there are
    # seats, however the requests interleave. Refused, the boundary rolls the booking back.
    if not update_if(
        ExamSlot,
        ExamSlot.id == slot.id,
        ExamSlot.booked < ExamSlot.capacity,
        booked=ExamSlot.booked + 1,
    ):
        raise SeminarError("This exam slot is full: pick another one.")
    booking = db.session.query(ExamBooking).filter_by(active_key=key).one()
    audit.log(
        "exam.book",
        target_type="exam_booking",
        target_id=booking.id,
        target_label=f"{student.name}, exam of {slot.starts_at:%Y-%m-%d %H:%M} UTC",
        subject=student,
        actor=student,
    )
    standing.mark(slot.cohort_id, [student.id])
    return booking


def cancel(booking: ExamBooking, *, by: User, now: datetime | None = None) -> None:
    """Give the seat back, until the slot's cancellation cut-off and before any marks."""
    now = now or now_utc()
    slot = booking.slot
    if now > slot.cancel_until:
        raise SeminarError("The time to cancel this booking has passed.")
    if exam_queries.has_marks(booking.id):
        raise SeminarError("This exam has been marked: it can no longer be cancelled.")
    # Conditional, so a double click cancels (and frees a seat) once.
    if not update_if(
        ExamBooking,
        ExamBooking.id == booking.id,
        ExamBooking.cancelled_at.is_(None),
        cancelled_at=now,
        active_key=None,
    ):
        return
    update_if(ExamSlot, ExamSlot.id == slot.id, ExamSlot.booked > 0, booked=ExamSlot.booked - 1)
    audit.log(
        "exam.cancel",
        target_type="exam_booking",
        target_id=booking.id,
        target_label=f"{booking.user.name}, exam of {slot.starts_at:%Y-%m-%d %H:%M} UTC",
        subject=booking.user_id,
        actor=by,
    )
    standing.mark(slot.cohort_id, [booking.user_id])


def release_seats_of(user_id: int, now: datetime | None = None) -> None:
    """The seats a person holds in sittings still to come go back to the others (erasure
    deletes their bookings); a sitting already held keeps its count, as it happened."""
    held = select(ExamBooking.slot_id).where(
        ExamBooking.user_id == user_id, ExamBooking.cancelled_at.is_(None)
    )
    db.session.execute(
        update(ExamSlot)
        .where(ExamSlot.id.in_(held), ExamSlot.starts_at > (now or now_utc()), ExamSlot.booked > 0)
        .values(booked=ExamSlot.booked - 1)
    )
