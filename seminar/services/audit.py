"""The audit log: who changed a record, a grade, an attendance entry, a role or an enrolment.

Entries are added to the caller's transaction, so a change and its entry commit together or not
at all. Rows are never updated or deleted: the flush guard below refuses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import Flask, has_request_context
from flask_login import current_user
from sqlalchemy.orm import ORMExecuteState, Session

from seminar.db import db, on_session
from seminar.models import AuditEntry, User

COMMAND_LINE = "command line"
NOT_LOGGED_IN = "web request, not logged in"


class AppendOnly(RuntimeError):
    pass


def _refuse_changes(session: Session, flush_context: object, instances: object) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnly("audit entries are never changed or deleted")


def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and state.bind_mapper is AuditEntry.__mapper__:
        raise AppendOnly("audit entries are never changed or deleted")


def init_app(app: Flask) -> None:
    """The append-only guard, on the app's session."""
    on_session("before_flush", _refuse_changes)
    on_session("do_orm_execute", _refuse_bulk_changes)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def acting_user(actor: User | None) -> User | None:
    if actor is not None:
        return actor
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()  # type: ignore[attr-defined]
    return None


def _label(who: User | None) -> str:
    if who is not None:
        return f"{who.name} <{who.email}>"
    return NOT_LOGGED_IN if has_request_context() else COMMAND_LINE


def log(
    action: str,
    *,
    target_type: str,
    target_id: object,
    target_label: str = "",
    subject: User | int | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    actor: User | None = None,
) -> AuditEntry:
    """Add an entry to the current transaction; the caller commits it with the change.

    The actor defaults to whoever is logged in for this request, else the command line.
    """
    who = acting_user(actor)
    entry = AuditEntry(
        actor_id=who.id if who is not None else None,
        actor_label=_label(who),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label[:300],
        subject_id=subject.id if isinstance(subject, User) else subject,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
    )
    db.session.add(entry)
    return entry
