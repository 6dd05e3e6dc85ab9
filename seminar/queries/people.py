"""Reads about people: the admin's list, and the account behind a login cookie."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select

from seminar.db import db
from seminar.models import Role, User


def people(q: str = "", role: str = "") -> Select[tuple[User]]:
    """Everyone by name, narrowed to a name or email containing `q` and to one role."""
    query = select(User).order_by(User.name)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(func.lower(User.name).like(like), User.email.like(like)))
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    return query


def user_with(extra: Any, user_id: int) -> tuple[User, Any] | None:
    """The user and one more scalar read in the same round trip (see `load_user`)."""
    row = db.session.execute(
        select(User, extra.scalar_subquery()).where(User.id == user_id)
    ).first()
    return None if row is None else (row[0], row[1])
