"""Seminar sessions: the cohort's schedule, scheduling, a session's page (check-in controls,
roster, corrections, live quizzes) and the CE attendance downloads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from seminar.core import ce
from seminar.core.rosters import GENERIC_HEADER, cebroker_row, generic_row
from seminar.db import db, now_utc
from seminar.models import Attendance, Cohort, SeminarSession
from seminar.queries import catalogue
from seminar.queries import sessions as session_queries
from seminar.queries.ce import approvals_of, own_approvals, provider
from seminar.queries.cohorts import instructors
from seminar.queries.quiz_results import available_quizzes
from seminar.queries.rosters import roster_lines
from seminar.queries.standing import program_of
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
from seminar.web.forms import EmptyForm, errors_on
from seminar.web.session_forms import (
    CorrectionForm,
    OpenCheckinForm,
    SessionCeForm,
    SessionForm,
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
        lesson_titles=catalogue.lesson_titles(),
        staff=staff,
        feed=feed,
    )


@bp.post("/cohorts/<slug>/sessions/feed")
@login_required
def replace_feed(slug: str) -> WerkzeugResponse:
    """A new address for the calendar feed this person sees: the cohort's for its staff, their
    own for a student."""
    cohort = cohort_for_member(slug)
    if EmptyForm().validate_on_submit():
        owner = cohort if teaches(cohort, current_user) else current_user
        session_service.replace_feed(owner)
        flash("The calendar feed has a new address; the old one no longer works.", "success")
    return redirect(url_for("sessions.schedule", slug=slug))


def _session_form(cohort: Cohort) -> SessionForm:
    form = SessionForm()
    form.lessons.choices = [
        SelectChoice(slug, title) for slug, title in catalogue.lesson_titles().items()
    ]
    form.instructors.choices = [SelectChoice(u.id, u.name) for u in instructors(cohort)]
    if not form.is_submitted():
        form.delivery.data = program_of(cohort).delivery.value
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
                delivery=form.delivery.data or None,
                approvals=form.approvals.data or "",
            )
        if not outcome.failed:
            flash(f"Session {session.title} scheduled.", "success")
            return redirect(url_for("sessions.show", session_id=session.id))
    return render_template(
        "sessions/form.html", cohort=cohort, form=form, modules=catalogue.lessons_by_module()
    )


@bp.route("/sessions/<int:session_id>/ce", methods=["GET", "POST"])
@staff_required
def ce_details(session_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    """How the session is delivered and the course approvals it holds (often known only
    after it was scheduled)."""
    session = session_for_staff(session_id)
    form = SessionCeForm(
        data={"delivery": session.delivery, "approvals": ce.approval_lines(own_approvals(session))}
    )
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            session_service.set_ce_details(
                session, delivery=form.delivery.data or "", approvals=form.approvals.data or ""
            )
        if not outcome.failed:
            flash("CE details saved; certificates issued from now on state them.", "success")
            return redirect(url_for("sessions.show", session_id=session.id))
    page = render_template(
        "sessions/ce.html", session=session, form=form, program=program_of(session.cohort)
    )
    return (page, 400) if form.is_submitted() else page


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
        approvals=approvals_of(session),
        delivery=ce.Delivery(session.delivery).label,
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


def _roster(filename: str, sessions: list[SeminarSession]) -> Response:
    """Every column a board asks for (rosters.GENERIC_HEADER), one line per attendance."""
    profile = provider()
    lines = roster_lines(sessions)
    return csv_response(filename, GENERIC_HEADER, (generic_row(x, profile) for x in lines))


@bp.get("/sessions/<int:session_id>/roster.csv")
@staff_required
def roster_csv(session_id: int) -> Response:
    session = session_for_staff(session_id)
    return _roster(f"session-{session.id}-roster.csv", [session])


@bp.get("/sessions/<int:session_id>/cebroker.csv")
@staff_required
def cebroker_csv(session_id: int) -> Response:
    """The licensees of boards on CE Broker, in its roster upload's columns (A to J, no
    header row); save it as .xls in Excel for the upload."""
    session = session_for_staff(session_id)
    profile = provider()
    rows = [cebroker_row(x, profile) for x in roster_lines([session])]
    return csv_response(f"session-{session.id}-cebroker.csv", None, filter(None, rows))


@bp.get("/cohorts/<slug>/attendance.csv")
@staff_required
def attendance_csv(slug: str) -> Response:
    cohort = cohort_for_staff(slug)
    return _roster(f"{cohort.slug}-attendance.csv", session_queries.sessions_of(cohort))
