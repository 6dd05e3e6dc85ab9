"""Logging in and out."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_limiter import RequestLimit
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from seminar.extensions import configured_limit, limiter, retry_in
from seminar.services import logins
from seminar.services.accounts import authenticate, normalise_email
from seminar.web.forms import EmptyForm, LoginForm
from seminar.web.signin import start_session

bp = Blueprint("auth", __name__)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths are followed after login: no scheme, no host, no '//' tricks."""
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(c in target for c in "\\\r\n\t")
    ):
        return default
    return target


def _email_key() -> str:
    return "login-email:" + normalise_email(request.form.get("email", ""))


def _failed(response: Response) -> bool:
    """Only failed logins count: the form shown again. Logging in costs nothing, so a room of
    300 behind one address never runs into the limit."""
    return response.status_code == 200


def _refused(why: str) -> Callable[[RequestLimit], Response]:
    def page(limit: RequestLimit) -> Response:
        form = LoginForm()
        form.form_errors.append(
            f"Too many failed logins {why}. Try again in {retry_in(limit)}, or reset your password."
        )
        return make_response(render_template("auth/login.html", form=form), 429)

    return page


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    configured_limit("LOGIN_ADDRESS_LIMIT"),
    methods=["POST"],
    deduct_when=_failed,
    on_breach=_refused("from this network"),
)
@limiter.limit(
    configured_limit("LOGIN_ACCOUNT_LIMIT"),
    methods=["POST"],
    key_func=_email_key,
    deduct_when=_failed,
    on_breach=_refused("for this account"),
)
def login() -> str | Response:
    default = url_for("lessons.catalogue")
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), default))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            start_session(user, remember=bool(form.remember.data))
            flash(f"Welcome, {user.name}.", "success")
            return redirect(safe_next(form.next.data, default))
        form.password.errors = ["The email or the password is not right."]
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("auth.login"))
    if current_user.is_authenticated:
        logins.end(current_user)  # the cookies copied before this no longer work
    logout_user()
    flash("You are logged out.", "info")
    response = redirect(url_for("auth.login"))
    # Nothing of this person stays in the browser for the next: lessons kept for reading
    # offline (and the service worker keeping them), answers waiting to be saved.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
