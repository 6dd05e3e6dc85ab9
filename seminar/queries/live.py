"""Reads of live quizzes: the current question, time left, who joined, answers so far, the
leaderboard and podium, and what each screen shows (`screen`) or polls for (`pulse`)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import aliased, joinedload

from seminar.core.live import KIND_LABELS, mark, places
from seminar.core.memo import Memo, memo_in
from seminar.db import db, now_utc
from seminar.models import (
    LiveAnswer,
    LiveParticipant,
    LiveQuestion,
    LiveQuiz,
    SeminarSession,
    User,
)

T = TypeVar("T")
LOBBY_NAMES = 120  # names on the lobby screen (the newest); the count says how many in all
LEADERBOARD = 5
PODIUM = 3


def seat_and_answer(live: LiveQuiz, user: User) -> tuple[LiveParticipant | None, LiveAnswer | None]:
    """A player's seat and their answer to the current question (`with_seat`, for a caller
    that holds the quiz already). No seat, no answer (answering needs one)."""
    found = with_seat(live.id, user.id)
    return (None, None) if found is None else (found[1], found[2])


@cache
def _with_seat() -> Select[tuple[LiveQuiz, LiveParticipant, LiveAnswer]]:
    # Built once: it runs as a few small index reads, and building it (its alias above all)
    # cost more than running it.
    question = aliased(LiveQuestion)
    return (
        select(LiveQuiz, LiveParticipant, LiveAnswer)
        .options(joinedload(LiveQuiz.session).joinedload(SeminarSession.cohort))
        .outerjoin(
            LiveParticipant,
            (LiveParticipant.live_quiz_id == LiveQuiz.id)
            & (LiveParticipant.user_id == bindparam("user_id")),
        )
        # Questions are numbered from 0 in order (services/live.py), so the current one is
        # the one at the quiz's `current` position.
        .outerjoin(
            question,
            (question.live_quiz_id == LiveQuiz.id) & (question.position == LiveQuiz.current),
        )
        .outerjoin(
            LiveAnswer,
            (LiveAnswer.live_question_id == question.id)
            & (LiveAnswer.user_id == LiveParticipant.user_id),
        )
        .where(LiveQuiz.id == bindparam("live_id"))
    )


def with_seat(
    live_id: int, user_id: int
) -> tuple[LiveQuiz, LiveParticipant | None, LiveAnswer | None] | None:
    """The quiz (with its session and cohort), this person's seat in it and their answer to
    its current question, in one statement: what a phone's screen is made of, asked for by
    every phone in the room each time the host moves on. None for no such quiz."""
    row = db.session.execute(_with_seat(), {"live_id": live_id, "user_id": user_id}).first()
    return None if row is None else (row[0], row[1], row[2])


@dataclass(frozen=True)
class Asked:
    """A live question as the screens and the answers read it."""

    id: int
    position: int
    kind: str
    stem: str
    choices: tuple[str, ...]
    correct: tuple[int, ...]


def questions_of(live: LiveQuiz) -> tuple[Asked, ...]:
    """The quiz's questions in order. They are written with the quiz and never changed
    (services/live.py), so each worker reads them once per quiz, not once for each of the
    room's phones each time the host moves on (keyed by the quiz's creation too: SQLite may
    give a deleted quiz's id to the next)."""

    def read() -> tuple[Asked, ...]:
        return tuple(
            Asked(q.id, q.position, q.kind, q.stem, tuple(q.choices), tuple(q.correct))
            for q in db.session.scalars(
                select(LiveQuestion)
                .where(LiveQuestion.live_quiz_id == live.id)
                .order_by(LiveQuestion.position)
            )
        )

    memo = memo_in(current_app.extensions, "live_questions", size=64)
    return memo.get((live.id, live.created_at), read, keep=bool)  # none yet: being written


def current_question(live: LiveQuiz) -> Asked | None:
    questions = questions_of(live)
    return questions[live.current] if 0 <= live.current < len(questions) else None


def _left(status: str, opened_at: datetime | None, seconds: int, now: datetime | None) -> int:
    if status != "open" or opened_at is None:
        return 0
    ends = opened_at + timedelta(seconds=seconds)
    return max(0, math.ceil((ends - (now or now_utc())).total_seconds()))


