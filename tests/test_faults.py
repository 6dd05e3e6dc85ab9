"""Faults: PostgreSQL restarts, a worker killed mid-submit, concurrent requests, a broken sync.

The server tests run gunicorn against a PostgreSQL cluster of their own (the `pg_cluster`
fixture), so stopping the server or killing a worker harms no other test, and what is under
test is the real connection pool in a real worker process.
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import select, text

from seminar import create_app
from seminar.db import db, now_utc
from seminar.models import Cohort, User
from seminar.services import cohorts as cohort_service
from seminar.services import content_sync, quiz_files
from seminar.services import sessions as session_service
from seminar.services.accounts import create_user
from seminar.services.content_sync import sync_content
from seminar.services.unit_of_work import unit_of_work
from tests.conftest import (
    PASSWORD,
    PROGRAM,
    QUIZ,
    SAMPLE_LESSONS,
    base_config,
    login,
    write_lessons,
)
from tests.pgserver import PgCluster
from tests.served_app import AppServer, Browser, health, server_env, wait_until

STUDENT = "student@example.org"
QUIZ_PATH = "/quizzes/check"
# The quiz's right answers, by display position (the quiz does not shuffle).
RIGHT = {"q1-shown": "1", "q1": "1", "q2-shown": "1", "q2": "true"}


@dataclass
class Served:
    """A migrated database in the tests' own cluster, with content, a cohort and a student."""

    cluster: PgCluster
    dbname: str
    app: Flask  # in-process, for seeding through the services
    env: dict[str, str]
    tmp: Path
    servers: list[AppServer] = field(default_factory=list)

    def serve(self, *, workers: int = 1, threads: int = 1) -> AppServer:
        log = self.tmp / f"gunicorn-{len(self.servers)}.log"
        server = AppServer(self.env, log, workers=workers, threads=threads)
        self.servers.append(server)
        return server.start()

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read what is committed, on a connection of the test's own."""
        with psycopg.connect(self.cluster.dsn(self.dbname), autocommit=True) as conn:
            return conn.execute(query, params).fetchall()  # type: ignore[arg-type]

    def one(self, query: str, *params: Any) -> Any:
        (row,) = self.sql(query, *params)
        return row[0] if len(row) == 1 else row


@pytest.fixture
def served(
    pg_cluster: PgCluster, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Served]:
    dbname = "faults_" + re.sub(r"\W+", "_", request.node.name).lower()[:50]
    url = pg_cluster.create_database(dbname)
    lessons = write_lessons(tmp_path / "lessons", {**SAMPLE_LESSONS, "program.yml": PROGRAM})
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    (quizzes / "check.md").write_text(QUIZ)
    app = create_app(base_config(url, tmp_path, lessons))
    env = server_env(url, tmp_path / "server-instance", lessons, quizzes, "faults-secret")
    state = Served(pg_cluster, dbname, app, env, tmp_path)
    try:
        with app.app_context():
            upgrade()
            report = sync_content(lessons, quizzes)
            assert report.ok, [str(p) for p in report.problems]
            cohort = cohort_service.create_cohort("spring", title="Spring", program_slug="basic")
            student = create_user(STUDENT, role="student", name="Stu Dent", password=PASSWORD)
            cohort_service.enroll(cohort, student)
            db.session.commit()
            db.session.remove()
            yield state
            db.session.remove()
            db.engine.dispose()
    finally:
        for server in state.servers:
            server.stop()


def burst(n: int, call: Callable[[], Any]) -> list[Any]:
    """n calls released at the same instant, each on its own thread and connection."""
    gate = threading.Barrier(n)

    def one(_: int) -> Any:
        gate.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def start_attempt(browser: Browser) -> str:
    """Start the quiz; the attempt's page path."""
    browser.get(QUIZ_PATH)
    started = browser.post(f"{QUIZ_PATH}/start")
    assert started.status == 302 and "/attempts/" in started.location, started.status
    return started.location


