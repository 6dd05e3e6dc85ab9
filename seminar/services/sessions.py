"""Seminar sessions: scheduling, check-in codes, check-in and out, hours, corrections."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from seminar.core import ce, checkin_codes
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
from seminar.queries.sessions import attendance_of, current_code, session_for_code
from seminar.services import audit, standing
from seminar.services.accounts import new_calendar_token


class SessionError(SeminarError):
    pass


class WrongCode(SessionError):
    """A check-in code that opens nothing: what the per-person and per-address limits count."""


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


def open_checkin(
    session: SeminarSession, *, rotate: int | None = None, now: datetime | None = None
) -> str:
    """A fresh code each time check-in opens: an old photo of the projector no longer works.
    With `rotate` (seconds), the code on the projector changes that often instead (a code
    texted home expires); returns the code to show now."""
    if session.closed_at is not None:
        raise SessionError("This session is closed.")
    if rotate is not None and rotate not in checkin_codes.ROTATIONS:
        seconds = ", ".join(map(str, checkin_codes.ROTATIONS))
        raise SessionError(f"A rotating code changes every {seconds} seconds.", field="rotate")
    session.checkin_open = True
    session.code_seconds = rotate
    # A new secret each time: the codes of an earlier opening never come back.
    session.checkin_secret = checkin_codes.new_secret() if rotate else None
    session.checkin_code = _draw_code() if not rotate else None
    db.session.flush()
    return current_code(session, now) or ""


def _draw_code() -> str:
    for _ in range(10):
        code = checkin_codes.random_code()
        # One in a billion codes: drawing one that is live elsewhere is drawing again.
        taken = db.session.scalar(
            select(SeminarSession.id).where(SeminarSession.checkin_code == code)
        )
        if taken is None:
            return code
    raise SessionError("Could not draw a check-in code; try again.")


def close_checkin(session: SeminarSession) -> None:
    session.checkin_open = False
    session.checkin_code = None
    session.checkin_secret = None
    db.session.flush()


def check_in(
    user: User,
    code: str,
    *,
    method: str = "check-in code",
    now: datetime | None = None,
    session: SeminarSession | None = None,
) -> Attendance:
    """Check in with the projector's code (of `session`, when given); checking in twice is
    the same check-in."""
    now = now or now_utc()
    found = session_for_code(code, now)
    if found is None or (session is not None and found.id != session.id):
        raise WrongCode(
            "That code is not open for check-in. Check the projector and try again.",
            field="code",
        )
    if member_role(found.cohort_id, user.id) != MemberRole.STUDENT:
        raise SessionError("You are not a student in this session's cohort.", field="code")
    existing = attendance_of(found, user)
    if existing is not None and existing.checked_out_at is not None:
        raise SessionError(
            "You checked out of this session already. If you came back, ask your instructor "
            "to correct your attendance.",
            field="code",
        )
    return mark_present(found, user, method=method, now=now)


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
    if session.closed_at is not None:
        raise SessionError("This session is closed already.")
    close_checkin(session)
    session.closed_at = now
    count = _check_out_all(
        session,
        Attendance.checked_out_at.is_(None),
        at=min(now, session.ends_at),
        action="attendance.close",
        why="checked out when the session was closed",
    )
    _log_session(
        "session.close", session, {"closed_at": None}, {"closed_at": now, "checked_out": count}
    )
    db.session.flush()
    return count


def reopen_checkin(
    session: SeminarSession, *, rotate: int | None = None, now: datetime | None = None
) -> int:
    """Undo a close: the session is open again with a fresh check-in code, and everyone the
    close checked out is present again (their hours count on until they leave or the session
    closes). Returns how many came back."""
    if session.closed_at is None:
        raise SessionError("This session is not closed.")
    closed_at = session.closed_at
    session.closed_at = None
    open_checkin(session, rotate=rotate, now=now)
    back = _check_out_all(
        session,
        Attendance.out_at_close.is_(True),
        at=None,
        action="attendance.reopen",
        why="check-in reopened",
    )
    _log_session(
        "session.reopen",
        session,
        {"closed_at": closed_at},
        {"closed_at": None, "present_again": back},
    )
    db.session.flush()
    return back


def _check_out_all(
    session: SeminarSession, which: Any, *, at: datetime | None, action: str, why: str
) -> int:
    """Check out (at `at`), or back in (None), every attendance of the session that `which`
    selects; the close marks whom it checked out, so that reopening takes back only them."""
    rows = db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id, which)
    ).all()
    for attendance in rows:
        before = _snapshot(attendance)
        attendance.checked_out_at = at
        attendance.out_at_close = at is not None
        _credit(attendance)
        _log_attendance(action, attendance, before, why)
    return len(rows)


def _log_session(
    action: str, session: SeminarSession, before: dict[str, object], after: dict[str, object]
) -> None:
    audit.log(
        action,
        target_type="session",
        target_id=session.id,
        target_label=f"{session.title} ({session.cohort.title})",
        before=before,
        after=after,
    )


def _log_attendance(
    action: str,
    attendance: Attendance,
    before: dict[str, object],
    why: str,
    *,
    by: User | None = None,
) -> None:
    audit.log(
        action,
        target_type="attendance",
        target_id=attendance.id,
        target_label=f"{attendance.user.name} at {attendance.session.title}",
        subject=attendance.user_id,
        before=before,
        after=_snapshot(attendance),
        reason=why,
        actor=by,
    )


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
    attendance.out_at_close = False  # an instructor's times stand, whatever closes or reopens
    _credit(attendance)
    _log_attendance("attendance.correct", attendance, before, reason.strip(), by=by)
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
