"""Check-in on the day: the projector's code and QR, students checking in and out."""

from __future__ import annotations

import segno
from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as WerkzeugResponse

from seminar.db import db
from seminar.models import SeminarSession
from seminar.queries import sessions as session_queries
from seminar.services import sessions as session_service
from seminar.web.access import session_for_staff, staff_required
from seminar.web.filters import absolute_url
from seminar.web.forms import CheckinForm, EmptyForm, errors_on

bp = Blueprint("checkin", __name__)


@bp.get("/sessions/<int:session_id>/projector")
@staff_required
def projector(session_id: int) -> str:
    session = session_for_staff(session_id)
    link = None
    qr = None
    if session.checkin_open and session.checkin_code:
        link = absolute_url("checkin.checkin", code=session.checkin_code)
        # An image, not inline markup: nothing of it can run in the page.
        qr = segno.make(link, error="m").svg_data_uri(scale=8, dark="#0a4346")
    return render_template(
        "sessions/projector.html",
        session=session,
        link=link,
        qr=qr,
        checkin_page=absolute_url("checkin.checkin"),
        present=session_queries.present_count(session),
    )


@bp.get("/sessions/<int:session_id>/projector.json")
@staff_required
def projector_state(session_id: int) -> Response:
    """What the projector page polls: how many are in, and whether its code still holds."""
    session = session_for_staff(session_id)
    return jsonify(
        present=session_queries.present_count(session),
        open=session.checkin_open,
        code=session.checkin_code,
    )


@bp.route("/checkin", methods=["GET", "POST"])
@login_required
def checkin() -> str | WerkzeugResponse:
    form = CheckinForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            attendance = session_service.check_in(current_user, form.code.data or "")
        if not outcome.failed:
            flash(f"You are checked in to {attendance.session.title}.", "success")
            return redirect(url_for("checkin.checkin"))
    current = session_queries.current_attendance(current_user)
    lives = session_queries.live_quizzes(current.session, unfinished=True) if current else []
    return render_template("sessions/checkin.html", form=form, current=current, lives=lives)


@bp.post("/sessions/<int:session_id>/checkout")
@login_required
def checkout(session_id: int) -> WerkzeugResponse:
    session = db.get_or_404(SeminarSession, session_id)
    if EmptyForm().validate_on_submit():
        with errors_on() as outcome:
            attendance = session_service.check_out(current_user, session)
        if not outcome.failed:
            flash(f"You are checked out: {attendance.hours:g} hours credited.", "success")
    return redirect(url_for("checkin.checkin"))