def seated_pulse(
    live_id: int, user_id: int, ridden: tuple[Any, ...] | None = None
) -> dict[str, Any] | None:
    """A seated student's `pulse`, in one statement and no objects: every phone in the room
    asks for it about once a second. None when this person has no seat in that quiz.
    `ridden`: the row of `pulse_rider`, when it was read with the login."""
    row = ridden
    if row is None or row[0] != live_id:
        row = db.session.execute(pulse_rider(), {"pulse_live": live_id, "uid": user_id}).first()
    return None if row is None or row[0] is None else _where(*row[1:])


@cache
def pulse_rider() -> Select[tuple[int, str, int, datetime | None, int]]:
    """Where a quiz is, if the user (`uid`) has a seat in it (`pulse_live`): built once, so
    that it can ride in the login's round trip (web/signin.py)."""
    return (
        select(LiveQuiz.id, LiveQuiz.status, LiveQuiz.current, LiveQuiz.opened_at, LiveQuiz.seconds)
        .join(LiveParticipant, LiveParticipant.live_quiz_id == LiveQuiz.id)
        .where(LiveQuiz.id == bindparam("pulse_live"), LiveParticipant.user_id == bindparam("uid"))
    )


def _where(status: str, current: int, opened_at: datetime | None, seconds: int) -> dict[str, Any]:
    """Where a quiz is: a change of status or index reloads a screen; the time left."""
    return {
        "status": status,
        "index": current + 1,
        "seconds_left": _left(status, opened_at, seconds, None),
    }


def _shown() -> Memo:
    """What the results screen shows, kept by each worker while the host shows them.

    Once the host shows a question's results no answer to it, or to any earlier one, can
    change (services/live.py takes answers only while a question is open), yet every phone in
    the room reloads its page at that moment: 300 phones would each read the whole room's
    answers again. Kept under the quiz's id, question and state, so moving on reads afresh,
    and for a few seconds only, so that a name changed or a person erased since shows soon."""
    return memo_in(current_app.extensions, "live_results", size=64, seconds=5.0)


def _shown_key(live: LiveQuiz, what: str) -> tuple[Any, ...] | None:
    """The cache key of a result that can no longer change, or None while it still can."""
    if live.status not in ("results", "finished"):
        return None
    return (what, live.id, live.current, live.status, live.opened_at)


def _final(live: LiveQuiz, what: str, compute: Callable[[], T]) -> T:
    key = _shown_key(live, what)
    return compute() if key is None else _shown().get(key, compute)


def choice_counts(question: Asked) -> list[int]:
    """How many answers picked each choice (a multiple answer counts for each it picked)."""
    counts: Counter[int] = Counter()
    for picked in db.session.scalars(
        select(LiveAnswer.choices).where(LiveAnswer.live_question_id == question.id)
    ):
        counts.update(picked)
    return [counts[i] for i in range(len(question.choices))]


def answer_count(question: Asked) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(LiveAnswer)
            .where(LiveAnswer.live_question_id == question.id)
        )
        or 0
    )


