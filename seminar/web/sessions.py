"""Seminar sessions: the cohort's schedule, the projector's check-in, attendance and exports."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from seminar.core.errors import SeminarError
from seminar.core.ical import Event, calendar
from seminar.db import db, now_utc
from seminar.models import (
    Attendance,
    AttendanceChange,
    Cohort,
    CohortMember,
    LiveQuiz,
    Quiz,
    SeminarSession,
    User,
)
from seminar.queries.standing import live_lesson_slugs
from seminar.services import sessions as session_service
from seminar.services.cohorts import member_role
from seminar.web.access import staff_required
from seminar.web.cohorts import cohort_for_staff, teaches
from seminar.web.csv_export import csv_response
from seminar.web.forms import CheckinForm, CorrectionForm, EmptyForm, SessionForm

bp = Blueprint("sessions", __name__)


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def from_local(value: datetime) -> datetime:
    """A time typed in the seminar's time zone, as UTC."""
    return value.replace(tzinfo=zone()).astimezone(UTC)


def to_local(value: datetime) -> datetime:
    return value.astimezone(zone()).replace(tzinfo=None)


def session_for_staff(session_id: int) -> SeminarSession:
    session = db.session.execute(
        select(SeminarSession)
        .options(joinedload(SeminarSession.cohort))
        .where(SeminarSession.id == session_id)
    ).scalar_one_or_none()
    if session is None or not teaches(session.cohort, current_user):
        abort(404)
    return session


@bp.get("/cohorts/<slug>/sessions")
@login_required
def schedule(slug: str) -> str:
    cohort = db.session.execute(select(Cohort).where(Cohort.slug == slug)).scalar_one_or_none()
    if cohort is None or not (
        member_role(cohort.id, current_user.id) or teaches(cohort, current_user)
    ):
        abort(404)
    sessions = db.session.scalars(
        select(SeminarSession)
        .where(SeminarSession.cohort_id == cohort.id)
        .order_by(SeminarSession.starts_at)
    ).all()
    mine = {
        a.session_id: a
        for a in db.session.scalars(
            select(Attendance).where(
                Attendance.user_id == current_user.id,
                Attendance.session_id.in_([s.id for s in sessions]),
            )
        )
    }
    staff = teaches(cohort, current_user)
    base = current_app.config["BASE_URL"].rstrip("/")
    if staff:
        token = session_service.calendar_token(cohort)
        feed = base + url_for("sessions.cohort_calendar", token=token)
    else:
        token = session_service.calendar_token(current_user._get_current_object())
        feed = base + url_for("sessions.personal_calendar", token=token)
    return render_template(
        "sessions/schedule.html",
        teachers=session_service.instructor_names(list(sessions)),
        cohort=cohort,
        sessions=sessions,
        mine=mine,
        staff=staff,
        feed=feed,
    )


def _choices(form: SessionForm, cohort: Cohort) -> None:
    form.lessons.choices = [SelectChoice(slug, slug) for _, slug in live_lesson_slugs()]
    form.instructors.choices = [
        SelectChoice(u.id, u.name) for u in session_service.cohort_instructors(cohort)
    ]


@bp.route("/cohorts/<slug>/sessions/new", methods=["GET", "POST"])
@staff_required
def create(slug: str) -> str | WerkzeugResponse:
    cohort = cohort_for_staff(slug)
    form = SessionForm()
    _choices(form, cohort)
    if form.validate_on_submit():
        try:
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
        except SeminarError as exc:
            form.ends_at.errors = [str(exc)]
        else:
            flash(f"Session {session.title} scheduled.", "success")
            return redirect(url_for("sessions.show", session_id=session.id))
    return render_template("sessions/form.html", cohort=cohort, form=form)


def _roster(session: SeminarSession) -> list[tuple[Attendance, User]]:
    return list(
        db.session.execute(
            select(Attendance, User)
            .join(User, Attendance.user_id == User.id)
            .where(Attendance.session_id == session.id)
            .order_by(User.name)
        ).all()
    )


@bp.get("/sessions/<int:session_id>")
@staff_required
def show(session_id: int) -> str:
    session = session_for_staff(session_id)
    roster = _roster(session)
    changes = db.session.scalars(
        select(AttendanceChange)
        .options(joinedload(AttendanceChange.changed_by))
        .where(AttendanceChange.attendance_id.in_([a.id for a, _ in roster]))
        .order_by(AttendanceChange.changed_at)
    ).all()
    history: dict[int, list[AttendanceChange]] = {}
    for change in changes:
        history.setdefault(change.attendance_id, []).append(change)
    forms = {
        a.id: CorrectionForm(
            prefix=f"c{a.id}",
            data={
                "checked_in_at": to_local(a.checked_in_at),
                "checked_out_at": to_local(a.checked_out_at) if a.checked_out_at else None,
            },
        )
        for a, _ in roster
    }
    lives = db.session.scalars(
        select(LiveQuiz).where(LiveQuiz.session_id == session.id).order_by(LiveQuiz.created_at)
    ).all()
    quizzes = db.session.scalars(
        select(Quiz)
        .options(joinedload(Quiz.current))
        .where(Quiz.retired.is_(False))
        .order_by(Quiz.slug)
    ).all()
    return render_template(
        "sessions/show.html",
        teachers=session_service.instructor_names([session]),
        session=session,
        roster=roster,
        history=history,
        forms=forms,
        lives=lives,
        quizzes=quizzes,
    )


