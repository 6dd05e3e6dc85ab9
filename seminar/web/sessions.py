"""Seminar sessions: the cohort's schedule, scheduling, a session's page (check-in controls,
roster, corrections, live quizzes) and the CE attendance downloads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from seminar.db import db, now_utc
from seminar.models import Attendance, Cohort, SeminarSession
from seminar.queries import sessions as session_queries
from seminar.queries.attendance import CeRow, ce_rows
from seminar.queries.cohorts import instructors
from seminar.queries.quiz_results import available_quizzes
from seminar.queries.standing import live_lesson_slugs
from seminar.services import sessions as session_service
from seminar.web.access import (
    cohort_for_member,
    cohort_for_staff,
    session_for_staff,
    staff_required,
    teaches,
)
from seminar.web.csv_export import csv_response
from seminar.web.filters import absolute_url, from_local, to_local
from seminar.web.forms import (
    CorrectionForm,
    OpenCheckinForm,
    SessionForm,
    errors_on,
    live_quiz_form,
)

bp = Blueprint("sessions", __name__)


@bp.get("/cohorts/<slug>/sessions")
@login_required
def schedule(slug: str) -> str:
    cohort = cohort_for_member(slug)
    sessions = session_queries.sessions_of(cohort)
    staff = teaches(cohort, current_user)
    if staff:
        feed = absolute_url("calendar.cohort_calendar", token=cohort.calendar_token)
    else:
        feed = absolute_url("calendar.personal_calendar", token=current_user.calendar_token)
    return render_template(
        "sessions/schedule.html",
        teachers=session_queries.instructor_names(sessions),
        cohort=cohort,
        sessions=sessions,
        mine=session_queries.attendances_of(current_user, sessions),
        staff=staff,
        feed=feed,
    )


def _session_form(cohort: Cohort) -> SessionForm:
    form = SessionForm()
    form.lessons.choices = [SelectChoice(slug, slug) for _, slug in live_lesson_slugs()]
    form.instructors.choices = [SelectChoice(u.id, u.name) for u in instructors(cohort)]
    return form


@bp.route("/cohorts/<slug>/sessions/new", methods=["GET", "POST"])
@staff_required
def create(slug: str) -> str | WerkzeugResponse:
    cohort = cohort_for_staff(slug)
    form = _session_form(cohort)
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            session = session_service.create_session(
                cohort,
                title=form.title.data or "",
                starts_at=from_local(form.starts_at.data),
                ends_at=from_local(form.ends_at.data),
                location=form.location.data or "",
                ce_hours=float(form.ce_hours.data or 0),
                lessons=list(form.lessons.data or []),
                instructor_ids=list(form.instructors.data or []),
            )
        if not outcome.failed:
            flash(f"Session {session.title} scheduled.", "success")
            return redirect(url_for("sessions.show", session_id=session.id))
    return render_template("sessions/form.html", cohort=cohort, form=form)


def _correction_form(attendance: Attendance) -> CorrectionForm:
    return CorrectionForm(
        prefix=f"c{attendance.id}",
        formdata=None,
        data={
            "checked_in_at": to_local(attendance.checked_in_at),
            "checked_out_at": to_local(attendance.checked_out_at)
            if attendance.checked_out_at
            else None,
        },
    )


def _show_page(session: SeminarSession, refused: dict[int, CorrectionForm] | None = None) -> str:
    """The session's page; a refused correction shows as it was typed, with its errors."""
    roster = session_queries.roster(session)
    forms = {a.id: _correction_form(a) for a, _ in roster} | (refused or {})
    return render_template(
        "sessions/show.html",
        teachers=session_queries.instructor_names([session]),
        session=session,
        roster=roster,
        history=session_queries.corrections([a.id for a, _ in roster]),
        forms=forms,
        lives=session_queries.live_quizzes(session),
        live_form=live_quiz_form([(q.slug, q.current.title) for q in available_quizzes()]),
        open_form=OpenCheckinForm(formdata=None),
    )


@bp.get("/sessions/<int:session_id>")
@staff_required
def show(session_id: int) -> str:
    return _show_page(session_for_staff(session_id))