def joined_count(live: LiveQuiz) -> int:
    """How many took a seat."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(LiveParticipant)
            .where(LiveParticipant.live_quiz_id == live.id)
        )
        or 0
    )


def joined_names(live: LiveQuiz) -> list[str]:
    """The names of the newest to take a seat, for the lobby screen."""
    return list(
        db.session.scalars(
            select(User.name)
            .join(LiveParticipant, LiveParticipant.user_id == User.id)
            .where(LiveParticipant.live_quiz_id == live.id)
            .order_by(LiveParticipant.joined_at.desc(), LiveParticipant.id.desc())
            .limit(LOBBY_NAMES)
        )
    )


def standings(live: LiveQuiz) -> list[dict[str, Any]]:
    """Every seat with its score and place, best first; ties share a place."""
    question_ids = select(LiveQuestion.id).where(LiveQuestion.live_quiz_id == live.id)
    score = func.coalesce(func.sum(LiveAnswer.points), 0)
    rows = db.session.execute(
        select(User.name, score, User.id)
        .select_from(LiveParticipant)
        .join(User, LiveParticipant.user_id == User.id)
        .outerjoin(
            LiveAnswer,
            (LiveAnswer.user_id == User.id) & LiveAnswer.live_question_id.in_(question_ids),
        )
        .where(LiveParticipant.live_quiz_id == live.id)
        .group_by(User.id, User.name)
        .order_by(score.desc(), User.name)
    ).all()
    ranks = places([int(s) for _, s, _ in rows])
    return [
        {"name": name, "score": int(s), "place": place, "user_id": user_id}
        for (name, s, user_id), place in zip(rows, ranks, strict=True)
    ]


def podium(table: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Places 1 to 3, each with everyone who holds it (ties stand on the same step)."""
    steps: dict[int, list[str]] = {}
    for row in table:
        if row["place"] <= PODIUM and row["score"] > 0:
            steps.setdefault(row["place"], []).append(row["name"])
    return [{"place": place, "names": names} for place, names in sorted(steps.items())]


def answer_of(question: Asked, user: User) -> LiveAnswer | None:
    return db.session.execute(
        select(LiveAnswer).where(
            LiveAnswer.live_question_id == question.id, LiveAnswer.user_id == user.id
        )
    ).scalar_one_or_none()


def pulse(live: LiveQuiz, *, host: bool) -> dict[str, Any]:
    """What a screen polls for: where the quiz is (a change reloads the page), the time
    left, and for the host the count of answers or, in the lobby, who joined."""
    state = _where(live.status, live.current, live.opened_at, live.seconds)
    if not host:
        return state
    question = current_question(live)
    state["joined"] = joined_count(live)
    if live.status == "lobby":
        state["names"] = joined_names(live)
    elif question is not None and live.status in ("open", "closed"):
        state["answers"] = answer_count(question)
    return state


_ASK = object()  # `screen` reads the player's answer itself


def screen(
    live: LiveQuiz, *, host: bool, user: User | None = None, answer: Any = _ASK
) -> dict[str, Any]:
    """What a screen shows now; the right answer only once the host shows the results.
    `answer`: the player's answer to the current question, when the caller read it already
    (seat_and_answer)."""
    question = current_question(live)
    view: dict[str, Any] = pulse(live, host=host) | {
        "total": len(questions_of(live)),
        "seconds": live.seconds,
        "question": None,
    }
    revealed = live.status in ("results", "finished")
    if question is not None and live.status in ("open", "closed", "results"):
        view["question"] = {
            "id": question.id,
            "kind": question.kind,
            "kind_label": KIND_LABELS.get(question.kind, ""),
            "stem": question.stem,
            "choices": question.choices,
        }
        if host:
            view.setdefault("answers", answer_count(question))
        if live.status == "results":
            view["question"]["correct"] = question.correct
            view["counts"] = _final(live, "counts", lambda: choice_counts(question))
    if user is not None and question is not None and live.status != "lobby":
        mine = answer_of(question, user) if answer is _ASK else answer
        if mine is not None:
            view["mine"] = {"choices": mine.choices}
            if revealed:
                outcome = mark(question.kind, question.correct, mine.choices, 0, 1).outcome
                view["mine"].update(outcome=outcome, points=mine.points)
    if revealed and (live.leaderboard or host):
        table = _final(live, "standings", lambda: standings(live))
        view["leaderboard"] = [
            {k: row[k] for k in ("name", "score", "place")} for row in table[:LEADERBOARD]
        ]
        if live.status == "finished":
            view["podium"] = podium(table)
        if user is not None:
            me = next((row for row in table if row["user_id"] == user.id), None)
            view["me"] = (
                {"place": me["place"], "score": me["score"], "of": len(table)} if me else None
            )
    return view


def answer_rows(live: LiveQuiz) -> list[Any]:
    """Every answer with its question and student, for the host's download."""
    return list(
        db.session.execute(
            select(
                LiveQuestion.position,
                LiveQuestion.kind,
                LiveQuestion.stem,
                LiveQuestion.choices,
                User.name,
                User.email,
                LiveAnswer.choices,
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
