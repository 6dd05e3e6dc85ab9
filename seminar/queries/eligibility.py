"""Who may be issued what: each student of a cohort as a possible holder of a record of one
kind (eligible or not, what they miss, the hours and evidence the record would freeze, the record
they hold already), and what a cohort's issue page offers. Read in a fixed number of queries,
whatever the cohort's size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from seminar.core import record_wording as wording
from seminar.core.certification import State
from seminar.core.content.programs import Program as ProgramSpec
from seminar.core.errors import RecordError
from seminar.db import db
from seminar.models import (
    Attempt,
    AttemptState,
    Attendance,
    AttendanceCredit,
    Cohort,
    Quiz,
    QuizVersion,
    Record,
    RecordKind,
    SeminarSession,
)
from seminar.queries import ce, evaluations, exams
from seminar.queries.cohorts import instructors as cohort_instructors
from seminar.queries.records import RecordStatus, local_today, local_zone, status_of
from seminar.queries.sessions import sessions_of
from seminar.queries.standing import StudentStatus, cohort_statuses, program_of


@dataclass(frozen=True)
class Scope:
    """What the issue page issues: a kind, and for CE certificates optionally one session."""

    value: str  # "completion", "attendance" or "session-<id>"
    label: str
    kind: RecordKind
    session: SeminarSession | None = None


def scopes(cohort: Cohort) -> list[Scope]:
    """What can be issued to the cohort: its completion record, a CE certificate for all its
    sessions, or one for each session."""
    return [
        Scope("completion", RecordKind.COMPLETION.label, RecordKind.COMPLETION),
        Scope("attendance", "CE attendance certificate: all sessions", RecordKind.ATTENDANCE),
        *(
            Scope(
                f"session-{s.id}",
                f"CE attendance certificate: {s.title} ({s.starts_at:%d %b %Y})",
                RecordKind.ATTENDANCE,
                s,
            )
            for s in sessions_of(cohort)
        ),
    ]


@dataclass
class Candidate:
    """One student of a cohort, as a possible holder of a record of one kind."""

    user_id: int
    name: str
    email: str
    eligible: bool
    missing: list[str]
    hours: float
    existing: Record | None = None  # their current record of this kind and scope
    revoked: Record | None = None  # their last revoked one, when none is current
    renews: Record | None = None  # their current record, expired: issuing renews it
    evidence: dict[str, Any] = field(default_factory=dict)
    completed_on: date | None = None

    @property
    def needs_reason(self) -> bool:
        """Issuing needs an override reason: not eligible, or a record was revoked before."""
        return self.existing is None and (not self.eligible or self.revoked is not None)

    @property
    def ready(self) -> bool:
        """Eligible, holding nothing current, never revoked: what bulk issuing ticks."""
        return self.existing is None and not self.needs_reason


def scope_key(kind: RecordKind, cohort: Cohort, user_id: int, session_id: int | None) -> str:
    """What a holder may hold one current record of. A current record carries it as its
    `active_key`, whose unique index refuses a second one, however the requests interleave."""
    scope = f"session:{session_id}" if session_id is not None else f"cohort:{cohort.id}"
    return f"{kind.value}:{scope}:user:{user_id}"


def candidates(
    cohort: Cohort,
    kind: RecordKind,
    *,
    session: SeminarSession | None = None,
    user_ids: Iterable[int] | None = None,
) -> list[Candidate]:
    """Every student of the cohort (or the given ones) with what they would be issued, in a
    fixed number of queries whatever the cohort's size."""
    if session is not None and (kind != RecordKind.ATTENDANCE or session.cohort_id != cohort.id):
        raise RecordError("A session certificate is a CE attendance certificate of its cohort.")
    statuses = cohort_statuses(cohort, None if user_ids is None else list(user_ids))
    ids = [s.user_id for s in statuses]
    attended = _attendance(cohort, ids, session)
    keys = {i: scope_key(kind, cohort, i, session and session.id) for i in ids}
    current: dict[str, Record] = {}
    revoked: dict[str, Record] = {}
    for record in db.session.scalars(
        select(Record).where(Record.scope_key.in_(list(keys.values()))).order_by(Record.id)
    ):
        if record.active_key is not None:
            current[record.scope_key] = record
        elif record.revoked_at is not None:
            revoked[record.scope_key] = record  # the latest wins
    program = program_of(cohort)
    if kind == RecordKind.COMPLETION:
        passed_on = _quiz_dates(program, ids)
        credited = _credited_hours(cohort, ids)
        titles = _quiz_titles(program)
    else:
        terms = ce.terms([session] if session is not None else sessions_of(cohort))
        # A program may ask for the course evaluation before its CE certificates.
        evaluated = evaluations.submitted(cohort, ids) if program.evaluation else None
    instructors = [u.name for u in cohort_instructors(cohort)]
    today = local_today()
    out = []
    for status in statuses:
        sessions = attended.get(status.user_id, [])
        hours = round(sum(s["hours"] for s in sessions), 2)
        if kind == RecordKind.COMPLETION:
            # Every credited hour counts towards the program, sessions or otherwise.
            hours = round(credited.get(status.user_id, 0.0), 2)
            eligible = status.eligibility.eligible
            missing = [
                f"{r.label}: {r.missing}"
                for r in status.eligibility.requirements
                if r.state is not State.DONE
            ]
            evidence = _completion_evidence(
                cohort, program, status, sessions, passed_on.get(status.user_id, {}), titles
            )
        else:
            requirements = wording.attendance_requirements(
                hours, None if evaluated is None else status.user_id in evaluated
            )
            eligible = all(r["met"] for r in requirements)
            missing = [r["public"] for r in requirements if not r["met"]]
            evidence = {"sessions": sessions, "requirements": requirements, "ce": terms}
        evidence.update(
            cohort={"slug": cohort.slug, "title": cohort.title},
            hours=hours,
            instructors=instructors,
        )
        dates = [date.fromisoformat(s["date"]) for s in sessions]
        dates += [date.fromisoformat(q["passed_on"]) for q in evidence.get("quizzes", [])]
        if practical := evidence.get("practical"):
            dates.append(date.fromisoformat(practical["assessed_on"]))
        if exam := evidence.get("exam"):
            dates.append(date.fromisoformat(exam["passed_on"]))
        key = keys[status.user_id]
        existing = renews = current.get(key)
        if existing is not None and status_of(existing, today) == RecordStatus.EXPIRED:
            existing = None  # an expired record is renewed by issuing again
        else:
            renews = None
        out.append(
            Candidate(
                user_id=status.user_id,
                name=status.name,
                email=status.email,
                eligible=eligible,
                missing=missing,
                hours=hours,
                existing=existing,
                revoked=None if key in current else revoked.get(key),
                renews=renews,
                evidence=evidence,
                completed_on=max(dates) if dates and eligible else None,
            )
        )
    return out


