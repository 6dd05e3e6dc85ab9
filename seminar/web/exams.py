"""Practical exams: staff open slots and mark candidates on the rubric (two examiners, a third
when they disagree); candidates book and cancel a seat and see their result."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as WerkzeugResponse

from seminar.db import now_utc
from seminar.models import Cohort, ExamBooking
from seminar.queries import exams as exam_queries
from seminar.queries.cohorts import instructors
from seminar.queries.standing import program_of
from seminar.services import exam_slots, exams
from seminar.web.access import (
    cohort_for_member,
    cohort_for_staff,
    exam_booking_for_candidate,
    exam_booking_for_staff,
    exam_slot_for_candidate,
    exam_slot_for_staff,
    staff_required,
    studies_in,
)
from seminar.web.exam_forms import SlotForm, sheet_form, sheet_values, slot_form
from seminar.web.filters import from_local
from seminar.web.forms import errors_on

bp = Blueprint("exams", __name__)


def _slots_page(cohort: Cohort, form: SlotForm | None) -> str:
    return render_template(
        "exams/slots.html",
        cohort=cohort,
        exam=program_of(cohort).exam,
        rows=exam_queries.slots_of(cohort),
        form=form,
    )


@bp.get("/cohorts/<slug>/exams")
@staff_required
def slots(slug: str) -> str:
    cohort = cohort_for_staff(slug)
    exam = program_of(cohort).exam
    return _slots_page(cohort, slot_form(instructors(cohort), exam) if exam else None)


@bp.post("/cohorts/<slug>/exams")
@staff_required
def create_slot(slug: str) -> str | WerkzeugResponse | tuple[str, int]:
    cohort = cohort_for_staff(slug)
    exam = program_of(cohort).exam
    if exam is None:
        abort(404)
    form = slot_form(instructors(cohort), exam)
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            slot = exam_slots.create_slot(
                cohort,
                starts_at=from_local(form.starts_at.data),
                place=form.place.data or "",
                capacity=form.capacity.data or 0,
                opens_at=from_local(form.opens_at.data),
                deadline=from_local(form.deadline.data),
                cancel_until=from_local(form.cancel_until.data),
                no_contact_from=form.no_contact_from.data,
                first_examiner=form.first_examiner.data,
                second_examiner=form.second_examiner.data if "second_examiner" in form else None,
                by=current_user,
            )
        if not outcome.failed:
            flash("Exam slot opened.", "success")
            return redirect(url_for("exams.slot", slot_id=slot.id))
    return _slots_page(cohort, form), 400


@bp.get("/exams/slots/<int:slot_id>")
@staff_required
def slot(slot_id: int) -> str:
    slot = exam_slot_for_staff(slot_id)
    return render_template(
        "exams/slot.html",
        slot=slot,
        spec=exam_queries.spec_of(slot),
        bookings=exam_queries.bookings_of(slot),
        state_words=exam_queries.state_words,
        chip=exam_queries.chip,
    )


def _sheet_page(booking: ExamBooking, form: object) -> str:
    role = exam_queries.role_of(booking, current_user)
    submitted = any(m.examiner_id == current_user.id for m in booking.marks)
    return render_template(
        "exams/booking.html",
        booking=booking,
        slot=booking.slot,
        role=role,
        role_name=exam_queries.ROLE_NAMES.get(role or 0, ""),
        submitted=submitted,
        # Examiners mark independently: the sheets are shown once one's own is in.
        show_sheets=submitted or role is None,
        view=exam_queries.sheets(booking),
        state=exam_queries.state_words(booking),
        chip=exam_queries.chip(booking),
        form=form,
    )


@bp.get("/exams/bookings/<int:booking_id>")
@staff_required
def booking(booking_id: int) -> str:
    booking = exam_booking_for_staff(booking_id)
    return _sheet_page(booking, sheet_form(exam_queries.spec_of(booking.slot)))


@bp.post("/exams/bookings/<int:booking_id>/marks")
@staff_required
def mark(booking_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    booking = exam_booking_for_staff(booking_id)
    spec = exam_queries.spec_of(booking.slot)
    form = sheet_form(spec)
    if form.validate_on_submit():
        marks, comments = sheet_values(form, spec)
        with errors_on(form) as outcome:
            exams.mark(booking, current_user, marks=marks, comments=comments)
        if not outcome.failed:
            flash(f"Marks for {booking.user.name} submitted.", "success")
            return redirect(url_for("exams.booking", booking_id=booking.id))
    return _sheet_page(booking, form), 400


@bp.get("/cohorts/<slug>/exam")
@login_required
def candidate(slug: str) -> str | WerkzeugResponse:
    cohort = cohort_for_member(slug)
    if not studies_in(cohort.id, current_user):
        return redirect(url_for("exams.slots", slug=slug))
    booking = exam_queries.booking_of(cohort, current_user.id)
    final = booking is not None and booking.decided_at is not None
    return render_template(
        "exams/candidate.html",
        cohort=cohort,
        exam=program_of(cohort).exam,
        booking=booking,
        view=exam_queries.sheets(booking) if final else None,
        state=exam_queries.state_words(booking) if booking else "",
        chip=exam_queries.chip(booking) if booking else "",
        rows=exam_queries.bookable(cohort, now_utc()),
        now=now_utc(),
        may_cancel=booking is not None
        and booking.active_key is not None
        and not booking.marks
        and now_utc() <= booking.slot.cancel_until,
    )


@bp.post("/exams/slots/<int:slot_id>/book")
@login_required
def book(slot_id: int) -> WerkzeugResponse:
    slot = exam_slot_for_candidate(slot_id)
    with errors_on() as outcome:
        exam_slots.book(slot, current_user)
    if not outcome.failed:
        flash("You are booked for the practical exam.", "success")
    return redirect(url_for("exams.candidate", slug=slot.cohort.slug))


@bp.post("/exams/bookings/<int:booking_id>/cancel")
@login_required
def cancel(booking_id: int) -> WerkzeugResponse:
    booking = exam_booking_for_candidate(booking_id)
    with errors_on() as outcome:
        exam_slots.cancel(booking, by=current_user)
    if not outcome.failed:
        flash("Your booking is cancelled; the seat is free for someone else.", "success")
    return redirect(url_for("exams.candidate", slug=booking.slot.cohort.slug))
