"""Progress pages: a student's path to the certificate, and a cohort's dashboard for staff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import and_, case, func, select, true

from seminar.core.certification import RequirementStatus, State, next_step
from seminar.db import db, now_utc
from seminar.models import (
    Attempt,
    Cohort,
    CohortMember,
    LiveAnswer,
    LiveQuestion,
    LiveQuiz,
    MemberRole,
    PracticalSignoff,
    Quiz,
    SeminarSession,
    StudentProgress,
)
from seminar.queries.standing import cohort_statuses, program_of, student_cohorts
from seminar.services.standing import refresh
from seminar.web.access import staff_required
from seminar.web.cohorts import cohort_for_staff, practical_form, student_or_404
from seminar.web.csv_export import csv_response

bp = Blueprint("progress", __name__)
PER_PAGE = 50
AT_RISK_AFTER = timedelta(days=14)
FILTERS = {
    "all": "Everyone",
    "eligible": "Eligible",
    "at_risk": "At risk (no activity for 14 days)",
    "not_started": "Not started",
}


def filter_clause(name: str, now: datetime) -> Any:
    """Filters as SQL, so the database pages through a cohort of any size."""
    if name == "eligible":
        return StudentProgress.eligible.is_(True)
    if name == "at_risk":
        since = func.coalesce(StudentProgress.last_activity, StudentProgress.joined_at)
        return and_(StudentProgress.eligible.is_(False), since < now - AT_RISK_AFTER)
    if name == "not_started":
        return StudentProgress.last_activity.is_(None)
    return true()


SORTS = {
    "name": (StudentProgress.name,),
    "percent": (StudentProgress.percent,),
    "activity": (StudentProgress.last_activity,),
    "eligible": (StudentProgress.eligible, StudentProgress.percent),
}


def requirement_progress(key: str) -> Callable[[StudentProgress], Any]:
    def progress(s: StudentProgress) -> tuple[float, str]:
        found = next((r for r in s.requirements if r["key"] == key), None)
        return (found["progress"] if found else 0.0, s.name.lower())

    return progress


@dataclass
class DashboardQuery:
    """The dashboard's filter and sort from the query string (the CSV uses it too)."""

    cohort: Cohort
    filter: str
    sort: str
    dir: str

    @property
    def descending(self) -> bool:
        return self.dir == "desc"

    def rows(self, *, offset: int = 0, limit: int | None = None) -> list[StudentProgress]:
        query = select(StudentProgress).where(
            StudentProgress.cohort_id == self.cohort.id, filter_clause(self.filter, now_utc())
        )
        if self.sort.startswith("req:"):  # kept in each row's JSON: sorted here
            rows = sorted(
                db.session.scalars(query),
                key=requirement_progress(self.sort[4:]),
                reverse=self.descending,
            )
            return rows[offset : None if limit is None else offset + limit]
        columns = SORTS.get(self.sort, SORTS["name"])
        order = [c.desc() if self.descending else c.asc() for c in columns]
        query = query.order_by(*order, StudentProgress.name, StudentProgress.user_id)
        return list(db.session.scalars(query.offset(offset).limit(limit)))

    def count(self) -> int:
        return (
            db.session.scalar(
                select(func.count())
                .select_from(StudentProgress)
                .where(
                    StudentProgress.cohort_id == self.cohort.id,
                    filter_clause(self.filter, now_utc()),
                )
            )
            or 0
        )


def ensure_snapshot(cohort: Cohort) -> None:
    """Rebuild the precomputed rows if they do not cover every student (e.g. after an upgrade)."""
    students = db.session.scalar(
        select(func.count())
        .select_from(CohortMember)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.role == MemberRole.STUDENT)
    )
    rows = db.session.scalar(
        select(func.count())
        .select_from(StudentProgress)
        .where(StudentProgress.cohort_id == cohort.id)
    )
    if students != rows:
        refresh(cohort)


