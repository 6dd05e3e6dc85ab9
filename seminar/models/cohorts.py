"""Certification programs (versioned), cohorts and their members, and the facts that count
towards a program: reading time, attendance credit and practical sign-offs."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar.db import db, now_utc
from seminar.models.content import enum_column


class MemberRole(enum.StrEnum):
    STUDENT = "student"
    INSTRUCTOR = "instructor"
    # Assists at the practical tables; eligible by holding a higher level's record
    # (`table_instructor_after:` in program.yml). Not staff: no access to students' work.
    TABLE_INSTRUCTOR = "table_instructor"


class Program(db.Model):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    retired: Mapped[bool] = mapped_column(default=False)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("program_versions.id", use_alter=True)
    )

    current: Mapped[ProgramVersion | None] = relationship(foreign_keys=[current_version_id])


class ProgramVersion(db.Model):
    """A program's requirements as loaded; a cohort keeps the version it started with."""

    __tablename__ = "program_versions"
    __table_args__ = (UniqueConstraint("program_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    credential: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the Program dataclass, as loaded
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    program: Mapped[Program] = relationship(foreign_keys=[program_id])


class Cohort(db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    program_version_id: Mapped[int] = mapped_column(ForeignKey("program_versions.id"))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    invite_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    invite_open: Mapped[bool] = mapped_column(default=True)
    # The secret in the cohort's calendar feed address (calendar apps cannot log in).
    calendar_token: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    # Moves whenever anything its progress dashboard shows does (its students' standing, their
    # first activity of a day, a reading flag), in the transaction that moves it: a worker
    # keeps a rendered dashboard under it (web/progress.py) and knows, from the cohort's own
    # row, when that copy is old.
    standing_revision: Mapped[int] = mapped_column(default=0, server_default="0")

    program_version: Mapped[ProgramVersion] = relationship()
    members: Mapped[list[CohortMember]] = relationship(back_populates="cohort")


class Announcement(db.Model):
    """An instructor's message to a cohort: e-mailed to its students and shown on their pages."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    recipients: Mapped[int] = mapped_column(default=0)

    cohort: Mapped[Cohort] = relationship()


class CohortMember(db.Model):
    __tablename__ = "cohort_members"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole))
    joined_at: Mapped[datetime] = mapped_column(default=now_utc)

    cohort: Mapped[Cohort] = relationship(back_populates="members")
    user: Mapped[Any] = relationship("User")

    @property
    def is_student(self) -> bool:
        return self.role == MemberRole.STUDENT


class LessonReading(db.Model):
    """Active reading time on a lesson, from a heartbeat that stops when the tab is idle."""

    __tablename__ = "lesson_readings"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    seconds: Mapped[int] = mapped_column(default=0)
    last_beat_at: Mapped[datetime] = mapped_column(default=now_utc)


class ReadingClock(db.Model):
    """One clock per reader, whatever the number of lessons open: reading time is credited from
    it, so four tabs beating at once credit the wall-clock time once, not four times."""

    __tablename__ = "reading_clocks"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_beat_at: Mapped[datetime] = mapped_column(default=now_utc)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="SET NULL"))
    # Beats that came from another lesson while one was being read: tabs open side by side.
    overlaps: Mapped[int] = mapped_column(default=0)


class AttendanceCredit(db.Model):
    """Hours credited towards a program's attendance requirement (from seminar sessions)."""

    __tablename__ = "attendance_credits"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    hours: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(40))  # e.g. "session"
    source_id: Mapped[int | None]  # the session, once sessions exist
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=now_utc)


class PracticalSignoff(db.Model):
    """An instructor's practical assessment; the latest one for a student counts."""

    __tablename__ = "practical_signoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    passed: Mapped[bool]
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    assessed_on: Mapped[date]
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    assessor: Mapped[Any] = relationship("User", foreign_keys=[assessor_id])


class StudentProgress(db.Model):
    """A student's standing in a cohort, precomputed whenever their facts change.

    The cohort dashboard reads these rows instead of recomputing every student's eligibility
    on each view; the student's own path page always computes live.
    """

    __tablename__ = "student_progress"
    __table_args__ = (
        # Covers every filter, sort and count of the dashboard: they read this narrow index,
        # never the rows' requirements JSON (queries/dashboard.py).
        Index(
            "ix_student_progress_dashboard",
            "cohort_id",
            "name",
            "user_id",
            "percent",
            "eligible",
            "last_activity",
            "joined_at",
        ),
        # A reader's heartbeat updates their rows in every cohort of theirs.
        Index("ix_student_progress_user_id", "user_id"),
    )

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    percent: Mapped[int]
    eligible: Mapped[bool]
    joined_at: Mapped[datetime]
    last_activity: Mapped[datetime | None]
    reading_seconds: Mapped[int] = mapped_column(default=0)
    live_answers: Mapped[int] = mapped_column(default=0, server_default="0")  # participation
    requirements: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # The dashboard's requirement cells as HTML, written with the standing
    # (core/matrix_cells.py); None on rows computed before it existed.
    cells: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)
