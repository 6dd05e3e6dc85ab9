"""Writes on lessons: a browser edit becomes a new version; students mark lessons complete."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, select

from seminar.core.content.lessons import ParsedLesson, asset_checker, parse_lesson_text
from seminar.core.content.problems import ContentError, InvalidContent
from seminar.core.errors import Conflict, SeminarError
from seminar.db import db, insert_ignore, now_utc
from seminar.models import Lesson, LessonCompletion, LessonVersion
from seminar.models.content import Origin
from seminar.services import standing
from seminar.services.content_sync import add_lesson_version


class LessonNotFound(SeminarError):
    pass


def parse_edit(lesson: Lesson, source: str, lessons_root: Path) -> ParsedLesson:
    """Parse browser-edited source exactly as a sync parses the file; each problem is shown
    under the source, by its line."""
    try:
        return parse_lesson_text(
            source.replace("\r\n", "\n"),
            path=lesson.path,
            slug=lesson.slug,
            module_slug=lesson.module.slug,
            position=lesson.position,
            rel_path=lesson.path,
            asset_exists=asset_checker(lessons_root),
        )
    except ContentError as exc:
        raise InvalidContent(exc.problems, field="source") from None


def save_web_edit(
    lesson: Lesson,
    source: str,
    *,
    author_id: int,
    base_version_id: int | None,
    lessons_root: Path,
    note: str = "",
) -> LessonVersion:
    """Save an edit as a new version. Refuses when someone saved since the editor opened."""
    if lesson.current_version_id != base_version_id:
        number = lesson.current.number if lesson.current else "?"
        raise Conflict(
            f"Someone saved version {number} while you were editing. Your text is below: "
            "compare it with the current version, then save again.",
            field="source",
        )
    parsed = parse_edit(lesson, source, lessons_root)
    if lesson.current and lesson.current.source_hash == parsed.source_hash:
        raise SeminarError(
            "Nothing changed: the text is the same as the current version.", field="source"
        )
    version = add_lesson_version(
        lesson, parsed, origin=Origin.WEB, author_id=author_id, note=note.strip()
    )
    lesson.current = version
    db.session.flush()
    return version


def restore_version(
    lesson: Lesson, version: LessonVersion, *, author_id: int, lessons_root: Path
) -> LessonVersion:
    """Make an old version current again, as a new version (history is never rewritten)."""
    return save_web_edit(
        lesson,
        version.source,
        author_id=author_id,
        base_version_id=lesson.current_version_id,
        lessons_root=lessons_root,
        note=f"Restored version {version.number}",
    )


def set_complete(user_id: int, slug: str, done: bool) -> None:
    lesson = db.session.execute(
        select(Lesson).where(Lesson.slug == slug, Lesson.retired.is_(False))
    ).scalar_one_or_none()
    if lesson is None or lesson.current_version_id is None:
        raise LessonNotFound(slug)
    if not done:
        db.session.execute(
            delete(LessonCompletion).where(
                LessonCompletion.user_id == user_id, LessonCompletion.lesson_id == lesson.id
            )
        )
        standing.mark_student(user_id)
        return
    # Already complete (a double click, or two tabs): the first completion stands.
    if insert_ignore(
        LessonCompletion,
        {
            "user_id": user_id,
            "lesson_id": lesson.id,
            "lesson_version_id": lesson.current_version_id,
            "completed_at": now_utc(),
        },
        keys=("user_id", "lesson_id"),
    ):
        standing.mark_student(user_id)
