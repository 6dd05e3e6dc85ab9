"""CE reporting for admins: the rosters due to each board within its deadline (so many days
after the course, from the CE provider settings), with their downloads, and marking a roster
reported."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from seminar.queries.ce import provider
from seminar.queries.records import local_today
from seminar.queries.rosters import due_rosters
from seminar.services import rosters
from seminar.web.access import admin_required, session_for_staff
from seminar.web.forms import EmptyForm, errors_on

bp = Blueprint("ce", __name__, url_prefix="/ce")


@bp.get("/rosters")
@admin_required
def rosters_due() -> str:
    profile = provider()
    due = due_rosters(profile)
    return render_template(
        "ce/rosters.html",
        provider=profile,
        pending=[r for r in due if r.reported is None],
        reported=sorted((r for r in due if r.reported), key=lambda r: r.due_on, reverse=True),
        today=local_today(),
        form=EmptyForm(),
    )


@bp.post("/rosters/<int:session_id>/<jurisdiction>")
@admin_required
def mark_reported(session_id: int, jurisdiction: str) -> Response:
    session = session_for_staff(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with errors_on() as outcome:
        marked = rosters.mark_reported(session, jurisdiction, provider=provider(), by=current_user)
    if not outcome.failed:
        flash(
            f"{session.title}: roster to {jurisdiction} marked reported."
            if marked
            else "That roster was marked reported already.",
            "success",
        )
    return redirect(url_for("ce.rosters_due"))
