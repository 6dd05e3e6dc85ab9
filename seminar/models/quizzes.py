"""Quizzes, their versions and question versions, attempts, and precomputed statistics.

An attempt points at the exact question versions it showed, so a later change to the quiz
file never moves a past grade or review.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar.core.content.quiz_model import question_from_dict
from seminar.core.questions import Question, QuestionType, question_type
from seminar.db import db, now_utc
from seminar.models.content import Origin, enum_column


class AttemptState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Quiz(db.Model):
    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    path: Mapped[str] = mapped_column(String(300))  # file name inside the quizzes folder
    synced_hash: Mapped[str | None] = mapped_column(String(64))
    retired: Mapped[bool] = mapped_column(default=False)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_versions.id", use_alter=True)
    )

    current: Mapped[QuizVersion | None] = relationship(foreign_keys=[current_version_id])


class QuizVersion(db.Model):
    __tablename__ = "quiz_versions"
    __table_args__ = (UniqueConstraint("quiz_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    number: Mapped[int]
    origin: Mapped[Origin] = mapped_column(enum_column(Origin))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    pass_mark: Mapped[float] = mapped_column(Float)
    time_limit: Mapped[float | None] = mapped_column(Float)  # minutes
    max_attempts: Mapped[int | None]
    shuffle: Mapped[bool]
    grading: Mapped[str] = mapped_column(String(20))
    draw: Mapped[int | None]
    closes_at: Mapped[datetime | None]
    closes_source: Mapped[str | None] = mapped_column(String(40))  # as the author wrote it
    review: Mapped[dict[str, str]] = mapped_column(JSON)
    question_ids: Mapped[list[int]] = mapped_column(JSON)  # QuestionVersion ids, in order
    source: Mapped[str] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(10))  # "md" or "gift"
    source_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    quiz: Mapped[Quiz] = relationship(foreign_keys=[quiz_id])


class QuestionVersion(db.Model):
    """One question's content; shared by quiz versions in which it did not change."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("quiz_id", "key", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    key: Mapped[str] = mapped_column(String(120))  # the question's {#id}
    number: Mapped[int]  # 1 for the first version of this key, then 2, ...
    type: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the question model, key included
    rendered: Mapped[dict[str, Any]] = mapped_column(JSON)  # sanitised HTML of every text
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    @property
    def kind(self) -> QuestionType:
        """The question's type: how it is answered, graded, shown and counted."""
        return question_type(self.type)

    @property
    def graded(self) -> bool:
        return self.kind.graded

    @property
    def model(self) -> Question:
        """The question as the model of its type (the stored JSON, read back)."""
        return question_from_dict(self.data)


# Answers that arrive this long after the deadline still count (the network is slow at venues).
ANSWER_GRACE = timedelta(seconds=10)


class Attempt(db.Model):
    __tablename__ = "attempts"
    # The attempt number is unique per student and quiz: two concurrent starts cannot both
    # take the last allowed attempt. At most one attempt per student and quiz is open: two
    # starts racing past each other's "is one open?" read cannot open two.
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        Index("ix_attempts_state_deadline", "state", "deadline"),
        Index(
            "uq_attempts_one_open",
            "user_id",
            "quiz_id",
            unique=True,
            sqlite_where=text("state = 'in_progress'"),
            postgresql_where=text("state = 'in_progress'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_versions.id"))
    number: Mapped[int]
    state: Mapped[AttemptState] = mapped_column(enum_column(AttemptState))
    started_at: Mapped[datetime] = mapped_column(default=now_utc)
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    auto_submitted: Mapped[bool] = mapped_column(default=False)
    points: Mapped[float | None] = mapped_column(Float)
    max_points: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)  # percent, once graded
    needs_grading: Mapped[bool] = mapped_column(default=False)
    in_statistics: Mapped[bool] = mapped_column(default=False)

    version: Mapped[QuizVersion] = relationship(foreign_keys=[quiz_version_id])
    quiz: Mapped[Quiz] = relationship(foreign_keys=[quiz_id])
    user: Mapped[Any] = relationship("User")
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position"
    )

    def time_is_up(self, now: datetime) -> bool:
        """Open past its deadline (and the grace for answers still on their way)."""
        return (
            self.state == AttemptState.IN_PROGRESS
            and self.deadline is not None
            and now > self.deadline + ANSWER_GRACE
        )


class AttemptQuestion(db.Model):
    __tablename__ = "attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    points: Mapped[float] = mapped_column(Float)  # the question's mark in this attempt
    # Display order of choices (or of matching right-hand options), fixed at start so a
    # reload shows the same shuffle.
    order: Mapped[list[int]] = mapped_column(JSON, default=list)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    saved_at: Mapped[datetime | None]
    fraction: Mapped[float | None] = mapped_column(Float)
    feedback: Mapped[list[str]] = mapped_column(JSON, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")  # a grader's comment (essays)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime | None]

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    question: Mapped[QuestionVersion] = relationship()


class Accommodation(db.Model):
    """Per-student adjustments an instructor sets; they apply to every quiz."""

    __tablename__ = "accommodations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    time_multiplier: Mapped[float] = mapped_column(Float, default=1.0)
    extra_attempts: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(300), default="")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)

    user: Mapped[Any] = relationship("User", foreign_keys=[user_id])


class QuestionStat(db.Model):
    """Running sums for one question version, updated as attempts are graded.

    x = the question's fraction, y = the rest of the attempt's score (0..1): facility is the
    mean of x and discrimination the correlation of x and y, both read straight from sums.
    """

    __tablename__ = "question_stats"

    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("question_versions.id"), primary_key=True
    )
    n: Mapped[int] = mapped_column(default=0)
    sum_x: Mapped[float] = mapped_column(Float, default=0.0)
    sum_y: Mapped[float] = mapped_column(Float, default=0.0)
    sum_xx: Mapped[float] = mapped_column(Float, default=0.0)
    sum_yy: Mapped[float] = mapped_column(Float, default=0.0)
    sum_xy: Mapped[float] = mapped_column(Float, default=0.0)


class ChoiceStat(db.Model):
    """How many graded attempts picked each response option of a question version."""

    __tablename__ = "choice_stats"

    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("question_versions.id"), primary_key=True
    )
    option: Mapped[str] = mapped_column(String(40), primary_key=True)  # "0", "true", "blank"
    count: Mapped[int] = mapped_column(default=0)
