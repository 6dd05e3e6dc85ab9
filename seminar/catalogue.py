"""Read-side queries for lessons: the catalogue, a lesson's neighbours, a student's progress.

Each function runs a fixed number of queries, whatever the number of lessons or students.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from seminar.db import db
from seminar.models import Lesson, LessonCompletion, LessonVersion, Module


@dataclass(frozen=True)
class LessonEntry:
    slug: str
    title: str
    summary: str
    minutes: int
    done: bool


@dataclass
class ModuleEntry:
    slug: str
    title: str
    summary: str
    intro_html: str
    lessons: list[LessonEntry] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.done)

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def _live_lessons() -> list[tuple[Lesson, LessonVersion, Module]]:
    rows = db.session.execute(
        select(Lesson, LessonVersion, Module)
        .join(LessonVersion, Lesson.current_version_id == LessonVersion.id)
        .join(Module, Lesson.module_id == Module.id)
        .options(joinedload(Module.current))
        .where(Lesson.retired.is_(False), Module.retired.is_(False))
        .order_by(Module.position, Lesson.position)
    ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def completed_lesson_ids(user_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(LessonCompletion.lesson_id).where(LessonCompletion.user_id == user_id)
        )
    )


def catalogue(user_id: int) -> tuple[list[ModuleEntry], Progress]:
    """Modules in order with their lessons and the student's completion of each."""
    done_ids = completed_lesson_ids(user_id)
    modules: dict[int, ModuleEntry] = {}
    for lesson, version, module in _live_lessons():
        entry = modules.get(module.id)
        if entry is None:
            mv = module.current
            entry = modules[module.id] = ModuleEntry(
                slug=module.slug,
                title=mv.title if mv else module.slug,
                summary=mv.summary if mv else "",
                intro_html=mv.intro_html if mv else "",
            )
        entry.lessons.append(
            LessonEntry(
                slug=lesson.slug,
                title=version.title,
                summary=version.summary,
                minutes=version.minutes,
                done=lesson.id in done_ids,
            )
        )
    entries = list(modules.values())
    total = sum(len(m.lessons) for m in entries)
    done = sum(m.done for m in entries)
    return entries, Progress(done=done, total=total)


@dataclass(frozen=True)
class LessonPage:
    lesson: Lesson
    version: LessonVersion
    module_title: str
    previous: LessonEntry | None
    next: LessonEntry | None
    done: bool
    progress: Progress
    position: int  # 1-based place of this lesson in its module
    module_size: int


def lesson_page(slug: str, user_id: int) -> LessonPage | None:
    modules, progress = catalogue(user_id)
    flat = [(m, entry) for m in modules for entry in m.lessons]
    index = next((i for i, (_, e) in enumerate(flat) if e.slug == slug), None)
    if index is None:
        return None
    lesson = db.session.execute(
        select(Lesson).options(joinedload(Lesson.current)).where(Lesson.slug == slug)
    ).scalar_one()
    module, entry = flat[index]
    assert lesson.current is not None
    return LessonPage(
        lesson=lesson,
        version=lesson.current,
        module_title=module.title,
        previous=flat[index - 1][1] if index > 0 else None,
        next=flat[index + 1][1] if index + 1 < len(flat) else None,
        done=entry.done,
        progress=progress,
        position=module.lessons.index(entry) + 1,
        module_size=len(module.lessons),
    )
