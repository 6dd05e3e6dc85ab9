"""E-mail to a record's holder when it is issued, revoked or superseded: the words are in
templates/email/record_*.txt and .html; the message goes to the outbox in the caller's
transaction."""

from __future__ import annotations

from typing import Any

from seminar.models import Record, User
from seminar.queries import issuer
from seminar.services import notifications


def issued(record: Record, holder: User) -> None:
    _send("record_issued", record, holder)


def revoked(record: Record, holder: User) -> None:
    _send("record_revoked", record, holder)


def superseded(record: Record, holder: User, new: Record) -> None:
    _send(
        "record_superseded",
        record,
        holder,
        new=new,
        new_verify_url=issuer.verify_url(new.public_id),
    )


def renewed(record: Record, holder: User, new: Record, maintained: str) -> None:
    _send(
        "record_renewed",
        record,
        holder,
        new=new,
        new_verify_url=issuer.verify_url(new.public_id),
        maintained=maintained,
    )


def _send(template: str, record: Record, holder: User, **extra: Any) -> None:
    notifications.queue(
        template,
        to_email=holder.email,
        to_name=holder.name,
        record_id=record.id,
        record=record,
        holder=holder,
        issuer=issuer.issuer(),
        verify_url=issuer.verify_url(record.public_id),
        records_url=issuer.records_url(),
        **extra,
    )
