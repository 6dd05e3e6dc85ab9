"""Seminar sessions: scheduling, check-in codes, check-in and out, hours, corrections."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, select

from seminar.core import ce
from seminar.core.certification import credited_hours
from seminar.core.content.programs import program_from_dict
from seminar.core.errors import SeminarError
from seminar.core.text import refuse_unsafe_lines
from seminar.db import db, insert_ignore, now_utc
from seminar.models import (
    Attendance,
    AttendanceChange,
    AttendanceCredit,
    Cohort,
    MemberRole,
    SeminarSession,
    User,
)
from seminar.queries.cohorts import instructors, member_role
from seminar.queries.sessions import attendance_of, session_for_code
from seminar.services import audit, standing
from seminar.services.accounts import new_calendar_token

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on a projector


class SessionError(SeminarError):
    pass


def create_session(
    cohort: Cohort,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    ce_hours: float,
    lessons: list[str],
    instructor_ids: list[int] | None = None,
    delivery: str | None = None,
    approvals: str = "",
) -> SeminarSession:
    """A session of the cohort. `delivery` (default: the program's) and `approvals` (the
    session form's lines, over the program's approvals) are what its CE records state."""
    if not title.strip():
        raise SessionError("A session needs a title.", field="title")
    refuse_unsafe_lines(title=title, location=location)
    if ends_at <= starts_at:
        raise SessionError("The session must end after it starts.", field="ends_at")
    length = (ends_at - starts_at).total_seconds() / 3600
    if not 0 <= ce_hours <= length:
        raise SessionError(
            f"CE hours must be between 0 and the session's length ({length:g} h).",
            field="ce_hours",
        )
    teachers = instructors(cohort)
    chosen = instructor_ids if instructor_ids else [u.id for u in teachers]
    if set(chosen) - {u.id for u in teachers}:
        raise SessionError(
            "Choose the session's instructors among the cohort's instructors.",
            field="instructors",
        )
    session = SeminarSession(
        cohort_id=cohort.id,
        instructor_ids=chosen,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        ce_hours=ce_hours,
        lessons=lessons,
    )
    program = program_from_dict(cohort.program_version.data)
    _set_ce(session, delivery or program.delivery.value, approvals)
    db.session.add(session)
    db.session.flush()
    return session


def set_ce_details(session: SeminarSession, *, delivery: str, approvals: str) -> None:
    """How the session is delivered and the course approvals it holds itself; CE certificates
    issued from now on state them (those issued keep what they froze)."""
    _set_ce(session, delivery, approvals)
    db.session.flush()


def _set_ce(session: SeminarSession, delivery: str, approvals: str) -> None:
    if delivery not in ce.Delivery._value2member_map_:
        raise SessionError("Choose how the session is delivered.", field="delivery")
    try:
        parsed = ce.parse_approvals(approvals)
    except ce.ApprovalError as exc:
        raise SessionError(str(exc), field="approvals") from None
    session.delivery = delivery
    session.ce_approvals = [a.to_dict() for a in parsed]


def open_checkin(session: SeminarSession) -> str:
    """A fresh code each time check-in opens: an old photo of the projector no longer works."""
    if session.closed_at is not None:
        raise SessionError("This session is closed.")
    for _ in range(10):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        # One in a billion codes: drawing one that is live elsewhere is drawing again.
        taken = db.session.scalar(
            select(SeminarSession.id).where(SeminarSession.checkin_code == code)
        )
        if taken is None:
            session.checkin_code, session.checkin_open = code, True
            db.session.flush()
            return code
    raise SessionError("Could not draw a check-in code; try again.")


def close_checkin(session: SeminarSession) -> None:
    session.checkin_open = False
    session.checkin_code = None
    db.session.flush()


def check_in(
    user: User, code: str, *, method: str = "check-in code", now: datetime | None = None
) -> Attendance:
    """Check in with the projector's code; checking in twice is the same check-in."""
    session = session_for_code(code)
    if session is None:
        raise SessionError(
            "That code is not open for check-in. Check the projector and try again.",
            field="code",
        )
    if member_role(session.cohort_id, user.id) != MemberRole.STUDENT:
        raise SessionError("You are not a student in this session's cohort.", field="code")
    existing = attendance_of(session, user)
    if existing is not None and existing.checked_out_at is not None:
        raise SessionError(
            "You checked out of this session already. If you came back, ask your instructor "
            "to correct your attendance.",
            field="code",
        )
    return mark_present(session, user, method=method, now=now)


