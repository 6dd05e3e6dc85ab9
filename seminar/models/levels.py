"""Levels: hours a person declares from another organisation (with the evidence, and an
admin's decision), and the reminders sent before a record lapses (one per record and stage)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar.db import db, now_utc
from seminar.models.content import enum_column


class Decision(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class DeclaredHours(db.Model):
    """Hours attended at another organisation's seminar (e.g. another SOTO-International
    organisation's), counted towards admission only once an admin approves the evidence."""

    __tablename__ = "declared_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    course: Mapped[str] = mapped_column(String(200))
    attended_on: Mapped[date]
    hours: Mapped[float] = mapped_column(Float)
    # The evidence (a PDF, PNG or JPEG certificate of attendance), checked by its first bytes.
    file_name: Mapped[str] = mapped_column(String(200))
    file_type: Mapped[str] = mapped_column(String(40))
    file_data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    state: Mapped[Decision] = mapped_column(enum_column(Decision), default=Decision.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    user: Mapped[Any] = relationship("User", foreign_keys=[user_id])
    decided_by: Mapped[Any] = relationship("User", foreign_keys=[decided_by_id])


class RecordReminder(db.Model):
    """A reminder e-mailed before a record lapses: the unique key keeps each stage (90 or 30
    days before) to once per record, however often and on however many hosts the job runs."""

    __tablename__ = "record_reminders"
    __table_args__ = (UniqueConstraint("record_id", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    days_before: Mapped[int]
    queued_at: Mapped[datetime] = mapped_column(default=now_utc)
