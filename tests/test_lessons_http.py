"""Lesson pages over HTTP: catalogue, reading, completion, editing, history, assets."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from seminar.db import db
from seminar.models import Lesson, LessonCompletion, LessonVersion
from tests.conftest import count_queries, login, write_lessons


@pytest.fixture
def student_client(client: FlaskClient, make_reader, synced: None) -> FlaskClient:
    login(client, make_reader())
    return client


@pytest.fixture
def instructor_client(client: FlaskClient, make_user, synced: None) -> FlaskClient:
    login(client, make_user("instructor"))
    return client


def test_anonymous_is_sent_to_login(client: FlaskClient, synced: None) -> None:
    for url in ("/lessons/", "/lessons/first-lesson", "/lessons/assets/01-basics/img/diagram.svg"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login")


def test_home_redirects_by_login_state(client: FlaskClient, make_user) -> None:
    assert client.get("/").headers["Location"] == "/login"
    login(client, make_user())
    assert client.get("/").headers["Location"] == "/lessons/"


def test_catalogue_lists_modules_lessons_and_progress(student_client: FlaskClient) -> None:
    page = student_client.get("/lessons/").get_data(as_text=True)
    html = page[page.index('<ol class="modules">') :]
    assert html.index("Basics") < html.index("First lesson") < html.index("Second lesson")
    assert html.index("Second lesson") < html.index("More") < html.index("Third lesson")
    assert "5 min" in html and "7 min" in html
    assert "0 of 3" in page
    assert 'value="0"' in page
    assert "Start: First lesson" in page


def test_empty_catalogue_explains_what_to_do(client: FlaskClient, make_user) -> None:
    login(client, make_user("instructor"))
    html = client.get("/lessons/").get_data(as_text=True)
    assert "No lessons yet" in html and "flask seminar sync" in html


def test_a_student_reads_only_their_cohorts_lessons(
    app: Flask, client: FlaskClient, make_user, world, synced: None
) -> None:
    from seminar.services import cohorts as cohort_service

    student = make_user()
    login(client, student)
    html = client.get("/lessons/").get_data(as_text=True)
    assert "You are not in a cohort yet" in html and "First lesson" not in html
    assert client.get("/lessons/first-lesson").status_code == 404
    assert client.post("/lessons/first-lesson/complete").status_code == 404
    assert client.post("/lessons/first-lesson/heartbeat").status_code == 404
    # A program that lists its lessons shows those only.
    lessons = Path(app.config["LESSONS_DIR"])
    (lessons / "program.yml").write_text(
        "programs:\n  - slug: short\n    title: Short program\n"
        "    credential: Certificate of Completion, Short\n"
        "    requires:\n      lessons: [second-lesson]\n"
    )
    from seminar.services.content_sync import sync_content

    assert sync_content(lessons, Path(app.config["QUIZZES_DIR"])).ok
    short = cohort_service.create_cohort("short", title="Short", program_slug="short")
    cohort_service.enroll(short, student)
    html = client.get("/lessons/").get_data(as_text=True)
    assert "Second lesson" in html and "First lesson" not in html and "0 of 1" in html
    assert client.get("/lessons/second-lesson").status_code == 200
    assert client.get("/lessons/first-lesson").status_code == 404
    # Joining a cohort on a program of every lesson shows them all.
    cohort_service.enroll(world, student)
    assert "0 of 3" in client.get("/lessons/").get_data(as_text=True)


def test_lesson_page_shows_objectives_toc_and_neighbours(student_client: FlaskClient) -> None:
    html = student_client.get("/lessons/second-lesson").get_data(as_text=True)
    assert '<h1 id="lesson-title">Second lesson</h1>' in html
    assert 'href="#model"' in html  # table of contents
    assert 'rel="prev" href="/lessons/first-lesson"' in html
    assert 'rel="next" class="next" href="/lessons/third-lesson"' in html
    first = student_client.get("/lessons/first-lesson").get_data(as_text=True)
    assert "Say what the sacrum is." in first
    assert 'class="admonition evidence"' in first
    assert "Mark as complete" in first


def test_unknown_lesson_is_404(student_client: FlaskClient) -> None:
    response = student_client.get("/lessons/no-such-lesson")
    assert response.status_code == 404
    assert "There is nothing here" in response.get_data(as_text=True)


def test_mark_complete_moves_progress(student_client: FlaskClient) -> None:
    response = student_client.post("/lessons/first-lesson/complete")
    assert response.status_code == 302
    assert response.headers["Location"] == "/lessons/first-lesson#lesson-complete"
    html = student_client.get("/lessons/first-lesson").get_data(as_text=True)
    assert "You completed this lesson." in html
    assert "1 of 3" in html and "(33%)" in html
    catalogue = student_client.get("/lessons/").get_data(as_text=True)
    assert "Continue: Second lesson" in catalogue
    # Twice is still once.
    student_client.post("/lessons/first-lesson/complete")
    assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 1
    student_client.post("/lessons/first-lesson/incomplete")
    assert "0 of 3" in student_client.get("/lessons/").get_data(as_text=True)


def test_completion_records_the_version_read(student_client: FlaskClient) -> None:
    student_client.post("/lessons/first-lesson/complete")
    completion = db.session.scalars(select(LessonCompletion)).one()
    lesson = db.session.execute(select(Lesson).where(Lesson.slug == "first-lesson")).scalar_one()
    assert completion.lesson_version_id == lesson.current_version_id


def test_complete_unknown_lesson_is_404(student_client: FlaskClient) -> None:
    assert student_client.post("/lessons/nope/complete").status_code == 404


def test_students_progress_is_their_own(client: FlaskClient, make_reader, synced: None) -> None:
    one, two = make_reader(), make_reader()
    login(client, one)
    client.post("/lessons/first-lesson/complete")
    client.post("/logout")
    login(client, two)
    assert "0 of 3" in client.get("/lessons/").get_data(as_text=True)


def test_lesson_page_renders_no_markdown_and_constant_queries(
    app: Flask, client: FlaskClient, make_reader, synced: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("Markdown rendered during a request")

    reader = make_reader()
    monkeypatch.setattr("markdown.Markdown.convert", forbidden)
    login(client, reader)

    def measure() -> tuple[int, int]:
        """Queries of the first view after a content change (the worker's cache is cold),
        then of the next view (warm: the account with the content token, the completions)."""
        counts = []
        for _ in range(2):
            db.session.expunge_all()  # tests share the app context's session with requests
            with count_queries() as queries:
                assert client.get("/lessons/second-lesson").status_code == 200
            counts.append(len(queries))
        return counts[0], counts[1]

    few = measure()
    # Add many more lessons: the page must not run more queries.
    extra = {
        f"03-extra/{n:02d}-extra-{n}.md": f"---\ntitle: Extra {n}\n---\nBody {n}\n"
        for n in range(1, 31)
    }
    extra["03-extra/_module.md"] = "---\ntitle: Extra\n---\n"
    monkeypatch.undo()
    from seminar.services.content_sync import sync_lessons

    sync_lessons(write_lessons(Path(app.config["LESSONS_DIR"]), extra))
    for slug in ("first-lesson", "second-lesson"):
        client.post(f"/lessons/{slug}/complete")
    monkeypatch.setattr("markdown.Markdown.convert", forbidden)
    many = measure()
    assert few[1] == many[1] == 2  # whatever the number of lessons
    assert few[0] <= 6 and many[0] <= 6
    with count_queries() as catalogue_queries:
        assert client.get("/lessons/").status_code == 200
    assert len(catalogue_queries) <= 5


def test_assets_are_served_from_the_lessons_folder_only(student_client: FlaskClient) -> None:
    response = student_client.get("/lessons/assets/01-basics/img/diagram.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    for url in (
        "/lessons/assets/../../etc/passwd",
        "/lessons/assets/01-basics/../../../etc/hosts.png",
        "/lessons/assets/%2e%2e/%2e%2e/secret.png",
        "/lessons/assets/01-basics/01-first-lesson.md",
        "/lessons/assets/01-basics/img/missing.svg",
    ):
        assert student_client.get(url).status_code == 404, url


def test_students_cannot_edit(student_client: FlaskClient) -> None:
    for url in ("/lessons/first-lesson/edit", "/lessons/first-lesson/history"):
        assert student_client.get(url).status_code == 403
    assert student_client.post("/lessons/first-lesson/edit", data={}).status_code == 403
    assert student_client.post("/lessons/first-lesson/versions/1/restore").status_code == 403
    assert "Edit lesson" not in student_client.get("/lessons/first-lesson").get_data(as_text=True)


def _current(slug: str) -> LessonVersion:
    lesson = db.session.execute(select(Lesson).where(Lesson.slug == slug)).scalar_one()
    db.session.refresh(lesson)
    return lesson.current


def test_instructor_previews_then_saves_an_edit(instructor_client: FlaskClient) -> None:
    page = instructor_client.get("/lessons/second-lesson/edit").get_data(as_text=True)
    assert "title: Second lesson" in page
    base = str(_current("second-lesson").id)
    source = "---\ntitle: Second lesson, revised\nminutes: 8\n---\n## Model\n\nRevised **text**.\n"
    preview = instructor_client.post(
        "/lessons/second-lesson/edit",
        data={"source": source, "base_version_id": base, "preview": "Preview"},
    )
    assert preview.status_code == 200
    assert "Revised <strong>text</strong>." in preview.get_data(as_text=True)
    assert _current("second-lesson").number == 1  # preview saves nothing
    saved = instructor_client.post(
        "/lessons/second-lesson/edit",
        data={"source": source, "base_version_id": base, "note": "Tightened", "save": "Save"},
    )
    assert saved.status_code == 302
    current = _current("second-lesson")
    assert (current.number, current.title, current.origin, current.note) == (
        2,
        "Second lesson, revised",
        "web",
        "Tightened",
    )
    history = instructor_client.get("/lessons/second-lesson/history").get_data(as_text=True)
    assert "Version 2" in history and "Browser edit by" in history and "File sync" in history


def test_edit_errors_show_line_numbers_next_to_the_field(instructor_client: FlaskClient) -> None:
    base = str(_current("second-lesson").id)
    response = instructor_client.post(
        "/lessons/second-lesson/edit",
        data={
            "source": "---\ntitle: T\nminutes: lots\n---\nx\n",
            "base_version_id": base,
            "save": "Save",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Line 3: &#39;minutes&#39; must be a whole number" in html
    assert 'id="source-error"' in html
    assert _current("second-lesson").number == 1


def test_edit_refuses_to_overwrite_a_newer_version(instructor_client: FlaskClient) -> None:
    base = str(_current("second-lesson").id)
    first = {"source": "---\ntitle: A\n---\nA\n", "base_version_id": base, "save": "Save"}
    assert instructor_client.post("/lessons/second-lesson/edit", data=first).status_code == 302
    stale = {"source": "---\ntitle: B\n---\nB\n", "base_version_id": base, "save": "Save"}
    html = instructor_client.post("/lessons/second-lesson/edit", data=stale).get_data(as_text=True)
    assert "Someone saved version 2 while you were editing" in html
    assert _current("second-lesson").title == "A"


def test_edit_cannot_point_images_outside(instructor_client: FlaskClient) -> None:
    base = str(_current("first-lesson").id)
    source = "---\ntitle: T\n---\n![x](../../../../etc/passwd.png)\n"
    html = instructor_client.post(
        "/lessons/first-lesson/edit",
        data={"source": source, "base_version_id": base, "save": "Save"},
    ).get_data(as_text=True)
    assert "Line 4: image" in html
    assert _current("first-lesson").number == 1


def test_version_view_and_restore(instructor_client: FlaskClient) -> None:
    base = str(_current("second-lesson").id)
    instructor_client.post(
        "/lessons/second-lesson/edit",
        data={
            "source": "---\ntitle: Changed\n---\nChanged\n",
            "base_version_id": base,
            "save": "Save",
        },
    )
    old = instructor_client.get("/lessons/second-lesson/versions/1").get_data(as_text=True)
    assert "Second lesson" in old and "As taught in S.O.T." in old
    assert instructor_client.get("/lessons/second-lesson/versions/9").status_code == 404
    response = instructor_client.post("/lessons/second-lesson/versions/1/restore")
    assert response.headers["Location"] == "/lessons/second-lesson/history"
    current = _current("second-lesson")
    assert (current.number, current.title, current.note) == (
        3,
        "Second lesson",
        "Restored version 1",
    )


def test_hostile_edit_is_sanitised_when_served(instructor_client: FlaskClient) -> None:
    base = str(_current("second-lesson").id)
    source = (
        "---\ntitle: T\n---\n<script>alert(1)</script>\n\n[x](javascript:alert(2))\n\n"
        '<p onmouseover="alert(3)">hover</p>\n'
    )
    instructor_client.post(
        "/lessons/second-lesson/edit",
        data={"source": source, "base_version_id": base, "save": "Save"},
    )
    html = instructor_client.get("/lessons/second-lesson").get_data(as_text=True)
    assert "alert(" not in html


def test_a_change_made_on_another_host_shows_on_the_next_request(
    app: Flask, client: FlaskClient, make_reader, synced: None, tmp_path: Path
) -> None:
    """Each worker caches the outline and lesson versions under the database's content token;
    a sync run by another process (another host) changes the token, so nothing stale shows."""
    from seminar import create_app
    from seminar.services.content_sync import sync_lessons
    from tests.conftest import base_config

    login(client, make_reader())
    assert "Second lesson" in client.get("/lessons/second-lesson").get_data(as_text=True)
    lessons = Path(app.config["LESSONS_DIR"])
    path = lessons / "01-basics" / "02-second-lesson.md"
    path.write_text(path.read_text().replace("title: Second lesson", "title: Second, revised"))
    other = create_app(base_config(app.config["DATABASE_URL"], tmp_path / "other", lessons))
    with other.app_context():
        assert sync_lessons(lessons).changed
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    assert "Second, revised" in client.get("/lessons/second-lesson").get_data(as_text=True)
    assert "Second, revised" in client.get("/lessons/").get_data(as_text=True)
