"""SQL statements per request, for each page, in a cohort of 200 and one of 2,000.

In process, with Flask's test client and a `before_cursor_execute` listener on the app's
engine. No app context is held between requests, so each request starts with an empty
session, as it does under gunicorn. Each page is requested once to warm up, then counted.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, select

from bench.browser import TOKEN_RE
from bench.content import PRACTICE_QUIZ
from bench.logins import FIELDSET_RE, autosave_payloads
from bench.seed import BIG, INSTRUCTOR, PASSWORD, SMALL, BenchDatabase, make_app
from bench.throughput import PAGES, lesson_slugs


@dataclass(frozen=True)
class QueryCount:
    page: str
    small: int | None  # statements per request in the small cohort
    big: int | None
    missing: str = ""

    @property
    def constant(self) -> bool:
        return self.small is not None and self.small == self.big


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _token(client: FlaskClient, path: str) -> str:
    match = TOKEN_RE.search(client.get(path).get_data(as_text=True))
    if match is None:
        raise RuntimeError(f"no CSRF token on {path}")
    return match.group(1)


def logged_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    token = _token(client, "/login")
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    if response.status_code != 302:
        raise RuntimeError(f"could not log in as {email}")
    return client


def typical_student(app: Flask, cohort_slug: str) -> str:
    """The cohort's first student who meets every requirement (else the furthest along)."""
    from seminar.db import db
    from seminar.models import Cohort, StudentProgress

    with app.app_context():
        return db.session.scalars(
            select(StudentProgress.email)
            .join(Cohort, Cohort.id == StudentProgress.cohort_id)
            .where(Cohort.slug == cohort_slug)
            .order_by(StudentProgress.percent.desc(), StudentProgress.user_id)
            .limit(1)
        ).one()


def _counts_for(app: Flask, engine: Engine, bench: BenchDatabase, cohort: str) -> dict[str, Any]:
    student = logged_in(app, typical_student(app, cohort))
    staff = logged_in(app, INSTRUCTOR)
    anonymous = app.test_client()
    lesson = lesson_slugs(bench)[len(bench.course.lesson_files) // 2]
    token = _token(student, f"/quizzes/{PRACTICE_QUIZ}")
    started = student.post(f"/quizzes/{PRACTICE_QUIZ}/start", data={"csrf_token": token})
    attempt = started.headers["Location"]
    page = student.get(attempt).get_data(as_text=True)
    questions = tuple((int(p), t) for p, t in FIELDSET_RE.findall(page))
    answer = autosave_payloads(questions)[0]
    records = bench.records.get(cohort, [])
    views = itertools.count(1)
    requests = {
        "lesson page": lambda: student.get(f"/lessons/{lesson}"),
        "quiz attempt page": lambda: student.get(attempt),
        "answer autosave": lambda: student.post(
            attempt + "/answer", json=answer, headers={"X-CSRFToken": token}
        ),
        "student path": lambda: student.get("/path"),
        "cohort dashboard": lambda: staff.get(f"/cohorts/{cohort}/progress?sort=percent&dir=desc"),
        # Another page each time: a dashboard rendered, not one its worker kept.
        "dashboard, not kept": lambda: staff.get(
            f"/cohorts/{cohort}/progress?sort=percent&dir=desc&page={next(views)}"
        ),
        "verify page": (lambda: anonymous.get(f"/verify/{records[0].record_id}"))
        if records
        else None,
    }
    out: dict[str, Any] = {}
    for page in PAGES:
        send = requests[page]
        if send is None:
            out[page] = None
            continue
        send()  # warm: templates compiled, caches filled
        with counting(engine) as statements:
            response = send()
        if response.status_code != 200:
            raise RuntimeError(f"{page} in {cohort}: status {response.status_code}")
        out[page] = len(statements)
    return out


def query_counts(bench: BenchDatabase) -> list[QueryCount]:
    from seminar.db import db

    app = make_app(bench.env)
    with app.app_context():
        engine = db.engine
    small = _counts_for(app, engine, bench, SMALL)
    big = _counts_for(app, engine, bench, BIG)
    engine.dispose()
    missing = bench.records_error or "no record issued"
    return [
        QueryCount(page, small[page], big[page], "" if small[page] is not None else missing)
        for page in PAGES
    ]
