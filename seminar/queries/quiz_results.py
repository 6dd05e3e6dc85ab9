"""Read-side queries for quizzes: a student's standing, review rules and statistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from seminar.core.content.quiz_model import Quiz as QuizModel
from seminar.core.content.quiz_model import Review, question_from_dict
from seminar.core.grading import aggregate, discrimination
from seminar.db import db, now_utc
from seminar.models import (
    Accommodation,
    Attempt,
    AttemptQuestion,
    AttemptState,
    ChoiceStat,
    QuestionStat,
    QuestionVersion,
    Quiz,
    QuizVersion,
    User,
)
from seminar.queries import catalogue
from seminar.queries.cohorts import taught_students


@dataclass(frozen=True)
class Allowance:
    max_attempts: int | None  # None: unlimited
    time_multiplier: float
    extra_attempts: int


def accommodation_for(user_id: int) -> Accommodation | None:
    return db.session.execute(
        select(Accommodation).where(Accommodation.user_id == user_id)
    ).scalar_one_or_none()


def allowance(version: QuizVersion, acc: Accommodation | None) -> Allowance:
    extra = acc.extra_attempts if acc else 0
    multiplier = acc.time_multiplier if acc else 1.0
    limit = None if version.max_attempts is None else version.max_attempts + extra
    return Allowance(max_attempts=limit, time_multiplier=multiplier, extra_attempts=extra)


@dataclass
class Standing:
    """Where one student stands on one quiz."""

    quiz: Quiz
    version: QuizVersion
    attempts: list[Attempt] = field(default_factory=list)
    rules: Allowance | None = None

    @property
    def open_attempt(self) -> Attempt | None:
        return next((a for a in self.attempts if a.state == AttemptState.IN_PROGRESS), None)

    @property
    def graded_scores(self) -> list[float]:
        return [a.score for a in self.attempts if a.score is not None]

    @property
    def result(self) -> float | None:
        return aggregate(self.graded_scores, self.version.grading)

    @property
    def passed(self) -> bool:
        return self.result is not None and self.result >= self.version.pass_mark

    @property
    def attempts_left(self) -> int | None:
        if self.rules is None or self.rules.max_attempts is None:
            return None
        return max(0, self.rules.max_attempts - len(self.attempts))

    @property
    def closed(self) -> bool:
        closes = self.version.closes_at
        return closes is not None and now_utc() >= closes

    @property
    def can_start(self) -> bool:
        return self.open_attempt is None and not self.closed and self.attempts_left != 0

    def may_see(self, part: str, attempt: Attempt, now: datetime | None = None) -> bool:
        """Review rules: when the score, the right answers or the feedback may be shown."""
        if attempt.state != AttemptState.SUBMITTED:
            return False
        # The attempt's own version sets its rules: a later upload never reveals old answers.
        version = attempt.version
        closed = version.closes_at is not None and (now or now_utc()) >= version.closes_at
        when = version.review.get(part, "immediately")
        if when == "immediately":
            return True
        if when == "after_last_attempt":
            return (self.attempts_left == 0 and self.open_attempt is None) or closed
        if when == "after_close":
            return closed
        return False


def available_quizzes() -> list[Quiz]:
    """Quizzes students can take now, in module order (catalogue.quiz_order)."""
    quizzes = {
        quiz.slug: quiz
        for quiz in db.session.scalars(
            select(Quiz)
            .options(joinedload(Quiz.current))
            .where(Quiz.retired.is_(False), Quiz.current_version_id.is_not(None))
        )
    }
    titles = [(slug, q.current.title if q.current else slug) for slug, q in quizzes.items()]
    return [quizzes[slug] for slug in catalogue.quiz_order(titles)]


def available_quiz(slug: str) -> Quiz | None:
    """A quiz students can take now (it has a version and is not retired)."""
    return db.session.execute(
        select(Quiz)
        .options(joinedload(Quiz.current))
        .where(Quiz.slug == slug, Quiz.retired.is_(False), Quiz.current_version_id.is_not(None))
    ).scalar_one_or_none()


def standings(user_id: int) -> list[Standing]:
    """Every available quiz with this student's attempts, in three queries."""
    quizzes = available_quizzes()
    acc = accommodation_for(user_id)
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.number)
    ).all()
    by_quiz: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    out = []
    for quiz in quizzes:
        assert quiz.current is not None
        out.append(
            Standing(
                quiz=quiz,
                version=quiz.current,
                attempts=by_quiz.get(quiz.id, []),
                rules=allowance(quiz.current, acc),
            )
        )
    return out


def standing(user_id: int, quiz: Quiz) -> Standing:
    assert quiz.current is not None
    attempts = list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz.id)
            .order_by(Attempt.number)
        )
    )
    return Standing(
        quiz=quiz,
        version=quiz.current,
        attempts=attempts,
        rules=allowance(quiz.current, accommodation_for(user_id)),
    )


