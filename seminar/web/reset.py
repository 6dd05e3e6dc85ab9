"""Password reset: ask by e-mail address at /reset-password, then follow the e-mailed link.

The request's answer is the same page, after the same time (RESET_RESPONSE_SECONDS at the
least), whether or not the address has an account; it is rate-limited per network address
and per address typed, both alike for accounts that exist and those that do not.
"""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from seminar.extensions import configured_limit, limiter
from seminar.queries.invitations import reset_for
from seminar.services import password_reset
from seminar.services.accounts import normalise_email
from seminar.web.forms import errors_on
from seminar.web.people_forms import NewPasswordForm, ResetRequestForm

bp = Blueprint("reset", __name__)


def _email_key() -> str:
    return "reset-email:" + normalise_email(request.form.get("email", ""))


def _limited(_limit: object) -> Response:
    form = ResetRequestForm()
    form.form_errors.append("Too many reset requests. Wait an hour, then ask again.")
    return make_response(render_template("reset/request.html", form=form), 429)


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(configured_limit("RESET_ADDRESS_LIMIT"), methods=["POST"], on_breach=_limited)
@limiter.limit(
    configured_limit("RESET_ACCOUNT_LIMIT"),
    methods=["POST"],
    key_func=_email_key,
    on_breach=_limited,
)
def request_reset() -> str:
    form = ResetRequestForm()
    if not form.validate_on_submit():
        return render_template("reset/request.html", form=form)
    g.reset_started = time.monotonic()
    password_reset.request_reset(form.email.data or "")
    return render_template("reset/requested.html", email=normalise_email(form.email.data or ""))


@bp.after_app_request
def _same_time(response: Response) -> Response:
    """Answer a reset request no sooner than RESET_RESPONSE_SECONDS after it began: the same
    time for an address with an account and one without. Registered before the app's commit
    hook, so it runs after the commit, whose work it hides too."""
    started = g.pop("reset_started", None)
    if started is not None:
        floor = float(current_app.config.get("RESET_RESPONSE_SECONDS") or 0)
        time.sleep(max(0.0, floor - (time.monotonic() - started)))
    return response


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def choose(token: str) -> str | Response | tuple[str, int]:
    reset = reset_for(token)
    if reset is None:
        return render_template("reset/invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            password_reset.complete(reset, form.password.data or "")
        if not outcome.failed:
            flash("Your new password is set, and every device was logged out. Log in.", "success")
            return redirect(url_for("auth.login"))
    return render_template("reset/choose.html", form=form)
