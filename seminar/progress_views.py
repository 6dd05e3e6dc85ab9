"""Progress pages: a student's path to the certificate, and a cohort's dashboard for staff."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from seminar.certification import RequirementStatus, State, next_step
from seminar.cohorts import _student_or_404, cohort_for_staff, practical_form
from seminar.db import db, now_utc
from seminar.models import Attempt, Cohort, PracticalSignoff, Quiz
from seminar.progress import StudentStatus, cohort_statuses, program_of, student_cohorts
from seminar.security import staff_required

bp = Blueprint("progress", __name__)
PER_PAGE = 50
AT_RISK_AFTER = timedelta(days=14)
FILTERS = {
    "all": "Everyone",
    "eligible": "Eligible",
    "at_risk": "At risk (no activity for 14 days)",
    "not_started": "Not started",
}


def at_risk(s: StudentStatus, now: datetime) -> bool:
    since = s.last_activity or s.joined_at
    return not s.eligibility.eligible and now - since > AT_RISK_AFTER


def matches(s: StudentStatus, name: str, now: datetime) -> bool:
    if name == "eligible":
        return s.eligibility.eligible
    if name == "at_risk":
        return at_risk(s, now)
    if name == "not_started":
        return s.last_activity is None
    return True


def sort_key(column: str) -> Callable[[StudentStatus], Any]:
    if column == "percent":
        return lambda s: (s.eligibility.percent, s.name.lower())
    if column == "activity":
        return lambda s: (
            s.last_activity or datetime.min.replace(tzinfo=now_utc().tzinfo),
            s.name.lower(),
        )
    if column == "eligible":
        return lambda s: (s.eligibility.eligible, s.eligibility.percent, s.name.lower())
    if column.startswith("req:"):
        key = column[4:]

        def requirement(s: StudentStatus) -> tuple[float, str]:
            found = next((r for r in s.eligibility.requirements if r.key == key), None)
            return (found.progress if found else 0.0, s.name.lower())

        return requirement
    return lambda s: s.name.lower()


@dataclass
class DashboardQuery:
    """The dashboard's rows as filtered and sorted by the query string (the CSV uses it too)."""

    cohort: Cohort
    everyone: list[StudentStatus]
    rows: list[StudentStatus]
    filter: str
    sort: str
    dir: str


def dashboard_query(slug: str) -> DashboardQuery:
    cohort = cohort_for_staff(slug)
    now = now_utc()
    chosen = request.args.get("filter", "all")
    chosen = chosen if chosen in FILTERS else "all"
    column = request.args.get("sort", "name")
    descending = request.args.get("dir", "asc") == "desc"
    everyone = cohort_statuses(cohort)
    rows = sorted(
        (s for s in everyone if matches(s, chosen, now)), key=sort_key(column), reverse=descending
    )
    return DashboardQuery(cohort, everyone, rows, chosen, column, "desc" if descending else "asc")


def histogram(statuses: list[StudentStatus]) -> list[tuple[str, int]]:
    """Students per tenth of progress, with 100% (eligible) on its own."""
    buckets = [0] * 11
    for s in statuses:
        buckets[min(s.eligibility.percent // 10, 10)] += 1
    labels = [f"{10 * i} to {10 * i + 9}%" for i in range(10)] + ["100%"]
    return list(zip(labels, buckets, strict=True))


@bp.get("/cohorts/<slug>/progress")
@staff_required
def dashboard(slug: str) -> str:
    q = dashboard_query(slug)
    cohort, rows, statuses = q.cohort, q.rows, q.everyone
    page = max(1, request.args.get("page", 1, type=int))
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(page, pages)
    shown = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    program = program_of(cohort)
    columns = [(r.key, r.label) for r in statuses[0].eligibility.requirements] if statuses else []
    now = now_utc()
    return render_template(
        "progress/dashboard.html",
        cohort=cohort,
        program=program,
        rows=shown,
        total=len(rows),
        everyone=len(statuses),
        counts={name: sum(matches(s, name, now) for s in statuses) for name in FILTERS},
        columns=columns,
        state={"filter": q.filter, "sort": q.sort, "dir": q.dir},
        filters=FILTERS,
        page=page,
        pages=pages,
        chart=histogram(statuses),
        at_risk=lambda s: at_risk(s, now),
    )


@bp.get("/cohorts/<slug>/progress.csv")
@staff_required
def dashboard_csv(slug: str) -> Response:
    q = dashboard_query(slug)
    rows = q.rows
    out = io.StringIO()
    writer = csv.writer(out)
    requirements = rows[0].eligibility.requirements if rows else ()
    writer.writerow(
        ["name", "email", "overall %", "eligible", "last activity", "active reading minutes"]
        + [f"{r.label} ({r.key})" for r in requirements]
    )
    for s in rows:
        writer.writerow(
            [
                s.name,
                s.email,
                s.eligibility.percent,
                "yes" if s.eligibility.eligible else "no",
                s.last_activity.strftime("%Y-%m-%d %H:%M") if s.last_activity else "",
                s.reading_seconds // 60,
            ]
            + [f"{r.state.value}: {r.detail}" for r in s.eligibility.requirements]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{q.cohort.slug}-progress.csv"'},
    )


@bp.get("/cohorts/<slug>/students/<int:user_id>")
@staff_required
def student(slug: str, user_id: int) -> str:
    cohort = cohort_for_staff(slug)
    user = _student_or_404(cohort, user_id)
    (status,) = cohort_statuses(cohort, [user.id])
    attempts = db.session.execute(
        select(Attempt, Quiz).join(Quiz, Attempt.quiz_id == Quiz.id)
        .where(Attempt.user_id == user.id).order_by(Quiz.slug, Attempt.number)
    ).all()  # fmt: skip
    signoffs = db.session.scalars(
        select(PracticalSignoff)
        .where(PracticalSignoff.cohort_id == cohort.id, PracticalSignoff.user_id == user.id)
        .order_by(PracticalSignoff.created_at.desc())
    ).all()
    return render_template(
        "progress/student.html",
        cohort=cohort,
        user=user,
        status=status,
        attempts=attempts,
        signoffs=signoffs,
        form=practical_form(),
    )


def step_link(requirement: RequirementStatus) -> str | None:
    if requirement.kind == "lessons":
        return url_for("lessons.catalogue")
    if requirement.kind == "quiz":
        return url_for("quizzes.show", slug=requirement.key)
    return None


@bp.get("/path")
@login_required
def path() -> str:
    cohorts = student_cohorts(current_user.id)
    paths = []
    for cohort in cohorts:
        statuses = cohort_statuses(cohort, [current_user.id])
        if not statuses:
            continue  # an instructor of this cohort, not a student in it
        (status,) = statuses
        step = next_step(status.eligibility)
        paths.append((cohort, program_of(cohort), status, step, step_link(step) if step else None))
    return render_template("progress/path.html", paths=paths, State=State)
