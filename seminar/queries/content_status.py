"""The content status page: each lesson and quiz file as the site serves it and as it is on
disk now, with every problem at its `path:line`.

A sync reports broken files to whoever ran it; this page reads the folders again (parsing
only, writing nothing) so an instructor sees a broken file in the browser: the version still
serving, when it was loaded, and what is wrong with the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from seminar.core.content.lessons import Settled, scan_lessons, source_hash
from seminar.core.content.problems import Problem
from seminar.core.content.quizzes import scan_quizzes
from seminar.db import db
from seminar.models import Lesson, LessonVersion, Module, ModuleVersion, Quiz

# The state of a file against what serves, in the words the page shows (and its chip).
UP_TO_DATE = ("Up to date", "ok")
CHANGED = ("Changed on disk: sync to load it", "warn")
EDITED = ("Edited in the browser since the file", "info")
BROKEN = ("Has errors: the last good version keeps serving", "bad")
NEW = ("New: not loaded yet", "warn")
MISSING = ("No file on disk: retired at the next sync", "neutral")


@dataclass
class FileStatus:
    kind: str  # "Lesson" or "Quiz"
    path: str  # as the author knows it: lessons/<module>/<file>.md, quizzes/<file>
    title: str
    state: tuple[str, str]
    version: int | None = None  # the version serving
    origin: str = ""  # "file" or "browser edit"
    loaded_at: datetime | None = None
    problems: list[str] = field(default_factory=list)  # "path:line: message"

    @property
    def broken(self) -> bool:
        return self.state == BROKEN


def _problems(found: list[Problem], folder: str, key: Any) -> dict[str, list[str]]:
    """Problems by file (`key` of a problem's path), each as "folder/file:line: message"."""
    out: dict[str, list[str]] = {}
    for p in found:
        name = key(Path(p.path))
        prefix = "" if p.severity == "error" else f"{p.severity}: "
        out.setdefault(name, []).append(f"{folder}/{name}:{p.line}: {prefix}{p.message}")
    return out


def _state(serving: Any, synced: str | None, disk: str | None, broken: bool) -> tuple[str, str]:
    if broken:
        return BROKEN
    if disk is None:
        return MISSING
    if serving is None:
        return NEW
    if disk == serving.source_hash:
        return UP_TO_DATE
    if disk == synced:  # the file is as last loaded; the serving version came from the browser
        return EDITED
    return CHANGED


def _row(kind: str, path: str, item: Any, state: tuple[str, str], problems: list[str]) -> Any:
    current = item.current
    return FileStatus(
        kind,
        path,
        current.title if current else item.slug,
        state,
        current.number if current else None,
        "browser edit" if current and current.origin.value == "web" else "file",
        current.created_at if current else None,
        problems,
    )


def settled_content() -> Settled:
    """The modules and lessons whose file text is already stored, as the sync compares them:
    a lesson's last synced file text or the text serving, a module's serving text."""
    lessons = db.session.execute(
        select(Lesson.slug, Lesson.synced_hash, LessonVersion.source_hash).outerjoin(
            LessonVersion, LessonVersion.id == Lesson.current_version_id
        )
    )
    modules = db.session.execute(
        select(Module.slug, ModuleVersion.source_hash).join(
            ModuleVersion, ModuleVersion.id == Module.current_version_id
        )
    )
    return Settled(
        modules=frozenset((slug, hashed) for slug, hashed in modules),
        lessons=frozenset(
            (slug, hashed)
            for slug, synced, serving in lessons
            for hashed in (synced, serving)
            if hashed
        ),
    )


def content_status(lessons_root: Path, quizzes_root: Path) -> list[FileStatus]:
    """Every lesson and quiz file, stored or on disk: lessons in course order, then quizzes."""
    root = lessons_root.resolve()
    tree = scan_lessons(lessons_root, settled_content())

    def relative(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name

    problems = _problems(tree.problems, "lessons", relative)
    on_disk = {p.path: p.source_hash for p in tree.lessons}
    lessons = db.session.scalars(
        select(Lesson)
        .options(joinedload(Lesson.current), joinedload(Lesson.module))
        .where(Lesson.retired.is_(False))
    ).all()
    out = [
        _row(
            "Lesson",
            f"lessons/{lesson.path}",
            lesson,
            _state(
                lesson.current,
                lesson.synced_hash,
                on_disk.get(lesson.path),
                lesson.path in problems,
            ),
            problems.get(lesson.path, []),
        )
        for lesson in sorted(lessons, key=lambda x: (x.module.position, x.position))
    ]
    stored = {lesson.path for lesson in lessons}
    broken = set(problems)
    out += _not_stored("File", "lessons", set(on_disk) | broken, stored, broken, problems)

    quizzes = scan_quizzes(quizzes_root)
    quiz_problems = _problems([*quizzes.problems, *quizzes.warnings], "quizzes", lambda p: p.name)
    files = {f.name: source_hash(f.text) for f in quizzes.files.values()}
    stored_quizzes = db.session.scalars(
        select(Quiz).options(joinedload(Quiz.current)).where(Quiz.retired.is_(False))
    ).all()
    out += [
        _row(
            "Quiz",
            f"quizzes/{quiz.path}",
            quiz,
            _state(
                quiz.current, quiz.synced_hash, files.get(quiz.path), quiz.path in quizzes.broken
            ),
            quiz_problems.get(quiz.path, []),
        )
        for quiz in sorted(stored_quizzes, key=lambda q: q.path)
    ]
    known = {q.path for q in stored_quizzes}
    names = set(files) | quizzes.broken
    out += _not_stored("Quiz", "quizzes", names, known, quizzes.broken, quiz_problems)
    return out


def _not_stored(
    kind: str,
    folder: str,
    names: set[str],
    stored: set[str],
    broken: set[str],
    problems: dict[str, list[str]],
) -> list[FileStatus]:
    """Files on disk that nothing serves yet: new, or broken before they ever loaded."""
    return [
        FileStatus(
            kind,
            f"{folder}/{name}",
            Path(name).stem,
            BROKEN if name in broken else NEW,
            problems=problems.get(name, []),
        )
        for name in sorted(names - stored)
    ]
