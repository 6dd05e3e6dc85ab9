"""Attendance reports for CE: one row per student and session, with what boards ask for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from seminar.db import db
from seminar.models import Attendance, AttendanceChange, SeminarSession, User
from seminar.queries.sessions import instructor_names


@dataclass(frozen=True)
class CeRow:
    user: User
    session: SeminarSession
    checked_in_at: datetime
    checked_out_at: datetime | None
    hours: float
    method: str
    corrected: bool
    instructors: str


def ce_rows(sessions: list[SeminarSession]) -> list[CeRow]:
    """Every attendance at these sessions, by session and name, in three queries."""
    ids = [s.id for s in sessions]
    by_id = {s.id: s for s in sessions}
    corrected = set(
        db.session.scalars(
            select(AttendanceChange.attendance_id)
            .join(Attendance, AttendanceChange.attendance_id == Attendance.id)
            .where(Attendance.session_id.in_(ids))
        )
    )
    teachers = instructor_names(sessions)
    return [
        CeRow(
            user=user,
            session=by_id[attendance.session_id],
            checked_in_at=attendance.checked_in_at,
            checked_out_at=attendance.checked_out_at,
            hours=attendance.hours,
            method=attendance.method,
            corrected=attendance.id in corrected,
            instructors=teachers.get(attendance.session_id, ""),
        )
        for attendance, user in db.session.execute(
            select(Attendance, User)
            .join(User, Attendance.user_id == User.id)
            .where(Attendance.session_id.in_(ids))
            .order_by(Attendance.session_id, User.name)
        )
    ]
