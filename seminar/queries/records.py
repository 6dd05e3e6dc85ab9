"""Reads of completion records: find one by its identifier, list a holder's."""

from __future__ import annotations

from sqlalchemy import select

from seminar.core import record_ids
from seminar.db import db
from seminar.models import Record


def find(text: str) -> Record | None:
    public_id = record_ids.normalise(text)
    if public_id is None:
        return None
    return db.session.scalar(select(Record).where(Record.public_id == public_id))


def records_of(user_id: int) -> list[Record]:
    return list(
        db.session.scalars(
            select(Record).where(Record.holder_id == user_id).order_by(Record.issued_at.desc())
        )
    )
