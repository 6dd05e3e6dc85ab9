"""Builders for record tests: a student who meets every requirement of the `world` cohort's
program, through the same services the pages use (lessons, a graded quiz attempt, a real
session with check-in and check-out, an instructor's practical sign-off)."""

from __future__ import annotations

from datetime import timedelta

from seminar.db import db, now_utc
from seminar.models import Cohort, Quiz, SeminarSession, User
from seminar.services import sessions as session_service
from seminar.services.attempts import save_answers, start_attempt, submit_attempt
from seminar.services.evidence import PRACTICAL_CHECKLIST, record_practical
from seminar.services.lessons import set_complete

LESSONS = ("first-lesson", "second-lesson", "third-lesson")


def a_session(cohort: Cohort, title: str = "Weekend seminar, day 1") -> SeminarSession:
    starts = now_utc().replace(microsecond=0) - timedelta(hours=4)
    return session_service.create_session(
        cohort,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        location="Hall B",
        ce_hours=3,
        lessons=[],
    )


def attend(session: SeminarSession, student: User, hours: float = 3) -> None:
    session_service.mark_present(session, student, method="test", now=session.starts_at)
    session_service.check_out(student, session, now=session.starts_at + timedelta(hours=hours))


def pass_quiz(student: User) -> None:
    quiz = db.session.query(Quiz).filter_by(slug="check").one()
    attempt = start_attempt(student.id, quiz)
    answers = {
        aq.position: {"choice": 1} if aq.question.key == "base" else {"value": True}
        for aq in attempt.questions
    }
    save_answers(attempt, answers)
    submit_attempt(attempt)


def make_eligible(
    cohort: Cohort, student: User, teacher: User, session: SeminarSession | None = None
) -> None:
    for slug in LESSONS:
        set_complete(student.id, slug, True)
    pass_quiz(student)
    attend(session or a_session(cohort), student)
    record_practical(
        cohort,
        student,
        passed=True,
        observed=list(PRACTICAL_CHECKLIST[:2]),
        note="Confident set-up.",
        assessed_on=now_utc().date(),
        assessor=teacher,
    )
