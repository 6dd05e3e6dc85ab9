"""Versioned lesson content: files are parsed once at sync (or edit) into immutable versions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar.db import db, now_utc


class Origin(enum.StrEnum):
    FILE = "file"  # loaded by `flask seminar sync`
    WEB = "web"  # saved from the browser editor


def enum_column(cls: type[enum.Enum]) -> Any:
    return db.Enum(
        cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


class Module(db.Model):
    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int]
    dirname: Mapped[str] = mapped_column(String(200))
    retired: Mapped[bool] = mapped_column(default=False)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("module_versions.id", use_alter=True)
    )

    current: Mapped[ModuleVersion | None] = relationship(foreign_keys=[current_version_id])
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", order_by="Lesson.position"
    )


class ModuleVersion(db.Model):
    __tablename__ = "module_versions"
    __table_args__ = (UniqueConstraint("module_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class Lesson(db.Model):
    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    position: Mapped[int]
    path: Mapped[str] = mapped_column(String(300))  # relative to the lessons folder
    # Hash of the file as the last sync read it: tells a changed file from a browser edit.
    synced_hash: Mapped[str | None] = mapped_column(String(64))
    retired: Mapped[bool] = mapped_column(default=False)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("lesson_versions.id", use_alter=True)
    )

    module: Mapped[Module] = relationship(back_populates="lessons")
    current: Mapped[LessonVersion | None] = relationship(foreign_keys=[current_version_id])


class LessonVersion(db.Model):
    __tablename__ = "lesson_versions"
    __table_args__ = (UniqueConstraint("lesson_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    number: Mapped[int]
    origin: Mapped[Origin] = mapped_column(enum_column(Origin))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int]
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence: Mapped[str | None] = mapped_column(String(40))
    quiz_slug: Mapped[str | None] = mapped_column(String(120))
    html: Mapped[str] = mapped_column(Text)
    toc: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    lesson: Mapped[Lesson] = relationship(foreign_keys=[lesson_id])
    author: Mapped[Any] = relationship("User")


class ContentRevision(db.Model):
    """One row: a random token that changes with every write to lessons, modules, programs,
    cohorts or their members (seminar/content_cache.py). Each worker caches what every lesson
    page shows alike under the token it read, so a change shows on every host at once."""

    __tablename__ = "content_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[int] = mapped_column(BigInteger)
