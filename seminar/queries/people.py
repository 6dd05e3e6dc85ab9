"""Reads about people: the admin's list."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

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
