"""Reads about seminar sessions: schedules, who is present, rosters and their history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from seminar.core import checkin_codes
from seminar.db import db, now_utc
from seminar.models import (
    Attendance,
    AttendanceChange,
    Cohort,
    CohortMember,
    LiveQuiz,
    SeminarSession,
    User,
)


def normalise_code(code: str) -> str:
    """As typed on a phone: any case, spaces or hyphens."""
    return code.strip().upper().replace(" ", "").replace("-", "")


def session_for_code(code: str, now: datetime | None = None) -> SeminarSession | None:
    """The session whose check-in is open under this code: a fixed code, or the current or
    previous code of a rotating one (computed for the few sessions open with one)."""
    code = normalise_code(code)
    if not code:
        return None
    fixed = db.session.execute(
        select(SeminarSession).where(
            SeminarSession.checkin_code == code, SeminarSession.checkin_open.is_(True)
        )
    ).scalar_one_or_none()
    if fixed is not None:
        return fixed
    now = now or now_utc()
    rotating = db.session.scalars(
        select(SeminarSession).where(
            SeminarSession.checkin_open.is_(True), SeminarSession.checkin_secret.is_not(None)
        )
    )
    return next((s for s in rotating if code in _accepted(s, now)), None)


def _accepted(session: SeminarSession, now: datetime) -> tuple[str, ...]:
    assert session.checkin_secret is not None and session.code_seconds
    return checkin_codes.accepted_codes(session.checkin_secret, session.code_seconds, now)


def current_code(session: SeminarSession, now: datetime | None = None) -> str | None:
    """The code the projector shows now, or None while check-in is closed."""
    if not session.checkin_open:
        return None
    if session.checkin_secret and session.code_seconds:
        return checkin_codes.current_code(
            session.checkin_secret, session.code_seconds, now or now_utc()
        )
    return session.checkin_code


def seconds_to_next_code(session: SeminarSession, now: datetime | None = None) -> float | None:
    """How long the projector's rotating code still holds (None for a fixed code)."""
    if not (session.checkin_open and session.code_seconds):
        return None
    return checkin_codes.seconds_to_next(session.code_seconds, now or now_utc())


def sessions_of(cohort: Cohort) -> list[SeminarSession]:
    return list(
        db.session.scalars(
            select(SeminarSession)
            .options(joinedload(SeminarSession.cohort))
            .where(SeminarSession.cohort_id == cohort.id)
            .order_by(SeminarSession.starts_at)
        )
    )


def sessions_of_member(user: User) -> list[SeminarSession]:
    """Every session of every cohort this person is in."""
    cohort_ids = select(CohortMember.cohort_id).where(CohortMember.user_id == user.id)
    return list(
        db.session.scalars(
            select(SeminarSession)
            .options(joinedload(SeminarSession.cohort))
            .where(SeminarSession.cohort_id.in_(cohort_ids))
            .order_by(SeminarSession.starts_at)
        )
    )


def instructor_names(sessions: list[SeminarSession]) -> dict[int, str]:
    """Each session's instructors as one line of names, in one query."""
    ids = {i for s in sessions for i in s.instructor_ids}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    return {s.id: ", ".join(names[i] for i in s.instructor_ids if i in names) for s in sessions}


def present_count(session: SeminarSession) -> int:
    """Students checked in and not yet out."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Attendance)
            .where(Attendance.session_id == session.id, Attendance.checked_out_at.is_(None))
        )
        or 0
    )


def attendance_of(session: SeminarSession, user: User) -> Attendance | None:
    return db.session.execute(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == user.id)
    ).scalar_one_or_none()


def attendances_of(user: User, sessions: list[SeminarSession]) -> dict[int, Attendance]:
    """This person's attendance at each of the sessions, by session id."""
    return {
        a.session_id: a
        for a in db.session.scalars(
            select(Attendance).where(
                Attendance.user_id == user.id,
                Attendance.session_id.in_([s.id for s in sessions]),
            )
        )
    }


def current_attendance(user: User) -> Attendance | None:
    """The session this person is checked in to now, if any (the latest)."""
    return (
        db.session.execute(
            select(Attendance)
            .options(joinedload(Attendance.session))
            .where(Attendance.user_id == user.id, Attendance.checked_out_at.is_(None))
            .order_by(Attendance.checked_in_at.desc())
        )
        .scalars()
        .first()
    )


def roster(session: SeminarSession) -> list[tuple[Attendance, User]]:
    return [
        (attendance, user)
        for attendance, user in db.session.execute(
            select(Attendance, User)
            .join(User, Attendance.user_id == User.id)
            .where(Attendance.session_id == session.id)
            .order_by(User.name)
        )
    ]


def corrections(attendance_ids: list[int]) -> dict[int, list[AttendanceChange]]:
    """Each attendance's corrections, oldest first."""
    history: dict[int, list[AttendanceChange]] = {}
    for change in db.session.scalars(
        select(AttendanceChange)
        .options(joinedload(AttendanceChange.changed_by))
        .where(AttendanceChange.attendance_id.in_(attendance_ids))
        .order_by(AttendanceChange.changed_at)
    ):
        history.setdefault(change.attendance_id, []).append(change)
    return history


def live_quizzes(session: SeminarSession, *, unfinished: bool = False) -> list[LiveQuiz]:
    query = select(LiveQuiz).where(LiveQuiz.session_id == session.id)
    if unfinished:
        query = query.where(LiveQuiz.status != "finished")
    return list(db.session.scalars(query.order_by(LiveQuiz.created_at)))