@bp.get("/sessions/<int:session_id>/close")
@staff_required
def confirm_close(session_id: int) -> str:
    """Closing checks everyone out: the page says so, and asks before it happens."""
    session = session_for_staff(session_id)
    return render_template(
        "sessions/close.html",
        session=session,
        present=session_queries.present_count(session),
        now=now_utc(),
    )


CONTROLS = ("open-checkin", "close-checkin", "close", "reopen-checkin")


@bp.post("/sessions/<int:session_id>/<action>")
@staff_required
def control(session_id: int, action: str) -> WerkzeugResponse:
    session = session_for_staff(session_id)
    if action not in CONTROLS:
        abort(404)
    form = OpenCheckinForm()
    if not form.validate_on_submit():
        abort(400)
    if action == "close" and request.form.get("confirm") != "yes":
        return redirect(url_for("sessions.confirm_close", session_id=session.id))
    with errors_on() as outcome:
        if action == "open-checkin":
            session_service.open_checkin(session, rotate=form.seconds)
        elif action == "close-checkin":
            session_service.close_checkin(session)
        elif action == "reopen-checkin":
            back = session_service.reopen_checkin(session, rotate=form.seconds)
        else:
            count = session_service.close_session(session)
    if outcome.failed:
        return redirect(url_for("sessions.show", session_id=session.id))
    if action == "reopen-checkin":
        flash(f"Check-in is open again; {back} student(s) checked out by the close are back.")
    if action in ("open-checkin", "reopen-checkin"):
        return redirect(url_for("checkin.projector", session_id=session.id))
    if action == "close-checkin":
        flash("Check-in is closed.", "success")
    else:
        flash(f"Session closed; {count} student(s) checked out.", "success")
    return redirect(url_for("sessions.show", session_id=session.id))


@bp.post("/sessions/<int:session_id>/attendance/<int:attendance_id>")
@staff_required
def correct(session_id: int, attendance_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    session = session_for_staff(session_id)
    attendance = db.session.get(Attendance, attendance_id)
    if attendance is None or attendance.session_id != session.id:
        abort(404)
    form = CorrectionForm(prefix=f"c{attendance.id}")
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            session_service.correct_attendance(
                attendance,
                checked_in_at=from_local(form.checked_in_at.data),
                checked_out_at=from_local(form.checked_out_at.data)
                if form.checked_out_at.data
                else None,
                reason=form.reason.data or "",
                by=current_user,
            )
        if not outcome.failed:
            flash("Attendance corrected; the change and its reason are kept.", "success")
            return redirect(url_for("sessions.show", session_id=session.id))
    return _show_page(session, {attendance.id: form}), 400


CE_HEADER = ["name", "email", "licence number", "licence state", "course", "session", "date",
             "checked in", "checked out", "hours credited", "verified by", "corrected",
             "instructors"]  # fmt: skip


def _ce_csv(filename: str, sessions: list[SeminarSession], course: str) -> Response:
    def clock(value: object) -> str:
        return to_local(value).strftime("%H:%M") if value else ""  # type: ignore[arg-type]

    def row(r: CeRow) -> list[object]:
        return [
            r.user.name, r.user.email, r.user.licence_number or "", r.user.licence_state or "",
            course, r.session.title, to_local(r.session.starts_at).date().isoformat(),
            clock(r.checked_in_at), clock(r.checked_out_at), f"{r.hours:g}", r.method,
            "yes" if r.corrected else "no", r.instructors,
        ]  # fmt: skip

    return csv_response(filename, CE_HEADER, (row(r) for r in ce_rows(sessions)))


@bp.get("/sessions/<int:session_id>/roster.csv")
@staff_required
def roster_csv(session_id: int) -> Response:
    session = session_for_staff(session_id)
    title = session.cohort.program_version.title
    return _ce_csv(f"session-{session.id}-roster.csv", [session], title)


@bp.get("/cohorts/<slug>/attendance.csv")
@staff_required
def attendance_csv(slug: str) -> Response:
    cohort = cohort_for_staff(slug)
    sessions = session_queries.sessions_of(cohort)
    return _ce_csv(f"{cohort.slug}-attendance.csv", sessions, cohort.program_version.title)
