"""Check-in on the day: the projector's code and QR, students checking in and out."""

from __future__ import annotations

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as WerkzeugResponse

from seminar.db import db
from seminar.models import SeminarSession
from seminar.queries import sessions as session_queries
from seminar.services import sessions as session_service
from seminar.web.access import session_for_staff, staff_required
from seminar.web.checkin_guard import checkin_page, limit_wrong_codes, note_wrong_code
from seminar.web.filters import absolute_url
from seminar.web.forms import EmptyForm, errors_on
from seminar.web.projector import invitation
from seminar.web.session_forms import CheckinForm

bp = Blueprint("checkin", __name__)


@bp.get("/sessions/<int:session_id>/projector")
@staff_required
def projector(session_id: int) -> str:
    session = session_for_staff(session_id)
    return render_template(
        "sessions/projector.html",
        session=session,
        invite=invitation(session),
        checkin_page=absolute_url("checkin.checkin"),
        present=session_queries.present_count(session),
    )


@bp.get("/sessions/<int:session_id>/projector.json")
@staff_required
def projector_state(session_id: int) -> Response:
    """What the projector page polls: how many are in, and the code (which may rotate)."""
    session = session_for_staff(session_id)
    invite = invitation(session)
    return jsonify(
        present=session_queries.present_count(session),
        open=session.checkin_open,
        code=invite.code if invite else None,
        invite=invite.as_json() if invite else None,
    )


@bp.route("/checkin", methods=["GET", "POST"])
@limit_wrong_codes
@login_required
def checkin() -> WerkzeugResponse:
    form = CheckinForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            attendance = session_service.check_in(current_user, form.code.data or "")
        note_wrong_code(outcome)
        if not outcome.failed:
            flash(f"You are checked in to {attendance.session.title}.", "success")
            return redirect(url_for("checkin.checkin"))
    return checkin_page(form)


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
