"""Revoking a record (with a public reason) and reissuing one in the holder's current name
(the old one then shows as superseded by the new). Both change a record only while it is still
what the admin saw: the UPDATEs are conditional, so of two admins acting at once one wins and
the other is told."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from seminar.core.errors import RecordError
from seminar.db import db, now_utc
from seminar.models import Record, User
from seminar.queries.records import RecordStatus, program_at, status_of
from seminar.services import audit, record_mail
from seminar.services.issuing import (
    add_signed,
    log_change,
    new_record,
    snapshot,
    taken_status_indexes,
)

# What a reissue carries over: everything the record attests except the holder's name and
# licence, which are taken afresh (the reason to reissue is usually a change of name).
CARRIED_OVER = (
    "kind",
    "cohort_id",
    "session_id",
    "scope_key",
    "title",
    "hours",
    "completed_on",
    "expires_on",
    "recertify_on",
    "override_reason",
    "evidence",
)


def revoke(record: Record, *, reason: str, actor: User | None = None) -> None:
    reason = reason.strip()
    if not reason:
        raise RecordError("Give a reason: it is shown on the verification page.", field="reason")
    before = snapshot(record)
    who = audit.acting_user(actor)
    # Conditional: of two admins revoking at once, one wins and the other is told. Freeing
    # active_key lets the holder be issued a new record of this kind (with a reason).
    revoked = db.session.execute(
        update(Record)
        .where(Record.id == record.id, Record.revoked_at.is_(None))
        .values(
            revoked_at=now_utc(),
            revoked_reason=reason,
            revoked_by_id=who.id if who else None,
            active_key=None,
        )
    ).rowcount
    if not revoked:
        raise RecordError("This record is already revoked.")
    db.session.refresh(record)
    log_change(
        "record.revoke",
        record,
        record.holder_name,
        subject=record.holder_id,
        before=before,
        after=snapshot(record),
        reason=reason,
        actor=actor,
    )
    record_mail.revoked(record, db.session.get(User, record.holder_id))


def reissue(
    record: Record,
    *,
    reason: str,
    actor: User | None = None,
    changes: Mapping[str, Any] | None = None,
    action: str = "record.reissue",
) -> Record:
    """A new record with the holder's current name and licence; the old one is superseded.
    `changes`: what the new record states differently (a renewal's later expiry and its
    evidence; see services/recertification.py), logged as `action`."""
    reason = reason.strip()
    if not reason:
        raise RecordError("Give a reason, e.g. 'name changed after marriage'.", field="reason")
    status = status_of(record)
    if status == RecordStatus.EXPIRED:
        raise RecordError("This record has expired: issue a new one to renew it.")
    if status != RecordStatus.VALID:
        raise RecordError("Only a current record can be reissued.")
    holder = db.session.get(User, record.holder_id)
    before = snapshot(record)
    # Conditional on the record still being current: a revocation or another reissue at the
    # same moment wins, and we say so. Freeing its key lets the new record take it.
    freed = db.session.execute(
        update(Record)
        .where(
            Record.id == record.id,
            Record.active_key == record.scope_key,
            Record.revoked_at.is_(None),
        )
        .values(active_key=None)
    ).rowcount
    if not freed:
        raise RecordError("This record was just revoked or reissued by someone else.")
    new = new_record(
        holder,
        who=audit.acting_user(actor),
        taken=taken_status_indexes(),
        **{name: getattr(record, name) for name in CARRIED_OVER} | dict(changes or {}),
    )
    try:
        add_signed(new, holder, program_at(record))
    except IntegrityError:
        # The key or the status position was taken at this moment (unique indexes): this race
        # is ours to settle, and undoing this unit of work is how.
        db.session.rollback()
        raise RecordError("This record was just reissued by someone else.") from None
    db.session.execute(
        update(Record)
        .where(Record.id == record.id)
        .values(superseded_by_id=new.id, superseded_at=now_utc())
    )
    db.session.refresh(record)
    for logged, target, snapshot_before in (
        (action, record, before),
        ("record.issue", new, None),
    ):
        log_change(
            logged,
            target,
            holder.name,
            subject=holder,
            before=snapshot_before,
            after=snapshot(new),
            reason=reason,
            actor=actor,
        )
    if action == "record.reissue":  # a renewal writes its own message
        record_mail.superseded(record, holder, new)
    return new
