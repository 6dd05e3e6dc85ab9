"""Load test of the live quiz: 200 phones join and answer against gunicorn with 4 workers.

A section of `make bench` (bench/run.py); alone: `python -m bench.live_load`. It builds a
throwaway database (PostgreSQL when SEMINAR_BENCH_DATABASE_URL is set, else SQLite), serves it
with gunicorn on loopback, logs 200 students in, seats them in a live quiz, opens a question
and has every phone answer at once, each answer sent twice (as a flaky network would). It then
checks that every answer was stored exactly once. Alone, it exits with status 1 if anything
was lost or doubled, or the answers took longer than two seconds.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench.browser import Browser
from bench.seed import app_context, empty_database, flask_cli
from bench.server import REPO, gunicorn

PHONES = int(os.environ.get("BENCH_PHONES", "200"))
PASSWORD = "bench password 1234"
WINDOW = 2.0  # seconds the answers must arrive within


@dataclass(frozen=True)
class LiveResult:
    phones: int
    database: str
    login_seconds: float
    join_seconds: float
    joined: int
    answer_seconds: float
    median_ms: float
    p99_ms: float
    accepted: int  # phones whose two sends both answered 200
    stored: int
    distinct: int

    @property
    def ok(self) -> bool:
        return (
            self.stored == self.distinct == self.phones
            and self.accepted == self.phones
            and self.answer_seconds <= WINDOW
        )


def seed(env: dict[str, str]) -> tuple[int, int]:
    """Content, a cohort of PHONES students, a session and a one-question live quiz."""
    empty_database(env)
    done = flask_cli(env, "db", "upgrade")
    if done.returncode:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stderr}")
    from werkzeug.security import generate_password_hash

    from seminar.db import db, now_utc
    from seminar.models import CohortMember, MemberRole, Role, User
    from seminar.services import cohorts as cohort_service
    from seminar.services import live as live_service
    from seminar.services import sessions as session_service
    from seminar.services.content_sync import sync_content

    with app_context(env):
        sync_content(REPO / "lessons", REPO / "quizzes")
        cohort = cohort_service.create_cohort("bench", title="Bench", program_slug="sot-basic")
        hashed = generate_password_hash(PASSWORD, method="scrypt")
        db.session.execute(
            db.insert(User),
            [
                {
                    "email": f"phone{i}@bench.seminar",
                    "name": f"Phone {i}",
                    "role": Role.STUDENT,
                    "password_hash": hashed,
                    "active": True,
                    "created_at": now_utc(),
                }
                for i in range(PHONES)
            ],
        )
        ids = db.session.scalars(db.select(User.id).where(User.email.like("%@bench.seminar")))
        db.session.execute(
            db.insert(CohortMember),
            [
                {
                    "cohort_id": cohort.id,
                    "user_id": i,
                    "role": MemberRole.STUDENT,
                    "joined_at": now_utc(),
                }
                for i in ids
            ],
        )
        db.session.commit()
        start = now_utc() - timedelta(minutes=5)
        seminar = session_service.create_session(
            cohort,
            title="Bench",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            location="",
            ce_hours=2,
            lessons=[],
        )
        live = live_service.create_live_quiz(
            seminar,
            title="Bench",
            drafts=[live_service.Draft("Pick", ["A", "B", "C"], [1])],
            seconds=30,
            leaderboard=True,
        )
        db.session.commit()
        return live.id, seminar.id


def run(database: str | None = None) -> LiveResult:
    """Seed, serve, and have PHONES phones join and answer; the database is thrown away."""
    workdir = Path(tempfile.mkdtemp(prefix="seminar-live-"))
    database = database or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "SEMINAR_INSTANCE_PATH": str(workdir),
        "SEMINAR_DATABASE_URL": database,
        "SEMINAR_SECRET_KEY": "bench-secret",
        "SEMINAR_LOGIN_ADDRESS_LIMIT": "100000 per minute",
        "SEMINAR_LESSONS_DIR": str(REPO / "lessons"),
        "SEMINAR_QUIZZES_DIR": str(REPO / "quizzes"),
    }
    try:
        live_id, _ = seed(env)
        with gunicorn(env, workdir / "gunicorn.log") as base:
            phones = [Browser(base) for _ in range(PHONES)]
            emails = [f"phone{i}@bench.seminar" for i in range(PHONES)]
            with ThreadPoolExecutor(max_workers=32) as pool:
                started = time.perf_counter()
                list(pool.map(lambda p, e: p.log_in(e, PASSWORD), phones, emails))
                login_time = time.perf_counter() - started

                def join(phone: Browser) -> int:
                    phone.get(f"/live/{live_id}")
                    return phone.post(f"/live/{live_id}/join")

                started = time.perf_counter()
                joins = list(pool.map(join, phones))
                join_time = time.perf_counter() - started
                host = _open_question(env, live_id)

                def answer(phone: Browser) -> tuple[int, int, float]:
                    sent = time.perf_counter()
                    first = phone.post(
                        f"/live/{live_id}/answer", payload={"question": host, "choice": 1}
                    )
                    again = phone.post(
                        f"/live/{live_id}/answer", payload={"question": host, "choice": 2}
                    )
                    return first, again, time.perf_counter() - sent

                started = time.perf_counter()
                answers = list(pool.map(answer, phones))
                answer_time = time.perf_counter() - started
        stored, distinct = _count(env, live_id)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    latencies = sorted(t for _, _, t in answers)
    return LiveResult(
        phones=PHONES,
        database=database.split(":", 1)[0].split("+")[0],
        login_seconds=login_time,
        join_seconds=join_time,
        joined=joins.count(200),
        answer_seconds=answer_time,
        median_ms=1000 * latencies[len(latencies) // 2],
        p99_ms=1000 * latencies[int(len(latencies) * 0.99) - 1],
        accepted=sum(1 for a, b, _ in answers if a == 200 and b == 200),
        stored=stored,
        distinct=distinct,
    )


def main() -> int:
    result = run(os.environ.get("SEMINAR_BENCH_DATABASE_URL"))
    for label, value in live_rows(result):
        print(f"{label:<34}{value:>12}")
    print("result: " + ("ok: none lost, none doubled" if result.ok else "FAILED"))
    return 0 if result.ok else 1


def live_rows(r: LiveResult) -> list[tuple[str, str]]:
    """The figures as (label, value) rows, for this script's output and the full table."""
    return [
        ("phones", str(r.phones)),
        ("log in, all phones (s)", f"{r.login_seconds:.2f}"),
        ("join, all phones (s)", f"{r.join_seconds:.2f} ({r.joined} joined)"),
        ("answer, all phones x2 (s)", f"{r.answer_seconds:.2f} (limit {WINDOW:.1f})"),
        ("answer latency median (ms)", f"{r.median_ms:.0f}"),
        ("answer latency p99 (ms)", f"{r.p99_ms:.0f}"),
        ("answers accepted (twice each)", str(r.accepted)),
        ("answers stored", f"{r.stored} (distinct students {r.distinct})"),
    ]


def _open_question(env: dict[str, str], live_id: int) -> int:
    from seminar.db import db
    from seminar.models import LiveQuiz
    from seminar.services import live as live_service

    with app_context(env):
        live = db.session.get(LiveQuiz, live_id)
        live_service.open_next(live)
        return live.questions[0].id


def _count(env: dict[str, str], live_id: int) -> tuple[int, int]:
    from seminar.db import db
    from seminar.models import LiveAnswer, LiveQuestion

    with app_context(env):
        rows = db.session.scalars(
            db.select(LiveAnswer.user_id)
            .join(LiveQuestion, LiveAnswer.live_question_id == LiveQuestion.id)
            .where(LiveQuestion.live_quiz_id == live_id)
        ).all()
        return len(rows), len(set(rows))


if __name__ == "__main__":
    sys.exit(main())
