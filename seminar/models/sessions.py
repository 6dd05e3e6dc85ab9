"""Seminar sessions of a cohort, the attendance evidence they produce, and the rosters of it
reported to boards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar.db import db, now_utc


class SeminarSession(db.Model):
    __tablename__ = "seminar_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(300), default="")
    ce_hours: Mapped[float] = mapped_column(Float)  # the most this session can credit
    # How it is given (core.ce.Delivery) and the course approvals it holds itself, over its
    # program's (core.ce.Approval dicts): what its CE certificates and rosters state.
    delivery: Mapped[str] = mapped_column(
        String(20), default="in_person", server_default="in_person"
    )
    ce_approvals: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, server_default="[]"
    )
    lessons: Mapped[list[str]] = mapped_column(JSON, default=list)  # lesson slugs it covers
    instructor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # who teaches it
    # A short code students type at check-in; valid only while check-in is open.
    checkin_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    checkin_open: Mapped[bool] = mapped_column(default=False)
    # A rotating code instead (core/checkin_codes.py): a new one every `code_seconds`,
    # derived from this secret, drawn afresh each time check-in opens.
    code_seconds: Mapped[int | None]
    checkin_secret: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    cohort: Mapped[Any] = relationship("Cohort")


class SessionReminder(db.Model):
    """A reminder e-mailed to one person about one session: the unique key keeps it to once."""

    __tablename__ = "session_reminders"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("seminar_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    queued_at: Mapped[datetime] = mapped_column(default=now_utc)


class Attendance(db.Model):
    """One student's presence at one session: the evidence behind CE hours."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("seminar_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    checked_in_at: Mapped[datetime]
    checked_out_at: Mapped[datetime | None]
    method: Mapped[str] = mapped_column(String(40))  # how presence was verified
    hours: Mapped[float] = mapped_column(Float, default=0.0)  # credited, after rounding
    # Checked out by closing the session (not by the student): reopening check-in takes
    # these back, so a session closed by mistake costs nobody their hours.
    out_at_close: Mapped[bool] = mapped_column(default=False, server_default=false())

    session: Mapped[SeminarSession] = relationship()
    user: Mapped[Any] = relationship("User")


class AttendanceChange(db.Model):
    """An instructor's correction of an attendance record; the reason is required."""

    __tablename__ = "attendance_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    attendance_id: Mapped[int] = mapped_column(ForeignKey("attendance.id", ondelete="CASCADE"))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_at: Mapped[datetime] = mapped_column(default=now_utc)

    changed_by: Mapped[Any] = relationship("User")


class LiveQuiz(db.Model):
    """A host-paced quiz run during a session. All its state is here, so any worker on any
    host serves it: no memory of its own, no sticky sessions."""

    __tablename__ = "live_quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("seminar_sessions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    # lobby | open (answers come in) | closed (answers stopped) | results (the right answer,
    # the chart and the leaderboard) | finished (the podium)
    status: Mapped[str] = mapped_column(String(20), default="lobby")
    current: Mapped[int] = mapped_column(default=-1)  # index of the question on screen
    opened_at: Mapped[datetime | None]
    seconds: Mapped[int] = mapped_column(default=20)  # time allowed per question
    leaderboard: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    session: Mapped[SeminarSession] = relationship()
    questions: Mapped[list[LiveQuestion]] = relationship(order_by="LiveQuestion.position")


class LiveQuestion(db.Model):
    __tablename__ = "live_questions"
    __table_args__ = (UniqueConstraint("live_quiz_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    live_quiz_id: Mapped[int] = mapped_column(ForeignKey("live_quizzes.id", ondelete="CASCADE"))
    position: Mapped[int]
    # single | multiple | true_false | poll (seminar.core.questions.LIVE_KINDS)
    kind: Mapped[str] = mapped_column(String(20), default="single", server_default="single")
    stem: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[str]] = mapped_column(JSON)
    correct: Mapped[list[int]] = mapped_column(JSON)  # indices that count as right (none: a poll)


class LiveParticipant(db.Model):
    """A seat: a student who rejoins (reload, lost Wi-Fi) gets the same seat and score."""

    __tablename__ = "live_participants"
    __table_args__ = (UniqueConstraint("live_quiz_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    live_quiz_id: Mapped[int] = mapped_column(ForeignKey("live_quizzes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=now_utc)

    user: Mapped[Any] = relationship("User")


class LiveAnswer(db.Model):
    """Participation evidence, not a graded attempt; one answer per student and question."""

    __tablename__ = "live_answers"
    __table_args__ = (UniqueConstraint("live_question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    live_question_id: Mapped[int] = mapped_column(
        ForeignKey("live_questions.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    choices: Mapped[list[int]] = mapped_column(JSON)  # the set picked: sorted indices, one or more
    correct: Mapped[bool | None]  # wholly right; None for a poll
    points: Mapped[int]
    answered_at: Mapped[datetime] = mapped_column(default=now_utc)


class RosterReport(db.Model):
    """A session's roster reported to one board (the list of rosters due leaves it out)."""

    __tablename__ = "roster_reports"
    __table_args__ = (UniqueConstraint("session_id", "jurisdiction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("seminar_sessions.id", ondelete="CASCADE"))
    jurisdiction: Mapped[str] = mapped_column(String(60))
    reported_at: Mapped[datetime] = mapped_column(default=now_utc)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
