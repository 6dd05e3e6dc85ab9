"""The benchmark's own parts: generated content, seeding helpers, load generator, report."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from bench.content import LESSONS_PER_MODULE, PRACTICE_QUIZ, PROGRAM, Course, write_course
from bench.load import LoadResult, Request, in_own_loop, measure, measure_pair
from bench.logins import autosave_payloads
from bench.queries import QueryCount
from bench.report import render, table
from bench.throughput import PAGES, PagePair
from seminar.db import db
from seminar.models import (
    Attempt,
    Lesson,
    Module,
    QuestionStat,
    QuestionVersion,
    Quiz,
    Role,
    User,
)
from seminar.services.cohorts import MemberRole, create_cohort, enroll
from seminar.services.content_sync import sync_content
from seminar.services.demo import add_practice_attempts, add_synthetic_students
from tests.conftest import login


@pytest.fixture
def course(app: Flask, tmp_path: Path) -> Course:
    course = write_course(tmp_path / "bench-content")
    report = sync_content(course.lessons_dir, course.quizzes_dir)
    assert report.ok, [str(p) for p in report.problems + report.conflicts]
    return course


def test_generated_course_is_the_size_the_issue_asks_for(course: Course) -> None:
    assert db.session.scalar(select(func.count()).select_from(Module)) == 9
    assert (
        db.session.scalar(select(func.count()).select_from(Lesson)) == 30 == sum(LESSONS_PER_MODULE)
    )
    assert db.session.scalar(select(func.count()).select_from(Quiz)) == 10
    types = set(db.session.scalars(select(QuestionVersion.type)))
    assert types == {"single", "multiple", "true_false", "short", "numeric", "matching", "essay"}
    assert any(p.suffix == ".gift" for p in course.quizzes_dir.iterdir())
    # Lessons of realistic length, with what real lessons use.
    text = course.lesson_files[0].read_text()
    assert len(text.split()) > 600
    for feature in ("| --- |", "!!! evidence", "!!! caution", "[^1]", "\n:   "):
        assert feature in text


def test_seeded_students_can_log_in_and_practice_attempts_count(
    course: Course, client: FlaskClient, make_user
) -> None:
    teacher = make_user(Role.INSTRUCTOR)
    cohort = create_cohort("bench", title="Bench", program_slug=PROGRAM)
    enroll(cohort, teacher, MemberRole.INSTRUCTOR)
    hashed = generate_password_hash("bench password 1234", method="scrypt")
    finishers = add_synthetic_students(cohort, 24, seed=1, password_hash=hashed, assessor=teacher)
    assert finishers > 0
    counted = add_practice_attempts(cohort, PRACTICE_QUIZ, 100, seed=3)
    quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.slug == PRACTICE_QUIZ))
    attempts = db.session.scalar(
        select(func.count()).select_from(Attempt).where(Attempt.quiz_id == quiz_id)
    )
    assert counted == attempts == 100
    stats = db.session.scalars(
        select(QuestionStat.n)
        .join(QuestionVersion, QuestionVersion.id == QuestionStat.question_version_id)
        .where(QuestionVersion.quiz_id == quiz_id)
    ).all()
    assert stats and set(stats) == {100}
    practised = db.session.scalar(
        select(User.email)
        .join(Attempt, Attempt.user_id == User.id)
        .where(Attempt.quiz_id == quiz_id)
        .limit(1)
    )
    response = login(client, practised, "bench password 1234")
    assert response.status_code == 302 and response.headers["Location"].endswith("/lessons/")


def test_autosave_payloads_follow_attempt_js() -> None:
    questions = ((1, "single"), (2, "true_false"), (3, "matching"), (4, "description"))
    assert autosave_payloads(questions) == [
        {"position": 1, "response": {"choice": 1}},
        {"position": 2, "response": {"value": True}},
        {"position": 3, "response": {"matches": [0, 1, 2]}},
    ]


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/ok":
            body = b'{"status": "ok"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(302)
            self.send_header("Location", "/login")
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tiny_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_load_generator_counts_successes_and_errors(tiny_server: str) -> None:
    good = Request("/ok", expect_text=b'"ok"')
    redirected = Request("/lessons/x", cookie="session=abc")
    result = measure(tiny_server, "mixed", [good, redirected], concurrency=2, seconds=0.5, warmup=0)
    assert result.requests > 10
    assert result.errors > 0 and len(result.latencies) > 0
    assert abs(result.errors - len(result.latencies)) <= 2  # every other request fails
    assert "status 302" in result.error_samples[0] and "/login" in result.error_samples[0]
    assert 0 < result.median_ms <= result.p99_ms
    page, reference = measure_pair(
        tiny_server, "ok", [good], [good], concurrency=2, seconds=0.4, slice_seconds=0.2
    )
    assert page.errors == reference.errors == 0
    assert page.per_second > 0 and reference.per_second > 0
    assert page.seconds >= 0.4  # both slices ran their full time


def test_request_bytes_carry_cookie_and_body() -> None:
    raw = Request(
        "/answer", method="POST", cookie="session=s", headers=(("X-CSRFToken", "t"),), body=b"{}"
    ).raw("127.0.0.1:80")
    head, body = raw.split(b"\r\n\r\n")
    assert head.startswith(b"POST /answer HTTP/1.1\r\n")
    for line in (b"Cookie: session=s", b"X-CSRFToken: t", b"Content-Length: 2"):
        assert line in head
    assert body == b"{}"


def _result(name: str, per_second: float, errors: int = 0) -> LoadResult:
    return LoadResult(name, 8, seconds=1.0, latencies=[0.01] * int(per_second), errors=errors)


def test_report_marks_targets() -> None:
    healthz = _result("healthz", 100)
    pairs = [PagePair(page, _result(page, 60), healthz) for page in PAGES]
    counts = [QueryCount(page, 5, 5) for page in PAGES]
    text, verdicts = render(
        heading=["bench"],
        pairs=pairs,
        counts=counts,
        cohort_sizes=(200, 2000),
        timings=[],
        day=None,
        day_note="not run",
    )
    failed = [v.target for v in verdicts if not v.passed]
    assert failed == ["seminar day: run"]
    assert "lesson page" in text and "0.60" in text

    pairs[0] = PagePair("lesson page", _result("lesson page", 40), healthz)  # 0.4x
    pairs[2] = PagePair("answer autosave", _result("answer autosave", 60, errors=1), healthz)
    pairs[5] = PagePair("verify page", None, None, missing="no records")
    counts[4] = QueryCount("cohort dashboard", 10, 12)
    _, verdicts = render(
        heading=[],
        pairs=pairs,
        counts=counts,
        cohort_sizes=(200, 2000),
        timings=[],
        day=None,
    )
    failed = {v.target for v in verdicts if not v.passed}
    assert {
        "lesson page: >= 0.50x healthz",
        "answer autosave: no errors",
        "verify page: measured",
        "cohort dashboard: query count constant",
    } <= failed


def test_table_aligns_columns() -> None:
    lines = table(["page", "req/s"], [["lesson page", "12.5"], ["verify", "1,234.0"]])
    assert lines == [
        "page           req/s",
        "lesson page     12.5",
        "verify       1,234.0",
    ]


def test_seed_issues_records_and_counts_queries(tmp_path: Path) -> None:
    """The bench's own database, end to end on SQLite at a tiny size (no server)."""
    from bench.queries import query_counts
    from bench.seed import BIG, SMALL, seed

    bench = seed(
        tmp_path, f"sqlite:///{tmp_path / 'bench.sqlite3'}", students=30, small=12, attempts=60
    )
    assert len(bench.students[BIG]) == 30 and len(bench.students[SMALL]) == 12
    assert bench.practice_attempts == 60
    assert not bench.records_error
    assert bench.records[BIG], "some synthetic students finish, so records are issued"
    assert "completion" in {r.kind for r in bench.records[BIG]}
    counts = query_counts(bench)
    assert [c.page for c in counts] == list(PAGES)
    assert all(c.small and c.big for c in counts)
    assert all(c.constant for c in counts), counts


