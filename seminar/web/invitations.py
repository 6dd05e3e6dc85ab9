"""Invitations: the invited person sets their password from the e-mailed link; staff resend
or withdraw a pending one (admins any, instructors those to the cohorts they teach)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from seminar.queries.invitations import invitation_for
from seminar.services import invitations, logins, notifications
from seminar.web.access import invitation_for_staff
from seminar.web.forms import EmptyForm, errors_on
from seminar.web.people_forms import AcceptInvitationForm
from seminar.web.signin import start_session

bp = Blueprint("invitations", __name__)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept(token: str) -> str | Response | tuple[str, int]:
    invitation = invitation_for(token)
    if invitation is None:
        return render_template("invitations/invalid.html"), 404
    form = AcceptInvitationForm(obj=None if request.method == "POST" else invitation)
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            user = invitations.accept(
                invitation,
                password=form.password.data or "",
                name=form.name.data or "",
                licence_number=form.licence_number.data,
                licence_state=form.licence_state.data,
            )
        if not outcome.failed:
            if current_user.is_authenticated:  # someone else was logged in on this browser
                logins.end(current_user)
                logout_user()
            start_session(user)
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            return redirect(url_for("lessons.home"))
    return render_template("invitations/accept.html", invitation=invitation, form=form)


def _back() -> Response:
    target = request.form.get("back", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/")


@bp.post("/invitations/<int:invitation_id>/<action>")
@login_required
def manage(invitation_id: int, action: str) -> Response:
    """Resend (a new link; the old one stops working) or withdraw a pending invitation."""
    invitation = invitation_for_staff(invitation_id)
    if action not in ("resend", "withdraw"):
        abort(404)
    if EmptyForm().validate_on_submit():
        with errors_on() as outcome:
            if action == "resend":
                invitations.resend(invitation, by=current_user)
            else:
                invitations.withdraw(invitation, by=current_user)
        if not outcome.failed and action == "resend":
            flash(
                f"A new link for {invitation.email} was {notifications.delivery_words()}; "
                "the previous link no longer works.",
                "success",
            )
        elif not outcome.failed:
            flash(f"The invitation to {invitation.email} is withdrawn.", "success")
    return _back()
