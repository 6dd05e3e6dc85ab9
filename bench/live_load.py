"""Load test of the live quiz: 200 phones join and answer against gunicorn with 4 workers.

Run by `make bench`. It builds a throwaway database (PostgreSQL when
SEMINAR_BENCH_DATABASE_URL is set, else SQLite), serves it with gunicorn on loopback, logs 200
students in, seats them in a live quiz, opens a question and has every phone answer at once,
each answer sent twice (as a flaky network would). It then checks that every answer was
stored exactly once and prints the figures. Exit status 1 if anything was lost or doubled,
or the answers took longer than two seconds.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PHONES = int(os.environ.get("BENCH_PHONES", "200"))
PASSWORD = "bench password 1234"
WINDOW = 2.0  # seconds the answers must arrive within


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Phone:
    """One student's browser: cookies, a CSRF token, and plain HTTP."""

    def __init__(self, base: str, email: str) -> None:
        self.base, self.email = base, email
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.token = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as r:
            html = r.read().decode()
        if m := re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html):
            self.token = m.group(1)
        return html

    def post(self, path: str, data: dict[str, str] | None = None, payload: object = None) -> int:
        if payload is not None:
            body = json.dumps(payload).encode()
            headers = {"Content-Type": "application/json", "X-CSRFToken": self.token}
        else:
            body = urllib.parse.urlencode({**(data or {}), "csrf_token": self.token}).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def log_in(self) -> None:
        self.get("/login")
        self.post("/login", {"email": self.email, "password": PASSWORD})


def seed(env: dict[str, str]) -> tuple[int, int]:
    """Content, a cohort of PHONES students, a session and a one-question live quiz."""
    os.environ.update(env)
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from seminar import create_app
    from seminar.db import db, now_utc
    from seminar.models import CohortMember, MemberRole, Role, User
    from seminar.services import cohorts as cohort_service
    from seminar.services import live as live_service
    from seminar.services import sessions as session_service
    from seminar.services.content_sync import sync_content

    app = create_app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # a bench database: start from empty
            with db.engine.begin() as conn:
                conn.execute(db.text("DROP SCHEMA public CASCADE"))
                conn.execute(db.text("CREATE SCHEMA public"))
        upgrade()
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
        return live.id, seminar.id


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="seminar-bench-"))
    database = (
        os.environ.get("SEMINAR_BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    )
    env = {
        "SEMINAR_INSTANCE_PATH": str(workdir),
        "SEMINAR_DATABASE_URL": database,
        "SEMINAR_SECRET_KEY": "bench-secret",
        "SEMINAR_LOGIN_RATE_LIMIT": "100000 per minute",
    }
    live_id, _ = seed(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=REPO,
        env={**os.environ, **env},
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        phones = [Phone(base, f"phone{i}@bench.seminar") for i in range(PHONES)]
        with ThreadPoolExecutor(max_workers=32) as pool:
            started = time.perf_counter()
            list(pool.map(lambda p: p.log_in(), phones))
            login_time = time.perf_counter() - started

            def join(phone: Phone) -> int:
                phone.get(f"/live/{live_id}")
                return phone.post(f"/live/{live_id}/join")

            started = time.perf_counter()
            joins = list(pool.map(join, phones))
            join_time = time.perf_counter() - started
            host = _open_question(env, live_id)

            def answer(phone: Phone) -> tuple[int, int, float]:
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
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    stored, distinct = _count(env, live_id)
    latencies = sorted(t for _, _, t in answers)
    ok = sum(1 for a, b, _ in answers if a == 200 and b == 200)
    print(f"{'live quiz load test':<34}{'value':>12}")
    print(f"{'phones':<34}{PHONES:>12}")
    print(f"{'database':<34}{database.split(':', 1)[0].split('+')[0]:>12}")
    print(f"{'log in, all phones (s)':<34}{login_time:>12.2f}")
    print(f"{'join, all phones (s)':<34}{join_time:>12.2f}   {joins.count(200)} joined")
    print(f"{'answer, all phones x2 (s)':<34}{answer_time:>12.2f}   limit {WINDOW:.1f}")
    print(f"{'answer latency median (ms)':<34}{1000 * latencies[len(latencies) // 2]:>12.0f}")
    print(
        f"{'answer latency p99 (ms)':<34}{1000 * latencies[int(len(latencies) * 0.99) - 1]:>12.0f}"
    )
    print(f"{'answers accepted (twice each)':<34}{ok:>12}")
    print(f"{'answers stored':<34}{stored:>12}   distinct students {distinct}")
    shutil.rmtree(workdir, ignore_errors=True)
    good = stored == distinct == PHONES and ok == PHONES and answer_time <= WINDOW
    print("result: " + ("ok: none lost, none doubled" if good else "FAILED"))
    return 0 if good else 1


def _open_question(env: dict[str, str], live_id: int) -> int:
    os.environ.update(env)
    from seminar import create_app
    from seminar.db import db
    from seminar.models import LiveQuiz
    from seminar.services import live as live_service

    with create_app().app_context():
        live = db.session.get(LiveQuiz, live_id)
        live_service.open_next(live)
        return live.questions[0].id


def _count(env: dict[str, str], live_id: int) -> tuple[int, int]:
    os.environ.update(env)
    from seminar import create_app
    from seminar.db import db
    from seminar.models import LiveAnswer, LiveQuestion

    with create_app().app_context():
        rows = db.session.scalars(
            db.select(LiveAnswer.user_id)
            .join(LiveQuestion, LiveAnswer.live_question_id == LiveQuestion.id)
            .where(LiveQuestion.live_quiz_id == live_id)
        ).all()
        return len(rows), len(set(rows))


if __name__ == "__main__":
    sys.exit(main())
