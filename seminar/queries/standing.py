"""Where students stand on their cohort's program: facts gathered in a fixed number of
queries (whatever the cohort's size), then the pure eligibility() per student."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload

from seminar.core.certification import Eligibility, Facts, QuizFact, eligibility
from seminar.core.content.programs import Program as ProgramSpec
from seminar.core.content.programs import program_from_dict
from seminar.core.grading import aggregate
from seminar.db import UTCDateTime, db
from seminar.models import (
    Attempt,
    AttemptState,
    AttendanceCredit,
    Cohort,
    CohortMember,
    Lesson,
    LessonCompletion,
    LessonReading,
    LiveAnswer,
    LiveQuestion,
    LiveQuiz,
    MemberRole,
    Module,
    PracticalSignoff,
    Quiz,
    QuizVersion,
    ReadingClock,
    SeminarSession,
    StudentProgress,
    User,
)
from seminar.queries import catalogue, exams

AttemptRow = Any  # a row of (user_id, quiz_id, score, state, needs_grading, when)


@dataclass
class StudentStatus:
    user_id: int
    name: str
    email: str
    joined_at: datetime
    eligibility: Eligibility
    last_activity: datetime | None
    reading_seconds: int = 0
    live_answers: int = 0  # participation in live quizzes, as evidence (never graded)
    practical: PracticalSignoff | None = None
    exam: Any = None  # the passed practical exam's booking (models.ExamBooking), if any
    quiz_results: dict[str, QuizFact] = field(default_factory=dict)


def own_standings(user_id: int) -> list[tuple[str, str, int, bool]]:
    """(cohort title, slug, percent, eligible) of each cohort the student studies in, as
    the dashboards show it (the precomputed standing): the Lessons page says the same."""
    return [
        (row.title, row.slug, row.percent, row.eligible)
        for row in db.session.execute(
            select(Cohort.title, Cohort.slug, StudentProgress.percent, StudentProgress.eligible)
            .join(StudentProgress, StudentProgress.cohort_id == Cohort.id)
            .where(StudentProgress.user_id == user_id)
            .order_by(Cohort.title)
        )
    ]


def program_of(cohort: Cohort) -> ProgramSpec:
    return program_from_dict(cohort.program_version.data)


def live_lesson_slugs() -> list[tuple[int, str]]:
    return [
        (row.id, row.slug)
        for row in db.session.execute(
            select(Lesson.id, Lesson.slug)
            .join(Module, Lesson.module_id == Module.id)
            .where(
                Lesson.retired.is_(False),
                Module.retired.is_(False),
                Lesson.current_version_id.is_not(None),
            )
            .order_by(Module.position, Lesson.position)
        )
    ]


@dataclass(frozen=True)
class StandingInputs:
    """The content a standing is computed from, beside each student's own facts: which
    lessons are live (and in what order), and each current quiz version's title, pass mark
    and grading. A lesson's text, or a quiz's questions, move no standing."""

    lessons: tuple[str, ...]
    quizzes: dict[str, tuple[str, float, str]]


def standing_inputs() -> StandingInputs:
    """The inputs as stored now (two queries)."""
    quizzes = {
        slug: (title, float(pass_mark), str(grading))
        for slug, title, pass_mark, grading in db.session.execute(
            select(Quiz.slug, QuizVersion.title, QuizVersion.pass_mark, QuizVersion.grading).join(
                QuizVersion, Quiz.current_version_id == QuizVersion.id
            )
        )
    }
    return StandingInputs(tuple(slug for _, slug in live_lesson_slugs()), quizzes)


def cohorts_moved(before: StandingInputs, after: StandingInputs) -> list[int]:
    """The cohorts whose standing a change of inputs can move: a program of every live lesson
    when the live lessons change, a program naming a quiz whose title, mark or grading
    changed. A cohort keeps its program version, so a program.yml change moves none."""
    if before == after:
        return []
    lessons_moved = before.lessons != after.lessons
    quizzes_moved = {
        slug
        for slug in before.quizzes.keys() | after.quizzes.keys()
        if before.quizzes.get(slug) != after.quizzes.get(slug)
    }
    moved = []
    for cohort in db.session.scalars(select(Cohort).options(joinedload(Cohort.program_version))):
        program = program_of(cohort)
        if (lessons_moved and program.lessons is None) or any(
            q.slug in quizzes_moved for q in program.quizzes
        ):
            moved.append(cohort.id)
    return moved


def _students(cohort: Cohort, user_ids: Iterable[int] | None) -> Select:
    query = (
        select(User.id, User.name, User.email, CohortMember.joined_at)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.role == MemberRole.STUDENT)
        .order_by(User.name)
    )
    if user_ids is not None:
        query = query.where(User.id.in_(list(user_ids)))
    return query


def cohort_statuses(cohort: Cohort, user_ids: Iterable[int] | None = None) -> list[StudentStatus]:
    """Every student of the cohort (or the given ones), in eleven queries."""
    program = program_of(cohort)
    students = db.session.execute(_students(cohort, user_ids)).all()
    ids = [s.id for s in students]
    member_ids = select(CohortMember.user_id).where(
        CohortMember.cohort_id == cohort.id, CohortMember.user_id.in_(ids)
    )
    lessons = live_lesson_slugs()
    # Every lesson, retired ones too: a program that lists a retired lesson still credits it.
    slug_of = dict(db.session.execute(select(Lesson.id, Lesson.slug)).all())

    completed: dict[int, set[str]] = defaultdict(set)
    last: dict[int, datetime] = {}

    def touch(user_id: int, when: datetime | None) -> None:
        if when is not None and (user_id not in last or when > last[user_id]):
            last[user_id] = when

    # Pairs only: per-row timestamps would cost more than all the rest at cohort scale.
    for user_id, lesson_id in db.session.execute(
        select(LessonCompletion.user_id, LessonCompletion.lesson_id).where(
            LessonCompletion.user_id.in_(member_ids)
        )
    ):
        if lesson_id in slug_of:
            completed[user_id].add(slug_of[lesson_id])
    for user_id, when in db.session.execute(
        select(LessonCompletion.user_id, func.max(LessonCompletion.completed_at))
        .where(LessonCompletion.user_id.in_(member_ids))
        .group_by(LessonCompletion.user_id)
    ):
        touch(user_id, when)

    reading: dict[int, int] = {}
    for user_id, seconds, beat in db.session.execute(
        select(
            LessonReading.user_id,
            func.sum(LessonReading.seconds),
            func.max(LessonReading.last_beat_at),
        )
        .where(LessonReading.user_id.in_(member_ids))
        .group_by(LessonReading.user_id)
    ):
        reading[user_id] = int(seconds or 0)
        touch(user_id, beat)

    quiz_slugs = [q.slug for q in program.quizzes]
    quizzes = {
        quiz.id: (quiz.slug, version)
        for quiz, version in db.session.execute(
            select(Quiz, QuizVersion)
            .join(QuizVersion, Quiz.current_version_id == QuizVersion.id)
            .where(Quiz.slug.in_(quiz_slugs))
        ).all()
    }
    attempts: dict[tuple[int, str], list[AttemptRow]] = defaultdict(list)
    for row in db.session.execute(
        select(
            Attempt.user_id,
            Attempt.quiz_id,
            Attempt.score,
            Attempt.state,
            Attempt.needs_grading,
            func.coalesce(Attempt.submitted_at, Attempt.started_at).label("when"),
        )
        .where(Attempt.user_id.in_(member_ids), Attempt.quiz_id.in_(list(quizzes)))
        .order_by(Attempt.number)
    ):
        attempts[(row.user_id, quizzes[row.quiz_id][0])].append(row)
        touch(row.user_id, UTCDateTime().process_result_value(row.when, None))

    hours = dict(
        db.session.execute(
            select(AttendanceCredit.user_id, func.sum(AttendanceCredit.hours))
            .where(AttendanceCredit.cohort_id == cohort.id, AttendanceCredit.user_id.in_(ids))
            .group_by(AttendanceCredit.user_id)
        ).all()
    )
    practicals: dict[int, PracticalSignoff] = {}
    for signoff in db.session.scalars(
        select(PracticalSignoff)
        .options(joinedload(PracticalSignoff.assessor))  # named on records; no query per row
        .where(PracticalSignoff.cohort_id == cohort.id, PracticalSignoff.user_id.in_(ids))
        .order_by(PracticalSignoff.created_at, PracticalSignoff.id)
    ):
        practicals[signoff.user_id] = signoff  # the latest wins
        touch(signoff.user_id, signoff.created_at)

    exam_facts, exam_passes = exams.facts_of(cohort, ids)

    live = dict(
        db.session.execute(
            select(LiveAnswer.user_id, func.count())
            .join(LiveQuestion, LiveAnswer.live_question_id == LiveQuestion.id)
            .join(LiveQuiz, LiveQuestion.live_quiz_id == LiveQuiz.id)
            .join(SeminarSession, LiveQuiz.session_id == SeminarSession.id)
            .where(SeminarSession.cohort_id == cohort.id, LiveAnswer.user_id.in_(ids))
            .group_by(LiveAnswer.user_id)
        ).all()
    )
    versions = {slug: version for slug, version in quizzes.values()}
    lesson_order = [slug for _, slug in lessons]
    out = []
    for s in students:
        results = {
            slug: _quiz_fact(attempts.get((s.id, slug), []), versions[slug])
            for slug in quiz_slugs
            if slug in versions
        }
        practical = practicals.get(s.id)
        facts = Facts(
            completed_lessons=frozenset(completed.get(s.id, set())),
            quizzes=results,
            attendance_hours=float(hours.get(s.id) or 0),
            practical_passed=bool(practical and practical.passed),
            practical_attempted=practical is not None,
            exam=exam_facts.get(s.id),
        )
        out.append(
            StudentStatus(
                user_id=s.id,
                name=s.name,
                email=s.email,
                joined_at=s.joined_at,
                eligibility=_titled(
                    eligibility(program, facts, lesson_slugs=lesson_order), versions
                ),
                last_activity=last.get(s.id),
                reading_seconds=reading.get(s.id, 0),
                live_answers=int(live.get(s.id, 0)),
                practical=practical,
                exam=exam_passes.get(s.id),
                quiz_results=results,
            )
        )
    return out


def _titled(result: Eligibility, versions: dict[str, QuizVersion]) -> Eligibility:
    """Quiz requirements read better under the quiz's title than its slug."""
    return dataclasses.replace(
        result,
        requirements=tuple(
            dataclasses.replace(r, label=f"Quiz: {versions[r.key].title}")
            if r.kind == "quiz" and r.key in versions
            else r
            for r in result.requirements
        ),
    )


