"""Each student's precomputed standing (StudentProgress), kept in step with their facts in the
same transaction as the facts.

A service that changes a fact marks whose standing it moved (`mark_student`, `mark`,
`mark_everyone`). Just before the transaction commits, everything marked is recomputed in
bulk, one pass per cohort (`cohort_statuses`: a fixed number of queries) written with one
upsert, so a fact and the standing it moves commit together or not at all, and a request
that enrols five hundred students recomputes their cohort once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from seminar.core.matrix_cells import cells_html
from seminar.db import db, now_utc, on_session, upsert
from seminar.models import Cohort, CohortMember, MemberRole, StudentProgress
from seminar.queries.standing import (
    StandingInputs,
    cohort_statuses,
    cohorts_moved,
    standing_inputs,
)

_KEY = "stale_standing"
_UPDATED = (
    "name",
    "email",
    "percent",
    "eligible",
    "joined_at",
    "last_activity",
    "reading_seconds",
    "live_answers",
    "requirements",
    "cells",
    "updated_at",
)


@dataclass
class _Stale:
    everyone: bool = False
    cohorts: set[int] = field(default_factory=set)  # every student of these cohorts
    students: dict[int, set[int]] = field(default_factory=dict)  # cohort id -> students
    users: set[int] = field(default_factory=set)  # these students, in every cohort of theirs


def _stale(session: Session | None = None) -> _Stale:
    info = (session or db.session()).info
    if _KEY not in info:
        info[_KEY] = _Stale()
    return info[_KEY]


def mark_student(user_id: int) -> None:
    """A student's own fact changed: their standing in every cohort they study in."""
    _stale().users.add(user_id)


def mark(cohort: Cohort | int, user_ids: Iterable[int] | None = None) -> None:
    """The standing of these students of the cohort (or all of its students) moved."""
    cohort_id = cohort if isinstance(cohort, int) else cohort.id
    stale = _stale()
    if user_ids is None:
        stale.cohorts.add(cohort_id)
    else:
        stale.students.setdefault(cohort_id, set()).update(user_ids)


def mark_everyone() -> None:
    """Content or requirements changed: every cohort."""
    _stale().everyone = True


def content_snapshot() -> StandingInputs:
    """What standings are computed from, before a content change (for `mark_moved`)."""
    return standing_inputs()


def mark_moved(before: StandingInputs) -> None:
    """Content changed since `before`: mark only the cohorts whose standing it can move (a
    lesson added or retired, a quiz's title or pass mark); a text edit marks no one."""
    db.session.flush()
    for cohort_id in cohorts_moved(before, standing_inputs()):
        mark(cohort_id)


def refresh_marked(session: Session | None = None) -> None:
    """Recompute what is marked, in bulk (run before each commit)."""
    stale = (session or db.session()).info.pop(_KEY, None)
    if stale is None:
        return
    wanted: dict[int, set[int] | None] = {}
    if stale.everyone:
        wanted = dict.fromkeys(db.session.scalars(select(Cohort.id)), None)
    for cohort_id in stale.cohorts:
        wanted[cohort_id] = None
    pairs = [(c, u) for c, users in stale.students.items() for u in users]
    if stale.users:
        pairs += db.session.execute(
            select(CohortMember.cohort_id, CohortMember.user_id).where(
                CohortMember.user_id.in_(stale.users), CohortMember.role == MemberRole.STUDENT
            )
        ).all()
    for cohort_id, user_id in pairs:
        if cohort_id not in wanted:
            wanted[cohort_id] = set()
        if (ids := wanted[cohort_id]) is not None:
            ids.add(user_id)
    cohorts = {c.id: c for c in db.session.scalars(select(Cohort).where(Cohort.id.in_(wanted)))}
    for cohort_id, ids in sorted(wanted.items()):  # in id order (see `shown_moved`)
        if cohort_id in cohorts:
            refresh(cohorts[cohort_id], ids)


def refresh(cohort: Cohort, user_ids: Iterable[int] | None = None) -> int:
    """Recompute the standing of the cohort's students (or the given ones) now, in the
    caller's transaction; rows of people no longer its students go."""
    ids = None if user_ids is None else list(user_ids)
    statuses = cohort_statuses(cohort, ids)
    now = now_utc()
    rows: list[dict[str, Any]] = [
        {
            "cohort_id": cohort.id,
            "user_id": s.user_id,
            "name": s.name,
            "email": s.email,
            "percent": s.eligibility.percent,
            "eligible": s.eligibility.eligible,
            "joined_at": s.joined_at,
            "last_activity": s.last_activity,
            "reading_seconds": s.reading_seconds,
            "live_answers": s.live_answers,
            "requirements": (
                requirements := [
                    dataclasses.asdict(r) | {"state": r.state.value}
                    for r in s.eligibility.requirements
                ]
            ),
            "cells": cells_html(requirements),
            "updated_at": now,
        }
        for s in statuses
    ]
    # An upsert: two requests refreshing the same student at once both succeed.
    upsert(StudentProgress, rows, keys=("cohort_id", "user_id"), update=_UPDATED)
    gone = delete(StudentProgress).where(
        StudentProgress.cohort_id == cohort.id,
        StudentProgress.user_id.not_in([s.user_id for s in statuses]),
    )
    if ids is not None:
        gone = gone.where(StudentProgress.user_id.in_(ids))
    db.session.execute(gone)
    shown_moved([cohort.id])
    return len(statuses)


def shown_moved(cohort_ids: Iterable[int]) -> None:
    """What these cohorts' dashboards show has moved, in this transaction: their revision
    moves with it (so a kept dashboard is never older than what committed). One cohort at a
    time in id order, so two transactions never wait on each other's cohorts."""
    for cohort_id in sorted(set(cohort_ids)):
        db.session.execute(
            update(Cohort)
            .where(Cohort.id == cohort_id)
            .values(standing_revision=Cohort.standing_revision + 1)
            .execution_options(synchronize_session=False)
        )


def _start_of_day(now: datetime) -> datetime:
    """Midnight where the seminar is, as UTC: the dashboard shows activity by day there."""
    local = now.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def touch(user_id: int, reading_seconds: int = 0, *, flagged: bool = False) -> None:
    """Reading counts as activity: a cheap update, no recomputation. A dashboard shows it only
    by day (and whether the student ever started), so only a reader's first beat of the day
    moves their cohorts' dashboards, or one that flags them (`flagged`: lessons read side by
    side, newly)."""
    now = now_utc()
    theirs = StudentProgress.user_id == user_id
    shown = (
        theirs
        if flagged
        else theirs
        & or_(
            StudentProgress.last_activity.is_(None),
            StudentProgress.last_activity < _start_of_day(now),
        )
    )
    shown_moved(db.session.scalars(select(StudentProgress.cohort_id).where(shown)))
    db.session.execute(
        update(StudentProgress)
        .where(theirs)
        .values(
            last_activity=now,
            reading_seconds=StudentProgress.reading_seconds + reading_seconds,
        )
    )


def _before_commit(session: Session) -> None:
    refresh_marked(session)


def _after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)  # the facts are gone, and with them the need to refresh


def init_app(app: Flask) -> None:
    on_session("before_commit", _before_commit)
    on_session("after_rollback", _after_rollback)
