"""Progress pages: a student's path to the certificate, and a cohort's dashboard for staff."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from seminar.core.certification import RequirementStatus, State, next_step
from seminar.core.content.programs import Program as ProgramSpec
from seminar.core.memo import memo_in
from seminar.db import now_utc
from seminar.models import Cohort, User
from seminar.queries import announcements, ladder, standing
from seminar.queries.cohorts import cohorts_of_student
from seminar.queries.dashboard import (
    AT_RISK_AFTER,
    FILTERS,
    SORTS,
    DashboardQuery,
    columns,
    overview,
)
from seminar.services.evidence import record_practical
from seminar.web import matrix
from seminar.web.access import cohort_for_staff, staff_required, student_of
from seminar.web.csv_export import csv_response
from seminar.web.filters import day
from seminar.web.forms import PracticalForm, errors_on, practical_form

bp = Blueprint("progress", __name__)
PER_PAGE = 50


def dashboard_query(slug: str) -> DashboardQuery:
    """The cohort and the dashboard's filter and sort, from the query string."""
    chosen = request.args.get("filter", "all")
    column = request.args.get("sort", "name")
    if not (column in SORTS or column.startswith("req:")):
        column = "name"
    return DashboardQuery(
        cohort_for_staff(slug),
        chosen if chosen in FILTERS else "all",
        column,
        "desc" if request.args.get("dir") == "desc" else "asc",
    )


@bp.get("/cohorts/<slug>/progress")
@staff_required
def dashboard(slug: str) -> str:
    q = dashboard_query(slug)
    program = standing.program_of(q.cohort)
    page = request.args.get("page", 1, type=int)
    now = now_utc()
    # Everything the content is made of: the cohort's standing as of its revision, the view,
    # and the minute (a student turns "at risk" by the clock alone). Staff reloading a
    # dashboard, or paging back and forth, are served the copy their worker made.
    key = (
        q.cohort.id,
        q.cohort.standing_revision,
        q.cohort.slug,
        q.cohort.title,
        program.title,
        q.filter,
        q.sort,
        q.dir,
        page,
        int(now.timestamp()) // 60,
        request.script_root,
    )
    kept = memo_in(current_app.extensions, "dashboards", size=32)
    content = kept.get(key, lambda: _dashboard_content(q, program, page, now))
    return render_template("progress/dashboard.html", cohort=q.cohort, content=content)


def _dashboard_content(q: DashboardQuery, program: ProgramSpec, page: int, now: datetime) -> Markup:
    summary = overview(q.cohort)
    total = summary.counts[q.filter]
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    rows = q.rows(offset=(page - 1) * PER_PAGE, limit=PER_PAGE, cells=True)
    html = render_template(
        "progress/_dashboard.html",
        cohort=q.cohort,
        program=program,
        body=matrix.rows(
            rows,
            student_url=url_for("progress.student", slug=q.cohort.slug, user_id=0),
            overlaps=standing.reading_overlaps_of([s.user_id for s in rows]),
            at_risk=matrix.is_at_risk(now, AT_RISK_AFTER),
            date=day,
        ),
        columns=columns(q.cohort) if rows else [],
        total=total,
        counts=summary.counts,
        chart=summary.chart,
        states=matrix.STATES,
        state=(state := {"filter": q.filter, "sort": q.sort, "dir": q.dir}),
        link=matrix.linker(request.script_root + request.path, state),
        filters=FILTERS,
        page=page,
        pages=pages,
    )
    return Markup(html)  # noqa: S704 (a template's output, escaped by it)


@bp.get("/cohorts/<slug>/progress.csv")
@staff_required
def dashboard_csv(slug: str) -> Response:
    q = dashboard_query(slug)
    rows = q.rows()
    requirements = rows[0].requirements if rows else []
    header = [
        "name",
        "email",
        "overall %",
        "eligible",
        "last activity",
        "active reading minutes",
        "live quiz answers",
    ]
    return csv_response(
        f"{q.cohort.slug}-progress.csv",
        header + [f"{r['label']} ({r['key']})" for r in requirements],
        (
            [
                s.name,
                s.email,
                s.percent,
                "yes" if s.eligible else "no",
                s.last_activity.strftime("%Y-%m-%d %H:%M") if s.last_activity else "",
                s.reading_seconds // 60,
                s.live_answers,
            ]
            + [f"{r['state'].replace('_', ' ')}: {r['detail']}" for r in s.requirements]
            for s in rows
        ),
    )


def _student_page(cohort: Cohort, user: User, form: PracticalForm) -> str:
    (status,) = standing.cohort_statuses(cohort, [user.id])
    return render_template(
        "progress/student.html",
        live=standing.live_participation(cohort, user.id),
        cohort=cohort,
        user=user,
        status=status,
        attempts=standing.attempts_of(user.id),
        signoffs=standing.signoffs_of(cohort, user.id),
        reading_overlaps=standing.reading_overlaps(user.id),
        form=form,
    )


@bp.get("/cohorts/<slug>/students/<int:user_id>")
@staff_required
def student(slug: str, user_id: int) -> str:
    cohort = cohort_for_staff(slug)
    return _student_page(cohort, student_of(cohort, user_id), practical_form())


@bp.post("/cohorts/<slug>/students/<int:user_id>/practical")
@staff_required
def practical(slug: str, user_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    cohort = cohort_for_staff(slug)
    student = student_of(cohort, user_id)
    form = practical_form()
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            record_practical(
                cohort,
                student,
                passed=form.outcome.data == "passed",
                observed=list(form.observed.data or []),
                note=form.note.data or "",
                assessed_on=form.assessed_on.data,
                assessor=current_user,
            )
        if not outcome.failed:
            flash(f"Practical assessment recorded for {student.name}.", "success")
            return redirect(url_for("progress.student", slug=slug, user_id=user_id))
    return _student_page(cohort, student, form), 400


def step_link(requirement: RequirementStatus, cohort: Cohort, program: ProgramSpec) -> str:
    """Where a requirement is met: the lessons, the quiz, the practical exam's page, or the
    cohort's sessions (hours are credited there, and a practical without an exam is signed
    off at a hands-on session)."""
    if requirement.kind == "lessons":
        return url_for("lessons.catalogue")
    if requirement.kind == "quiz":
        return url_for("quizzes.show", slug=requirement.key)
    if requirement.kind == "practical" and program.exam:
        return url_for("exams.candidate", slug=cohort.slug)
    return url_for("sessions.schedule", slug=cohort.slug)


@bp.get("/path")
@login_required
def path() -> str:
    paths = []
    for cohort in cohorts_of_student(current_user.id):
        (status,) = standing.cohort_statuses(cohort, [current_user.id])
        step = next_step(status.eligibility)
        program = standing.program_of(cohort)
        links = {r.key: step_link(r, cohort, program) for r in status.eligibility.requirements}
        paths.append((cohort, program, status, step, links))
    notices = announcements.for_student(current_user.id)
    rungs = ladder.ladder_of(current_user, [c.program_version.program.slug for c, *_ in paths])
    return render_template(
        "progress/path.html", paths=paths, State=State, notices=notices, rungs=rungs
    )