def _quiz_fact(attempts: list[AttemptRow], version: QuizVersion) -> QuizFact:
    scores = [a.score for a in attempts if a.score is not None]
    return QuizFact(
        result=aggregate(scores, version.grading),
        attempts=len(attempts),
        pending=any(a.state == AttemptState.IN_PROGRESS or a.needs_grading for a in attempts),
        pass_mark=version.pass_mark,
    )


def attempts_of(user_id: int) -> list[tuple[Attempt, Quiz, str]]:
    """Every quiz attempt of the student with the quiz's title, quizzes in module order and
    attempts by number."""
    rows = db.session.execute(
        select(Attempt, Quiz, QuizVersion.title)
        .join(Quiz, Attempt.quiz_id == Quiz.id)
        .join(QuizVersion, Attempt.quiz_version_id == QuizVersion.id)
        .where(Attempt.user_id == user_id)
        .order_by(Attempt.number)
    ).all()
    # The title the attempt was taken under: a quiz renamed since keeps its old attempts' words.
    order = catalogue.quiz_order(list({q.slug: title for _, q, title in rows}.items()))
    place = {slug: i for i, slug in enumerate(order)}
    return sorted(
        ((a, q, title) for a, q, title in rows), key=lambda r: (place[r[1].slug], r[0].number)
    )


