"""Live, host-paced quizzes in a session: the state machine, answers and scoring.

Every transition is a conditional UPDATE on the quiz row, and every answer an INSERT under a
unique constraint, so any number of workers and hosts agree, and nothing counts twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from seminar.core.errors import SeminarError
from seminar.core.questions import LiveDraft as Draft
from seminar.core.questions import Question, question_type
from seminar.db import db, insert_ignore, now_utc
from seminar.models import (
    LiveAnswer,
    LiveParticipant,
    LiveQuestion,
    LiveQuiz,
    MemberRole,
    QuestionVersion,
    Quiz,
    SeminarSession,
    User,
)
from seminar.queries.cohorts import member_role
from seminar.queries.live import current_question, seat_of
from seminar.services import standing
from seminar.services.sessions import mark_present

MAX_POINTS = 1000
# Answers sent just before the bell may arrive a moment after it.
GRACE = timedelta(seconds=1)


class LiveError(SeminarError):
    pass


def points_for(elapsed: float, allowed: float) -> int:
    """Kahoot's published rule: up to 1,000 points, falling to half over the time allowed."""
    fraction = min(max(elapsed / allowed, 0.0), 1.0) if allowed > 0 else 1.0
    return round(MAX_POINTS * (1 - fraction / 2))


def drafts_from_questions(questions: list[Question]) -> tuple[list[Draft], int]:
    """Questions the live quiz can ask become live questions; other graded questions are
    skipped (and counted)."""
    drafts, skipped = [], 0
    for q in questions:
        kind = question_type(q)
        draft = kind.to_live(q)
        if draft is not None:
            drafts.append(draft)
        elif kind.graded:
            skipped += 1
    return drafts, skipped


def create_live_quiz(
    session: SeminarSession, *, title: str, drafts: list[Draft], seconds: int, leaderboard: bool
) -> LiveQuiz:
    if session.closed_at is not None:
        raise LiveError("This session is closed.")
    if not drafts:
        raise LiveError("A live quiz needs at least one multiple-choice question.")
    if not 5 <= seconds <= 300:
        raise LiveError("Allow between 5 and 300 seconds per question.")
    live = LiveQuiz(session_id=session.id, title=title, seconds=seconds, leaderboard=leaderboard)
    db.session.add(live)
    db.session.flush()
    for position, draft in enumerate(drafts):
        if len(draft.choices) < 2 or not draft.correct:
            raise LiveError(f"Question {position + 1} needs two choices and a right answer.")
        db.session.add(
            LiveQuestion(
                live_quiz_id=live.id,
                position=position,
                stem=draft.stem,
                choices=draft.choices,
                correct=draft.correct,
            )
        )
    return live


def create_from_quiz(
    session: SeminarSession, slug: str, *, seconds: int, leaderboard: bool
) -> tuple[LiveQuiz, int]:
    """A live quiz of a quiz's choice questions; also says how many others were left out."""
    quiz = db.session.execute(select(Quiz).where(Quiz.slug == slug)).scalar_one_or_none()
    if quiz is None or quiz.current is None:
        raise LiveError("Choose one of the quizzes.", field="quiz")
    drafts, skipped = drafts_from_quiz(quiz)
    live = create_live_quiz(
        session, title=quiz.current.title, drafts=drafts, seconds=seconds, leaderboard=leaderboard
    )
    return live, skipped


def create_quick_question(
    session: SeminarSession,
    stem: str,
    choices: list[str],
    right: int,
    *,
    seconds: int,
    leaderboard: bool,
) -> LiveQuiz:
    """One question typed on the spot; `right` is the index of the right choice."""
    if not stem.strip():
        raise LiveError("Type the question.", field="stem")
    if not 0 <= right < len(choices):
        raise LiveError("Give the number of the right choice (1 for the first).", field="correct")
    draft = Draft(stem.strip(), choices, [right])
    return create_live_quiz(
        session, title="Quick question", drafts=[draft], seconds=seconds, leaderboard=leaderboard
    )


