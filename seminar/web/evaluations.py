"""The post-course evaluation: a student of the cohort answers it once, after attending; the
cohort's staff read only the anonymous summary."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from seminar.core.evaluation import MIN_SHOWN, QUESTIONS, SCALE
from seminar.queries import evaluations as evaluation_queries
from seminar.queries.standing import program_of
from seminar.services import evaluations
from seminar.web.access import cohort_for_member, cohort_for_staff, staff_required, teaches
from seminar.web.forms import errors_on, evaluation_form

bp = Blueprint("evaluations", __name__)


@bp.route("/cohorts/<slug>/evaluation", methods=["GET", "POST"])
@login_required
def evaluate(slug: str) -> str | Response | tuple[str, int]:
    cohort = cohort_for_member(slug)
    if teaches(cohort, current_user):
        return redirect(url_for(".results", slug=cohort.slug))
    form = evaluation_form()
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            evaluations.submit(cohort, current_user, form.data)
        if not outcome.failed:
            flash("Thank you: your evaluation is recorded, without your name.", "success")
            return redirect(url_for("progress.path"))
    done = bool(evaluation_queries.submitted(cohort, [current_user.id]))
    page = render_template(
        "evaluations/form.html",
        cohort=cohort,
        program=program_of(cohort),
        form=form,
        questions=QUESTIONS,
        done=done,
        attended=evaluation_queries.has_attended(cohort, current_user.id),
    )
    return (page, 400) if form.is_submitted() else page


@bp.get("/cohorts/<slug>/evaluation/results")
@staff_required
def results(slug: str) -> str:
    cohort = cohort_for_staff(slug)
    return render_template(
        "evaluations/results.html",
        cohort=cohort,
        summary=evaluation_queries.summary(cohort),
        scale=SCALE,
        minimum=MIN_SHOWN,
    )
