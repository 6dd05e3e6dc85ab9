"""Quiz files in the app: sync from quizzes/, upload with a preview, export-quiz."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from seminar.core.content.quiz_model import quiz_from_dict
from seminar.core.content.quizzes import parse_quiz_file
from seminar.db import db
from seminar.models import Quiz, QuizVersion
from seminar.services.content_sync import sync_content
from tests.conftest import login

REPO = Path(__file__).resolve().parent.parent

NATIVE = """---
title: Sample quiz
pass_mark: 60
---

## Which bone is at the base of the spine? {#base}

- [ ] Occiput
- [x] Sacrum
  > Right.

## The occiput is part of the skull. {#tf}

- [x] True
- [ ] False
"""

GIFT = """// quiz: title: Gift sample
// id: capital
::Capital::What is the capital of France? {=Paris ~London ~Berlin}

// id: two-plus
Two plus two equals {#4}
"""


@pytest.fixture
def quizzes_dir(app: Flask) -> Path:
    folder = Path(app.config["QUIZZES_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sample.md").write_text(NATIVE)
    (folder / "capitals.gift").write_text(GIFT)
    (folder / "README.md").write_text("# not a quiz\n")
    return folder


def sync(app: Flask):
    return sync_content(Path(app.config["LESSONS_DIR"]), Path(app.config["QUIZZES_DIR"]))


def current(slug: str) -> QuizVersion:
    quiz = db.session.execute(select(Quiz).where(Quiz.slug == slug)).scalar_one()
    db.session.refresh(quiz)
    return quiz.current


def test_sync_loads_quizzes_and_versions_changes(app: Flask, quizzes_dir: Path) -> None:
    report = sync(app)
    assert report.ok, [str(p) for p in report.problems]
    assert {"quizzes/sample.md", "quizzes/capitals.gift"} <= set(report.new)
    assert current("sample").pass_mark == 60 and len(current("sample").question_ids) == 2
    assert current("capitals").source_format == "gift"
    assert "quizzes/sample.md" in sync(app).unchanged
    (quizzes_dir / "sample.md").write_text(NATIVE.replace("pass_mark: 60", "pass_mark: 75"))
    report = sync(app)
    assert report.changed == ["quizzes/sample.md"]
    version = current("sample")
    assert (version.number, version.pass_mark) == (2, 75)


def test_broken_quiz_keeps_the_last_good_version(app: Flask, quizzes_dir: Path) -> None:
    sync(app)
    (quizzes_dir / "sample.md").write_text(NATIVE.replace("- [x] Sacrum", "- [ ] Sacrum"))
    report = sync(app)
    assert not report.ok
    assert any("sample.md:" in str(p) for p in report.problems)
    assert current("sample").number == 1


def test_removed_quiz_file_retires_the_quiz(app: Flask, quizzes_dir: Path) -> None:
    sync(app)
    (quizzes_dir / "capitals.gift").unlink()
    assert sync(app).removed == ["quizzes/capitals.gift"]
    quiz = db.session.execute(select(Quiz).where(Quiz.slug == "capitals")).scalar_one()
    assert quiz.retired


def test_cli_sync_reports_quiz_errors(
    app: Flask, runner: FlaskCliRunner, quizzes_dir: Path
) -> None:
    (quizzes_dir / "bad.md").write_text("---\ntitle: Bad\n---\n\n## Q {#q}\n\n- [ ] a\n- [ ] b\n")
    result = runner.invoke(args=["seminar", "sync"])
    assert result.exit_code == 1
    assert "bad.md:5: no choice is checked" in result.output
    assert "quizzes/sample.md" in result.output


def test_export_quiz_by_slug_and_by_path(
    app: Flask, runner: FlaskCliRunner, quizzes_dir: Path
) -> None:
    sync(app)
    by_slug = runner.invoke(args=["seminar", "export-quiz", "sample", "--format", "json"])
    assert by_slug.exit_code == 0, by_slug.output
    data = json.loads(by_slug.output)
    assert data["slug"] == "sample" and data["pass_mark"] == 60
    assert data["questions"][0]["choices"][1] == {
        "text": "Sacrum",
        "weight": 100,
        "feedback": "Right.",
    }
    by_path = runner.invoke(args=["seminar", "export-quiz", str(quizzes_dir / "sample.md")])
    assert json.loads(by_path.output) == data  # the stored quiz is the file's model
    for fmt in ("gift", "md"):
        out = runner.invoke(args=["seminar", "export-quiz", "sample", "--format", fmt])
        assert out.exit_code == 0
        back = quizzes_dir / f"again.{'gift' if fmt == 'gift' else 'md'}"
        back.write_text(out.output)
        reparsed = parse_quiz_file(back).quiz
        assert reparsed == quiz_from_dict(data | {"slug": "again"})


def test_export_quiz_reports_errors(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "broken.gift"
    bad.write_text("Question {=a ~b\n")
    result = runner.invoke(args=["seminar", "export-quiz", str(bad)])
    assert result.exit_code == 1 and "broken.gift:1:" in result.output
    missing = runner.invoke(args=["seminar", "export-quiz", "no-such-quiz"])
    assert missing.exit_code == 1 and "no quiz 'no-such-quiz'" in missing.output


def test_every_shipped_quiz_parses_and_round_trips(tmp_path: Path) -> None:
    from seminar.core.content.quiz_export import to_gift, to_native
    from seminar.core.content.quizzes import scan_quizzes

    tree = scan_quizzes(REPO / "quizzes")
    assert tree.problems == [], [str(p) for p in tree.problems]
    assert len(tree.quizzes) == 11
    assert any(p.suffix == ".gift" for p in (REPO / "quizzes").iterdir())
    for quiz in tree.quizzes:
        assert len(quiz.questions) >= 6
        assert len({q.type for q in quiz.questions}) >= 3
        for text, suffix in ((to_gift(quiz), ".gift"), (to_native(quiz), ".md")):
            path = tmp_path / f"{quiz.slug}-roundtrip{suffix}"
            path.write_text(text)
            assert parse_quiz_file(path).quiz == quiz.__class__(
                **{**quiz.__dict__, "slug": path.stem}
            )


def test_upload_preview_then_save(client: FlaskClient, make_user, app: Flask) -> None:
    login(client, make_user("instructor"))
    assert client.get("/quizzes/manage/upload").status_code == 200
    preview = client.post(
        "/quizzes/manage/upload",
        data={"source": GIFT, "filename": "capitals.gift", "preview": "Preview"},
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Preview: not saved yet" in html and "What is the capital of France?" in html
    assert "Paris" in html and "(100%)" in html  # the author sees the key
    assert db.session.scalar(select(func.count()).select_from(Quiz)) == 0
    saved = client.post(
        "/quizzes/manage/upload",
        data={"source": GIFT, "filename": "capitals.gift", "save": "Save"},
    )
    assert saved.status_code == 302 and saved.headers["Location"] == "/quizzes/capitals"
    version = current("capitals")
    assert version.origin == "web" and version.source_format == "gift"


def test_upload_shows_errors_with_lines(client: FlaskClient, make_user) -> None:
    login(client, make_user("instructor"))
    html = client.post(
        "/quizzes/manage/upload",
        data={"source": "---\ntitle: T\n---\n\n## Q {#q}\n\n- [ ] a\n- [ ] b\n", "filename": "t.md",
              "preview": "Preview"},
    ).get_data(as_text=True)  # fmt: skip
    assert "Line 5: no choice is checked" in html
    bad_name = client.post(
        "/quizzes/manage/upload", data={"source": NATIVE, "filename": "Bad Name.md", "preview": "1"}
    ).get_data(as_text=True)
    assert "slug" in bad_name
    empty = client.post("/quizzes/manage/upload", data={"preview": "1"}).get_data(as_text=True)
    assert "Choose a quiz file or paste its text" in empty


def test_upload_of_a_file(client: FlaskClient, make_user) -> None:
    import io

    login(client, make_user("instructor"))
    response = client.post(
        "/quizzes/manage/upload",
        data={"file": (io.BytesIO(NATIVE.encode()), "sample.md"), "save": "Save"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert current("sample").title == "Sample quiz"


def test_students_cannot_upload(client: FlaskClient, make_user) -> None:
    login(client, make_user())
    assert client.get("/quizzes/manage/upload").status_code == 403
    assert client.post("/quizzes/manage/upload", data={"source": NATIVE}).status_code == 403


def test_sync_conflict_with_an_upload(
    app: Flask, client: FlaskClient, make_user, quizzes_dir: Path
) -> None:
    sync(app)
    login(client, make_user("instructor"))
    uploaded = NATIVE.replace("Sample quiz", "Uploaded title")
    client.post(
        "/quizzes/manage/upload", data={"source": uploaded, "filename": "sample.md", "save": "1"}
    )
    (quizzes_dir / "sample.md").write_text(NATIVE.replace("Sample quiz", "File title"))
    report = sync(app)
    assert any("conflict" in str(p) for p in report.conflicts)
    assert current("sample").title == "Uploaded title"


def test_sync_warns_about_a_lesson_naming_a_missing_quiz(
    app: Flask, quizzes_dir: Path, runner: FlaskCliRunner
) -> None:
    lesson = Path(app.config["LESSONS_DIR"]) / "02-more/01-third-lesson.md"
    lesson.write_text("---\ntitle: Third lesson\nquiz: no-such-quiz\n---\nWords.\n")
    (Path(app.config["LESSONS_DIR"]) / "01-basics/02-second-lesson.md").write_text(
        "---\ntitle: Second\nquiz: sample\n---\nWords.\n"
    )
    result = runner.invoke(args=["seminar", "sync"])
    assert result.exit_code == 0, result.output  # a warning, not an error
    assert "01-third-lesson.md:3: warning: quiz 'no-such-quiz' does not exist" in result.output
    assert result.output.count("does not exist") == 1  # the lesson naming "sample" is fine