def attempt_id(path: str) -> int:
    return int(path.rstrip("/").rsplit("/", 1)[1])


# --- the database server restarts under a running app -----------------------------------------


@pytest.mark.postgres
def test_the_app_recovers_when_postgresql_restarts(served: Served) -> None:
    server = served.serve(workers=2)
    browser = Browser(server.base)
    browser.log_in(STUDENT, PASSWORD)
    for _ in range(6):  # every worker's pool now holds a connection
        assert browser.get("/lessons/first-lesson").status == 200

    # Stopped: /healthz says so (on every worker), and nothing hangs.
    served.cluster.stop("fast")
    try:
        assert [health(server.base) for _ in range(4)] == [503] * 4
    finally:
        served.cluster.start()
    assert [health(server.base) for _ in range(4)] == [200] * 4
    assert browser.get("/lessons/first-lesson").status == 200

    # Gone and back between two requests (a crash, then recovery): every pooled connection is
    # dead, and the very next requests, reads and writes, must still succeed.
    served.cluster.restart("immediate")
    pages = [browser.get("/lessons/first-lesson").status for _ in range(4)]
    done = browser.post("/lessons/first-lesson/complete")
    assert pages == [200] * 4 and done.status == 302
    assert [health(server.base) for _ in range(4)] == [200] * 4
    assert served.one("SELECT count(*) FROM lesson_completions") == 1


# --- a worker killed half-way through grading ---------------------------------------------------


@pytest.mark.postgres
def test_a_worker_killed_mid_submit_leaves_the_attempt_open(served: Served) -> None:
    server = served.serve(workers=1)
    browser = Browser(server.base)
    browser.log_in(STUDENT, PASSWORD)
    attempt_path = start_attempt(browser)
    attempt = attempt_id(attempt_path)
    browser.get(attempt_path)
    saved = browser.post(attempt_path, {**RIGHT, "page": "1", "action": "save"})
    assert saved.status == 302

    # Grading writes the statistics last, in the same transaction as the grade: hold their
    # rows, and the worker stops there with the attempt claimed and graded but not committed.
    holder = psycopg.connect(served.cluster.dsn(served.dbname))
    outcome: dict[str, Any] = {}
    try:
        holder.execute("SELECT * FROM question_stats FOR UPDATE")
        submitting = threading.Thread(
            target=lambda: outcome.setdefault(
                "submit", _try(browser.post, attempt_path + "/submit")
            )
        )
        submitting.start()
        blocked = wait_until(
            lambda: served.sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
                " AND query LIKE 'UPDATE question_stats%%'",
                served.dbname,
            ),
            60,
            "the submit to wait on the statistics lock",
        )
        backend = blocked[0][0]
        # Half-written: the worker's transaction has claimed the attempt (its row is locked),
        # and none of it is visible.
        with pytest.raises(psycopg.errors.LockNotAvailable):
            served.sql("SELECT 1 FROM attempts WHERE id = %s FOR UPDATE NOWAIT", attempt)
        assert served.one("SELECT state FROM attempts WHERE id = %s", attempt) == "in_progress"
        (worker,) = server.worker_pids()
        os.kill(worker, signal.SIGKILL)
        submitting.join(timeout=60)
        assert not submitting.is_alive()
        assert isinstance(outcome["submit"], OSError)  # the connection died with the worker
    finally:
        holder.rollback()  # release the rows: the orphaned transaction may now run on
        holder.close()
    wait_until(
        lambda: not served.sql("SELECT 1 FROM pg_stat_activity WHERE pid = %s", backend),
        60,
        "the dead worker's database session to end",
    )

    assert served.one(
        "SELECT state, submitted_at, score, points, in_statistics FROM attempts WHERE id = %s",
        attempt,
    ) == ("in_progress", None, None, None, False)
    assert (
        served.sql(
            "SELECT fraction, feedback::text FROM attempt_questions WHERE attempt_id = %s", attempt
        )
        == [(None, "[]")] * 2
    )
    assert served.one("SELECT sum(n) FROM question_stats") == 0
    assert served.one("SELECT sum(count) FROM choice_stats") == 0
    # The answers saved before the crash are still there.
    assert served.sql(
        "SELECT response::text FROM attempt_questions WHERE attempt_id = %s ORDER BY position",
        attempt,
    ) == [('{"choice": 1}',), ('{"value": true}',)]

    # gunicorn has started a new worker: the student submits again and gets the right grade.
    wait_until(lambda: health(server.base) == 200, 60, "a new worker")
    assert browser.get(attempt_path).status == 200  # still open: the attempt page, no review
    done = browser.post(attempt_path + "/submit")
    assert done.status == 302 and done.location.endswith(f"/attempts/{attempt}/review")
    assert served.one("SELECT state, score FROM attempts WHERE id = %s", attempt) == (
        "submitted",
        100.0,
    )
    assert served.sql("SELECT n FROM question_stats") == [(1,), (1,)]
    assert served.one("SELECT sum(count) FROM choice_stats") == 2


