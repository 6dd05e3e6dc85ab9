"""Joining a cohort from an invite link: sign up, or add an existing account."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from seminar.extensions import configured_limit, limiter
from seminar.models import MemberRole
from seminar.queries import ladder
from seminar.queries.cohorts import cohort_for_invite, member_role
from seminar.services import cohorts as cohort_service
from seminar.services.prerequisites import newcomer_missing
from seminar.web.forms import EmptyForm, JoinForm, errors_on
from seminar.web.signin import start_session

bp = Blueprint("join", __name__)


@bp.route("/join/<code>", methods=["GET", "POST"])
@limiter.limit(configured_limit("SIGNUP_RATE_LIMIT"), methods=["POST"])
def join(code: str) -> str | Response | tuple[str, int]:
    cohort = cohort_for_invite(code)
    if cohort is None:
        return render_template("join/invalid.html"), 404
    if current_user.is_authenticated:
        form = EmptyForm()
        # A program with prerequisites says what is missing before anyone presses Join.
        missing = (
            ()
            if member_role(cohort.id, current_user.id)
            else ladder.missing_for(cohort, current_user)
        )
        if form.validate_on_submit() and not missing:
            with errors_on() as outcome:
                added = cohort_service.enroll(
                    cohort, current_user, MemberRole.STUDENT, actor=current_user
                )
            if outcome.failed:
                return redirect(url_for("lessons.home"))
            flash(
                f"You joined {cohort.title}." if added else f"You are already in {cohort.title}.",
                "success",
            )
            return redirect(url_for("progress.path"))
        return render_template("join/confirm.html", cohort=cohort, form=form, missing=missing)
    form = JoinForm()
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            user = cohort_service.join_with_new_account(
                cohort,
                email=form.email.data or "",
                name=form.name.data or "",
                password=form.password.data or "",
                licence_number=form.licence_number.data,
                licence_state=form.licence_state.data,
            )
        if not outcome.failed:
            start_session(user)
            flash(f"Welcome, {user.name}. You are enrolled in {cohort.title}.", "success")
            return redirect(url_for("progress.path"))
    return render_template(
        "join/signup.html",
        cohort=cohort,
        form=form,
        code=code,
        missing=newcomer_missing(cohort, you=True),
    )
