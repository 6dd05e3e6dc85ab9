"""What the server does for reading lessons offline: it serves the service worker at the
lessons' scope, marks only a student's own lesson pages and pictures as theirs to keep (never
a staff page, never a write), and clears what a browser kept when someone logs out."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from seminar.models import Cohort, User
from tests.conftest import login

KEY = "X-Offline-Key"


def test_the_service_worker_is_served_at_the_lessons_scope(client: FlaskClient) -> None:
    response = client.get("/lessons/sw.js")
    assert response.status_code == 200 and "javascript" in response.content_type
    assert response.headers["Cache-Control"] == "no-cache"
    assert 'self.addEventListener("fetch"' in response.get_data(as_text=True)


def test_only_a_students_own_lesson_pages_are_marked_to_keep(
    app: Flask, client: FlaskClient, world: Cohort, make_reader, teacher: User
) -> None:
    ada, ben = make_reader(name="Ada"), make_reader(name="Ben")
    login(client, ada)
    keys = {
        url: client.get(url).headers.get(KEY)
        for url in (
            "/lessons/",
            "/lessons/first-lesson",
            "/lessons/assets/01-basics/img/diagram.svg",
        )
    }
    assert len(set(keys.values())) == 1 and None not in keys.values()
    (ada_key,) = set(keys.values())
    assert str(ada.id) != ada_key and len(ada_key) == 24  # nothing to guess from it
    page = client.get("/lessons/first-lesson").get_data(as_text=True)
    assert '<meta name="offline-worker" content="/lessons/sw.js">' in page
    assert KEY not in client.post("/lessons/first-lesson/complete").headers  # never a write
    assert KEY not in client.get("/quizzes/").headers  # only the lessons
    other = app.test_client()
    login(other, ben)
    assert other.get("/lessons/").headers[KEY] not in (None, ada_key)
    staff = app.test_client()
    login(staff, teacher)
    lesson = staff.get("/lessons/first-lesson")
    assert KEY not in lesson.headers and "offline-worker" not in lesson.get_data(as_text=True)
    assert KEY not in staff.get("/lessons/first-lesson/edit").headers
    # A new login session is a new copy: the old one is never read again.
    client.post("/logout")
    login(client, ada)
    assert client.get("/lessons/").headers[KEY] != ada_key


def test_logging_out_clears_what_the_browser_kept(client: FlaskClient, make_reader) -> None:
    login(client, make_reader())
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
