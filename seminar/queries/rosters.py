"""CE rosters: the lines of a roster (attendees of sessions, with their names as boards key on
them, licence, the session's course approvals, hours and how presence was verified), and the
rosters due to each board within its deadline. A fixed number of queries whatever the size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from seminar.core import ce
from seminar.core.content.programs import program_from_dict
from seminar.core.rosters import RosterLine
from seminar.db import db
from seminar.models import (
    Attendance,
    EvaluationSubmission,
    RosterReport,
    SeminarSession,
    User,
)
from seminar.queries.attendance import ce_rows
from seminar.queries.ce import approvals_of
from seminar.queries.records import local_zone


def _local(moment: datetime | None) -> str:
    return moment.astimezone(local_zone()).strftime("%H:%M") if moment else ""


def roster_lines(sessions: list[SeminarSession]) -> list[RosterLine]:
    """One line per attendee and session, by session and name."""
    rows = ce_rows(sessions)
    evaluated = set(
        db.session.execute(
            select(EvaluationSubmission.cohort_id, EvaluationSubmission.user_id).where(
                EvaluationSubmission.cohort_id.in_(list({s.cohort_id for s in sessions})),
                EvaluationSubmission.user_id.in_(list({r.user.id for r in rows})),
            )
        ).all()
    )
    terms = {s.id: (approvals_of(s), _asks_evaluation(s)) for s in sessions}
    lines = []
    for r in rows:
        approvals, asks = terms[r.session.id]
        done = (r.session.cohort_id, r.user.id) in evaluated
        lines.append(
            RosterLine(
                first_name=r.user.first_name,
                last_name=r.user.last_name,
                email=r.user.email,
                licence_number=r.user.licence_number or "",
                licence_state=r.user.licence_state or "",
                course=r.session.cohort.program_version.title,
                session=r.session.title,
                day=r.session.starts_at.astimezone(local_zone()).date(),
                delivery=ce.Delivery(r.session.delivery).label,
                checked_in=_local(r.checked_in_at),
                checked_out=_local(r.checked_out_at),
                hours=r.hours,
                offered=r.session.ce_hours,
                method=r.method,
                corrected=r.corrected,
                instructors=r.instructors,
                approvals=approvals,
                evaluation=("submitted" if done else "not submitted") if asks else "",
            )
        )
    return lines


def _asks_evaluation(session: SeminarSession) -> bool:
    return program_from_dict(session.cohort.program_version.data).evaluation


@dataclass(frozen=True)
class DueRoster:
    session: SeminarSession
    board: ce.Board
    attendees: int  # with a licence from this board, credited some hours
    course_day: date
    due_on: date
    reported: RosterReport | None

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days


def due_rosters(provider: ce.Provider) -> list[DueRoster]:
    """For every session and every board with a deadline (`report_days`), the roster of its
    licensees who attended: when it is due, and whether it was reported. Soonest first."""
    boards = {ce.same(b.jurisdiction): b for b in provider.boards if b.report_days}
    if not boards:
        return []
    state = func.upper(func.trim(User.licence_state))
    counts = db.session.execute(
        select(Attendance.session_id, state, func.count())
        .join(User, Attendance.user_id == User.id)
        .where(Attendance.hours > 0, state.in_(list(boards)))
        .group_by(Attendance.session_id, state)
    ).all()
    ids = {session_id for session_id, _, _ in counts}
    sessions = {
        s.id: s
        for s in db.session.scalars(
            select(SeminarSession)
            .options(joinedload(SeminarSession.cohort))
            .where(SeminarSession.id.in_(list(ids)))
        )
    }
    reports: dict[tuple[int, str], RosterReport] = {
        (r.session_id, ce.same(r.jurisdiction)): r
        for r in db.session.scalars(
            select(RosterReport).where(RosterReport.session_id.in_(list(ids)))
        )
    }
    out = []
    for session_id, jurisdiction, attendees in counts:
        session, board = sessions[session_id], boards[jurisdiction]
        day = session.starts_at.astimezone(local_zone()).date()
        due = ce.due_on(day, board)
        assert due is not None
        out.append(
            DueRoster(session, board, attendees, day, due, reports.get((session_id, jurisdiction)))
        )
    return sorted(out, key=lambda r: (r.due_on, r.session.starts_at, r.board.jurisdiction))