def _day(**figures: object) -> Any:
    from bench.phone import Sent
    from bench.seminar_day import DayResult

    result = DayResult(database="sqlite", phones=2, questions=1)
    result.__dict__.update(
        logins_refused=0, checkin_seconds=12.0, checkins=2, joined=2, answers_sent=2,
        answers_stored=2, answers_distinct=2, delays=[0.2, 0.4],
        requests=[Sent("poll", 1.0, 0.01, 200)] * 98 + [Sent("login", 1.0, 0.3, 302)] * 2,
    )  # fmt: skip
    result.__dict__.update(figures)
    return result


def test_the_seminar_day_table_marks_its_targets() -> None:
    from bench.phone import Sent
    from bench.seminar_day import day_rows

    good = _day()
    assert all(passed for _, passed, _ in good.verdicts())
    assert good.latency_ms(0.5) == 10 and good.latency_ms(0.99) == 300
    assert good.latency_ms(0.5, "login") == 300 and good.delay_ms(1.0) == 400
    rows = {row[0]: row for row in day_rows(good)}
    assert rows["answers stored (distinct)"][1:] == ["2 (2)", "2 once", "PASS"]
    bad = _day(
        logins_refused=3,
        answers_stored=3,  # a double could only come from a broken unique key: it shows
        missed_delays=1,
        requests=[Sent("poll", 1.0, 0.9, 200), Sent("answer", 1.0, 0.1, 0)],
    )
    failed = {target for target, passed, _ in bad.verdicts() if not passed}
    assert failed == {
        "seminar day: logins refused 0",
        "seminar day: 2 answers stored exactly once",
        "seminar day: phone requests p99 < 500 ms",
        "seminar day: answer to projector count p99 < 1000 ms",
        "seminar day: no failed requests",
    }
    assert bad.delay_ms(0.99) == float("inf")  # an answer the projector never counted


