"""Timed attempts left open are submitted by the server on time: each worker's sweeper thread,
on any number of hosts at once, with every attempt submitted exactly once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from seminar import create_app
from seminar.db import db, now_utc
from seminar.models import Attempt, AttemptState, QuestionStat, Quiz, User
from seminar.services import attempts
from seminar.services.content_sync import sync_content
from seminar.services.sweeper import start_sweeper, stop_sweeper, sweep_once
from tests.conftest import login
from tests.served_app import wait_until

TIMED = """---
title: Timed check
pass_mark: 50
time_limit: 1
---

## Which bone is at the base of the spine? {#base}

- [ ] Occiput
- [x] Sacrum
"""


@pytest.fixture
def timed_quiz(app: Flask, world: Any) -> Quiz:
    quizzes = Path(app.config["QUIZZES_DIR"])
    (quizzes / "timed.md").write_text(TIMED)
    assert sync_content(Path(app.config["LESSONS_DIR"]), quizzes).ok
    db.session.commit()
    return db.session.execute(select(Quiz).where(Quiz.slug == "timed")).scalar_one()


def _left_open(quiz: Quiz, students: list[User], *, minutes_ago: float) -> list[int]:
    """Attempts started `minutes_ago` (a one-minute limit) and never submitted."""
    started = now_utc() - timedelta(minutes=minutes_ago)
    ids = [attempts.start_attempt(s.id, quiz, now=started).id for s in students]
    db.session.commit()
    return ids


def _open_count(ids: list[int]) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count())
        .select_from(Attempt)
        .where(Attempt.id.in_(ids), Attempt.state == AttemptState.IN_PROGRESS)
    )


def test_a_pass_submits_only_attempts_past_deadline_and_grace(
    app: Flask, timed_quiz: Quiz, make_reader: Callable[..., User]
) -> None:
    late = _left_open(timed_quiz, [make_reader(), make_reader()], minutes_ago=5)
    running = _left_open(timed_quiz, [make_reader()], minutes_ago=0)
    assert sweep_once(app) == 2
    assert _open_count(late) == 0 and _open_count(running) == 1
    assert all(db.session.get(Attempt, i).auto_submitted for i in late)
    assert sweep_once(app) == 0  # nothing twice


def test_sweepers_on_several_hosts_submit_each_attempt_once(
    app: Flask,
    timed_quiz: Quiz,
    make_reader: Callable[..., User],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = _left_open(timed_quiz, [make_reader() for _ in range(12)], minutes_ago=5)
    config = {**app.config, "SWEEP_SECONDS": 0.05}
    hosts = []
    for n in range(3):  # three processes' worth of apps, each with its own engine and thread
        monkeypatch.setenv("SEMINAR_INSTANCE_PATH", str(tmp_path / f"host-{n}"))
        hosts.append(create_app(config))
    try:
        for host in hosts:
            start_sweeper(host)
        wait_until(lambda: _open_count(ids) == 0, 30, "the sweepers to submit every attempt")
    finally:
        for host in hosts:
            stop_sweeper(host)
            with host.app_context():
                db.engine.dispose()
    # Each attempt graded once: its question's statistics count twelve attempts, not more.
    version_id = db.session.get(Attempt, ids[0]).questions[0].question_version_id
    assert db.session.get(QuestionStat, version_id).n == 12


def test_the_instructor_sees_the_attempt_submitted_without_the_student_returning(
    app: Flask,
    client: FlaskClient,
    world: Any,
    timed_quiz: Quiz,
    make_reader: Callable[..., User],
    teacher: User,
) -> None:
    student = make_reader(name="Ada Lovelace")
    _left_open(timed_quiz, [student], minutes_ago=2)
    login(client, teacher)
    page = f"/cohorts/{world.slug}/students/{student.id}"
    assert "In progress" in client.get(page).get_data(as_text=True)
    app.config["SWEEP_SECONDS"] = 0.05
    client.get("/")  # the first request this process serves starts its sweeper
    try:
        wait_until(
            lambda: (
                "Submitted by the server when the time ran out"
                in client.get(page).get_data(as_text=True)
            ),
            30,
            "the attempt to show as submitted",
        )
    finally:
        stop_sweeper(app)