def drafts_from_quiz(quiz: Quiz) -> tuple[list[Draft], int]:
    assert quiz.current is not None
    by_id = {
        qv.id: qv
        for qv in db.session.scalars(
            select(QuestionVersion).where(QuestionVersion.id.in_(quiz.current.question_ids))
        )
    }
    return drafts_from_questions([by_id[i].model for i in quiz.current.question_ids])


def _move(live: LiveQuiz, expected: tuple[str, ...], **values: object) -> None:
    """One conditional UPDATE: two hosts pressing at once move the quiz once."""
    result = db.session.execute(
        update(LiveQuiz)
        .where(
            LiveQuiz.id == live.id, LiveQuiz.status.in_(expected), LiveQuiz.current == live.current
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(live)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise LiveError("The quiz moved on in the meantime; the screen now shows where it is.")


def open_next(live: LiveQuiz, *, now: datetime | None = None) -> None:
    if live.current + 1 >= len(live.questions):
        raise LiveError("That was the last question: finish the quiz.")
    _move(
        live,
        ("lobby", "closed"),
        status="open",
        current=live.current + 1,
        opened_at=now or now_utc(),
    )


def close_question(live: LiveQuiz) -> None:
    _move(live, ("open",), status="closed")
    _refresh_participants(live)


def finish(live: LiveQuiz) -> None:
    _move(live, ("lobby", "open", "closed"), status="finished")
    _refresh_participants(live)


def _refresh_participants(live: LiveQuiz) -> None:
    """Dashboards count live answers; once per question, not on the hot path of each answer."""
    seats = db.session.scalars(
        select(LiveParticipant.user_id).where(LiveParticipant.live_quiz_id == live.id)
    ).all()
    standing.mark(live.session.cohort_id, seats)


def join(live: LiveQuiz, user: User, *, now: datetime | None = None) -> LiveParticipant:
    """Take (or take back) a seat; joining also checks the student in to the session."""
    session = live.session
    if member_role(session.cohort_id, user.id) != MemberRole.STUDENT:
        raise LiveError("You are not a student in this session's cohort.")
    # The same student joining from two tabs at once takes one seat.
    insert_ignore(
        LiveParticipant,
        {"live_quiz_id": live.id, "user_id": user.id, "joined_at": now_utc()},
        keys=("live_quiz_id", "user_id"),
    )
    seat = seat_of(live, user)
    if session.closed_at is None:
        mark_present(session, user, method="live quiz", now=now)
    assert seat is not None
    return seat


def answer(
    live: LiveQuiz, user: User, question_id: int, choice: int, *, now: datetime | None = None
) -> LiveAnswer:
    """Record an answer once; a repeat returns the first; a late one is refused."""
    now = now or now_utc()
    if seat_of(live, user) is None:
        raise LiveError("Join the quiz first.")
    question = current_question(live)
    existing = db.session.execute(
        select(LiveAnswer).where(
            LiveAnswer.live_question_id == question_id, LiveAnswer.user_id == user.id
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing  # sent twice (a retry on flaky Wi-Fi): it counts once
    if question is None or question.id != question_id or live.status != "open":
        raise LiveError("Too late: this question is closed.")
    assert live.opened_at is not None
    elapsed = (now - live.opened_at).total_seconds()
    if elapsed > live.seconds + GRACE.total_seconds():
        raise LiveError("Too late: the time for this question is up.")
    if not 0 <= choice < len(question.choices):
        raise LiveError("Pick one of the choices.")
    correct = choice in question.correct
    # Sent twice at the same moment (a retry on flaky Wi-Fi): the first counts.
    insert_ignore(
        LiveAnswer,
        {
            "live_question_id": question.id,
            "user_id": user.id,
            "choice": choice,
            "correct": correct,
            "points": points_for(elapsed, live.seconds) if correct else 0,
            "answered_at": now,
        },
        keys=("live_question_id", "user_id"),
    )
    return db.session.execute(
        select(LiveAnswer).where(
            LiveAnswer.live_question_id == question_id, LiveAnswer.user_id == user.id
        )
    ).scalar_one()
