"""Quiz attempts: start, save answers as the student goes, submit once, grade, review.

The server owns the clock: an attempt past its deadline is submitted with what was saved,
whenever anyone next touches it (or the sweep runs). Submitting is a single conditional
UPDATE, so two tabs or a double click grade once.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from seminar.core.errors import SeminarError
from seminar.db import db, now_utc
from seminar.models import (
    ANSWER_GRACE,
    Attempt,
    AttemptQuestion,
    AttemptState,
    QuestionVersion,
    Quiz,
    User,
)
from seminar.queries.quiz_results import accommodation_for, allowance
from seminar.services import audit, quiz_stats, standing


class AttemptError(SeminarError):
    pass


class AttemptLimitReached(AttemptError):
    pass


class AttemptClosed(AttemptError):
    pass


def _open_attempt(user_id: int, quiz_id: int) -> Attempt | None:
    return db.session.execute(
        select(Attempt).where(
            Attempt.user_id == user_id,
            Attempt.quiz_id == quiz_id,
            Attempt.state == AttemptState.IN_PROGRESS,
        )
    ).scalar_one_or_none()


def start_attempt(user_id: int, quiz: Quiz, *, now: datetime | None = None) -> Attempt:
    """Resume the open attempt, or start the next one if the student has one left."""
    now = now or now_utc()
    submit_expired(now=now, user_id=user_id, quiz_id=quiz.id)
    existing = _open_attempt(user_id, quiz.id)
    if existing is not None:
        return existing
    version = quiz.current
    if version is None or quiz.retired:
        raise AttemptClosed("This quiz is not available.")
    if version.closes_at is not None and now >= version.closes_at:
        raise AttemptClosed("This quiz has closed.")
    rules = allowance(version, accommodation_for(user_id))
    used = (
        db.session.scalar(
            select(func.max(Attempt.number)).where(
                Attempt.user_id == user_id, Attempt.quiz_id == quiz.id
            )
        )
        or 0
    )
    if rules.max_attempts is not None and used >= rules.max_attempts:
        # A concurrent request may have just started the last attempt: resume that one.
        existing = _open_attempt(user_id, quiz.id)
        if existing is not None:
            return existing
        raise AttemptLimitReached(f"You have used all {rules.max_attempts} attempts at this quiz.")

    rng = random.Random(secrets.randbits(64))
    questions = {
        qv.id: qv
        for qv in db.session.scalars(
            select(QuestionVersion).where(QuestionVersion.id.in_(version.question_ids))
        )
    }
    chosen = [questions[i] for i in version.question_ids]
    if version.draw:
        graded = [qv for qv in chosen if qv.graded]
        drawn = {qv.id for qv in rng.sample(graded, min(version.draw, len(graded)))}
        chosen = [qv for qv in chosen if qv.id in drawn]  # keep the author's order
    if version.shuffle:
        rng.shuffle(chosen)

    deadline = None
    if version.time_limit:
        deadline = now + timedelta(minutes=version.time_limit * rules.time_multiplier)
    if version.closes_at is not None:
        deadline = min(deadline, version.closes_at) if deadline else version.closes_at
    attempt = Attempt(
        user_id=user_id,
        quiz_id=quiz.id,
        quiz_version_id=version.id,
        number=used + 1,
        state=AttemptState.IN_PROGRESS,
        started_at=now,
        deadline=deadline,
    )
    db.session.add(attempt)
    for position, qv in enumerate(chosen, start=1):
        q = qv.model
        db.session.add(
            AttemptQuestion(
                attempt=attempt,
                position=position,
                question_version_id=qv.id,
                points=q.points,
                order=qv.kind.display_order(q, version.shuffle, rng),
            )
        )
    try:
        db.session.flush()
    except IntegrityError:
        # Another request started this attempt number first: theirs is the attempt. Starting
        # is the request's only write, so nothing else is lost with the rollback.
        db.session.rollback()
        existing = _open_attempt(user_id, quiz.id)
        if existing is None:
            raise AttemptLimitReached("You have used all your attempts at this quiz.") from None
        return existing
    standing.mark_student(user_id)  # a first attempt is activity
    return attempt


@dataclass(frozen=True)
class Saved:
    at: datetime
    time_up: bool = False  # the time had run out: nothing was saved, the attempt is submitted


def save_answers(
    attempt: Attempt, responses: dict[int, Any], *, now: datetime | None = None
) -> Saved:
    """Save answers by question position. Past the deadline nothing is saved and the attempt
    is submitted with what it had; once submitted, it refuses (AttemptClosed)."""
    now = now or now_utc()
    if attempt.state != AttemptState.IN_PROGRESS:
        raise AttemptClosed("This attempt has been submitted; answers can no longer change.")
    if attempt.time_is_up(now):
        submit_attempt(attempt, now=now, auto=True)
        return Saved(now, time_up=True)
    # Claim the attempt row first: a submit running at the same moment either finished
    # already (then nothing is saved) or waits until these answers are in.
    still_open = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS)
        .values(state=AttemptState.IN_PROGRESS)
        .execution_options(synchronize_session=False)
    )
    if still_open.rowcount != 1:  # type: ignore[attr-defined]
        raise AttemptClosed("This attempt has been submitted; answers can no longer change.")
    by_position = {aq.position: aq for aq in attempt.questions}
    for position, raw in responses.items():
        aq = by_position.get(position)
        if aq is None:
            continue
        kind, q = aq.question.kind, aq.question.model
        aq.response = kind.clean(q, kind.from_display(q, aq.order, raw))
        aq.saved_at = now
    db.session.flush()
    return Saved(now)


def submit_attempt(attempt: Attempt, *, now: datetime | None = None, auto: bool = False) -> bool:
    """Grade and close the attempt. Returns False if it was already submitted."""
    now = now or now_utc()
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS)
        .values(state=AttemptState.SUBMITTED, submitted_at=now, auto_submitted=auto)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(attempt)  # submitted by another request: nothing was written here
        return False
    for aq in attempt.questions:
        db.session.refresh(aq)  # grade what is stored now, not what was loaded before the claim
    for aq in attempt.questions:
        if not aq.question.graded:
            continue
        kind, q = aq.question.kind, aq.question.model
        result = kind.grade(q, aq.response)
        aq.fraction = result.fraction
        html_for = kind.feedback_html(q, aq.question.rendered)
        aq.feedback = [html_for.get(text, "") for text in result.feedback if text]
    _total(attempt)
    db.session.flush()
    db.session.refresh(attempt)
    if not attempt.needs_grading:
        quiz_stats.record(attempt, +1)
    standing.mark_student(attempt.user_id)
    db.session.flush()
    return True


def _total(attempt: Attempt) -> None:
    graded = [aq for aq in attempt.questions if aq.question.graded]
    attempt.max_points = sum(aq.points for aq in graded)
    attempt.needs_grading = any(aq.fraction is None for aq in graded)
    attempt.points = sum((aq.fraction or 0) * aq.points for aq in graded)
    if attempt.needs_grading:
        attempt.score = None  # not final until a person grades the essays
    else:
        attempt.score = 100 * attempt.points / attempt.max_points if attempt.max_points else 0.0


def submit_expired(
    *, now: datetime | None = None, user_id: int | None = None, quiz_id: int | None = None
) -> int:
    """Submit every open attempt whose time is up (optionally one student's or quiz's)."""
    now = now or now_utc()
    query = (
        select(Attempt)
        .options(selectinload(Attempt.questions).selectinload(AttemptQuestion.question))
        .where(
            Attempt.state == AttemptState.IN_PROGRESS,
            Attempt.deadline.is_not(None),
            Attempt.deadline < now - ANSWER_GRACE,
        )
    )
    if user_id is not None:
        query = query.where(Attempt.user_id == user_id)
    if quiz_id is not None:
        query = query.where(Attempt.quiz_id == quiz_id)
    count = 0
    for attempt in db.session.scalars(query).all():
        count += submit_attempt(attempt, now=now, auto=True)
    return count


def grade_essay(
    aq: AttemptQuestion,
    *,
    points: float,
    comment: str,
    grader_id: int,
    now: datetime | None = None,
) -> None:
    """A person's mark for an essay (or any question); the attempt's total follows."""
    if not 0 <= points <= aq.points:
        raise AttemptError(
            f"Give between 0 and {aq.points:g} points: the most this question can score.",
            field="points",
        )
    fraction = points / aq.points if aq.points else 0.0
    attempt = aq.attempt
    # Lock the attempt (PostgreSQL) and reread it: two graders at once must not both remove
    # the same old contribution from the statistics.
    db.session.execute(select(Attempt.id).where(Attempt.id == attempt.id).with_for_update())
    db.session.refresh(attempt)
    for question in attempt.questions:
        db.session.refresh(question)
    if attempt.state != AttemptState.SUBMITTED:
        raise AttemptError("Only submitted attempts can be graded.")
    was_counted = attempt.in_statistics
    if was_counted:
        quiz_stats.record(attempt, -1)
    before = {"fraction": aq.fraction, "comment": aq.comment, "attempt_score": attempt.score}
    aq.fraction = fraction
    aq.comment = comment.strip()
    aq.graded_by_id = grader_id
    aq.graded_at = now or now_utc()
    _total(attempt)
    db.session.flush()
    if not attempt.needs_grading:
        quiz_stats.record(attempt, +1)
    audit.log(
        "grade.essay",
        target_type="attempt_question",
        target_id=aq.id,
        target_label=f"attempt {attempt.number} of {attempt.quiz.slug}, question {aq.position}",
        subject=attempt.user_id,
        before=before,
        after={"fraction": aq.fraction, "comment": aq.comment, "attempt_score": attempt.score},
        actor=db.session.get(User, grader_id),
    )
    standing.mark_student(attempt.user_id)
    db.session.flush()