@dataclass(frozen=True)
class QuestionReport:
    version: QuestionVersion
    in_current: bool
    n: int
    facility: float | None  # mean fraction, 0..1
    discrimination: float | None
    options: list[tuple[str, str, int]]  # (key, label, count)

    @property
    def flagged(self) -> bool:
        return self.discrimination is not None and self.discrimination < 0

    def share(self, count: int) -> float:
        return count / self.n if self.n else 0.0


def question_statistics(quiz: Quiz) -> list[QuestionReport]:
    """Per question version, from the precomputed sums: three queries, whatever the volume."""
    current_ids = quiz.current.question_ids if quiz.current else []
    versions = db.session.scalars(
        select(QuestionVersion)
        .where(QuestionVersion.quiz_id == quiz.id)
        .order_by(QuestionVersion.key, QuestionVersion.number)
    ).all()
    ids = [v.id for v in versions]
    sums = {
        s.question_version_id: s
        for s in db.session.scalars(
            select(QuestionStat).where(QuestionStat.question_version_id.in_(ids))
        )
    }
    options: dict[int, list[ChoiceStat]] = {}
    for stat in db.session.scalars(
        select(ChoiceStat).where(ChoiceStat.question_version_id.in_(ids))
    ):
        options.setdefault(stat.question_version_id, []).append(stat)

    def order_key(stat: ChoiceStat) -> tuple[int, str]:
        return (int(stat.option), "") if stat.option.isdigit() else (10_000, stat.option)

    position = {qid: i for i, qid in enumerate(current_ids)}
    reports = []
    for version in versions:
        if not version.graded:
            continue
        s = sums.get(version.id)
        n = s.n if s else 0
        if n == 0 and version.id not in position:
            continue  # an old version nobody answered
        kind, q = version.kind, version.model
        reports.append(
            QuestionReport(
                version=version,
                in_current=version.id in position,
                n=n,
                facility=(s.sum_x / n) if s and n else None,
                discrimination=discrimination(n, s.sum_x, s.sum_y, s.sum_xx, s.sum_yy, s.sum_xy)
                if s
                else None,
                options=[
                    (o.option, kind.option_label(q, o.option), o.count)
                    for o in sorted(options.get(version.id, []), key=order_key)
                ],
            )
        )
    reports.sort(
        key=lambda r: (position.get(r.version.id, 10_000), r.version.key, r.version.number)
    )
    return reports


def quiz_model(version: QuizVersion, slug: str) -> QuizModel:
    """Rebuild the question model of a stored quiz version (for export)."""
    by_id = {
        qv.id: qv
        for qv in db.session.scalars(
            select(QuestionVersion).where(QuestionVersion.id.in_(version.question_ids))
        )
    }
    return QuizModel(
        slug=slug,
        title=version.title,
        summary=version.summary,
        questions=tuple(question_from_dict(by_id[i].data) for i in version.question_ids),
        pass_mark=version.pass_mark,
        time_limit=version.time_limit,
        max_attempts=version.max_attempts,
        shuffle=version.shuffle,
        grading=version.grading,
        draw=version.draw,
        closes=_closes_text(version),
        review=Review(**version.review),
    )


def _closes_text(version: QuizVersion) -> str | None:
    if version.closes_at is None:
        return None
    # The source's own spelling round-trips exactly; keep it when it is there.
    return version.closes_source or version.closes_at.isoformat()


def current_quiz_model(slug: str) -> QuizModel | None:
    quiz = db.session.execute(
        select(Quiz).options(joinedload(Quiz.current)).where(Quiz.slug == slug)
    ).scalar_one_or_none()
    if quiz is None or quiz.current is None:
        return None
    return quiz_model(quiz.current, slug)


def grading_queue(viewer: User) -> list[AttemptQuestion]:
    """Answers waiting for a person's mark, from students the viewer teaches, oldest first."""
    return list(
        db.session.scalars(
            select(AttemptQuestion)
            .join(Attempt, AttemptQuestion.attempt_id == Attempt.id)
            .options(
                joinedload(AttemptQuestion.attempt).joinedload(Attempt.user),
                joinedload(AttemptQuestion.attempt).joinedload(Attempt.version),
                joinedload(AttemptQuestion.question),
            )
            .where(
                Attempt.state == AttemptState.SUBMITTED,
                AttemptQuestion.fraction.is_(None),
                Attempt.user_id.in_(taught_students(viewer)),
            )
            .order_by(Attempt.submitted_at)
        )
    )


def accommodations_of_taught(viewer: User) -> list[tuple[Accommodation, User]]:
    return [
        (acc, user)
        for acc, user in db.session.execute(
            select(Accommodation, User)
            .join(User, Accommodation.user_id == User.id)
            .where(User.id.in_(taught_students(viewer)))
            .order_by(User.name)
        )
    ]
