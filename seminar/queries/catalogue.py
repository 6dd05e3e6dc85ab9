"""Read-side queries for lessons: the catalogue, a lesson's neighbours, a student's progress.

Each function runs a fixed number of queries, whatever the number of lessons or students.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Select, bindparam, select
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
from seminar.queries.content_cache import cached


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
        # Rounded down, as every standing is: 1 of 27 reads 3%, never the 4% it has not reached.
        return 100 * self.done // self.total if self.total else 0


def _live_lessons() -> Sequence[Row[Any]]:
    """Live lessons in order, with only what a listing shows, cached per content revision:
    every lesson page builds the whole catalogue (for its neighbours and the progress bar)."""
    return cached("outline", _query_live_lessons)


def _query_live_lessons() -> Sequence[Row[Any]]:
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
            LessonVersion.quiz_slug,
        )
        .join(LessonVersion, Lesson.current_version_id == LessonVersion.id)
        .join(Module, Lesson.module_id == Module.id)
        .outerjoin(ModuleVersion, Module.current_version_id == ModuleVersion.id)
        .where(Lesson.retired.is_(False), Module.retired.is_(False))
        .order_by(Module.position, Lesson.position)
    ).all()


def lesson_titles() -> dict[str, str]:
    """Every live lesson's title by slug, in course order (from the cached outline): pages
    name lessons by their titles, never their slugs."""
    return {row.slug: row.title for row in _live_lessons()}


def lessons_by_module() -> list[tuple[str, list[tuple[str, str]]]]:
    """(module title, [(lesson slug, title)...]) in course order, for lesson pickers."""
    modules: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for row in _live_lessons():
        title = row.module_title or row.module_slug
        modules.setdefault(row.module_id, (title, []))[1].append((row.slug, row.title))
    return list(modules.values())


def quiz_order(slugs_and_titles: list[tuple[str, str]]) -> list[str]:
    """Quiz slugs in module order: where the first lesson that names the quiz (`quiz:` in its
    front matter) stands in the course; quizzes no lesson names follow, by title."""
    first: dict[str, int] = {}
    for i, row in enumerate(_live_lessons()):
        if row.quiz_slug:
            first.setdefault(row.quiz_slug, i)
    unplaced = len(first)
    ordered = sorted(
        slugs_and_titles, key=lambda st: (first.get(st[0], unplaced), st[1].casefold(), st[0])
    )
    return [slug for slug, _ in ordered]


@functools.cache
def _completed_query() -> Select[tuple[int]]:
    # Built once: lesson pages run it on every request.
    return select(LessonCompletion.lesson_id).where(LessonCompletion.user_id == bindparam("user"))


def completed_lesson_ids(user_id: int) -> set[int]:
    # Through the session's connection: plain column values, no ORM step (half the cost).
    return set(db.session.connection().execute(_completed_query(), {"user": user_id}).scalars())


def visible_lessons(user: User) -> frozenset[str] | None:
    """The lesson slugs this person may read: None for everything (staff, or a student whose
    program covers all lessons); otherwise the lessons of their cohorts' programs (none for a
    student in no cohort). Cached per content revision (which enrolments change)."""
    if user.is_staff:
        return None
    return cached(("visible", user.id), lambda: _query_visible(user.id))


def _query_visible(user_id: int) -> frozenset[str] | None:
    slugs: set[str] = set()
    for data in db.session.scalars(
        select(ProgramVersion.data)
        .join(Cohort, Cohort.program_version_id == ProgramVersion.id)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id, CohortMember.role == MemberRole.STUDENT)
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
        entry.lessons.append(_entry(row, done_ids))
    entries = list(modules.values())
    total = sum(len(m.lessons) for m in entries)
    done = sum(m.done for m in entries)
    return entries, Progress(done=done, total=total)


@dataclass(frozen=True)
class LessonView:
    """A lesson's current version as its page shows it: plain values, safe to share."""

    number: int
    title: str
    summary: str
    minutes: int
    objectives: tuple[str, ...]
    evidence: str | None
    quiz_slug: str | None
    html: str
    toc: tuple[dict[str, Any], ...]


