"""The cohort dashboard's reads: filters and sorts as SQL over the precomputed standing, so
the database pages through a cohort of any size; counts and the progress histogram."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select, true

from seminar.db import db, now_utc
from seminar.models import Cohort, StudentProgress

AT_RISK_AFTER = timedelta(days=14)
FILTERS = {
    "all": "Everyone",
    "eligible": "Eligible",
    "at_risk": "At risk (no activity for 14 days)",
    "not_started": "Not started",
}


def filter_clause(name: str, now: datetime) -> Any:
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
