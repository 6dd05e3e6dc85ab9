"""Reads of hours declared from other organisations: a person's own, and the admins' queue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from seminar.db import db
from seminar.models import Decision, DeclaredHours

DECIDED_SHOWN = 100  # the most recent decisions listed under the queue


def get(entry_id: int) -> DeclaredHours | None:
    return db.session.get(DeclaredHours, entry_id)


def of_person(user_id: int) -> list[DeclaredHours]:
    return list(
        db.session.scalars(
            select(DeclaredHours)
            .where(DeclaredHours.user_id == user_id)
            .order_by(DeclaredHours.attended_on.desc(), DeclaredHours.id.desc())
        )
    )


def pending() -> list[DeclaredHours]:
    """Oldest first: the order they were sent in."""
    return list(
        db.session.scalars(
            select(DeclaredHours)
            .options(joinedload(DeclaredHours.user))
            .where(DeclaredHours.state == Decision.PENDING)
            .order_by(DeclaredHours.created_at, DeclaredHours.id)
        )
    )


def decided() -> list[DeclaredHours]:
    return list(
        db.session.scalars(
            select(DeclaredHours)
            .options(joinedload(DeclaredHours.user), joinedload(DeclaredHours.decided_by))
            .where(DeclaredHours.state != Decision.PENDING)
            .order_by(DeclaredHours.decided_at.desc(), DeclaredHours.id.desc())
            .limit(DECIDED_SHOWN)
        )
    )
