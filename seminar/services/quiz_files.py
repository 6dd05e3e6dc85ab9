"""Quiz files: parse a quiz's text by its format, load the quizzes folder, accept uploads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from seminar.content.gift import parse_gift_quiz
from seminar.content.lessons import source_hash
from seminar.content.problems import ContentError, Problem, display_path
from seminar.content.quiz_native import parse_native_quiz
from seminar.content.quizzes import QuizParse
from seminar.db import db
from seminar.errors import SeminarError
from seminar.models import Quiz
from seminar.models.content import Origin
from seminar.services.progress_snapshot import refresh_all
from seminar.services.quiz_sync import add_quiz_version

if TYPE_CHECKING:
    from seminar.services.content_sync import SyncReport

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FORMATS = {".md": "md", ".gift": "gift"}


@dataclass(frozen=True)
class QuizSource:
    slug: str
    filename: str
    text: str
    format: str  # "md" or "gift"


def quiz_source(filename: str, text: str) -> QuizSource:
    """Check a file name and normalise its text; raises ContentError with line 1."""
    name = Path(filename).name
    suffix = Path(name).suffix.lower()
    slug = Path(name).stem
    if suffix not in FORMATS:
        raise ContentError([Problem(name, 1, "a quiz file ends in .md or .gift")])
    if not _SLUG.match(slug):
        raise ContentError(
            [Problem(name, 1, "the file name is the quiz's slug: lowercase words and hyphens")]
        )
    return QuizSource(slug, name, text.replace("\r\n", "\n").lstrip("\ufeff"), FORMATS[suffix])


def parse_source(source: QuizSource, *, display_path: str | None = None) -> QuizParse:
    parse = parse_gift_quiz if source.format == "gift" else parse_native_quiz
    return parse(source.text, path=display_path or source.filename, slug=source.slug)


def save_upload(source: QuizSource, *, author_id: int) -> Quiz:
    """Store an uploaded quiz as a new version, exactly as a sync would."""
    parsed = parse_source(source)
    quiz = db.session.execute(select(Quiz).where(Quiz.slug == source.slug)).scalar_one_or_none()
    if quiz is None:
        quiz = Quiz(slug=source.slug, path=source.filename)
        db.session.add(quiz)
        db.session.flush()
    elif quiz.current is not None and quiz.current.source_hash == source_hash(source.text):
        raise SeminarError("Nothing changed: this is the quiz's current version.")
    quiz.retired = False
    add_quiz_version(
        quiz,
        parsed.quiz,
        source=source.text,
        source_format=source.format,
        origin=Origin.WEB,
        author_id=author_id,
    )
    db.session.commit()
    refresh_all()  # pass marks and titles feed every cohort's standing
    return quiz


def sync_quiz_folder(root: Path, report: SyncReport, *, check: bool, prefer_files: bool) -> None:
    """Load every quiz file; a broken file keeps its last good version serving."""
    if not root.is_dir():
        return  # no quizzes folder: nothing to load
    seen: dict[str, str] = {}
    loaded: set[str] = set()
    broken: set[str] = set()
    quizzes = {q.slug: q for q in db.session.scalars(select(Quiz))}
    for path in sorted(p for p in root.iterdir() if p.is_file()):
        if path.suffix.lower() not in FORMATS or path.name.lower() == "readme.md":
            continue
        shown = display_path(str(path))
        try:
            source = quiz_source(path.name, path.read_text(encoding="utf-8"))
            if source.slug in seen:
                raise ContentError(
                    [
                        Problem(
                            shown,
                            1,
                            f"quiz slug '{source.slug}' is also used by {seen[source.slug]}",
                        )
                    ]
                )
            seen[source.slug] = path.name
            parsed = parse_source(source, display_path=shown)
        except UnicodeDecodeError as exc:
            report.problems.append(Problem(shown, 1, f"not UTF-8 text ({exc.reason})"))
            broken.add(Path(path.name).stem)
            continue
        except ContentError as exc:
            report.problems.extend(
                Problem(shown, p.line, p.message, p.severity) for p in exc.problems
            )
            broken.add(Path(path.name).stem)
            continue
        report.warnings.extend(parsed.warnings)
        loaded.add(source.slug)
        if check:
            report.new.append(f"quizzes/{path.name}")
            continue
        _store(quizzes, source, parsed, report, prefer_files=prefer_files)
    if check:
        return
    for slug, quiz in quizzes.items():
        if slug not in loaded and slug not in broken and not quiz.retired and quiz.synced_hash:
            quiz.retired = True
            report.removed.append(f"quizzes/{quiz.path}")


def _store(
    quizzes: dict[str, Quiz],
    source: QuizSource,
    parsed: QuizParse,
    report: SyncReport,
    *,
    prefer_files: bool,
) -> None:
    label = f"quizzes/{source.filename}"
    digest = source_hash(source.text)
    quiz = quizzes.get(source.slug)
    if quiz is None:
        quiz = quizzes[source.slug] = Quiz(slug=source.slug, path=source.filename)
        db.session.add(quiz)
        db.session.flush()
        report.new.append(label)
    else:
        quiz.retired, quiz.path = False, source.filename
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
        quiz, parsed.quiz, source=source.text, source_format=source.format, origin=Origin.FILE
    )
    quiz.synced_hash = digest