def mark_present(
    session: SeminarSession, user: User, *, method: str, now: datetime | None = None
) -> Attendance:
    """The student's attendance at the session, created on the first call only (a double tap
    on a slow phone, or two tabs, is one attendance)."""
    created = insert_ignore(
        Attendance,
        {
            "session_id": session.id,
            "user_id": user.id,
            "checked_in_at": now or now_utc(),
            "method": method,
            "hours": 0.0,
        },
        keys=("session_id", "user_id"),
    )
    attendance = attendance_of(session, user)
    assert attendance is not None
    actor = audit.acting_user(None)
    if created and actor is not None and actor.id != user.id:  # staff marking someone present
        audit.log(
            "attendance.present",
            target_type="attendance",
            target_id=attendance.id,
            target_label=f"{user.name} at {session.title}",
            subject=user,
            after=_snapshot(attendance),
        )
    return attendance


def check_out(user: User, session: SeminarSession, *, now: datetime | None = None) -> Attendance:
    attendance = attendance_of(session, user)
    if attendance is None:
        raise SessionError("You are not checked in to this session.")
    if attendance.checked_out_at is None:
        attendance.checked_out_at = now or now_utc()
        _credit(attendance)
    db.session.flush()
    return attendance


def close_session(session: SeminarSession, *, now: datetime | None = None) -> int:
    """Close check-in and check everyone out (at the session's end if it is over)."""
    now = now or now_utc()
    session.checkin_open = False
    session.checkin_code = None
    session.closed_at = now
    still_in = db.session.scalars(
        select(Attendance).where(
            Attendance.session_id == session.id, Attendance.checked_out_at.is_(None)
        )
    ).all()
    for attendance in still_in:
        before = _snapshot(attendance)
        attendance.checked_out_at = min(now, session.ends_at)
        _credit(attendance)
        audit.log(
            "attendance.close",
            target_type="attendance",
            target_id=attendance.id,
            target_label=f"{attendance.user.name} at {session.title}",
            subject=attendance.user_id,
            before=before,
            after=_snapshot(attendance),
            reason="checked out when the session was closed",
        )
    db.session.flush()
    return len(still_in)


def correct_attendance(
    attendance: Attendance,
    *,
    checked_in_at: datetime,
    checked_out_at: datetime | None,
    reason: str,
    by: User,
) -> None:
    """An instructor's correction; the old and new values and the reason are kept."""
    if not reason.strip():
        raise SessionError("Give the reason for the correction.", field="reason")
    if checked_out_at is not None and checked_out_at < checked_in_at:
        raise SessionError("Check-out cannot be before check-in.", field="checked_out_at")
    before = _snapshot(attendance)
    attendance.checked_in_at = checked_in_at
    attendance.checked_out_at = checked_out_at
    _credit(attendance)
    audit.log(
        "attendance.correct",
        target_type="attendance",
        target_id=attendance.id,
        target_label=f"{attendance.user.name} at {attendance.session.title}",
        subject=attendance.user_id,
        before=before,
        after=_snapshot(attendance),
        reason=reason.strip(),
        actor=by,
    )
    db.session.add(
        AttendanceChange(
            attendance_id=attendance.id,
            changed_by_id=by.id,
            reason=reason.strip(),
            before=before,
            after=_snapshot(attendance),
        )
    )
    db.session.flush()


def replace_feed(owner: Cohort | User) -> str:
    """A new secret for a calendar feed's address: the old address stops working at once (for
    an address that leaked, or was shared too widely)."""
    owner.calendar_token = new_calendar_token()
    db.session.flush()
    return owner.calendar_token


def _snapshot(attendance: Attendance) -> dict[str, object]:
    return {
        "checked_in_at": attendance.checked_in_at.isoformat(),
        "checked_out_at": attendance.checked_out_at.isoformat()
        if attendance.checked_out_at
        else None,
        "hours": attendance.hours,
    }


def _credit(attendance: Attendance) -> None:
    """Hours for this attendance, and the credit they give towards the program."""
    session = attendance.session
    program = program_from_dict(session.cohort.program_version.data)
    attendance.hours = (
        credited_hours(
            checked_in=attendance.checked_in_at,
            checked_out=attendance.checked_out_at,
            starts=session.starts_at,
            ends=session.ends_at,
            offered=session.ce_hours,
            rounding_minutes=program.attendance_rounding,
        )
        if attendance.checked_out_at
        else 0.0
    )
    db.session.execute(
        delete(AttendanceCredit).where(
            AttendanceCredit.source == "session",
            AttendanceCredit.source_id == session.id,
            AttendanceCredit.user_id == attendance.user_id,
        )
    )
    if attendance.hours:
        db.session.add(
            AttendanceCredit(
                user_id=attendance.user_id,
                cohort_id=session.cohort_id,
                hours=attendance.hours,
                source="session",
                source_id=session.id,
                note=session.title,
            )
        )
    standing.mark(session.cohort_id, [attendance.user_id])
