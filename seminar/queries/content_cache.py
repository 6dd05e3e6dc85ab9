"""What every lesson page shows alike, cached per worker: the course outline, each lesson's
current version, and which lessons each student may read.

The key is a token in the database (`content_revision`) that changes in the same transaction as
any write to lessons, modules, programs, cohorts or their members; a request reads the token
(one small query) and uses the cache only while it matches, so a change made on any host shows
on the next request everywhere. Only if the row is missing is nothing cached.
"""

from __future__ import annotations

import functools
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import Select, insert, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from seminar.db import db, on_session
from seminar.models import (
    Cohort,
    CohortMember,
    ContentRevision,
    Lesson,
    LessonVersion,
    Module,
    ModuleVersion,
    Program,
    ProgramVersion,
)

_WATCHED = (
    Lesson,
    LessonVersion,
    Module,
    ModuleVersion,
    Program,
    ProgramVersion,
    Cohort,
    CohortMember,
)
_WATCHED_TABLES = {m.__table__ for m in _WATCHED}
T = TypeVar("T")
_MAX_READERS = 50_000  # per-student entries kept before the cache starts again


def bump(session: Session) -> None:
    """A new token, in the caller's transaction."""
    token = secrets.randbits(62)
    done = session.execute(
        update(ContentRevision).where(ContentRevision.id == 1).values(token=token)
    ).rowcount
    if not done:  # a database emptied by hand (or by tests): recreate the row
        session.execute(insert(ContentRevision).values(id=1, token=token))
    if has_app_context():
        g.pop("content_token", None)  # this context reads its own write from now on


def _on_flush(session: Session, flush_context: object, instances: object) -> None:
    if any(isinstance(o, _WATCHED) for o in (*session.new, *session.dirty, *session.deleted)):
        bump(session)


def _on_bulk(state: ORMExecuteState) -> None:
    # Bulk INSERT/UPDATE/DELETE statements skip the flush; catch them here.
    if state.is_insert or state.is_update or state.is_delete:
        mapper = state.bind_mapper
        if mapper is not None and mapper.local_table in _WATCHED_TABLES:
            bump(state.session)


def init_app(app: Flask) -> None:
    """Every write to what the cache holds changes the token, in the writer's transaction."""
    on_session("before_flush", _on_flush)
    on_session("do_orm_execute", _on_bulk)


@functools.cache
def token_query() -> Select[tuple[int]]:
    return select(ContentRevision.token).where(ContentRevision.id == 1)


def remember_token(value: int | None) -> None:
    """The token as read with something else (the logged-in user), saving a round trip."""
    g.content_token = value


def token() -> int | None:
    """The current token, read once per request (or app context)."""
    if "content_token" not in g:
        g.content_token = db.session.scalar(token_query())
    return g.content_token


def cached(key: Any, compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave under the same token in this worker."""
    return cache().get(key, token(), compute)


@dataclass
class _Entries:
    token: int | None = None
    values: dict[Any, Any] | None = None


class ContentCache:
    """Per app and worker; thread-safe for threaded servers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries = _Entries()

    def get(self, key: Any, current: int | None, compute: Callable[[], T]) -> T:
        if current is None:
            return compute()
        with self._lock:
            if self._entries.token != current or self._entries.values is None:
                self._entries = _Entries(current, {})
            values = self._entries.values
            if key in values:
                return values[key]
        value = compute()
        with self._lock:
            if self._entries.token == current and self._entries.values is not None:
                if len(self._entries.values) >= _MAX_READERS:
                    self._entries.values.clear()
                self._entries.values[key] = value
        return value


def cache() -> ContentCache:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("content_cache")
    if found is None:
        found = app.extensions["content_cache"] = ContentCache()
    return found
