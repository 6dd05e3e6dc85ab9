"""Cohort pages: list, create and edit (admins), members, invites, CSV enrolment, sign-offs."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from seminar.core.errors import SeminarError
from seminar.db import db, now_utc
from seminar.models import Cohort, CohortMember, MemberRole, Program, Role, User
from seminar.services import cohorts as cohort_service
from seminar.services.accounts import find_user
from seminar.services.evidence import PRACTICAL_CHECKLIST, record_practical
from seminar.web.access import admin_required, staff_required
from seminar.web.forms import CohortForm, CsvImportForm, EmptyForm, EnrollForm, PracticalForm
from seminar.web.uploads import UploadTooLarge, read_text_upload

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


def teaches(cohort: Cohort, user: User) -> bool:
    if user.role == Role.ADMIN:
        return True
    return cohort_service.member_role(cohort.id, user.id) == MemberRole.INSTRUCTOR


def cohort_for_staff(slug: str) -> Cohort:
    """The cohort, for its instructors and admins; anyone else gets a 404."""
    cohort = db.session.execute(
        select(Cohort).options(joinedload(Cohort.program_version)).where(Cohort.slug == slug)
    ).scalar_one_or_none()
    if cohort is None or not teaches(cohort, current_user):
        abort(404)
    return cohort


def invite_url(cohort: Cohort) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}{url_for('join.join', code=cohort.invite_code)}"


@bp.get("/")
@staff_required
def index() -> str:
    query = (
        select(Cohort)
        .options(joinedload(Cohort.program_version))
        .order_by(Cohort.starts_on.desc(), Cohort.title)
    )
    if current_user.role != Role.ADMIN:
        query = query.join(CohortMember, CohortMember.cohort_id == Cohort.id).where(
            CohortMember.user_id == current_user.id, CohortMember.role == MemberRole.INSTRUCTOR
        )
    return render_template("cohorts/index.html", cohorts=db.session.scalars(query).all())


def _program_choices(form: CohortForm) -> None:
    programs = db.session.scalars(
        select(Program).options(joinedload(Program.current)).where(Program.retired.is_(False))
    ).all()
    form.program.choices = [
        SelectChoice(p.slug, p.current.title if p.current else p.slug) for p in programs
    ]


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def create() -> str | Response:
    form = CohortForm()
    _program_choices(form)
    if form.validate_on_submit():
        try:
            cohort = cohort_service.create_cohort(
                form.slug.data or "",
                title=form.title.data or "",
                program_slug=form.program.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
        except SeminarError as exc:
            form.slug.errors = [str(exc)]
        else:
            flash(f"Cohort {cohort.title} created. Share its invite link with students.", "success")
            return redirect(url_for("cohorts.show", slug=cohort.slug))
    return render_template("cohorts/form.html", form=form, cohort=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@admin_required
def edit(slug: str) -> str | Response:
    cohort = cohort_for_staff(slug)
    form = CohortForm(obj=cohort)
    _program_choices(form)
    del form.slug, form.program  # fixed once created; the program moves by version below
    if form.validate_on_submit():
        try:
            cohort_service.update_cohort(
                cohort,
                title=form.title.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
        except SeminarError as exc:
            form.title.errors = [str(exc)]
        else:
            flash("Cohort saved.", "success")
            return redirect(url_for("cohorts.show", slug=slug))
    return render_template("cohorts/form.html", form=form, cohort=cohort)


@bp.get("/<slug>")
@staff_required
def show(slug: str) -> str:
    cohort = cohort_for_staff(slug)
    members = db.session.execute(
        select(CohortMember, User)
        .join(User, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id)
        .order_by(CohortMember.role.desc(), User.name)
    ).all()
    program = cohort.program_version.program
    return render_template(
        "cohorts/show.html",
        cohort=cohort,
        members=members,
        invite=invite_url(cohort) if cohort.invite_code else None,
        enroll_form=EnrollForm(),
        newer_program=program.current
        if program.current_version_id != cohort.program_version_id
        else None,
    )


@bp.post("/<slug>/enroll")
@admin_required
def enroll(slug: str) -> Response:
    cohort = cohort_for_staff(slug)
    form = EnrollForm()
    if form.validate_on_submit():
        user = find_user(form.email.data or "")
        if user is None:
            flash(
                f"No account for {form.email.data}. Use the invite link or a CSV import.", "error"
            )
        else:
            try:
                added = cohort_service.enroll(cohort, user, MemberRole(form.role.data))
            except SeminarError as exc:
                flash(str(exc), "error")
            else:
                flash(f"{user.name} {'enrolled' if added else 'was already enrolled'}.", "success")
    return redirect(url_for("cohorts.show", slug=slug))


@bp.post("/<slug>/members/<int:user_id>/remove")
@admin_required
def remove_member(slug: str, user_id: int) -> Response:
    cohort = cohort_for_staff(slug)
    user = db.session.get(User, user_id) or abort(404)
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
        upload = form.file.data
        try:
            text = read_text_upload(upload) if upload and upload.filename else form.text.data or ""
        except UnicodeDecodeError:
            form.file.errors = ["The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again."]
            text = ""
        except UploadTooLarge as exc:
            form.file.errors = [str(exc)]
            text = ""
        if text.strip():
            plan = cohort_service.plan_csv(cohort, text)
            form.text.data = text  # Confirm re-sends exactly what was previewed
            if form.confirm.data and not plan.error:
                outcome = cohort_service.apply_csv(cohort, plan)
                return render_template(
                    "cohorts/imported.html", cohort=cohort, outcome=outcome, plan=plan
                )
        elif not form.file.errors:
            form.text.errors = ["Choose a CSV file or paste its text."]
    return render_template("cohorts/import.html", cohort=cohort, form=form, plan=plan)


@bp.route("/<slug>/students/<int:user_id>/practical", methods=["POST"])
@staff_required
def practical(slug: str, user_id: int) -> Response:
    cohort = cohort_for_staff(slug)
    student = student_or_404(cohort, user_id)
    form = practical_form()
    if form.validate_on_submit():
        try:
            record_practical(
                cohort,
                student,
                passed=form.outcome.data == "passed",
                observed=list(form.observed.data or []),
                note=form.note.data or "",
                assessed_on=form.assessed_on.data,
                assessor=current_user,
            )
        except SeminarError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Practical assessment recorded for {student.name}.", "success")
    else:
        flash("Give the date of the assessment.", "error")
    return redirect(url_for("progress.student", slug=slug, user_id=user_id))


def practical_form() -> PracticalForm:
    form = PracticalForm()
    form.observed.choices = [SelectChoice(item, item) for item in PRACTICAL_CHECKLIST]
    if not form.is_submitted():
        form.assessed_on.data = now_utc().date()
    return form


def student_or_404(cohort: Cohort, user_id: int) -> User:
    user = db.session.execute(
        select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(
            CohortMember.cohort_id == cohort.id,
            CohortMember.user_id == user_id,
            CohortMember.role == MemberRole.STUDENT,
        )
    ).scalar_one_or_none()
    return user or abort(404)
