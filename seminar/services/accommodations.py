"""Per-student accommodations (extra time, extra attempts) that apply to every quiz."""

from __future__ import annotations

from sqlalchemy import select

from seminar.db import db, now_utc
from seminar.models import Accommodation, User
from seminar.services import audit


def set_accommodation(
    student: User, *, time_multiplier: float, extra_attempts: int, note: str, set_by_id: int
) -> Accommodation:
    acc = db.session.execute(
        select(Accommodation).where(Accommodation.user_id == student.id)
    ).scalar_one_or_none()
    before = None
    if acc is None:
        acc = Accommodation(user_id=student.id)
        db.session.add(acc)
    else:
        before = _snapshot(acc)
    acc.time_multiplier = time_multiplier
    acc.extra_attempts = extra_attempts
    acc.note = note.strip()
    acc.set_by_id = set_by_id
    acc.updated_at = now_utc()
    audit.log(
        "grade.accommodation",
        target_type="accommodation",
        target_id=student.id,
        target_label=student.name,
        subject=student,
        before=before,
        after=_snapshot(acc),
        actor=db.session.get(User, set_by_id),
    )
    db.session.flush()
    return acc


def _snapshot(acc: Accommodation) -> dict[str, object]:
    return {
        "time_multiplier": acc.time_multiplier,
        "extra_attempts": acc.extra_attempts,
        "note": acc.note,
    }
