"""The cohort dashboard's reads: filters and sorts as SQL over the precomputed standing, so
the database pages through a cohort of any size; counts and the progress histogram.

Every query here reads the narrow columns of `student_progress` through its covering index
(`ix_student_progress_dashboard`), never the wide JSON of each row, except for the one page
of rows shown: counting and sorting 2,000 students touches a few dozen index pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Select, and_, bindparam, case, func, select, true

from seminar.db import UTCDateTime, db, now_utc
from seminar.models import Cohort, StudentProgress

AT_RISK_AFTER = timedelta(days=14)
FILTERS = {
    "all": "Everyone",
    "eligible": "Eligible",
    "at_risk": "At risk (no activity for 14 days)",
    "not_started": "Not started",
}
BANDS = 11  # 0-9%, 10-19% ... 90-99%, and 100% (eligible)


def filter_clause(name: str, idle_since: datetime | BindParameter[Any]) -> Any:
    """`idle_since`: the time before which a student's last activity makes them at risk."""
    if name == "eligible":
        return StudentProgress.eligible.is_(True)
    if name == "at_risk":
        since = func.coalesce(StudentProgress.last_activity, StudentProgress.joined_at)
        return and_(StudentProgress.eligible.is_(False), since < idle_since)
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

    def _where(self) -> tuple[Any, Any]:
        return (
            StudentProgress.cohort_id == self.cohort.id,
            filter_clause(self.filter, now_utc() - AT_RISK_AFTER),
        )

    def rows(self, *, offset: int = 0, limit: int | None = None, cells: bool = False) -> list[Any]:
        """The students on the page, with StudentProgress's attributes. With `cells`, each row
        has its stored cells and no requirements (the JSON is not decoded)."""
        if self.sort.startswith("req:"):  # kept in each row's JSON: sorted here
            rows = sorted(
                db.session.scalars(select(StudentProgress).where(*self._where())),
                key=requirement_progress(self.sort[4:]),
                reverse=self.descending,
            )
            return rows[offset : None if limit is None else offset + limit]
        columns = SORTS.get(self.sort, SORTS["name"])
        order = [c.desc() if self.descending else c.asc() for c in columns]
        # Two steps: the page's students from the narrow index (sorting ids, not rows of
        # JSON), then those rows whole.
        ids = list(
            db.session.scalars(
                select(StudentProgress.user_id)
                .where(*self._where())
                .order_by(*order, StudentProgress.name, StudentProgress.user_id)
                .offset(offset)
                .limit(limit)
            )
        )
        if not ids:
            return []
        wanted = _PAGE_COLUMNS if cells else list(StudentProgress.__table__.c)
        found = {
            row.user_id: row
            for row in db.session.execute(
                select(*wanted).where(
                    StudentProgress.cohort_id == self.cohort.id, StudentProgress.user_id.in_(ids)
                )
            )
        }  # plain rows, not tracked objects: a page only reads them
        return [found[i] for i in ids if i in found]


# The dashboard page's columns: the stored cells instead of the requirements' JSON, which is
# read only for a row stored before cells were (until `flask seminar refresh-standing`).
_PAGE_COLUMNS = [
    *(c for c in StudentProgress.__table__.c if c.name not in ("requirements", "email")),
    case((StudentProgress.cells.is_(None), StudentProgress.requirements), else_=None).label(
        "requirements"
    ),
]


def columns(cohort: Cohort) -> list[tuple[str, str]]:
    """The requirement columns (key, label) of the cohort's standing, from one of its rows."""
    sample = db.session.scalars(
        select(StudentProgress.requirements).where(StudentProgress.cohort_id == cohort.id).limit(1)
    ).first()
    return [(r["key"], r["label"]) for r in sample or []]


@dataclass(frozen=True)
class Overview:
    counts: dict[str, int]  # students per filter
    chart: list[tuple[str, int]]  # (band label, students) for the histogram


@cache
def _overview_statement() -> Select[Any]:
    """Students grouped by progress band and by whether each filter takes them: a few dozen
    groups from one pass over the cohort's index, summed here. Built once per process; the
    cohort and the time come in as parameters."""
    idle_since = bindparam("idle_since", type_=UTCDateTime())
    band = case((StudentProgress.percent >= 100, BANDS - 1), else_=StudentProgress.percent // 10)
    flags = [
        case((filter_clause(name, idle_since), 1), else_=0) for name in FILTERS if name != "all"
    ]
    return (
        select(band, *flags, func.count())
        .where(StudentProgress.cohort_id == bindparam("cohort_id"))
        .group_by(band, *flags)
    )


def overview(cohort: Cohort) -> Overview:
    """Counts per filter and the progress histogram, in one pass over the cohort's index."""
    counts = dict.fromkeys(FILTERS, 0)
    bands = [0] * BANDS
    named = [name for name in FILTERS if name != "all"]
    for band, *flags, n in db.session.execute(
        _overview_statement(),
        {"idle_since": now_utc() - AT_RISK_AFTER, "cohort_id": cohort.id},
    ):
        counts["all"] += n
        bands[min(max(int(band), 0), BANDS - 1)] += n
        for name, flag in zip(named, flags, strict=True):
            counts[name] += n * flag
    labels = [f"{10 * i} to {10 * i + 9}%" for i in range(BANDS - 1)] + ["100%"]
    return Overview(counts=counts, chart=list(zip(labels, bands, strict=True)))
