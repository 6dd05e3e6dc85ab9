"""Cohort pages: list, create and edit (admins), members, adding people, invite links and
announcements. CSV imports are in `imports.py`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from seminar.models import Cohort, MemberRole, Role
from seminar.queries import announcements as announcement_queries
from seminar.queries import cohorts
from seminar.queries import invitations as invitation_queries
from seminar.services import cohorts as cohort_service
from seminar.services import invitations, notifications, reminders
from seminar.web.access import admin_required, cohort_for_staff, staff_required
from seminar.web.filters import absolute_url
from seminar.web.forms import CohortForm, EmptyForm, errors_on
from seminar.web.people_forms import AnnouncementForm, EnrolPersonForm

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


def _show_page(
    cohort: Cohort,
    enroll_form: EnrolPersonForm | None = None,
    announce_form: AnnouncementForm | None = None,
) -> str:
    program = cohort.program_version.program
    newer = program.current_version_id != cohort.program_version_id
    return render_template(
        "cohorts/show.html",
        cohort=cohort,
        members=cohorts.members(cohort),
        invite=absolute_url("join.join", code=cohort.invite_code) if cohort.invite_code else None,
        enroll_form=enroll_form or EnrolPersonForm(formdata=None),
        announce_form=announce_form or AnnouncementForm(formdata=None, prefix="note"),
        newer_program=program.current if newer else None,
        pending=invitation_queries.pending(cohort),
        pending_total=invitation_queries.count_pending(cohort),
        announcements=announcement_queries.of_cohort(cohort),
    )


@bp.get("/<slug>")
@staff_required
def show(slug: str) -> str:
    return _show_page(cohort_for_staff(slug))


@bp.post("/<slug>/enroll")
@staff_required
def enroll(slug: str) -> str | Response | tuple[str, int]:
    cohort = cohort_for_staff(slug)
    form = EnrolPersonForm()
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            added = invitations.add_person(
                form.email.data or "",
                name=form.name.data or "",
                cohort=cohort,
                member_role=form.role.data or MemberRole.STUDENT,
                role=Role.INSTRUCTOR if form.role.data == "instructor" else Role.STUDENT,
                by=current_user,
            )
        if not outcome.failed:
            flash(_added(added), "success")
            return redirect(url_for("cohorts.show", slug=slug))
    return _show_page(cohort, form), 400


def _added(added: invitations.Added) -> str:
    if added.user is not None:
        return f"{added.user.name} {'enrolled' if added.enrolled else 'was already enrolled'}."
    assert added.invitation is not None
    return (
        f"No account for {added.invitation.email} yet: an invitation to join was "
        f"{notifications.delivery_words()}."
    )


@bp.post("/<slug>/announcements")
@staff_required
def announce(slug: str) -> str | Response | tuple[str, int]:
    cohort = cohort_for_staff(slug)
    form = AnnouncementForm(prefix="note")
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            sent = reminders.announce(
                cohort, subject=form.subject.data or "", body=form.body.data or "", by=current_user
            )
        if not outcome.failed:
            flash(
                f"Announcement posted on the students' pages; e-mail to {sent.recipients} "
                f"student{'s' if sent.recipients != 1 else ''} "
                f"{notifications.delivery_words(sent.recipients)}.",
                "success",
            )
            return redirect(url_for("cohorts.show", slug=slug))
    return _show_page(cohort, announce_form=form), 400


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
