"""CSV imports into a cohort: upload and preview, then enrol in batches with a progress bar.

The import page posts one batch after another (static/js/import.js) and redraws the bar from
each answer; without JavaScript, a button posts the next batch. Either way each request does
one committed batch of IMPORT_BATCH rows, far from any worker timeout, and leaving the page
only pauses the import: opening it again resumes where it stopped.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from seminar.models import Cohort, ImportJob
from seminar.services import imports, notifications
from seminar.web.access import cohort_for_staff, import_for_staff, staff_required
from seminar.web.forms import CsvImportForm, EmptyForm, errors_on
from seminar.web.uploads import text_from

bp = Blueprint("imports", __name__, url_prefix="/cohorts/<slug>")


@bp.route("/import", methods=["GET", "POST"])
@staff_required
def upload(slug: str) -> str | Response:
    cohort = cohort_for_staff(slug)
    form = CsvImportForm()
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            text = text_from(
                form.file, form.text, what="a CSV file", save_as="CSV UTF-8", round_trip=False
            )
            plan = imports.plan_csv(cohort, text)
            if plan.error:
                form.form_errors.append(plan.error)
            else:
                job = imports.create_job(cohort, plan, by=current_user)
        if not outcome.failed and not plan.error:
            return redirect(url_for("imports.show", slug=slug, job_id=job.id))
    return render_template("imports/upload.html", cohort=cohort, form=form)


def _job(slug: str, job_id: int) -> tuple[Cohort, ImportJob]:
    cohort = cohort_for_staff(slug)
    return cohort, import_for_staff(cohort, job_id)


@bp.get("/imports/<int:job_id>")
@staff_required
def show(slug: str, job_id: int) -> str:
    cohort, job = _job(slug, job_id)
    return render_template(
        "imports/job.html",
        cohort=cohort,
        job=job,
        mail=notifications.delivery_words(max(job.invited, 2)),
    )


@bp.post("/imports/<int:job_id>/start")
@staff_required
def start(slug: str, job_id: int) -> Response:
    _, job = _job(slug, job_id)
    if EmptyForm().validate_on_submit():
        imports.start(job)
    return redirect(url_for("imports.show", slug=slug, job_id=job_id))


@bp.post("/imports/<int:job_id>/cancel")
@staff_required
def cancel(slug: str, job_id: int) -> Response:
    _, job = _job(slug, job_id)
    if EmptyForm().validate_on_submit():
        with errors_on() as outcome:
            imports.cancel(job)
        if not outcome.failed:
            flash("The import is cancelled; nothing was enrolled.", "success")
            return redirect(url_for("cohorts.show", slug=slug))
    return redirect(url_for("imports.show", slug=slug, job_id=job_id))


@bp.post("/imports/<int:job_id>/step")
@staff_required
def step(slug: str, job_id: int) -> Response | tuple[Response, int]:
    _, job = _job(slug, job_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    job = imports.step(job, by=current_user)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(
            state=job.state,
            done=job.done,
            total=job.total,
            percent=job.percent,
            enrolled=job.enrolled,
            invited=job.invited,
            unchanged=job.unchanged,
            skipped=len(job.skipped),
        )
    return redirect(url_for("imports.show", slug=slug, job_id=job_id))