def dashboard_query(slug: str) -> DashboardQuery:
    cohort = cohort_for_staff(slug)
    ensure_snapshot(cohort)
    chosen = request.args.get("filter", "all")
    column = request.args.get("sort", "name")
    if not (column in SORTS or column.startswith("req:")):
        column = "name"
    return DashboardQuery(
        cohort,
        chosen if chosen in FILTERS else "all",
        column,
        "desc" if request.args.get("dir") == "desc" else "asc",
    )


def overview(cohort: Cohort) -> tuple[dict[str, int], list[tuple[str, int]], list[tuple[str, str]]]:
    """Counts per filter, the progress histogram and the requirement columns, in SQL."""
    now = now_utc()
    in_cohort = StudentProgress.cohort_id == cohort.id
    counts = db.session.execute(
        select(
            *[
                func.coalesce(func.sum(case((filter_clause(name, now), 1), else_=0)), 0)
                for name in FILTERS
            ]
        ).where(in_cohort)
    ).one()
    band = case((StudentProgress.percent >= 100, 10), else_=StudentProgress.percent // 10)
    bands = dict(
        db.session.execute(select(band, func.count()).where(in_cohort).group_by(band)).all()
    )
    labels = [f"{10 * i} to {10 * i + 9}%" for i in range(10)] + ["100%"]
    chart = [(label, int(bands.get(i, 0))) for i, label in enumerate(labels)]
    sample = db.session.scalars(
        select(StudentProgress.requirements).where(in_cohort).limit(1)
    ).first()
    columns = [(r["key"], r["label"]) for r in sample or []]
    return dict(zip(FILTERS, (int(c) for c in counts), strict=True)), chart, columns


@bp.get("/cohorts/<slug>/progress")
@staff_required
def dashboard(slug: str) -> str:
    q = dashboard_query(slug)
    total = q.count()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    counts, chart, columns = overview(q.cohort)
    now = now_utc()
    return render_template(
        "progress/dashboard.html",
        cohort=q.cohort,
        program=program_of(q.cohort),
        rows=q.rows(offset=(page - 1) * PER_PAGE, limit=PER_PAGE),
        total=total,
        everyone=counts["all"],
        counts=counts,
        columns=columns,
        state={"filter": q.filter, "sort": q.sort, "dir": q.dir},
        filters=FILTERS,
        page=page,
        pages=pages,
        chart=chart,
        at_risk=lambda s: not s.eligible and now - (s.last_activity or s.joined_at) > AT_RISK_AFTER,
    )


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


@bp.get("/cohorts/<slug>/students/<int:user_id>")
@staff_required
def student(slug: str, user_id: int) -> str:
    cohort = cohort_for_staff(slug)
    user = student_or_404(cohort, user_id)
    (status,) = cohort_statuses(cohort, [user.id])
    attempts = db.session.execute(
        select(Attempt, Quiz)
        .join(Quiz, Attempt.quiz_id == Quiz.id)
        .where(Attempt.user_id == user.id)
        .order_by(Quiz.slug, Attempt.number)
    ).all()
    signoffs = db.session.scalars(
        select(PracticalSignoff)
        .where(PracticalSignoff.cohort_id == cohort.id, PracticalSignoff.user_id == user.id)
        .order_by(PracticalSignoff.created_at.desc())
    ).all()
    live = db.session.execute(
        select(
            LiveQuiz.title,
            SeminarSession.title,
            func.count(LiveAnswer.id),
            func.coalesce(func.sum(case((LiveAnswer.correct, 1), else_=0)), 0),
        )
        .join(SeminarSession, LiveQuiz.session_id == SeminarSession.id)
        .join(LiveQuestion, LiveQuestion.live_quiz_id == LiveQuiz.id)
        .join(LiveAnswer, LiveAnswer.live_question_id == LiveQuestion.id)
        .where(SeminarSession.cohort_id == cohort.id, LiveAnswer.user_id == user.id)
        .group_by(LiveQuiz.id, LiveQuiz.title, SeminarSession.title)
        .order_by(LiveQuiz.id)
    ).all()
    return render_template(
        "progress/student.html",
        live=live,
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
