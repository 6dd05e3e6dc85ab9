"""Read-side queries for lessons: the catalogue, a lesson's neighbours, a student's progress.

Each function runs a fixed number of queries, whatever the number of lessons or students.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import joinedload

from seminar.db import db
from seminar.models import (
    Cohort,
    CohortMember,
    Lesson,
    LessonCompletion,
    LessonVersion,
    MemberRole,
    Module,
    ModuleVersion,
    ProgramVersion,
    User,
)


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


def _live_lessons() -> Sequence[Row[Any]]:
    """Live lessons in order, with only what a listing shows.

    Plain rows rather than ORM objects, and no lesson's HTML or source: every lesson page
    builds the whole catalogue (for its neighbours and the progress bar).
    """
    return db.session.execute(
        select(
            Lesson.id,
            Lesson.slug,
            LessonVersion.title,
            LessonVersion.summary,
            LessonVersion.minutes,
            Module.id.label("module_id"),
            Module.slug.label("module_slug"),
            ModuleVersion.title.label("module_title"),
            ModuleVersion.summary.label("module_summary"),
            ModuleVersion.intro_html,
        )
        .join(LessonVersion, Lesson.current_version_id == LessonVersion.id)
        .join(Module, Lesson.module_id == Module.id)
        .outerjoin(ModuleVersion, Module.current_version_id == ModuleVersion.id)
        .where(Lesson.retired.is_(False), Module.retired.is_(False))
        .order_by(Module.position, Lesson.position)
    ).all()


def completed_lesson_ids(user_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(LessonCompletion.lesson_id).where(LessonCompletion.user_id == user_id)
        )
    )


def visible_lessons(user: User) -> frozenset[str] | None:
    """The lesson slugs this person may read: None for everything (staff, or a student whose
    program covers all lessons); otherwise the lessons of their cohorts' programs (none for a
    student in no cohort). One query."""
    if user.is_staff:
        return None
    slugs: set[str] = set()
    for data in db.session.scalars(
        select(ProgramVersion.data)
        .join(Cohort, Cohort.program_version_id == ProgramVersion.id)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user.id, CohortMember.role == MemberRole.STUDENT)
    ):
        listed = data.get("lessons")
        if listed is None:
            return None  # "lessons: all"
        slugs.update(listed)
    return frozenset(slugs)


def catalogue(
    user_id: int, visible: frozenset[str] | None = None
) -> tuple[list[ModuleEntry], Progress]:
    """Modules in order with their lessons (all, or the `visible` ones) and the student's
    completion of each."""
    done_ids = completed_lesson_ids(user_id)
    modules: dict[int, ModuleEntry] = {}
    for row in _live_lessons():
        if visible is not None and row.slug not in visible:
            continue
        entry = modules.get(row.module_id)
        if entry is None:
            entry = modules[row.module_id] = ModuleEntry(
                slug=row.module_slug,
                title=row.module_title or row.module_slug,
                summary=row.module_summary or "",
                intro_html=row.intro_html or "",
            )
        entry.lessons.append(
            LessonEntry(
                slug=row.slug,
                title=row.title,
                summary=row.summary,
                minutes=row.minutes,
                done=row.id in done_ids,
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


def lesson_page(
    slug: str, user_id: int, visible: frozenset[str] | None = None
) -> LessonPage | None:
    modules, progress = catalogue(user_id, visible)
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
