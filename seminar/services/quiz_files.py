"""Quiz files in the database: load the quizzes folder, accept browser uploads."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from seminar.core.content.lessons import source_hash
from seminar.core.content.problems import ContentError, InvalidContent, Problem, SyncReport
from seminar.core.content.quizzes import (
    QuizFile,
    QuizParse,
    parse_quiz,
    quiz_file,
    scan_quizzes,
    slug_of,
)
from seminar.core.errors import SeminarError
from seminar.db import db
from seminar.models import Quiz
from seminar.models.content import Origin
from seminar.services import standing
from seminar.services.quiz_sync import add_quiz_version


def read_upload(name: str, text: str) -> tuple[QuizFile, QuizParse]:
    """A quiz sent through the browser, parsed as a sync would parse its file, except that
    questions with errors are listed (`QuizParse.skipped`) rather than refusing the file;
    problems of the file itself are shown under the file name or the text, by line."""
    try:
        file = quiz_file(name, text)
    except ContentError as exc:
        raise InvalidContent(exc.problems, field="filename") from None
    try:
        return file, parse_quiz(file, partial=True)
    except ContentError as exc:
        raise InvalidContent(exc.problems, field="source") from None


def save_upload(file: QuizFile, *, author_id: int, partial: bool = False) -> tuple[Quiz, QuizParse]:
    """Store an uploaded quiz as a new version, exactly as a sync would; with `partial`, the
    questions that load when others have errors (the version keeps the whole text)."""
    file, parsed = read_upload(file.name, file.text)
    if parsed.failed and not partial:
        count = len(parsed.failed)
        raise SeminarError(
            f"{count} question{'s' if count > 1 else ''} of the file cannot be loaded (listed "
            "below): fix the file, or import the questions that load.",
            field="source",
        )
    quiz = db.session.execute(select(Quiz).where(Quiz.slug == file.slug)).scalar_one_or_none()
    if quiz is None:
        quiz = Quiz(slug=file.slug, path=file.name)
        db.session.add(quiz)
        db.session.flush()
    elif quiz.current is not None and quiz.current.source_hash == source_hash(file.text):
        raise SeminarError("Nothing changed: this is the quiz's current version.", field="source")
    quiz.retired = False
    before = standing.content_snapshot()
    add_quiz_version(
        quiz,
        parsed.quiz,
        source=file.text,
        source_format=file.format,
        origin=Origin.WEB,
        author_id=author_id,
    )
    standing.mark_moved(before)  # a new title or pass mark moves the cohorts taking it
    return quiz, parsed


def sync_quiz_folder(root: Path, report: SyncReport, *, check: bool, prefer_files: bool) -> None:
    """Load every quiz file; a broken file keeps its last good version serving."""
    if not root.is_dir():
        return  # no quizzes folder: nothing to load
    tree = scan_quizzes(root)
    report.problems.extend(tree.problems)
    report.warnings.extend(tree.warnings)
    broken = {slug_of(name) for name in tree.broken}
    if check:
        report.new.extend(f"quizzes/{file.name}" for file in tree.files.values())
        return
    quizzes = {q.slug: q for q in db.session.scalars(select(Quiz))}
    for model in tree.quizzes:
        _store(
            quizzes, tree.files[model.slug], QuizParse(model, ()), report, prefer_files=prefer_files
        )
    for slug, quiz in quizzes.items():
        if slug not in tree.files and slug not in broken and not quiz.retired and quiz.synced_hash:
            quiz.retired = True
            report.removed.append(f"quizzes/{quiz.path}")


def _store(
    quizzes: dict[str, Quiz],
    file: QuizFile,
    parsed: QuizParse,
    report: SyncReport,
    *,
    prefer_files: bool,
) -> None:
    label = f"quizzes/{file.name}"
    digest = source_hash(file.text)
    quiz = quizzes.get(file.slug)
    if quiz is None:
        quiz = quizzes[file.slug] = Quiz(slug=file.slug, path=file.name)
        db.session.add(quiz)
        db.session.flush()
        report.new.append(label)
    else:
        quiz.retired, quiz.path = False, file.name
        current = quiz.current
        if quiz.synced_hash == digest or (current is not None and current.source_hash == digest):
            quiz.synced_hash = digest
            report.unchanged.append(label)
            return
        if current is not None and current.origin == Origin.WEB and not prefer_files:
            report.conflicts.append(
                Problem(
                    label,
                    1,
                    f"conflict: the file changed and the quiz was uploaded in the browser "
                    f"(version {current.number}); the uploaded version keeps serving. Copy it "
                    "into the file, or sync with --prefer-files to replace it",
                )
            )
            return
        report.changed.append(label)
    add_quiz_version(
        quiz, parsed.quiz, source=file.text, source_format=file.format, origin=Origin.FILE
    )
    quiz.synced_hash = digest
