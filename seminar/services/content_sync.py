"""Load the lessons folder into versioned content, in one transaction.

A file that fails to parse is reported and skipped: its last good version keeps serving. A
file changed on disk while its lesson was also edited in the browser since the last sync is a
conflict: the browser's version keeps serving unless the caller asks to prefer the files.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from seminar.core.content.lessons import (
    LessonTree,
    ParsedLesson,
    ParsedModule,
    Settled,
    scan_lessons,
)
from seminar.core.content.problems import Problem, SyncReport
from seminar.db import db, next_number
from seminar.models import Lesson, LessonVersion, Module, ModuleVersion, Quiz
from seminar.models.content import Origin
from seminar.queries.content_status import settled_content
from seminar.services import standing
from seminar.services.program_sync import sync_programs
from seminar.services.quiz_files import sync_quiz_folder


def sync_content(
    lessons_root: Path,
    quizzes_root: Path | None = None,
    *,
    check: bool = False,
    prefer_files: bool = False,
) -> SyncReport:
    """Load lessons and quizzes in the caller's transaction: all that parses lands (when it
    commits), or nothing does; with `check`, nothing is written."""
    tree = scan_lessons(lessons_root, Settled() if check else settled_content())
    before = None if check else standing.content_snapshot()
    report = SyncReport(problems=list(tree.problems))
    if check:
        report.new = [p.path for p in tree.lessons]  # parsed fine; nothing written
    else:
        modules = _sync_modules(tree, report)
        _sync_lesson_files(tree, modules, report, prefer_files=prefer_files)
    if quizzes_root is not None:
        sync_quiz_folder(quizzes_root, report, check=check, prefer_files=prefer_files)
        _check_quiz_links(tree, lessons_root, report)
        # Programs name lessons and quizzes, so they load last.
        sync_programs(
            lessons_root / "program.yml",
            report,
            check=check,
            lesson_slugs=_known_lesson_slugs(tree),
            quiz_slugs=_known_quiz_slugs(report),
        )
    db.session.flush()
    if before is not None and (report.new or report.changed or report.removed):
        standing.mark_moved(before)
    return report


def _known_lesson_slugs(tree: LessonTree) -> set[str]:
    """Lessons parsed now, plus those still serving a last good version."""
    stored = db.session.scalars(select(Lesson.slug).where(Lesson.retired.is_(False)))
    return {p.slug for p in tree.lessons} | set(stored)


def _known_quiz_slugs(report: SyncReport) -> set[str]:
    """Quizzes stored (this sync's included, by autoflush) and, with --check, those parsed."""
    known = set(db.session.scalars(select(Quiz.slug).where(Quiz.retired.is_(False))))
    known.update(Path(p).stem for p in report.new if p.startswith("quizzes/"))
    return known


def _check_quiz_links(tree: LessonTree, lessons_root: Path, report: SyncReport) -> None:
    """A lesson may name its module quiz; warn when no such quiz is loaded."""
    known = _known_quiz_slugs(report)
    for lesson in tree.lessons:
        if lesson.quiz and lesson.quiz not in known:
            report.warnings.append(
                Problem(
                    str(lessons_root / lesson.path),
                    lesson.quiz_line,
                    f"quiz '{lesson.quiz}' does not exist in the quizzes folder",
                    severity="warning",
                )
            )


def sync_lessons(root: Path, *, check: bool = False, prefer_files: bool = False) -> SyncReport:
    return sync_content(root, None, check=check, prefer_files=prefer_files)


def _sync_modules(tree: LessonTree, report: SyncReport) -> dict[str, Module]:
    existing = {
        m.slug: m for m in db.session.scalars(select(Module).options(selectinload(Module.current)))
    }
    parsed_slugs = {p.slug for p in tree.modules}
    broken_dirs = {b.split("/", 1)[0] for b in tree.broken if b.endswith("/_module.md")}
    for parsed in tree.modules:
        module = existing.get(parsed.slug)
        if module is None:
            module = Module(slug=parsed.slug, position=parsed.position, dirname=parsed.dirname)
            db.session.add(module)
            existing[parsed.slug] = module
            db.session.flush()
            report.new.append(f"{parsed.dirname}/_module.md")
        elif module.current and module.current.source_hash == parsed.source_hash:
            module.position, module.dirname, module.retired = parsed.position, parsed.dirname, False
            report.unchanged.append(f"{parsed.dirname}/_module.md")
            continue
        else:
            report.changed.append(f"{parsed.dirname}/_module.md")
        module.position, module.dirname, module.retired = parsed.position, parsed.dirname, False
        module.current = _module_version(module, parsed)
    for slug, module in existing.items():
        if slug not in parsed_slugs and module.dirname not in broken_dirs and not module.retired:
            module.retired = True
            report.removed.append(f"{module.dirname}/")
    return existing


def _module_version(module: Module, parsed: ParsedModule) -> ModuleVersion:
    _rendered(parsed)
    version = ModuleVersion(
        module_id=module.id,
        number=next_number(ModuleVersion.number, ModuleVersion.module_id == module.id),
        title=parsed.title,
        summary=parsed.summary,
        intro_html=parsed.intro_html,
        source=parsed.source,
        source_hash=parsed.source_hash,
    )
    db.session.add(version)
    db.session.flush()
    return version


def _sync_lesson_files(
    tree: LessonTree, modules: dict[str, Module], report: SyncReport, *, prefer_files: bool
) -> None:
    existing = {
        lesson.slug: lesson
        for lesson in db.session.scalars(select(Lesson).options(selectinload(Lesson.current)))
    }
    for parsed in tree.lessons:
        module = modules.get(parsed.module_slug)
        if module is None:  # its _module.md never loaded; the lesson waits for it
            report.problems.append(
                Problem(parsed.path, 1, "not loaded: its module's _module.md has errors")
            )
            continue
        lesson = existing.get(parsed.slug)
        if lesson is None:
            lesson = Lesson(slug=parsed.slug, module_id=module.id, position=parsed.position)
            lesson.path = parsed.path
            db.session.add(lesson)
            db.session.flush()
            lesson.current = add_lesson_version(lesson, parsed, origin=Origin.FILE)
            lesson.synced_hash = parsed.source_hash
            report.new.append(parsed.path)
            continue

        lesson.module_id, lesson.position, lesson.path, lesson.retired = (
            module.id,
            parsed.position,
            parsed.path,
            False,
        )
        current = lesson.current
        if lesson.synced_hash == parsed.source_hash or (
            current is not None and current.source_hash == parsed.source_hash
        ):
            # The file has not changed since the last sync (a browser edit, if any, stands),
            # or it now holds exactly what is serving.
            lesson.synced_hash = parsed.source_hash
            report.unchanged.append(parsed.path)
            continue
        edited_in_browser = current is not None and current.origin == Origin.WEB
        if edited_in_browser and not prefer_files:
            report.conflicts.append(
                Problem(
                    parsed.path,
                    1,
                    f"conflict: the file changed and the lesson was edited in the browser "
                    f"(version {current.number}); the browser's version keeps serving. Copy it "
                    "into the file, or sync with --prefer-files to replace it",
                )
            )
            continue
        lesson.current = add_lesson_version(lesson, parsed, origin=Origin.FILE)
        lesson.synced_hash = parsed.source_hash
        report.changed.append(parsed.path)

    parsed_slugs = {p.slug for p in tree.lessons}
    for slug, lesson in existing.items():
        if slug not in parsed_slugs and lesson.path not in tree.broken and not lesson.retired:
            lesson.retired = True
            report.removed.append(lesson.path)


def add_lesson_version(
    lesson: Lesson,
    parsed: ParsedLesson,
    *,
    origin: Origin,
    author_id: int | None = None,
    note: str = "",
) -> LessonVersion:
    """Store a parsed lesson as the lesson's next version (the caller makes it current)."""
    _rendered(parsed)
    version = LessonVersion(
        lesson_id=lesson.id,
        number=next_number(LessonVersion.number, LessonVersion.lesson_id == lesson.id),
        origin=origin,
        author_id=author_id,
        note=note,
        title=parsed.title,
        summary=parsed.summary,
        minutes=parsed.minutes,
        objectives=list(parsed.objectives),
        evidence=parsed.evidence,
        quiz_slug=parsed.quiz,
        html=parsed.html,
        toc=list(parsed.toc),
        source=parsed.source,
        source_hash=parsed.source_hash,
    )
    db.session.add(version)
    db.session.flush()
    return version


def _rendered(parsed: ParsedLesson | ParsedModule) -> None:
    # Only a file already stored is left unrendered, and the sync never stores it again.
    if not parsed.rendered:
        raise RuntimeError(f"{parsed.slug}: a version would be stored without its HTML")
