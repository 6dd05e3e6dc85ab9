"""Reads of live quizzes: the current question, time left, answers so far, the leaderboard."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from seminar.db import db, now_utc
from seminar.models import LiveAnswer, LiveParticipant, LiveQuestion, LiveQuiz, User


def seat_of(live: LiveQuiz, user: User) -> LiveParticipant | None:
    return db.session.execute(
        select(LiveParticipant).where(
            LiveParticipant.live_quiz_id == live.id, LiveParticipant.user_id == user.id
        )
    ).scalar_one_or_none()


def current_question(live: LiveQuiz) -> LiveQuestion | None:
    return live.questions[live.current] if 0 <= live.current < len(live.questions) else None


def seconds_left(live: LiveQuiz, now: datetime | None = None) -> int:
    if live.status != "open" or live.opened_at is None:
        return 0
    ends = live.opened_at + timedelta(seconds=live.seconds)
    return max(0, math.ceil((ends - (now or now_utc())).total_seconds()))


def choice_counts(question: LiveQuestion) -> list[int]:
    counts = dict(
        db.session.execute(
            select(LiveAnswer.choice, func.count())
            .where(LiveAnswer.live_question_id == question.id)
            .group_by(LiveAnswer.choice)
        ).all()
    )
    return [int(counts.get(i, 0)) for i in range(len(question.choices))]


def answer_count(question: LiveQuestion) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(LiveAnswer)
            .where(LiveAnswer.live_question_id == question.id)
        )
        or 0
    )


def standings(live: LiveQuiz) -> list[tuple[str, int, int]]:
    """(name, score, user id) for every seat, best first."""
    question_ids = select(LiveQuestion.id).where(LiveQuestion.live_quiz_id == live.id)
    rows = db.session.execute(
        select(User.name, func.coalesce(func.sum(LiveAnswer.points), 0), User.id)
        .select_from(LiveParticipant)
        .join(User, LiveParticipant.user_id == User.id)
        .outerjoin(
            LiveAnswer,
            (LiveAnswer.user_id == User.id) & LiveAnswer.live_question_id.in_(question_ids),
        )
        .where(LiveParticipant.live_quiz_id == live.id)
        .group_by(User.id, User.name)
        .order_by(func.coalesce(func.sum(LiveAnswer.points), 0).desc(), User.name)
    ).all()
    return [(name, int(score), user_id) for name, score, user_id in rows]


def answer_of(question: LiveQuestion, user: User) -> LiveAnswer | None:
    return db.session.execute(
        select(LiveAnswer).where(
            LiveAnswer.live_question_id == question.id, LiveAnswer.user_id == user.id
        )
    ).scalar_one_or_none()


def screen(live: LiveQuiz, *, host: bool, user: User | None = None) -> dict[str, Any]:
    """What a screen shows now; the right answer only once the question is closed."""
    question = current_question(live)
    view: dict[str, Any] = {
        "status": live.status,
        "index": live.current + 1,
        "total": len(live.questions),
        "seconds_left": seconds_left(live),
        "question": None,
    }
    if question is not None and live.status in ("open", "closed"):
        view["question"] = {"id": question.id, "stem": question.stem, "choices": question.choices}
        view["answers"] = answer_count(question)
        if live.status == "closed":
            view["question"]["correct"] = question.correct
            view["counts"] = choice_counts(question)
    if user is not None and question is not None:
        mine = answer_of(question, user)
        if mine is not None:
            view["mine"] = {"choice": mine.choice}
            if live.status != "open":
                view["mine"].update(correct=mine.correct, points=mine.points)
    if live.status in ("closed", "finished") and (live.leaderboard or host):
        table = standings(live)
        view["leaderboard"] = [{"name": n, "score": s} for n, s, _ in table[:5]]
        if user is not None:
            place = next(
                ((i + 1, s) for i, (_, s, uid) in enumerate(table) if uid == user.id), None
            )
            view["me"] = {"rank": place[0], "score": place[1]} if place else None
    return view


def answer_rows(live: LiveQuiz) -> list[Any]:
    """Every answer with its question and student, for the host's download."""
    return list(
        db.session.execute(
            select(
                LiveQuestion.position,
                LiveQuestion.stem,
                LiveQuestion.choices,
                User.name,
                User.email,
                LiveAnswer.choice,
                LiveAnswer.correct,
                LiveAnswer.points,
                LiveAnswer.answered_at,
            )
            .join(LiveAnswer, LiveAnswer.live_question_id == LiveQuestion.id)
            .join(User, LiveAnswer.user_id == User.id)
            .where(LiveQuestion.live_quiz_id == live.id)
            .order_by(LiveQuestion.position, User.name)
        ).all()
    )
