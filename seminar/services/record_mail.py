"""E-mail to a record's holder when it is issued, revoked or superseded: the words are in
templates/email/record_*.txt (first line the subject, then a blank line, then the body), plain
text; the message goes to the outbox in the caller's transaction."""

from __future__ import annotations

from typing import Any

from flask import current_app

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


def _send(template: str, record: Record, holder: User, **extra: Any) -> None:
    subject, body = render(
        template,
        record=record,
        holder=holder,
        issuer=issuer.issuer(),
        verify_url=issuer.verify_url(record.public_id),
        records_url=issuer.records_url(),
        **extra,
    )
    notifications.queue(
        to_email=holder.email, to_name=holder.name, subject=subject, body=body, record_id=record.id
    )


def render(template: str, **context: Any) -> tuple[str, str]:
    """(subject, body) of `email/<template>.txt`. Rendered by the app's Jinja environment
    directly, not `render_template`: no request (the command line issues too) and none of the
    pages' context; a .txt template is not autoescaped, so names and reasons read as typed."""
    text = current_app.jinja_env.get_template(f"email/{template}.txt").render(**context)
    subject, _, body = text.partition("\n\n")
    # Jinja drops the file's final newline; a message body ends with one.
    return subject, body.rstrip("\n") + "\n"
