from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from seminar.db import db, now_utc


class LessonCompletion(db.Model):
    """A student marked a lesson complete; one row per student and lesson."""

    __tablename__ = "lesson_completions"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    # The version the student had read when they marked it: evidence for CE records later.
    lesson_version_id: Mapped[int] = mapped_column(ForeignKey("lesson_versions.id"))
    completed_at: Mapped[datetime] = mapped_column(default=now_utc)
