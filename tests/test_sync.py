"""The content sync: versions, broken files, conflicts with browser edits, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from seminar.db import db
from seminar.models import Lesson, LessonVersion, Module
from seminar.models.content import Origin
from seminar.services.content_sync import sync_lessons
from seminar.services.lessons import save_web_edit


def lesson(slug: str) -> Lesson:
    return db.session.execute(select(Lesson).where(Lesson.slug == slug)).scalar_one()


def version_count(slug: str) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(LessonVersion)
            .join(Lesson, LessonVersion.lesson_id == Lesson.id)
            .where(Lesson.slug == slug)
        )
        or 0
    )


def test_first_sync_loads_everything(app: Flask, lessons_dir: Path) -> None:
    report = sync_lessons(lessons_dir)
    assert report.ok
    assert sorted(report.new) == [
        "01-basics/01-first-lesson.md",
        "01-basics/02-second-lesson.md",
        "01-basics/_module.md",
        "02-more/01-third-lesson.md",
        "02-more/_module.md",
    ]
    first = lesson("first-lesson")
    assert first.current is not None
    assert first.current.number == 1
    assert first.current.origin == Origin.FILE
    assert 'src="/lessons/assets/01-basics/img/diagram.svg"' in first.current.html


def test_second_sync_changes_nothing(app: Flask, lessons_dir: Path, synced: None) -> None:
    report = sync_lessons(lessons_dir)
    assert report.new == [] and report.changed == []
    assert len(report.unchanged) == 5
    assert version_count("first-lesson") == 1


def test_unchanged_files_are_checked_but_not_rendered_again(
    app: Flask, lessons_dir: Path, synced: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendering is most of a sync's cost: a file whose text is stored keeps its stored HTML,
    so only the changed one is rendered, and a picture deleted under an unchanged lesson is
    still found."""
    import seminar.core.content.lessons as lessons_module

    rendered: list[str] = []
    real = lessons_module.render_markdown

    def counting(text: str, *, base_dir: str = "") -> object:
        rendered.append(text)
        return real(text, base_dir=base_dir)

    monkeypatch.setattr(lessons_module, "render_markdown", counting)
    path = lessons_dir / "01-basics/02-second-lesson.md"
    path.write_text(path.read_text().replace("As taught", "Now taught"))
    report = sync_lessons(lessons_dir)
    assert report.changed == ["01-basics/02-second-lesson.md"]
    assert len(rendered) == 1 and "Now taught" in rendered[0]
    assert "Now taught" in lesson("second-lesson").current.html

    (lessons_dir / "01-basics/img/diagram.svg").unlink()
    report = sync_lessons(lessons_dir)
    assert [p.path for p in report.problems] == [str(lessons_dir / "01-basics/01-first-lesson.md")]
    assert "diagram.svg' not found" in report.problems[0].message
    assert 'src="/lessons/assets/01-basics/img/diagram.svg"' in lesson("first-lesson").current.html


def test_changed_file_becomes_a_new_version(app: Flask, lessons_dir: Path, synced: None) -> None:
    path = lessons_dir / "01-basics/02-second-lesson.md"
    path.write_text(path.read_text().replace("As taught", "Now taught"))
    report = sync_lessons(lessons_dir)
    assert report.changed == ["01-basics/02-second-lesson.md"]
    second = lesson("second-lesson")
    assert second.current.number == 2
    assert "Now taught" in second.current.html
    old = db.session.execute(
        select(LessonVersion).where(LessonVersion.lesson_id == second.id, LessonVersion.number == 1)
    ).scalar_one()
    assert "As taught" in old.html  # history is kept


def test_broken_file_keeps_last_good_version(app: Flask, lessons_dir: Path, synced: None) -> None:
    path = lessons_dir / "01-basics/01-first-lesson.md"
    path.write_text("---\ntitle: Broken\nminutes: soon\n---\nBody\n")
    report = sync_lessons(lessons_dir)
    assert not report.ok
    assert [str(p).rsplit("lessons/", 1)[-1] for p in report.problems] == [
        "01-basics/01-first-lesson.md:3: 'minutes' must be a whole number from 1 to 600"
    ]
    first = lesson("first-lesson")
    assert first.current.title == "First lesson" and not first.retired
    assert version_count("first-lesson") == 1