@bp.get("/sessions/<int:session_id>/projector")
@staff_required
def projector(session_id: int) -> str:
    session = session_for_staff(session_id)
    link = None
    qr = None
    if session.checkin_open and session.checkin_code:
        base = current_app.config["BASE_URL"].rstrip("/")
        link = f"{base}{url_for('sessions.checkin', code=session.checkin_code)}"
        # An image, not inline markup: nothing of it can run in the page.
        qr = segno.make(link, error="m").svg_data_uri(scale=8, dark="#0a4346")
    return render_template(
        "sessions/projector.html",
        session=session,
        link=link,
        qr=qr,
        present=session_service.present_count(session),
    )


@bp.get("/sessions/<int:session_id>/projector.json")
@staff_required
def projector_state(session_id: int) -> Response:
    """What the projector page polls: how many are in, and whether its code still holds."""
    session = session_for_staff(session_id)
    return jsonify(
        present=session_service.present_count(session),
        open=session.checkin_open,
        code=session.checkin_code,
    )


@bp.post("/sessions/<int:session_id>/<action>")
@staff_required
def control(session_id: int, action: str) -> WerkzeugResponse:
    session = session_for_staff(session_id)
    if (
        action not in ("open-checkin", "close-checkin", "close")
        or not EmptyForm().validate_on_submit()
    ):
        abort(400 if action in ("open-checkin", "close-checkin", "close") else 404)
    try:
        if action == "open-checkin":
            session_service.open_checkin(session)
            flash(f"Check-in is open with code {session.checkin_code}.", "success")
            return redirect(url_for("sessions.projector", session_id=session.id))
        if action == "close-checkin":
            session_service.close_checkin(session)
            flash("Check-in is closed.", "success")
        else:
            count = session_service.close_session(session)
            flash(f"Session closed; {count} student(s) checked out.", "success")
    except SeminarError as exc:
        flash(str(exc), "error")
    return redirect(url_for("sessions.show", session_id=session.id))


@bp.post("/sessions/<int:session_id>/attendance/<int:attendance_id>")
@staff_required
def correct(session_id: int, attendance_id: int) -> WerkzeugResponse:
    session = session_for_staff(session_id)
    attendance = db.session.get(Attendance, attendance_id)
    if attendance is None or attendance.session_id != session.id:
        abort(404)
    form = CorrectionForm(prefix=f"c{attendance.id}")
    if form.validate_on_submit():
        try:
            session_service.correct_attendance(
                attendance,
                checked_in_at=from_local(form.checked_in_at.data),
                checked_out_at=from_local(form.checked_out_at.data)
                if form.checked_out_at.data
                else None,
                reason=form.reason.data or "",
                by=current_user,
            )
        except SeminarError as exc:
            flash(str(exc), "error")
        else:
            flash("Attendance corrected; the change and its reason are kept.", "success")
    else:
        flash("A correction needs the check-in time and a reason.", "error")
    return redirect(url_for("sessions.show", session_id=session.id))


@bp.route("/checkin", methods=["GET", "POST"])
@login_required
def checkin() -> str | WerkzeugResponse:
    form = CheckinForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        try:
            attendance = session_service.check_in(current_user, form.code.data or "")
        except SeminarError as exc:
            form.code.errors = [str(exc)]
        else:
            flash(f"You are checked in to {attendance.session.title}.", "success")
            return redirect(url_for("sessions.checkin"))
    current = (
        db.session.execute(
            select(Attendance)
            .options(joinedload(Attendance.session))
            .where(Attendance.user_id == current_user.id, Attendance.checked_out_at.is_(None))
            .order_by(Attendance.checked_in_at.desc())
        )
        .scalars()
        .first()
    )
    lives = (
        db.session.scalars(
            select(LiveQuiz).where(
                LiveQuiz.session_id == current.session_id, LiveQuiz.status != "finished"
            )
        ).all()
        if current
        else []
    )
    return render_template("sessions/checkin.html", form=form, current=current, lives=lives)