def test_a_tiny_seminar_day_against_a_real_server(app: Flask, world: Any) -> None:
    """Four phones and two questions against the app served in a thread: the simulation
    logs in, checks in, joins, answers twice each, and counts what the projector showed."""

    from werkzeug.serving import make_server

    from bench import room as day
    from bench.seminar_day import KINDS, QUESTIONS
    from seminar.models import Attendance, LiveAnswer
    from seminar.services import live as live_service
    from seminar.services import sessions as session_service
    from seminar.services.accounts import create_user
    from seminar.services.cohorts import MemberRole, enroll

    host = create_user(day.HOST_EMAIL, name="Host", role=Role.INSTRUCTOR, password=day.PASSWORD)
    enroll(world, host, MemberRole.INSTRUCTOR)
    for n in range(4):
        enroll(world, create_user(f"phone{n}@bench.seminar", name=f"P{n}", password=day.PASSWORD))
    from datetime import timedelta

    from seminar.db import now_utc

    start = now_utc() - timedelta(minutes=5)
    seminar = session_service.create_session(
        world, title="Day", starts_at=start, ends_at=start + timedelta(hours=2), location="",
        ce_hours=2, lessons=[],
    )  # fmt: skip
    code = session_service.open_checkin(seminar)
    drafts = [live_service.Draft(f"Q{n}", c, r, k) for n, (k, c, r) in enumerate(QUESTIONS[:2])]
    live = live_service.create_live_quiz(
        seminar, title="Day", drafts=drafts, seconds=10, leaderboard=True
    )
    questions = [(q.id, q.kind, list(q.correct), len(q.choices)) for q in live.questions]
    live_id = live.id
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        room = day.Room(
            f"http://127.0.0.1:{server.server_port}", live_id, code, questions,
            phones=4, logins=0.3, checkins=0.3, think=(0.05, 0.3), seconds=10,
        )  # fmt: skip
        # Playwright's sync API keeps a loop running in this thread once browser tests have run.
        in_own_loop(lambda: day.simulate(room))
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert room.refused == 0 and len(room.checked_in) == 4 and room.joined == 4
    assert {index: len(times) for index, times in room.answered.items()} == {1: 4, 2: 4}
    delays, missed = day.delays(room)
    assert missed == 0 and len(delays) == 8 and all(0 <= d < 5 for d in delays)
    assert {s.kind for s in room.log} == set(KINDS)
    assert not [s for s in room.log if s.status == 0 or s.status >= 500]
    answers = db.session.scalars(select(LiveAnswer)).all()
    assert len(answers) == 8 and len({(a.user_id, a.live_question_id) for a in answers}) == 8
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 4