@pytest.mark.postgres
def test_a_worker_killed_between_a_fact_and_its_standing_leaves_neither(served: Served) -> None:
    """The dashboard's precomputed standing is written in the fact's own transaction: a crash
    after the fact but before its standing loses both, so the dashboard is never stale."""
    server = served.serve(workers=1)
    browser = Browser(server.base)
    browser.log_in(STUDENT, PASSWORD)
    standing = "SELECT percent, requirements::text FROM student_progress"
    (before,) = served.sql(standing)

    # The standing is written last, just before the commit: hold its row, and the worker stops
    # there with the completion written but not committed.
    holder = psycopg.connect(served.cluster.dsn(served.dbname))
    outcome: dict[str, Any] = {}
    try:
        holder.execute("SELECT * FROM student_progress FOR UPDATE")
        completing = threading.Thread(
            target=lambda: outcome.setdefault(
                "complete", _try(browser.post, "/lessons/first-lesson/complete")
            )
        )
        completing.start()
        blocked = wait_until(
            lambda: served.sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
                " AND query LIKE 'INSERT INTO student_progress%%'",
                served.dbname,
            ),
            60,
            "the standing's upsert to wait on its row",
        )
        backend = blocked[0][0]
        assert served.one("SELECT count(*) FROM lesson_completions") == 0  # not committed
        (worker,) = server.worker_pids()
        os.kill(worker, signal.SIGKILL)
        completing.join(timeout=60)
        assert not completing.is_alive()
        assert isinstance(outcome["complete"], OSError)
    finally:
        holder.rollback()
        holder.close()
    wait_until(
        lambda: not served.sql("SELECT 1 FROM pg_stat_activity WHERE pid = %s", backend),
        60,
        "the dead worker's database session to end",
    )
    # Neither the fact nor its standing: what the dashboard shows is still the truth.
    assert served.one("SELECT count(*) FROM lesson_completions") == 0
    assert served.sql(standing) == [before]

    # With a new worker, the same action lands whole: the fact and the standing it moves.
    wait_until(lambda: health(server.base) == 200, 60, "a new worker")
    assert browser.post("/lessons/first-lesson/complete").status == 302
    assert served.one("SELECT count(*) FROM lesson_completions") == 1
    (percent, requirements), (old_percent, old_requirements) = served.sql(standing)[0], before
    lessons = [r["detail"] for r in json.loads(requirements) if r["kind"] == "lessons"]
    old_lessons = [r["detail"] for r in json.loads(old_requirements) if r["kind"] == "lessons"]
    assert old_lessons == ["0 of 3 lessons"] and lessons == ["1 of 3 lessons"]
    assert percent > old_percent


def _try(call: Callable[..., Any], *args: Any) -> Any:
    try:
        return call(*args)
    except OSError as exc:
        return exc