def test_deleted_file_retires_the_lesson(app: Flask, lessons_dir: Path, synced: None) -> None:
    (lessons_dir / "02-more/01-third-lesson.md").unlink()
    report = sync_lessons(lessons_dir)
    assert report.removed == ["02-more/01-third-lesson.md"]
    assert lesson("third-lesson").retired
    (lessons_dir / "02-more").joinpath("01-third-lesson.md").write_text(
        "---\ntitle: Back\n---\nx\n"
    )
    sync_lessons(lessons_dir)
    assert not lesson("third-lesson").retired


def test_check_mode_writes_nothing(app: Flask, lessons_dir: Path) -> None:
    report = sync_lessons(lessons_dir, check=True)
    assert report.ok
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 0
    assert db.session.scalar(select(func.count()).select_from(Module)) == 0


def _edit_in_browser(slug: str, text: str, author_id: int, root: Path) -> None:
    item = lesson(slug)
    save_web_edit(
        item, text, author_id=author_id, base_version_id=item.current_version_id, lessons_root=root
    )


def test_browser_edit_survives_a_sync_of_an_unchanged_file(
    app: Flask, lessons_dir: Path, synced: None, make_user
) -> None:
    author = make_user("instructor")
    _edit_in_browser(
        "second-lesson", "---\ntitle: Edited\n---\nEdited body\n", author.id, lessons_dir
    )
    report = sync_lessons(lessons_dir)
    assert report.ok
    assert lesson("second-lesson").current.title == "Edited"


def test_conflict_keeps_the_browser_version(
    app: Flask, lessons_dir: Path, synced: None, make_user
) -> None:
    author = make_user("instructor")
    _edit_in_browser(
        "second-lesson", "---\ntitle: Edited\n---\nEdited body\n", author.id, lessons_dir
    )
    (lessons_dir / "01-basics/02-second-lesson.md").write_text("---\ntitle: File\n---\nFile body\n")
    report = sync_lessons(lessons_dir)
    assert not report.ok
    (conflict,) = report.conflicts
    assert "02-second-lesson.md:1: conflict" in str(conflict)
    assert lesson("second-lesson").current.title == "Edited"
    # Asked explicitly, the file wins, as a new version; nothing is lost from history.
    report = sync_lessons(lessons_dir, prefer_files=True)
    assert report.ok and report.changed == ["01-basics/02-second-lesson.md"]
    assert lesson("second-lesson").current.title == "File"
    assert version_count("second-lesson") == 3


def test_conflict_resolves_when_the_file_matches_the_edit(
    app: Flask, lessons_dir: Path, synced: None, make_user
) -> None:
    author = make_user("instructor")
    edited = "---\ntitle: Edited\n---\nEdited body\n"
    _edit_in_browser("second-lesson", edited, author.id, lessons_dir)
    (lessons_dir / "01-basics/02-second-lesson.md").write_text(edited)
    report = sync_lessons(lessons_dir)
    assert report.ok
    assert version_count("second-lesson") == 2


def test_cli_sync_prints_what_changed(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["seminar", "sync"])
    assert result.exit_code == 0, result.output
    assert "new       " in result.output
    assert "content files: 5 new, 0 changed, 0 unchanged, 0 removed" in result.output
    result = runner.invoke(args=["seminar", "sync"])
    assert "0 new, 0 changed, 5 unchanged" in result.output


def test_cli_sync_reports_errors_and_exits_1(
    app: Flask, runner: FlaskCliRunner, lessons_dir: Path, synced: None
) -> None:
    (lessons_dir / "02-more/01-third-lesson.md").write_text("---\ntitle: [oops\n---\nx\n")
    result = runner.invoke(args=["seminar", "sync"])
    assert result.exit_code == 1
    assert "02-more/01-third-lesson.md:2: invalid YAML" in result.output
    assert "last good version" in result.output
    assert lesson("third-lesson").current.title == "Third lesson"


def test_cli_check_validates_without_writing(
    app: Flask, runner: FlaskCliRunner, lessons_dir: Path
) -> None:
    result = runner.invoke(args=["seminar", "sync", "--check"])
    assert result.exit_code == 0, result.output
    assert "checked 3 lesson and quiz files" in result.output
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 0
    (lessons_dir / "02-more/01-third-lesson.md").write_text("---\ntitle: T\nbad: 1\n---\nx\n")
    result = runner.invoke(args=["seminar", "sync", "--check"])
    assert result.exit_code == 1
    assert "01-third-lesson.md:3: unknown key 'bad'" in result.output
