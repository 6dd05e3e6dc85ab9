"""Levels: a person's hours from other organisations (declared with evidence) and licence
date, the admins' review of declared hours, and a cohort's eligible table instructors."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as WerkzeugResponse

from seminar.core import levels
from seminar.models import MemberRole
from seminar.queries import declared_hours as declared_queries
from seminar.queries import ladder, standing
from seminar.services import cohorts as cohort_service
from seminar.services import declared_hours
from seminar.web.access import (
    admin_required,
    assistant_for,
    cohort_for_staff,
    declared_for_viewer,
    staff_required,
)
from seminar.web.forms import EmptyForm, errors_on
from seminar.web.level_forms import DecisionForm, DeclareHoursForm, LicenceDateForm

bp = Blueprint("levels", __name__)


@bp.context_processor
def helpers() -> dict[str, object]:
    return {"fmt_hours": levels.hours}  # 12, 12.5: hours as a person writes them


def _hours_page(
    form: DeclareHoursForm | None = None, licence: LicenceDateForm | None = None
) -> str:
    facts = ladder.facts_of(current_user)
    return render_template(
        "levels/hours.html",
        form=form or DeclareHoursForm(formdata=None),
        licence=licence or LicenceDateForm(formdata=None, licensed_on=current_user.licensed_on),
        entries=declared_queries.of_person(current_user.id),
        facts=facts,
        max_mb=declared_hours.MAX_EVIDENCE_BYTES // (1024 * 1024),
    )


@bp.get("/hours")
@login_required
def hours() -> str:
    return _hours_page()


@bp.post("/hours")
@login_required
def declare() -> str | WerkzeugResponse | tuple[str, int]:
    form = DeclareHoursForm()
    if form.validate_on_submit():
        upload = form.evidence.data
        with errors_on(form) as outcome:
            declared_hours.declare(
                current_user,
                organisation=form.organisation.data or "",
                course=form.course.data or "",
                attended_on=form.attended_on.data,
                hours=float(form.hours.data) if form.hours.data is not None else None,
                file_name=getattr(upload, "filename", "") or "",
                file_data=upload.read(declared_hours.MAX_EVIDENCE_BYTES + 1) if upload else b"",
            )
        if not outcome.failed:
            flash("Hours declared: an admin reviews your evidence.", "success")
            return redirect(url_for("levels.hours"))
    return _hours_page(form=form), 400


@bp.post("/hours/licence")
@login_required
def licence() -> str | WerkzeugResponse | tuple[str, int]:
    form = LicenceDateForm()
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            declared_hours.set_licensed_on(current_user, form.licensed_on.data)
        if not outcome.failed:
            flash("Licence date saved.", "success")
            return redirect(url_for("levels.hours"))
    return _hours_page(licence=form), 400


@bp.get("/hours/<int:entry_id>/evidence")
@login_required
def evidence(entry_id: int) -> Response:
    entry = declared_for_viewer(entry_id)
    # Served as a download, typed as its first bytes showed, never rendered in the page.
    response = Response(entry.file_data, mimetype=entry.file_type)
    response.headers["Content-Disposition"] = f"attachment; filename=evidence-{entry.id}" + {
        "application/pdf": ".pdf",
        "image/png": ".png",
        "image/jpeg": ".jpg",
    }.get(entry.file_type, "")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/admin/hours")
@admin_required
def review() -> str:
    pending = declared_queries.pending()
    return render_template(
        "levels/review.html",
        pending=pending,
        decided=declared_queries.decided(),
        forms={e.id: DecisionForm(formdata=None, prefix=f"d{e.id}") for e in pending},
    )


@bp.post("/admin/hours/<int:entry_id>")
@admin_required
def decide(entry_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    entry = declared_for_viewer(entry_id)
    form = DecisionForm(prefix=f"d{entry_id}")
    if form.validate_on_submit():
        with errors_on() as outcome:
            declared_hours.decide(
                entry,
                approve=bool(form.approve.data),
                reason=form.reason.data or "",
                by=current_user,
            )
        if not outcome.failed:
            verdict = "approved" if form.approve.data else "rejected"
            flash(f"{entry.user.name}'s hours at {entry.organisation} {verdict}.", "success")
    return redirect(url_for("levels.review"))


@bp.get("/cohorts/<slug>/table-instructors")
@staff_required
def table_instructors(slug: str) -> str:
    cohort = cohort_for_staff(slug)
    program = standing.program_of(cohort)
    return render_template(
        "levels/table_instructors.html",
        cohort=cohort,
        program=program,
        titles=ladder.program_titles(),
        people=ladder.table_instructors_for(cohort, program),
        form=EmptyForm(),
    )


@bp.post("/cohorts/<slug>/table-instructors/<int:user_id>")
@staff_required
def add_table_instructor(slug: str, user_id: int) -> WerkzeugResponse:
    cohort = cohort_for_staff(slug)
    person = assistant_for(cohort, user_id)
    if EmptyForm().validate_on_submit():
        with errors_on() as outcome:
            cohort_service.enroll(cohort, person, MemberRole.TABLE_INSTRUCTOR, actor=current_user)
        if not outcome.failed:
            flash(f"{person.name} assists on {cohort.title} as a table instructor.", "success")
    return redirect(url_for("levels.table_instructors", slug=slug))
