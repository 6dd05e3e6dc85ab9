"""Email to record holders, through an outbox.

`queue()` writes the message in the caller's transaction, so it exists exactly when what it
announces does. Delivery happens after the commit, in a background thread when SMTP is
configured (`MAIL_SERVER`), so a slow or broken mail server never blocks or fails an issue;
unsent messages stay in the outbox for admins to read and retry.
"""

from __future__ import annotations

import smtplib
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

from flask import Flask, current_app
from sqlalchemy import select, update

from seminar.db import db, now_utc
from seminar.models import OutboxMessage
from seminar.services.unit_of_work import after_commit

MAX_TRIES = 5
_send_lock = threading.Lock()  # one delivery pass at a time per process


def queue(*, to_email: str, to_name: str, subject: str, body: str, record_id: int | None) -> None:
    """Add a message to the outbox, in the caller's transaction; it is sent once that commits."""
    db.session.add(
        OutboxMessage(
            to_email=to_email, to_name=to_name, subject=subject, body=body, record_id=record_id
        )
    )
    after_commit(dispatch)


def smtp_configured(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("MAIL_SERVER"))


def dispatch() -> None:
    """Deliver what is queued without holding up the request (no-op without SMTP)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if smtp_configured(app):
        threading.Thread(target=_deliver_in_context, args=(app,), daemon=True).start()


def _deliver_in_context(app: Flask) -> None:
    with app.app_context():
        deliver_pending()


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int


def deliver_pending(limit: int = 200, budget_seconds: float = 120) -> Delivery:
    """Send unsent messages (oldest first); each failure is recorded on its message.

    One pass at a time per process (others return at once: the running pass takes their
    messages too), and no longer than the time budget, so a hanging server cannot pile up.
    """
    if not smtp_configured() or not _send_lock.acquire(blocking=False):
        return Delivery(0, 0)
    sent = failed = 0
    deadline = time.monotonic() + budget_seconds
    try:
        # Noted before any commit: the claim below compares with what we read here, so a
        # message another host claimed in the meantime is skipped, not sent twice.
        batch = db.session.execute(
            select(OutboxMessage.id, OutboxMessage.tries)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.tries < MAX_TRIES)
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
        for message_id, tries in batch:
            if time.monotonic() > deadline:
                break
            claimed = db.session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == message_id,
                    OutboxMessage.tries == tries,
                    OutboxMessage.sent_at.is_(None),
                )
                .values(tries=tries + 1)
            ).rowcount
            db.session.commit()
            if not claimed:
                continue
            message = db.session.get(OutboxMessage, message_id)
            assert message is not None
            try:
                _send(message)
            except Exception as exc:  # any failure stays on the message, for admins to see
                message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
                failed += 1
            else:
                message.sent_at = now_utc()
                message.last_error = ""
                sent += 1
            db.session.commit()
    finally:
        _send_lock.release()
    return Delivery(sent, failed)


def _send(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config.get("MAIL_FROM") or f"no-reply@{config['MAIL_SERVER']}"
    email["To"] = formataddr((message.to_name, message.to_email))
    email["Subject"] = message.subject
    email.set_content(message.body)
    port = int(config.get("MAIL_PORT") or 25)
    with smtplib.SMTP(config["MAIL_SERVER"], port, timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(email)
