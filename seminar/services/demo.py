"""Demo accounts for trying the platform on one machine."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import joinedload
from werkzeug.security import generate_password_hash

from seminar.core.content.programs import program_from_dict
from seminar.db import db, now_utc
from seminar.models import (
    Attempt,
    Cohort,
    CohortMember,
    Lesson,
    MemberRole,
    QuestionVersion,
    Quiz,
    Role,
    User,
)
from seminar.queries.cohorts import get_cohort
from seminar.queries.standing import live_lesson_slugs
from seminar.services.accounts import create_user, find_user, generate_password
from seminar.services.cohorts import create_cohort, enroll
from seminar.services.demo_exam import ensure_demo_exam
from seminar.services.demo_rows import (
    FIRST_NAMES,
    LAST_NAMES,
    STATES,
    DemoRows,
    attempt_rows,
    write_rows,
)
from seminar.services.evidence import PRACTICAL_CHECKLIST
from seminar.services.quiz_stats import rebuild as rebuild_statistics
from seminar.services.standing import refresh

DEMO_ACCOUNTS = (
    ("admin@demo.seminar", "Avery Admin", Role.ADMIN, None, None),
    ("instructor@demo.seminar", "Dr. Ines Instructor", Role.INSTRUCTOR, None, None),
    ("examiner@demo.seminar", "Dr. Eli Examiner", Role.INSTRUCTOR, None, None),
    ("student@demo.seminar", "Dr. Sam Student", Role.STUDENT, "DC-12345", "CA"),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: Role
    password: str | None  # None when the account already existed


def seed_demo_accounts() -> list[DemoLogin]:
    """Create the demo accounts that do not exist yet, with fresh random passwords."""
    logins = []
    for email, name, role, licence, state in DEMO_ACCOUNTS:
        if find_user(email) is not None:
            logins.append(DemoLogin(email, role, None))
            continue
        password = generate_password()
        create_user(
            email,
            name=name,
            role=role,
            password=password,
            licence_number=licence,
            licence_state=state,
        )
        logins.append(DemoLogin(email, role, password))
    return logins


# --- the demo cohort and synthetic students --------------------------------------------------

DEMO_COHORT = "demo"
DEMO_PROGRAM = "sot-basic"


def ensure_demo_cohort() -> Cohort:
    """The demo cohort on sot-basic, with the demo instructor, examiner and student in it, and
    the student booked for its practical exam."""
    cohort = get_cohort(DEMO_COHORT)
    if cohort is None:
        today = now_utc().date()
        cohort = create_cohort(
            DEMO_COHORT,
            title="Demo cohort",
            program_slug=DEMO_PROGRAM,
            starts_on=today - timedelta(days=60),
            ends_on=today + timedelta(days=120),
        )
    for email, role in (
        ("instructor@demo.seminar", MemberRole.INSTRUCTOR),
        ("examiner@demo.seminar", MemberRole.INSTRUCTOR),
        ("student@demo.seminar", MemberRole.STUDENT),
    ):
        user = find_user(email)
        if user is not None:
            enroll(cohort, user, role)
    ensure_demo_exam(cohort)  # a booked practical exam with two examiners
    return cohort


def add_synthetic_students(
    cohort: Cohort,
    count: int,
    *,
    seed: int = 7,
    password_hash: str | None = None,
    assessor: User | None = None,
) -> int:
    """Add `count` students with varied, realistic progress; returns how many finish.

    About one in six meets every requirement; the rest stop somewhere along the program,
    with their last activity spread over two months, so filters and sorting have work to do.
    Written with bulk inserts, so thousands take seconds. `password_hash` (one for all) lets
    a load test log them in; `assessor` signs the practical off (default: the demo instructor).
    """
    rng = random.Random(seed)
    now = now_utc()
    program = program_from_dict(cohort.program_version.data)
    lessons = [lesson_id for lesson_id, _ in live_lesson_slugs()]
    versions = dict(
        db.session.execute(
            select(Lesson.id, Lesson.current_version_id).where(Lesson.id.in_(lessons))
        ).all()
    )
    by_slug = {
        q.slug: q for q in db.session.scalars(select(Quiz).options(joinedload(Quiz.current)))
    }
    quizzes = [by_slug[r.slug] for r in program.quizzes if r.slug in by_slug]
    questions = {
        qv.id: qv.model
        for qv in db.session.scalars(
            select(QuestionVersion).where(QuestionVersion.quiz_id.in_([q.id for q in quizzes]))
        )
    }
    assessor = assessor or find_user("instructor@demo.seminar") or find_user("admin@demo.seminar")
    first = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    # Synthetic people never log in: one hash of a random, unknown password serves them all.
    shared_hash = password_hash or generate_password_hash(
        secrets.token_urlsafe(32), method="scrypt"
    )
    people = []
    for i in range(count):  # the draws in the order they always were: the demo is reproducible
        given, family = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        people.append(
            {
                "email": f"student{first + i:06d}@synthetic.seminar",
                "name": f"{given} {family}",
                "first_name": given,
                "last_name": family,
                "role": Role.STUDENT,
                "password_hash": shared_hash,
                "licence_number": f"DC-{rng.randint(10000, 99999)}",
                "licence_state": rng.choice(STATES),
                "active": True,
                "created_at": now - timedelta(days=70),
            }
        )
    db.session.execute(insert(User), people)
    ids = db.session.scalars(
        select(User.id).where(User.email.in_([p["email"] for p in people])).order_by(User.id)
    ).all()
    bulk = DemoRows([], [], [], [], [])
    finishers = 0
    for user_id in ids:
        finisher = rng.random() < 0.17
        finishers += finisher
        reach = 1.0 if finisher else rng.betavariate(1.3, 1.6)  # share of the program reached
        skill = 1.0 if finisher else rng.uniform(0.45, 0.95)
        last_seen = now - timedelta(
            days=rng.randint(0, 8) if finisher else int(rng.triangular(0, 60, 6)),
            minutes=rng.randint(0, 600),
        )
        bulk.members.append(
            {
                "cohort_id": cohort.id,
                "user_id": user_id,
                "role": MemberRole.STUDENT,
                "joined_at": now - timedelta(days=65),
            }
        )
        done = lessons[: round(reach * len(lessons))]
        bulk.completions += [
            {
                "user_id": user_id,
                "lesson_id": lesson_id,
                "lesson_version_id": versions[lesson_id],
                "completed_at": last_seen - timedelta(hours=12 * (len(done) - k)),
            }
            for k, lesson_id in enumerate(done)
        ]
        for index, quiz in enumerate(quizzes):
            if not finisher and (index + 1) / (len(quizzes) + 1) > reach:
                break
            for number in range(1, 2 if rng.random() < 0.7 else 3):
                when = last_seen - timedelta(days=rng.randint(0, 20))
                bulk.attempts.append(
                    attempt_rows(rng, quiz, questions, user_id, number, skill, when)
                )
        hours = program.attendance_hours if finisher else round(rng.random() * reach * 48) / 4
        if hours:
            bulk.credits.append(
                {
                    "user_id": user_id,
                    "cohort_id": cohort.id,
                    "hours": float(hours),
                    "source": "demo",
                    "note": "synthetic demo data",
                    "recorded_at": last_seen,
                }
            )
        if assessor is not None and (finisher or reach > 0.8):
            bulk.signoffs.append(
                {
                    "cohort_id": cohort.id,
                    "user_id": user_id,
                    "passed": finisher or rng.random() < 0.5,
                    "checklist": [{"item": item, "observed": True} for item in PRACTICAL_CHECKLIST],
                    "note": "",
                    "assessed_on": last_seen.date(),
                    "assessor_id": assessor.id,
                    "created_at": last_seen,
                }
            )
    write_rows(bulk, ids)
    for quiz in quizzes:
        rebuild_statistics(quiz.id)
    refresh(cohort)
    return finishers


def add_practice_attempts(cohort: Cohort, quiz_slug: str, total: int, *, seed: int = 7) -> int:
    """Spread `total` submitted attempts at one quiz over the cohort's students, in bulk.

    For question statistics at scale (the benchmark times them over 10,000 attempts). The
    quiz's statistics and the cohort's standings are rebuilt; returns the attempts counted.
    """
    rng = random.Random(seed)
    now = now_utc()
    quiz = db.session.execute(
        select(Quiz).options(joinedload(Quiz.current)).where(Quiz.slug == quiz_slug)
    ).scalar_one()
    assert quiz.current is not None
    questions = {
        qv.id: qv.model
        for qv in db.session.scalars(
            select(QuestionVersion).where(QuestionVersion.id.in_(quiz.current.question_ids))
        )
    }
    students = db.session.scalars(
        select(CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.role == MemberRole.STUDENT)
        .order_by(CohortMember.user_id)
    ).all()
    used: dict[int, int] = dict(
        db.session.execute(
            select(Attempt.user_id, func.max(Attempt.number))
            .where(Attempt.quiz_id == quiz.id, Attempt.user_id.in_(students))
            .group_by(Attempt.user_id)
        ).all()
    )
    skill = {user_id: rng.uniform(0.3, 1.0) for user_id in students}
    attempts = []
    for i in range(total if students else 0):
        user_id = students[i % len(students)]
        used[user_id] = used.get(user_id, 0) + 1
        when = now - timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 600))
        attempts.append(
            attempt_rows(rng, quiz, questions, user_id, used[user_id], skill[user_id], when)
        )
    write_rows(DemoRows([], [], [], [], attempts), list(students))
    counted = rebuild_statistics(quiz.id)
    refresh(cohort)
    return counted
