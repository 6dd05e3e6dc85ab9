"""A user's own account: name, licence details, password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from seminar.services import accounts
from seminar.web.forms import PasswordChangeForm, ProfileForm, errors_on

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/")
@login_required
def show() -> str:
    return render_template(
        "account/account.html",
        profile=ProfileForm(obj=current_user),
        password=PasswordChangeForm(),
    )


@bp.post("/profile")
@login_required
def profile() -> str | Response:
    form = ProfileForm()
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            accounts.update_profile(
                current_user,
                name=form.name.data or "",
                licence_number=form.licence_number.data,
                licence_state=form.licence_state.data,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
            )
        if not outcome.failed:
            flash("Your profile is saved.", "success")
            return redirect(url_for("account.show"))
    return render_template("account/account.html", profile=form, password=PasswordChangeForm())


@bp.post("/password")
@login_required
def password() -> str | Response:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            accounts.change_password(
                current_user, current=form.current.data or "", new=form.new.data or ""
            )
        if not outcome.failed:
            login_user(current_user._get_current_object())  # this device stays logged in
            flash("Your password is changed. Other devices are logged out.", "success")
            return redirect(url_for("account.show"))
    return render_template(
        "account/account.html", profile=ProfileForm(obj=current_user), password=form
    )
