"""Build the benchmark's database: generated content, two cohorts, attempts, records.

Everything goes into a temporary instance folder (or, with SEMINAR_BENCH_DATABASE_URL, into
that PostgreSQL database, emptied first). The content is synced with the real
`sync_content`, the students come from the demo seeding (`add_synthetic_students`, bulk
inserts) and the records from the public command `flask seminar records issue`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import Flask

from bench.content import PRACTICE_QUIZ, PROGRAM, Course, write_course
from bench.server import REPO

PASSWORD = "bench password 1234"
INSTRUCTOR = "instructor@bench.seminar"
BIG, SMALL = "bench", "bench-small"
# What the bench server's instance config.py says: the verify page is rate-limited per
# address, and every request of the load test comes from 127.0.0.1.
INSTANCE_CONFIG = "RATELIMIT_ENABLED = False\n"


@dataclass
class IssuedRecord:
    record_id: str
    email: str
    kind: str


@dataclass
class BenchDatabase:
    workdir: Path
    database: str
    env: dict[str, str]  # the full environment for the server and the CLI
    course: Course
    students: dict[str, list[str]] = field(default_factory=dict)  # cohort slug -> emails
    records: dict[str, list[IssuedRecord]] = field(default_factory=dict)
    records_error: str = ""  # why no records could be issued, if so
    timings: dict[str, float] = field(default_factory=dict)  # label -> seconds
    full_sync_seconds: float = 0.0  # the first sync, into the empty database
    seed_seconds: float = 0.0
    practice_attempts: int = 0

    @property
    def dialect(self) -> str:
        return self.database.split(":", 1)[0].split("+")[0]


def bench_env(workdir: Path, database: str, course: Course) -> dict[str, str]:
    (workdir / "config.py").write_text(INSTANCE_CONFIG)
    return {
        **os.environ,
        "SEMINAR_INSTANCE_PATH": str(workdir),
        "SEMINAR_DATABASE_URL": database,
        "SEMINAR_SECRET_KEY": "bench-secret",
        "SEMINAR_LESSONS_DIR": str(course.lessons_dir),
        "SEMINAR_QUIZZES_DIR": str(course.quizzes_dir),
    }


def make_app(env: dict[str, str]) -> Flask:
    """The app configured as the bench server is (instance config and SEMINAR_*), but with
    no sweeper thread: in process it would run statements on the engine whose statements
    the bench counts, and outlive the bench's use of the app."""
    from seminar import create_app

    # create_app reads the environment once; put ours back as it was afterwards.
    saved = {k: v for k, v in os.environ.items() if k.startswith("SEMINAR_")}
    for name in saved:
        del os.environ[name]
    os.environ.update({k: v for k, v in env.items() if k.startswith("SEMINAR_")})
    try:
        app = create_app()
        app.config["SWEEP_SECONDS"] = 0
        return app
    finally:
        for name in [k for k in os.environ if k.startswith("SEMINAR_")]:
            del os.environ[name]
        os.environ.update(saved)


@contextmanager
def app_context(env: dict[str, str]) -> Iterator[Flask]:
    from seminar.db import db

    app = make_app(env)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def flask_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "flask"), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def empty_database(env: dict[str, str]) -> None:
    """A PostgreSQL bench database starts empty; a SQLite one is a new file anyway."""
    with app_context(env):
        from seminar.db import db

        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(db.text("DROP SCHEMA public CASCADE"))
                conn.execute(db.text("CREATE SCHEMA public"))


def seed(
    workdir: Path, database: str, *, students: int, small: int, attempts: int
) -> BenchDatabase:
    course = write_course(workdir / "content")
    env = bench_env(workdir, database, course)
    bench = BenchDatabase(workdir, database, env, course)
    empty_database(env)
    done = flask_cli(env, "db", "upgrade")
    if done.returncode:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stderr}")
    started = time.perf_counter()
    with app_context(env):
        from werkzeug.security import generate_password_hash

        from seminar.db import db, now_utc
        from seminar.models import MemberRole, Role
        from seminar.services.accounts import create_user
        from seminar.services.cohorts import create_cohort, enroll
        from seminar.services.content_sync import sync_content
        from seminar.services.demo import add_practice_attempts, add_synthetic_students

        mark = time.perf_counter()
        report = sync_content(course.lessons_dir, course.quizzes_dir)
        if not report.ok:
            raise RuntimeError(f"the generated content did not sync: {report.problems}")
        bench.full_sync_seconds = time.perf_counter() - mark
        instructor = create_user(
            INSTRUCTOR, name="Dr. Bench Instructor", role=Role.INSTRUCTOR, password=PASSWORD
        )
        # Students share one real scrypt hash of the bench password: one hashing, not 2,200.
        hashed = generate_password_hash(PASSWORD, method="scrypt")
        today = now_utc().date()
        mark = time.perf_counter()
        cohorts = {}
        for slug, count, seed_value in ((BIG, students, 1), (SMALL, small, 2)):
            cohort = create_cohort(
                slug,
                title=f"Benchmark cohort of {count}",
                program_slug=PROGRAM,
                starts_on=today - timedelta(days=60),
                ends_on=today + timedelta(days=120),
            )
            enroll(cohort, instructor, MemberRole.INSTRUCTOR)
            add_synthetic_students(
                cohort, count, seed=seed_value, password_hash=hashed, assessor=instructor
            )
            bench.students[slug] = _student_emails(cohort.id)
            cohorts[slug] = cohort
        bench.timings[
            f"seed {students + small:,} students: progress, attempts, attendance, sign-offs"
        ] = time.perf_counter() - mark
        mark = time.perf_counter()
        bench.practice_attempts = add_practice_attempts(
            cohorts[BIG], PRACTICE_QUIZ, attempts, seed=3
        )
        bench.timings[f"seed {attempts:,} practice-exam attempts, statistics"] = (
            time.perf_counter() - mark
        )
        db.session.commit()  # the seeding is one unit of work, like a command
    bench.seed_seconds = time.perf_counter() - started
    bench.timings["seed, total (content sync included)"] = bench.seed_seconds
    issue_records(bench)
    return bench


def _student_emails(cohort_id: int) -> list[str]:
    from sqlalchemy import select

    from seminar.db import db
    from seminar.models import CohortMember, MemberRole, User

    return list(
        db.session.scalars(
            select(User.email)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort_id, CohortMember.role == MemberRole.STUDENT)
            .order_by(User.id)
        )
    )


def issue_records(bench: BenchDatabase) -> None:
    """`flask seminar records issue --cohort SLUG`: one `<record id> <email> <kind>` a line."""
    started = time.perf_counter()
    for slug in (BIG, SMALL):
        done = flask_cli(bench.env, "seminar", "records", "issue", "--cohort", slug)
        if done.returncode:
            reason = (done.stderr.strip() or done.stdout.strip()).splitlines()
            bench.records_error = f"records issue --cohort {slug}: " + (
                reason[-1] if reason else f"exit status {done.returncode}"
            )
            return
        bench.records[slug] = [
            IssuedRecord(*line.split()[:3])
            for line in done.stdout.splitlines()
            if len(line.split()) >= 3
        ]
    count = sum(len(r) for r in bench.records.values())
    bench.timings[f"flask seminar records issue, both cohorts ({count} records)"] = (
        time.perf_counter() - started
    )
