"""Where people stand on the ladder of levels: the records they hold, the hours they attended
here or declared elsewhere, the hours they taught as table instructors; what joining a cohort
still needs; and who may assist on a cohort. Reads only; the rules are in core/levels.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, func, select

from seminar.core import levels
from seminar.core.content.programs import Program as ProgramSpec
from seminar.core.content.programs import program_from_dict
from seminar.db import db, now_utc
from seminar.models import (
    AttendanceCredit,
    Cohort,
    CohortMember,
    Decision,
    DeclaredHours,
    MemberRole,
    Program,
    ProgramVersion,
    Record,
    RecordKind,
    SeminarSession,
    User,
)
from seminar.queries.records import local_today


def current_completion_records(today: date | None = None) -> Select[tuple[int, str, Record]]:
    """(holder id, program slug, record) of every current completion record: not revoked, not
    superseded, not lapsed."""
    today = today or local_today()
    return (
        select(Record.holder_id, Program.slug, Record)
        .join(Cohort, Record.cohort_id == Cohort.id)
        .join(ProgramVersion, Cohort.program_version_id == ProgramVersion.id)
        .join(Program, ProgramVersion.program_id == Program.id)
        .where(
            Record.kind == RecordKind.COMPLETION,
            Record.revoked_at.is_(None),
            Record.superseded_by_id.is_(None),
            (Record.expires_on.is_(None)) | (Record.expires_on >= today),
        )
    )


def held_programs(user_id: int) -> frozenset[str]:
    rows = db.session.execute(current_completion_records().where(Record.holder_id == user_id))
    return frozenset(slug for _, slug, _ in rows)


def attended_hours(
    user_id: int, since: datetime | None = None, until: datetime | None = None
) -> float:
    """Hours credited from attendance here, within the period when one is given (by the
    session's start, else when the credit was recorded)."""
    when = func.coalesce(SeminarSession.starts_at, AttendanceCredit.recorded_at)
    query = (
        select(func.coalesce(func.sum(AttendanceCredit.hours), 0.0))
        .outerjoin(
            SeminarSession,
            and_(
                AttendanceCredit.source == "session",
                AttendanceCredit.source_id == SeminarSession.id,
            ),
        )
        .where(AttendanceCredit.user_id == user_id)
    )
    if since is not None:
        query = query.where(when >= since)
    if until is not None:
        query = query.where(when < until)
    return float(db.session.scalar(query) or 0)


def declared_hours(user_id: int, since: date | None = None, until: date | None = None) -> float:
    """Hours declared from another organisation that an admin approved."""
    query = select(func.coalesce(func.sum(DeclaredHours.hours), 0.0)).where(
        DeclaredHours.user_id == user_id, DeclaredHours.state == Decision.APPROVED
    )
    if since is not None:
        query = query.where(DeclaredHours.attended_on >= since)
    if until is not None:
        query = query.where(DeclaredHours.attended_on < until)
    return float(db.session.scalar(query) or 0)


def facts_of(user: User) -> levels.LevelFacts:
    return levels.LevelFacts(
        held=held_programs(user.id),
        hours_here=attended_hours(user.id),
        hours_declared=declared_hours(user.id),
        licensed_on=user.licensed_on,
    )


def program_titles() -> dict[str, str]:
    return {
        slug: title
        for slug, title in db.session.execute(
            select(Program.slug, ProgramVersion.title).join(
                ProgramVersion, Program.current_version_id == ProgramVersion.id
            )
        )
    }


def missing_for(cohort: Cohort, user: User, *, you: bool = True) -> tuple[str, ...]:
    """What joining this cohort still needs of the person, in words; () when admitted."""
    program = program_from_dict(cohort.program_version.data)
    if not program.admission.any:
        return ()
    return levels.missing(
        program.admission, facts_of(user), titles=program_titles(), today=local_today(), you=you
    )


def ladder_of(user: User, enrolled: Iterable[str]) -> tuple[levels.Rung, ...]:
    """Every open program, in the order they were loaded, as the person's ladder."""
    rows = db.session.execute(
        select(Program.slug, ProgramVersion.title, ProgramVersion.data)
        .join(ProgramVersion, Program.current_version_id == ProgramVersion.id)
        .where(Program.retired.is_(False))
        .order_by(Program.id)
    ).all()
    order = [(slug, title, program_from_dict(data).admission) for slug, title, data in rows]
    return levels.ladder(order, facts_of(user), enrolled=frozenset(enrolled), today=local_today())


def taught_hours(
    user_ids: Iterable[int], since: datetime | None = None, until: datetime | None = None
) -> dict[int, float]:
    """Hours of sessions that have ended, in cohorts where each person is a table instructor
    (sessions after they joined it as one), within the period when one is given."""
    ids = list(user_ids)
    if not ids:
        return {}
    query = (
        select(CohortMember.user_id, SeminarSession.starts_at, SeminarSession.ends_at)
        .join(SeminarSession, SeminarSession.cohort_id == CohortMember.cohort_id)
        .where(
            CohortMember.user_id.in_(ids),
            CohortMember.role == MemberRole.TABLE_INSTRUCTOR,
            SeminarSession.ends_at <= now_utc(),
            SeminarSession.ends_at >= CohortMember.joined_at,
        )
    )
    if since is not None:
        query = query.where(SeminarSession.starts_at >= since)
    if until is not None:
        query = query.where(SeminarSession.starts_at < until)
    totals: dict[int, float] = defaultdict(float)
    for user_id, starts_at, ends_at in db.session.execute(query):
        totals[user_id] += (ends_at - starts_at).total_seconds() / 3600
    return {i: round(totals.get(i, 0.0), 2) for i in ids}


@dataclass(frozen=True)
class Assistant:
    user: User
    holds: str  # the title of the program whose record makes them eligible
    taught: float  # hours taught as a table instructor, anywhere
    member: bool  # already a table instructor on this cohort


def table_instructors_for(cohort: Cohort, program: ProgramSpec) -> list[Assistant]:
    """Everyone whose current record makes them eligible to assist on this cohort."""
    if not program.table_instructor_after:
        return []
    rows = db.session.execute(
        current_completion_records()
        .add_columns(User)
        .join(User, Record.holder_id == User.id)
        .where(Program.slug.in_(program.table_instructor_after), User.active)
        .order_by(User.name)
    ).all()
    titles = program_titles()
    people: dict[int, tuple[User, str]] = {}
    for holder_id, slug, _record, user in rows:
        people.setdefault(holder_id, (user, titles.get(slug, slug)))
    members = set(
        db.session.scalars(
            select(CohortMember.user_id).where(
                CohortMember.cohort_id == cohort.id,
                CohortMember.role == MemberRole.TABLE_INSTRUCTOR,
            )
        )
    )
    taught = taught_hours(people)
    return [
        Assistant(user, holds, taught[uid], uid in members) for uid, (user, holds) in people.items()
    ]


def may_assist(cohort: Cohort, user: User) -> bool:
    program = program_from_dict(cohort.program_version.data)
    return any(slug in program.table_instructor_after for slug in held_programs(user.id))
