"""Live, host-paced quizzes in a session: the state machine, seats, answers and scoring.

Every transition is a conditional UPDATE on the quiz row, and every answer an INSERT under a
unique constraint (one per student and question), so any number of workers and hosts agree,
and nothing counts twice. The rules (points, right-minus-wrong, places) are in core/live.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update

from seminar.core.errors import SeminarError
from seminar.core.live import askable, mark, picked_choices, typed_draft
from seminar.core.questions import LiveDraft as Draft
from seminar.core.questions import Question, question_type
from seminar.db import db, insert_ignore, now_utc
from seminar.models import (
    Attendance,
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
from seminar.queries.live import current_question, questions_of, seat_and_answer
from seminar.queries.sessions import attendance_of
from seminar.services import standing
from seminar.services.sessions import check_in

# Answers sent just before the bell may arrive a moment after it.
GRACE = timedelta(seconds=1)


class LiveError(SeminarError):
    pass


def drafts_from_questions(
    questions: list[Question], *, poll: bool = False
) -> tuple[list[Draft], int]:
    """Questions the live quiz can ask become live questions (as polls when asked); other
    graded questions are skipped, and counted."""
    drafts, skipped = [], 0
    for q in questions:
        kind = question_type(q)
        draft = kind.to_live(q, poll=poll)
        if draft is not None and askable(draft):
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
        raise LiveError(
            "That quiz has no question the live quiz can ask (choice and true/false questions "
            "of 2 to 6 choices).",
            field="quiz",
        )
    if not 5 <= seconds <= 300:
        raise LiveError("Allow between 5 and 300 seconds per question.", field="seconds")
    live = LiveQuiz(session_id=session.id, title=title, seconds=seconds, leaderboard=leaderboard)
    db.session.add(live)
    db.session.flush()
    for position, draft in enumerate(drafts):
        if not askable(draft):
            raise LiveError(f"Question {position + 1} needs 2 to 6 choices and a right answer.")
        db.session.add(
            LiveQuestion(
                live_quiz_id=live.id,
                position=position,
                kind=draft.kind,
                stem=draft.stem,
                choices=draft.choices,
                correct=draft.correct,
            )
        )
    return live


def create_from_quiz(
    session: SeminarSession, slug: str, *, seconds: int, leaderboard: bool, poll: bool = False
) -> tuple[LiveQuiz, int]:
    """A live quiz of a quiz's choice questions (as polls when asked); also says how many
    others were left out."""
    quiz = db.session.execute(select(Quiz).where(Quiz.slug == slug)).scalar_one_or_none()
    if quiz is None or quiz.current is None:
        raise LiveError("Choose one of the quizzes.", field="quiz")
    drafts, skipped = drafts_from_quiz(quiz, poll=poll)
    title = quiz.current.title + (" (poll)" if poll else "")
    live = create_live_quiz(
        session, title=title, drafts=drafts, seconds=seconds, leaderboard=leaderboard
    )
    return live, skipped


def create_typed_question(
    session: SeminarSession,
    *,
    kind: str,
    stem: str,
    choices: str,
    correct: str,
    seconds: int,
    leaderboard: bool,
) -> LiveQuiz:
    """One question typed on the spot: its kind, text, choices (one per line) and the
    numbers of the right ones."""
    draft = typed_draft(kind, stem, choices, correct)
    title = "Quick poll" if draft.kind == "poll" else "Quick question"
    return create_live_quiz(
        session, title=title, drafts=[draft], seconds=seconds, leaderboard=leaderboard
    )


def drafts_from_quiz(quiz: Quiz, *, poll: bool = False) -> tuple[list[Draft], int]:
    assert quiz.current is not None
    by_id = {
        qv.id: qv
        for qv in db.session.scalars(
            select(QuestionVersion).where(QuestionVersion.id.in_(quiz.current.question_ids))
        )
    }
    return drafts_from_questions([by_id[i].model for i in quiz.current.question_ids], poll=poll)


# --- the host's moves ----------------------------------------------------------------------


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
    if live.current + 1 >= len(questions_of(live)):
        raise LiveError("That was the last question: finish the quiz.")
    _move(
        live,
        ("lobby", "closed", "results"),
        status="open",
        current=live.current + 1,
        opened_at=now or now_utc(),
    )


def close_question(live: LiveQuiz) -> None:
    """No more answers; the screen shows how many came in, the results wait for the host."""
    _move(live, ("open",), status="closed")
    _refresh_participants(live)


def show_results(live: LiveQuiz) -> None:
    """The right answer, the chart of answers and the leaderboard (closing first if need be)."""
    was_open = live.status == "open"
    _move(live, ("open", "closed"), status="results")
    if was_open:
        _refresh_participants(live)


def finish(live: LiveQuiz) -> None:
    _move(live, ("lobby", "open", "closed", "results"), status="finished")
    _refresh_participants(live)


MOVES = {"next": open_next, "close": close_question, "results": show_results, "finish": finish}


def _refresh_participants(live: LiveQuiz) -> None:
    """Dashboards count live answers; once per question, not on the hot path of each answer."""
    seats = db.session.scalars(
        select(LiveParticipant.user_id).where(LiveParticipant.live_quiz_id == live.id)
    ).all()
    standing.mark(live.session.cohort_id, seats)


# --- the students' phones ------------------------------------------------------------------


def join(
    live: LiveQuiz, user: User, *, code: str = "", now: datetime | None = None
) -> Attendance | None:
    """Take (or take back) a seat; returns the student's attendance at the session, if any.

    Playing is open to the cohort's students, but attendance is evidence: joining credits it
    only while the session's check-in is open, and only with its code (the lobby's QR code
    carries it), exactly as checking in does. A wrong code is refused before anything is
    written; a student already checked in (or out) needs none.
    """
    session = live.session
    if member_role(session.cohort_id, user.id) != MemberRole.STUDENT:
        raise LiveError("You are not a student in this session's cohort.")
    if live.status == "finished":
        raise LiveError("This live quiz has finished.")
    attendance = attendance_of(session, user)
    if attendance is None and code.strip() and session.checkin_open:
        attendance = check_in(user, code, method="live quiz", now=now, session=session)
    # The same student joining from two tabs at once takes one seat.
    insert_ignore(
        LiveParticipant,
        {"live_quiz_id": live.id, "user_id": user.id, "joined_at": now_utc()},
        keys=("live_quiz_id", "user_id"),
    )
    return attendance


def _still_open(live: LiveQuiz) -> None:
    """Read the quiz again once the answer is written: the host may have closed the question
    since this request looked. PostgreSQL's share lock makes a close wait for this answer, or
    this answer see the close; SQLite holds its one writer lock here already. Either way no
    answer is stored after its question closed, and the results, once shown, are final."""
    now = db.session.execute(
        select(LiveQuiz.status, LiveQuiz.current)
        .where(LiveQuiz.id == live.id)
        .with_for_update(read=True)
    ).one()
    if tuple(now) != ("open", live.current):
        raise LiveError("Too late: this question is closed.")


def _stored_answer(question_id: int, user: User) -> LiveAnswer | None:
    return db.session.execute(
        select(LiveAnswer).where(
            LiveAnswer.live_question_id == question_id, LiveAnswer.user_id == user.id
        )
    ).scalar_one_or_none()


def answer(
    live: LiveQuiz,
    user: User,
    question_id: int,
    picked: Sequence[object],
    *,
    now: datetime | None = None,
    seated: tuple[LiveParticipant | None, LiveAnswer | None] | None = None,
) -> LiveAnswer:
    """Record an answer (the choices picked: one, or several for a multiple question) once;
    a repeat returns the first; a late one is refused. `seated`: the player's seat and their
    answer to the current question, when the caller read them (`seat_and_answer`)."""
    now = now or now_utc()
    seat, earlier = seated if seated is not None else seat_and_answer(live, user)
    if seat is None:
        raise LiveError("Join the quiz first.")
    if earlier is not None and earlier.live_question_id == question_id:
        return earlier  # sent again (a retry on flaky Wi-Fi): the first counts, as stored
    question = current_question(live)
    in_time = (
        question is not None
        and question.id == question_id
        and live.status == "open"
        and live.opened_at is not None
        and (now - live.opened_at) <= timedelta(seconds=live.seconds) + GRACE
    )
    if not in_time:
        existing = _stored_answer(question_id, user)
        if existing is not None:
            return existing  # sent again after the bell (a retry on flaky Wi-Fi): the first
        if question is not None and question.id == question_id and live.status == "open":
            raise LiveError("Too late: the time for this question is up.")
        raise LiveError("Too late: this question is closed.")
    assert question is not None and live.opened_at is not None
    try:
        choices = picked_choices(question.kind, picked, len(question.choices))
    except SeminarError:
        if (existing := _stored_answer(question.id, user)) is not None:
            return existing  # answered already: whatever comes next changes nothing
        raise
    result = mark(
        question.kind,
        question.correct,
        choices,
        (now - live.opened_at).total_seconds(),
        live.seconds,
    )
    # Sent twice at the same moment (a retry on flaky Wi-Fi): the first counts.
    inserted = insert_ignore(
        LiveAnswer,
        {
            "live_question_id": question.id,
            "user_id": user.id,
            "choices": choices,
            "correct": result.correct,
            "points": result.points,
            "answered_at": now,
        },
        keys=("live_question_id", "user_id"),
    )
    if inserted:
        _still_open(live)
    stored = _stored_answer(question.id, user)
    assert stored is not None
    return stored