def _attendance(
    cohort: Cohort, ids: list[int], session: SeminarSession | None
) -> dict[int, list[dict[str, Any]]]:
    query = (
        select(
            Attendance.user_id,
            SeminarSession.title,
            SeminarSession.starts_at,
            Attendance.hours,
            SeminarSession.ce_hours,
        )
        .join(SeminarSession, Attendance.session_id == SeminarSession.id)
        .where(
            SeminarSession.cohort_id == cohort.id,
            Attendance.user_id.in_(ids),
            Attendance.hours > 0,
        )
        .order_by(SeminarSession.starts_at)
    )
    if session is not None:
        query = query.where(SeminarSession.id == session.id)
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for user_id, title, starts_at, hours, offered in db.session.execute(query):
        day = starts_at.astimezone(local_zone()).date()  # the date where the session was
        out[user_id].append(
            {"title": title, "date": day.isoformat(), "hours": float(hours), "offered": offered}
        )
    return out


def _credited_hours(cohort: Cohort, ids: list[int]) -> dict[int, float]:
    return {
        user_id: float(hours or 0)
        for user_id, hours in db.session.execute(
            select(AttendanceCredit.user_id, func.sum(AttendanceCredit.hours))
            .where(AttendanceCredit.cohort_id == cohort.id, AttendanceCredit.user_id.in_(ids))
            .group_by(AttendanceCredit.user_id)
        )
    }


def _quiz_titles(program: ProgramSpec) -> dict[str, str]:
    """The program's quizzes by slug, with their current titles (what a record names)."""
    slugs = [q.slug for q in program.quizzes]
    return dict(
        db.session.execute(
            select(Quiz.slug, QuizVersion.title)
            .join(QuizVersion, Quiz.current_version_id == QuizVersion.id)
            .where(Quiz.slug.in_(slugs))
        ).all()
    )


def _quiz_dates(program: ProgramSpec, ids: list[int]) -> dict[int, dict[str, date]]:
    """When each student last submitted each of the program's quizzes."""
    slugs = [q.slug for q in program.quizzes]
    out: dict[int, dict[str, date]] = defaultdict(dict)
    for user_id, slug, when in db.session.execute(
        select(Attempt.user_id, Quiz.slug, func.max(Attempt.submitted_at))
        .join(Quiz, Attempt.quiz_id == Quiz.id)
        .where(
            Attempt.user_id.in_(ids),
            Quiz.slug.in_(slugs),
            Attempt.state == AttemptState.SUBMITTED,
        )
        .group_by(Attempt.user_id, Quiz.slug)
    ):
        if when is not None:
            moment = when if isinstance(when, datetime) else datetime.fromisoformat(str(when))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            out[user_id][slug] = moment.astimezone(local_zone()).date()
    return out


def _completion_evidence(
    cohort: Cohort,
    program: ProgramSpec,
    status: StudentStatus,
    sessions: list[dict[str, Any]],
    passed_on: Mapping[str, date],
    titles: Mapping[str, str],
) -> dict[str, Any]:
    version = cohort.program_version
    quizzes = []
    for requirement in status.eligibility.requirements:
        if requirement.kind != "quiz":
            continue
        fact = status.quiz_results.get(requirement.key)
        when = passed_on.get(requirement.key)
        if fact is not None and fact.result is not None and when is not None:
            quizzes.append(
                {
                    "slug": requirement.key,
                    "title": titles.get(requirement.key) or requirement.key,
                    "score": round(fact.result, 1),
                    "passed_on": when.isoformat(),
                }
            )
    practical = status.practical
    return {
        "program": {
            "slug": program.slug,
            "title": program.title,
            "credential": program.credential,
            "version": version.number,
        },
        "requirements": [
            wording.requirement_evidence(r, program, titles)
            for r in status.eligibility.requirements
        ],
        "reading": {"seconds": status.reading_seconds},
        "quizzes": quizzes,
        "sessions": sessions,
        "practical": {
            "passed": practical.passed,
            "assessed_on": practical.assessed_on.isoformat(),
            "assessor": practical.assessor.name,
        }
        if practical is not None and practical.passed
        else None,
        "exam": _exam_evidence(status),
    }


def _exam_evidence(status: StudentStatus) -> dict[str, Any] | None:
    """The passed practical exam, its rubric scores and examiners (holder and admins only)."""
    booking = status.exam
    if booking is None or booking.decided_at is None:
        return None
    return exams.evidence(booking, booking.decided_at.astimezone(local_zone()).date().isoformat())