def _current_version(slug: str) -> LessonView:
    version = db.session.execute(
        select(LessonVersion)
        .join(Lesson, Lesson.current_version_id == LessonVersion.id)
        .where(Lesson.slug == slug)
    ).scalar_one()
    return LessonView(
        number=version.number,
        title=version.title,
        summary=version.summary,
        minutes=version.minutes,
        objectives=tuple(version.objectives or ()),
        evidence=version.evidence,
        quiz_slug=version.quiz_slug,
        html=version.html,
        toc=tuple(version.toc or ()),
    )


@dataclass(frozen=True)
class LessonPage:
    slug: str
    version: LessonView
    module_title: str
    previous: LessonEntry | None
    next: LessonEntry | None
    done: bool
    progress: Progress
    position: int  # 1-based place of this lesson in its module
    module_size: int


@dataclass(frozen=True)
class _Place:
    """Where a lesson sits in one reader's outline (shared by all who see the same lessons)."""

    index: int
    module_title: str
    position: int
    module_size: int


@dataclass(frozen=True)
class _Outline:
    flat: tuple[Row[Any], ...]  # the visible lessons in course order
    places: dict[str, _Place]  # by slug
    ids: frozenset[int]


def _outline(visible: frozenset[str] | None) -> _Outline:
    rows = tuple(r for r in _live_lessons() if visible is None or r.slug in visible)
    sizes: dict[int, int] = {}
    for r in rows:
        sizes[r.module_id] = sizes.get(r.module_id, 0) + 1
    places, seen = {}, dict.fromkeys(sizes, 0)
    for i, r in enumerate(rows):
        seen[r.module_id] += 1
        places[r.slug] = _Place(
            i, r.module_title or r.module_slug, seen[r.module_id], sizes[r.module_id]
        )
    return _Outline(rows, places, frozenset(r.id for r in rows))


def _entry(row: Row[Any], done_ids: set[int]) -> LessonEntry:
    return LessonEntry(
        slug=row.slug,
        title=row.title,
        summary=row.summary,
        minutes=row.minutes,
        done=row.id in done_ids,
    )


def lesson_page(
    slug: str, user_id: int, visible: frozenset[str] | None = None
) -> LessonPage | None:
    """One lesson with its neighbours and the reader's progress: the outline and the lesson
    come from the worker's cache, so only the reader's completions are read."""
    outline = cached(("outline", visible), lambda: _outline(visible))
    place = outline.places.get(slug)
    if place is None:
        return None
    done_ids = completed_lesson_ids(user_id)
    flat, i = outline.flat, place.index
    return LessonPage(
        slug=slug,
        version=cached(("lesson", slug), lambda: _current_version(slug)),
        module_title=place.module_title,
        previous=_entry(flat[i - 1], done_ids) if i > 0 else None,
        next=_entry(flat[i + 1], done_ids) if i + 1 < len(flat) else None,
        done=flat[i].id in done_ids,
        progress=Progress(done=len(done_ids & outline.ids), total=len(flat)),
        position=place.position,
        module_size=place.module_size,
    )


def lesson(slug: str) -> Lesson | None:
    """A lesson that has a version (retired ones too: staff see their history)."""
    return db.session.execute(
        select(Lesson)
        .options(joinedload(Lesson.current), joinedload(Lesson.module))
        .where(Lesson.slug == slug, Lesson.current_version_id.is_not(None))
    ).scalar_one_or_none()


def versions_of(lesson: Lesson) -> list[LessonVersion]:
    """Every version of the lesson, newest first, with its author."""
    return list(
        db.session.scalars(
            select(LessonVersion)
            .options(joinedload(LessonVersion.author))
            .where(LessonVersion.lesson_id == lesson.id)
            .order_by(LessonVersion.number.desc())
        )
    )


def version_of(lesson: Lesson, number: int) -> LessonVersion | None:
    return db.session.execute(
        select(LessonVersion).where(
            LessonVersion.lesson_id == lesson.id, LessonVersion.number == number
        )
    ).scalar_one_or_none()
