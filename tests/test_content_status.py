"""The content status page: a broken lesson or quiz file is seen in the browser, with the
version still serving and each problem at its path:line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from seminar.models import User
from tests.conftest import login


def test_broken_files_are_listed_with_their_lines_and_serving_versions(
    app: Flask, client: FlaskClient, world: Any, teacher: User
) -> None:
    lessons, quizzes = Path(app.config["LESSONS_DIR"]), Path(app.config["QUIZZES_DIR"])
    login(client, teacher)
    calm = client.get("/content/status").get_data(as_text=True)
    assert "No errors" in calm and "lessons/01-basics/01-first-lesson.md" in calm
    assert "Up to date" in calm and "Version 1 (file)" in calm

    (lessons / "01-basics/01-first-lesson.md").write_text(
        "---\ntitle: Broken\nminutes: soon\n---\nBody\n"
    )
    quiz = quizzes / "check.md"
    quiz.write_text(quiz.read_text().replace("pass_mark: 50", "pass_mark: lots"))
    (lessons / "01-basics/02-second-lesson.md").write_text(
        (lessons / "01-basics/02-second-lesson.md").read_text() + "\nMore.\n"
    )
    page = client.get("/content/status").get_data(as_text=True)
    assert "2 files have errors." in page
    assert (
        "lessons/01-basics/01-first-lesson.md:3: &#39;minutes&#39; must be a whole number" in page
    )
    assert "quizzes/check.md:" in page
    assert "Changed on disk: sync to load it" in page  # the second lesson, edited, not synced
    # the first lesson's last good version keeps serving, and says so
    row = page.split('id="file-1"', 1)[1].split("</tr>", 1)[0]
    assert "First lesson" in row and "Version 1 (file)" in row
    assert "Has errors: the last good version keeps serving" in row


def test_students_do_not_see_it(client: FlaskClient, make_reader: Any) -> None:
    login(client, make_reader())
    assert client.get("/content/status").status_code == 403
