"""A person's own account: name, licence details, password, devices, and their data."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from seminar.queries import logins as login_queries
from seminar.queries import my_data
from seminar.services import accounts, logins
from seminar.web.forms import EmptyForm, PasswordChangeForm, ProfileForm, errors_on

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(profile: ProfileForm | None = None, password: PasswordChangeForm | None = None) -> str:
    return render_template(
        "account/account.html",
        profile=profile or ProfileForm(obj=current_user),
        password=password or PasswordChangeForm(),
        devices=login_queries.devices(current_user, logins.current_id(current_user)),
    )


@bp.get("/")
@login_required
def show() -> str:
    return _page()


@bp.post("/profile")
@login_required
def profile() -> str | BaseResponse:
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
    return _page(profile=form)


@bp.post("/password")
@login_required
def password() -> str | BaseResponse:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            accounts.change_password(
                current_user, current=form.current.data or "", new=form.new.data or ""
            )
        if not outcome.failed:
            flash("Your password is changed. Other devices are logged out.", "success")
            return redirect(url_for("account.show"))
    return _page(password=form)


@bp.post("/devices/others/end")
@login_required
def end_other_devices() -> BaseResponse:
    if not EmptyForm().validate_on_submit():
        abort(400)
    ended = logins.end_others(current_user)
    flash(f"Logged out {ended} other device{'s' if ended != 1 else ''}.", "success")
    return redirect(url_for("account.show"))


@bp.post("/devices/<int:session_id>/end")
@login_required
def end_device(session_id: int) -> BaseResponse:
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not logins.end_one(current_user, session_id):
        abort(404)
    flash("That device is logged out.", "success")
    return redirect(url_for("account.show"))


@bp.get("/data")
@login_required
def data() -> str:
    return render_template("account/data.html", export=my_data.export(current_user))


@bp.get("/data.json")
@login_required
def data_json() -> Response:
    body = json.dumps(my_data.export(current_user), indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-seminar-data.json"'},
    )
