"""Cohort pages: list, create and edit (admins), members, invites, CSV enrolment."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from seminar.models import Cohort, MemberRole
from seminar.queries import cohorts
from seminar.services import cohorts as cohort_service
from seminar.services.accounts import find_user
from seminar.web.access import admin_required, cohort_for_staff, staff_required
from seminar.web.filters import absolute_url
from seminar.web.forms import CohortForm, CsvImportForm, EmptyForm, EnrollForm, errors_on
from seminar.web.uploads import text_from

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


@bp.get("/")
@staff_required
def index() -> str:
    return render_template("cohorts/index.html", cohorts=cohorts.cohorts_taught_by(current_user))


def _cohort_form(**kwargs: object) -> CohortForm:
    form = CohortForm(**kwargs)
    form.program.choices = [
        SelectChoice(p.slug, p.current.title if p.current else p.slug)
        for p in cohorts.open_programs()
    ]
    return form


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def create() -> str | Response:
    form = _cohort_form()
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            cohort = cohort_service.create_cohort(
                form.slug.data or "",
                title=form.title.data or "",
                program_slug=form.program.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
        if not outcome.failed:
            flash(f"Cohort {cohort.title} created. Share its invite link with students.", "success")
            return redirect(url_for("cohorts.show", slug=cohort.slug))
    return render_template("cohorts/form.html", form=form, cohort=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@admin_required
def edit(slug: str) -> str | Response:
    cohort = cohort_for_staff(slug)
    form = _cohort_form(obj=cohort)
    del form.slug, form.program  # fixed once created; the program moves by version below
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            cohort_service.update_cohort(
                cohort,
                title=form.title.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
        if not outcome.failed:
            flash("Cohort saved.", "success")
            return redirect(url_for("cohorts.show", slug=slug))
    return render_template("cohorts/form.html", form=form, cohort=cohort)


def _show_page(cohort: Cohort, enroll_form: EnrollForm | None = None) -> str:
    program = cohort.program_version.program
    newer = program.current_version_id != cohort.program_version_id
    return render_template(
        "cohorts/show.html",
        cohort=cohort,
        members=cohorts.members(cohort),
        invite=absolute_url("join.join", code=cohort.invite_code) if cohort.invite_code else None,
        enroll_form=enroll_form or EnrollForm(formdata=None),
        newer_program=program.current if newer else None,
    )


@bp.get("/<slug>")
@staff_required
def show(slug: str) -> str:
    return _show_page(cohort_for_staff(slug))


@bp.post("/<slug>/enroll")
@admin_required
def enroll(slug: str) -> str | Response | tuple[str, int]:
    cohort = cohort_for_staff(slug)
    form = EnrollForm()
    if form.validate_on_submit():
        user = find_user(form.email.data or "")
        if user is None:
            form.email.errors = [
                f"No account for {form.email.data}. Use the invite link or a CSV import."
            ]
        else:
            with errors_on(form) as outcome:
                added = cohort_service.enroll(cohort, user, MemberRole(form.role.data))
            if not outcome.failed:
                flash(f"{user.name} {'enrolled' if added else 'was already enrolled'}.", "success")
                return redirect(url_for("cohorts.show", slug=slug))
    return _show_page(cohort, form), 400


@bp.post("/<slug>/members/<int:user_id>/remove")
@admin_required
def remove_member(slug: str, user_id: int) -> Response:
    cohort = cohort_for_staff(slug)
    user = cohorts.member(cohort, user_id) or abort(404)
    if EmptyForm().validate_on_submit():
        cohort_service.unenroll(cohort, user)
        flash(f"{user.name} is no longer in {cohort.title}; their work is kept.", "success")
    return redirect(url_for("cohorts.show", slug=slug))


@bp.post("/<slug>/invite/<action>")
@admin_required
def invite(slug: str, action: str) -> Response:
    cohort = cohort_for_staff(slug)
    if action not in ("rotate", "close", "open") or not EmptyForm().validate_on_submit():
        abort(400)
    if action == "rotate":
        cohort_service.rotate_invite(cohort)
        flash("A new invite link is active; the old one no longer works.", "success")
    else:
        cohort_service.set_invite_open(cohort, action == "open")
        flash("The invite link is " + ("open." if action == "open" else "closed."), "success")
    return redirect(url_for("cohorts.show", slug=slug))


@bp.post("/<slug>/program/upgrade")
@admin_required
def upgrade_program(slug: str) -> Response:
    cohort = cohort_for_staff(slug)
    if EmptyForm().validate_on_submit() and cohort_service.move_to_current_program(cohort):
        flash("The cohort now follows the program's newest requirements.", "success")
    return redirect(url_for("cohorts.show", slug=slug))


@bp.route("/<slug>/import", methods=["GET", "POST"])
@admin_required
def import_csv(slug: str) -> str | Response:
    cohort = cohort_for_staff(slug)
    form = CsvImportForm()
    plan = None
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            text = text_from(form.file, form.text, what="a CSV file", save_as="CSV UTF-8")
        if not outcome.failed:
            plan = cohort_service.plan_csv(cohort, text)
            form.text.data = text  # Confirm re-sends exactly what was previewed
            if form.confirm.data and not plan.error:
                outcome = cohort_service.apply_csv(cohort, plan)
                return render_template(
                    "cohorts/imported.html", cohort=cohort, outcome=outcome, plan=plan
                )
    return render_template("cohorts/import.html", cohort=cohort, form=form, plan=plan)