@bp.post("/sessions/<int:session_id>/checkout")
@login_required
def checkout(session_id: int) -> WerkzeugResponse:
    session = db.session.get(SeminarSession, session_id) or abort(404)
    if EmptyForm().validate_on_submit():
        try:
            attendance = session_service.check_out(current_user, session)
        except SeminarError as exc:
            flash(str(exc), "error")
        else:
            flash(f"You are checked out: {attendance.hours:g} hours credited.", "success")
    return redirect(url_for("sessions.checkin"))


CE_HEADER = ["name", "email", "licence number", "licence state", "course", "session", "date",
             "checked in", "checked out", "hours credited", "verified by", "corrected",
             "instructors"]  # fmt: skip


def _clock(value: datetime | None) -> str:
    return to_local(value).strftime("%H:%M") if value else ""


def _ce_rows(sessions: list[SeminarSession], program_title: str) -> list[list[object]]:
    ids = [s.id for s in sessions]
    by_id = {s.id: s for s in sessions}
    corrected = set(
        db.session.scalars(
            select(AttendanceChange.attendance_id)
            .join(Attendance, AttendanceChange.attendance_id == Attendance.id)
            .where(Attendance.session_id.in_(ids))
        )
    )
    teachers = session_service.instructor_names(sessions)
    rows = []
    for attendance, user in db.session.execute(
        select(Attendance, User)
        .join(User, Attendance.user_id == User.id)
        .where(Attendance.session_id.in_(ids))
        .order_by(Attendance.session_id, User.name)
    ).all():
        s = by_id[attendance.session_id]
        rows.append([
            user.name, user.email, user.licence_number or "", user.licence_state or "",
            program_title, s.title, to_local(s.starts_at).date().isoformat(),
            _clock(attendance.checked_in_at),
            _clock(attendance.checked_out_at),
            f"{attendance.hours:g}", attendance.method,
            "yes" if attendance.id in corrected else "no",
            teachers.get(s.id, ""),
        ])  # fmt: skip
    return rows


@bp.get("/sessions/<int:session_id>/roster.csv")
@staff_required
def roster_csv(session_id: int) -> Response:
    session = session_for_staff(session_id)
    title = session.cohort.program_version.title
    return csv_response(f"session-{session.id}-roster.csv", CE_HEADER, _ce_rows([session], title))


@bp.get("/cohorts/<slug>/attendance.csv")
@staff_required
def attendance_csv(slug: str) -> Response:
    cohort = cohort_for_staff(slug)
    sessions = db.session.scalars(
        select(SeminarSession)
        .where(SeminarSession.cohort_id == cohort.id)
        .order_by(SeminarSession.starts_at)
    ).all()
    rows = _ce_rows(list(sessions), cohort.program_version.title)
    return csv_response(f"{cohort.slug}-attendance.csv", CE_HEADER, rows)


def _events(sessions: list[SeminarSession]) -> list[Event]:
    host = current_app.config["BASE_URL"].split("//", 1)[-1].split("/", 1)[0]
    return [
        Event(
            uid=f"session-{s.id}@{host}",
            starts=s.starts_at,
            ends=s.ends_at,
            summary=f"{s.title} ({s.cohort.title})",
            location=s.location,
            description=f"{s.ce_hours:g} CE hours offered. Check in at "
            f"{current_app.config['BASE_URL'].rstrip('/')}/checkin",
        )
        for s in sessions
    ]


def _ics(name: str, sessions: list[SeminarSession]) -> Response:
    return Response(
        calendar(name, _events(sessions), stamp=now_utc()),
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="sessions.ics"'},
    )


@bp.get("/calendar/cohort/<token>.ics")
def cohort_calendar(token: str) -> Response:
    """Public by its secret address, so calendar apps can subscribe without logging in."""
    cohort = db.session.execute(
        select(Cohort).where(Cohort.calendar_token == token)
    ).scalar_one_or_none()
    if cohort is None:
        abort(404)
    sessions = db.session.scalars(
        select(SeminarSession)
        .options(joinedload(SeminarSession.cohort))
        .where(SeminarSession.cohort_id == cohort.id)
        .order_by(SeminarSession.starts_at)
    ).all()
    return _ics(cohort.title, list(sessions))


@bp.get("/calendar/<token>.ics")
def personal_calendar(token: str) -> Response:
    """Every session of every cohort this person is in."""
    user = db.session.execute(select(User).where(User.calendar_token == token)).scalar_one_or_none()
    if user is None:
        abort(404)
    cohort_ids = select(CohortMember.cohort_id).where(CohortMember.user_id == user.id)
    sessions = db.session.scalars(
        select(SeminarSession)
        .options(joinedload(SeminarSession.cohort))
        .where(SeminarSession.cohort_id.in_(cohort_ids))
        .order_by(SeminarSession.starts_at)
    ).all()
    return _ics(f"Seminar sessions: {user.name}", list(sessions))