# --- concurrent requests: constraints, not luck, keep them single --------------------------------

N = 8


@pytest.mark.postgres
def test_concurrent_starts_open_one_attempt(served: Served) -> None:
    """Kept single by the unique index of one open attempt per student and quiz
    (uq_attempts_one_open) and the unique attempt number: the losers' INSERT fails and they
    resume the winner's attempt. Found by this test: the attempt number alone let a start that
    read "no open attempt" just before another committed one open attempt 2 beside it."""
    server = served.serve(workers=2, threads=N)
    browser = Browser(server.base)
    browser.log_in(STUDENT, PASSWORD)
    browser.get(QUIZ_PATH)
    pages = burst(N, lambda: browser.post(f"{QUIZ_PATH}/start"))
    assert {p.status for p in pages} == {302}
    assert len({p.location for p in pages}) == 1, [p.location for p in pages]
    assert served.sql("SELECT number, state FROM attempts") == [(1, "in_progress")]
    assert served.one("SELECT count(*) FROM attempt_questions") == 2


@pytest.mark.postgres
def test_a_start_racing_another_workers_start_resumes_it(served: Served) -> None:
    """The race above, made certain: this start reads "no open attempt", then (held on the
    accommodations table it reads next) another worker's start commits attempt 1."""
    server = served.serve(workers=1)
    browser = Browser(server.base)
    browser.log_in(STUDENT, PASSWORD)
    browser.get(QUIZ_PATH)
    holder = psycopg.connect(served.cluster.dsn(served.dbname))
    outcome: dict[str, Any] = {}
    try:
        holder.execute("LOCK TABLE accommodations IN ACCESS EXCLUSIVE MODE")
        starting = threading.Thread(
            target=lambda: outcome.setdefault("start", browser.post(f"{QUIZ_PATH}/start"))
        )
        starting.start()
        wait_until(
            lambda: served.sql(
                "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
                " AND query LIKE '%%FROM accommodations%%'",
                served.dbname,
            ),
            60,
            "the start to wait on the accommodations table",
        )
        (winner,) = served.sql(
            "INSERT INTO attempts (user_id, quiz_id, quiz_version_id, number, state, started_at,"
            " auto_submitted, needs_grading, in_statistics)"
            " SELECT u.id, q.id, q.current_version_id, 1, 'in_progress', now(), false, false, false"
            " FROM users u, quizzes q WHERE u.email = %s AND q.slug = 'check' RETURNING id",
            STUDENT,
        )
    finally:
        holder.rollback()
        holder.close()
    starting.join(timeout=60)
    assert outcome["start"].status == 302
    assert outcome["start"].location == f"{QUIZ_PATH}/attempts/{winner[0]}"
    assert served.sql("SELECT number, state FROM attempts") == [(1, "in_progress")]


@pytest.mark.postgres
def test_concurrent_submits_grade_once(served: Served) -> None:
    """Kept single by the conditional UPDATE that claims the attempt (state = 'in_progress'):
    PostgreSQL rechecks the condition after the row lock, so one request claims it."""
    server = served.serve(workers=2, threads=N)
    browser = Browser(server.base)
    browser.log_in(STUDENT, PASSWORD)
    attempt_path = start_attempt(browser)
    browser.get(attempt_path)
    assert browser.post(attempt_path, {**RIGHT, "page": "1", "action": "save"}).status == 302
    pages = burst(N, lambda: browser.post(attempt_path + "/submit"))
    assert {p.status for p in pages} == {302}
    assert {p.location for p in pages} == {attempt_path + "/review"}
    assert served.sql("SELECT state, score FROM attempts") == [("submitted", 100.0)]
    assert served.sql("SELECT n FROM question_stats") == [(1,), (1,)]  # counted once
    assert served.one("SELECT sum(count) FROM choice_stats") == 2