def signoffs_of(cohort: Cohort, user_id: int) -> list[PracticalSignoff]:
    """The student's practical assessments in the cohort, newest first."""
    return list(
        db.session.scalars(
            select(PracticalSignoff)
            .where(PracticalSignoff.cohort_id == cohort.id, PracticalSignoff.user_id == user_id)
            .order_by(PracticalSignoff.created_at.desc())
        )
    )


def live_participation(cohort: Cohort, user_id: int) -> list[Any]:
    """(live quiz, session, answers, right answers) for each live quiz the student played."""
    return list(
        db.session.execute(
            select(
                LiveQuiz.title,
                SeminarSession.title,
                func.count(LiveAnswer.id),
                func.coalesce(func.sum(case((LiveAnswer.correct, 1), else_=0)), 0),
            )
            .join(SeminarSession, LiveQuiz.session_id == SeminarSession.id)
            .join(LiveQuestion, LiveQuestion.live_quiz_id == LiveQuiz.id)
            .join(LiveAnswer, LiveAnswer.live_question_id == LiveQuestion.id)
            .where(SeminarSession.cohort_id == cohort.id, LiveAnswer.user_id == user_id)
            .group_by(LiveQuiz.id, LiveQuiz.title, SeminarSession.title)
            .order_by(LiveQuiz.id)
        ).all()
    )


def reading_overlaps(user_id: int) -> int:
    """How often the student's reading beats came from two lessons at once (not credited twice)."""
    return reading_overlaps_of([user_id]).get(user_id, 0)


def reading_overlaps_of(user_ids: list[int]) -> dict[int, int]:
    """The same for a page of students, in one query: flagged on the dashboard."""
    return dict(
        db.session.execute(
            select(ReadingClock.user_id, ReadingClock.overlaps).where(
                ReadingClock.user_id.in_(user_ids), ReadingClock.overlaps > 0
            )
        ).all()
    )
