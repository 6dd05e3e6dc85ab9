"""Words users use: titles where slugs were, times in the seminar's zone with the zone named,
menus by role, quizzes in module order."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from seminar.db import db
from seminar.models import User
from seminar.queries.quiz_results import available_quizzes
from seminar.services import sessions as session_service
from seminar.services.content_sync import sync_content
from tests.conftest import QUIZ, login


def test_sessions_name_lessons_by_title_and_times_by_zone(
    app: Flask, client: FlaskClient, world: Any, teacher: User, make_reader: Any
) -> None:
    app.config["TIMEZONE"] = "Europe/Paris"
    session_service.create_session(
        world,
        title="Day one",
        starts_at=datetime(2027, 1, 15, 9, 0, tzinfo=UTC),
        ends_at=datetime(2027, 1, 15, 12, 0, tzinfo=UTC),
        location="Hall B",
        ce_hours=3,
        lessons=["first-lesson", "third-lesson"],
    )
    student = make_reader()
    db.session.commit()
    login(client, student)
    page = client.get(f"/cohorts/{world.slug}/sessions").get_data(as_text=True)
    assert 'Covers: <a href="/lessons/first-lesson">First lesson</a>, ' in page
    assert "first-lesson</p>" not in page and "third-lesson," not in page
    assert "Fri 15 Jan 2027, 10:00 to 13:00 CET" in page  # 09:00 UTC, in Paris in winter
    client.post("/logout")
    login(client, teacher)
    form = client.get(f"/cohorts/{world.slug}/sessions/new").get_data(as_text=True)
    assert 'value="first-lesson" > <span>First lesson</span>' in form.replace("  ", " ")
    assert "Times in Europe/Paris (C" in form  # CET or CEST, as the day of the request


def test_menus_by_role(client: FlaskClient, teacher: User, make_reader: Any) -> None:
    login(client, teacher)
    staff = client.get("/lessons/").get_data(as_text=True)
    assert "My records" not in staff and "My path" not in staff and ">Cohorts<" in staff
    client.post("/logout")
    login(client, make_reader())
    student = client.get("/lessons/").get_data(as_text=True)
    assert ">My records<" in student and ">My path<" in student and ">Cohorts<" not in student


def test_quizzes_follow_the_lessons_that_name_them(app: Flask, world: Any) -> None:
    """In module order: where the first lesson naming each quiz stands; the rest by title."""
    lessons, quizzes = Path(app.config["LESSONS_DIR"]), Path(app.config["QUIZZES_DIR"])
    for slug, title in (("zeta", "Zeta comes first"), ("alpha", "Alpha comes second")):
        (quizzes / f"{slug}.md").write_text(QUIZ.replace("title: Check", f"title: {title}"))
    for path, quiz in (
        ("01-basics/01-first-lesson.md", "zeta"),
        ("02-more/01-third-lesson.md", "alpha"),
    ):
        lesson = lessons / path
        lesson.write_text(lesson.read_text().replace("---\n", f"---\nquiz: {quiz}\n", 1))
    assert sync_content(lessons, quizzes).ok
    db.session.commit()
    assert [q.slug for q in available_quizzes()] == ["zeta", "alpha", "check"]