@pytest.mark.postgres
def test_concurrent_checkins_make_one_attendance(served: Served) -> None:
    """Kept single by the unique (session_id, user_id) constraint on attendance: a losing
    INSERT rolls back and returns the winner's row."""
    with served.app.app_context():
        cohort = db.session.scalars(select(Cohort)).one()
        start = now_utc() - timedelta(minutes=10)
        seminar = session_service.create_session(
            cohort,
            title="Day one",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            location="",
            ce_hours=3,
            lessons=[],
        )
        code = session_service.open_checkin(seminar)
        db.session.commit()
        db.session.remove()
    server = served.serve(workers=2, threads=N)
    browser = Browser(server.base)
    browser.log_in(STUDENT, PASSWORD)
    browser.get("/checkin")
    pages = burst(N, lambda: browser.post("/checkin", {"code": code}))
    assert {p.status for p in pages} == {302}  # every tap is told it is checked in
    assert served.one("SELECT count(*) FROM attendance") == 1
    assert "You are checked in" in browser.get("/checkin").text


# --- a content sync that fails half-way ----------------------------------------------------------


def _every_row() -> dict[str, list[tuple[Any, ...]]]:
    """The whole database, table by table, in primary-key order."""
    snapshot = {}
    for table in db.metadata.sorted_tables:
        order = [c for c in table.primary_key.columns] or list(table.columns)
        rows = db.session.execute(select(table).order_by(*order)).all()
        snapshot[table.name] = [tuple(r) for r in rows]
    return snapshot


@pytest.mark.parametrize("step", ["quizzes", "programs"])
def test_a_sync_failing_half_way_leaves_the_previous_versions_serving(
    app: Flask,
    world: Cohort,
    client: FlaskClient,
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
    step: str,
) -> None:
    student = make_user("student")
    cohort_service.enroll(world, student)
    login(client, student)
    lessons, quizzes = Path(app.config["LESSONS_DIR"]), Path(app.config["QUIZZES_DIR"])
    lesson_file = lessons / "01-basics/01-first-lesson.md"
    lesson_file.write_text(lesson_file.read_text().replace("triangular bone", "REVISED bone"))
    (quizzes / "check.md").write_text(QUIZ.replace("title: Check", "title: Check REVISED"))
    (lessons / "program.yml").write_text(
        PROGRAM.replace("attendance_hours: 2", "attendance_hours: 3")
    )
    db.session.commit()
    before = _every_row()

    lesson_versions = len(before["lesson_versions"])
    written: list[int] = []

    def lessons_already_written() -> None:
        # The failure must come after real writes, or this test would prove nothing.
        count = db.session.scalar(text("SELECT count(*) FROM lesson_versions"))
        written.append(count - lesson_versions)
        raise OSError("the disk went away")

    if step == "quizzes":
        monkeypatch.setattr(
            quiz_files, "add_quiz_version", lambda *a, **k: lessons_already_written()
        )
    else:
        real = content_sync.sync_programs

        def programs_then_fail(*args: Any, **kwargs: Any) -> None:
            real(*args, **kwargs)
            lessons_already_written()

        monkeypatch.setattr(content_sync, "sync_programs", programs_then_fail)

    with pytest.raises(OSError, match="disk went away"), unit_of_work():  # as `flask seminar sync`
        sync_content(lessons, quizzes)
    assert written == [1]
    assert _every_row() == before  # not one row of the half-done sync is left
    lesson_page = client.get("/lessons/first-lesson").get_data(as_text=True)
    quiz_page = client.get("/quizzes/check").get_data(as_text=True)
    assert "triangular bone" in lesson_page and "REVISED" not in lesson_page
    assert "Check" in quiz_page and "REVISED" not in quiz_page

    monkeypatch.undo()  # the same files, once nothing fails, load in full
    report = sync_content(lessons, quizzes)
    assert report.ok and len(report.changed) == 3, report
    assert "REVISED bone" in client.get("/lessons/first-lesson").get_data(as_text=True)
    assert "Check REVISED" in client.get("/quizzes/check").get_data(as_text=True)
