"""Post-course evaluations, kept so that no answer can be traced to its author: who has
submitted (which gates a CE certificate) is one table, what was answered another, with no
name, no time and a random key (so not even the order of rows links the two)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from seminar.db import db, now_utc


class EvaluationSubmission(db.Model):
    """That a student evaluated the cohort's course (never what they said)."""

    __tablename__ = "evaluation_submissions"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=now_utc)


class EvaluationResponse(db.Model):
    """One anonymous set of answers to the cohort's course evaluation."""

    __tablename__ = "evaluation_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, never sequential
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
