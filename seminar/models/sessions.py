"""Seminar sessions of a cohort and the attendance evidence they produce."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
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
    lessons: Mapped[list[str]] = mapped_column(JSON, default=list)  # lesson slugs it covers
    # A short code students type at check-in; valid only while check-in is open.
    checkin_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    checkin_open: Mapped[bool] = mapped_column(default=False)
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    cohort: Mapped[Any] = relationship("Cohort")


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
