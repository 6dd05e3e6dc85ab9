"""E-mail, through an outbox: every message the platform sends is queued here.

`queue()` renders `templates/email/<kind>.txt` (first line the subject, a blank line, then the
plain-text body) and `<kind>.html` (the same message as HTML) and writes the message in the
caller's transaction, so it exists exactly when what it announces does. With SMTP configured
(`MAIL_SERVER`) it is delivered after the commit, in a background thread, so a slow or broken
mail server never blocks or fails a page; a failure is retried with a doubling wait (the
process keeps a timer for the next retry, and `flask seminar outbox send` from cron does the
same pass). Without SMTP the messages wait in the admins' outbox, and pages say so.
"""

from __future__ import annotations

import smtplib
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, insert, or_, select

from seminar.db import db, now_utc, update_if
from seminar.models import OutboxMessage
from seminar.services.unit_of_work import after_commit

MAX_TRIES = 8
_MAX_WAIT = timedelta(hours=6)
_send_lock = threading.Lock()  # one delivery pass at a time per process
_timer_lock = threading.Lock()


@dataclass(frozen=True)
class Message:
    """A rendered message, ready for the outbox."""

    kind: str
    subject: str
    text: str
    html: str


def render(kind: str, **context: Any) -> Message:
    """The message of `email/<kind>.txt` and `.html`. Rendered by the app's Jinja environment,
    not `render_template`: no request is needed (commands send too) and none of the pages'
    context leaks in; the .txt is not autoescaped (names read as typed), the .html is."""
    env = current_app.jinja_env
    text = env.get_template(f"email/{kind}.txt").render(**context)
    subject, _, body = text.partition("\n\n")
    html = env.get_template(f"email/{kind}.html").render(subject=subject, **context)
    # Jinja drops the file's final newline; a message body ends with one.
    return Message(kind, subject.strip(), body.rstrip("\n") + "\n", html)


def queue(
    kind: str,
    *,
    to_email: str,
    to_name: str,
    private: bool = False,
    record_id: int | None = None,
    invitation_id: int | None = None,
    **context: Any,
) -> None:
    """Render and add one message to the outbox, in the caller's transaction. `private`: it
    carries a link that lets its reader in, so admins never see its text."""
    queue_many(
        [(to_email, to_name, render(kind, **context))],
        private=private,
        record_id=record_id,
        invitation_id=invitation_id,
    )


def queue_many(
    messages: list[tuple[str, str, Message]],
    *,
    private: bool = False,
    record_id: int | None = None,
    invitation_id: int | None = None,
) -> None:
    """Add rendered messages (e-mail, name, message) in one statement: a cohort's worth at once."""
    if not messages:
        return
    now = now_utc()
    rows = [
        {
            "to_email": email,
            "to_name": name,
            "subject": m.subject,
            "body": m.text,
            "html": m.html,
            "kind": m.kind,
            "private": private,
            "record_id": record_id,
            "invitation_id": invitation_id,
            "created_at": now,
            "tries": 0,
            "last_error": "",
        }
        for email, name, m in messages
    ]
    db.session.execute(insert(OutboxMessage), rows)
    after_commit(dispatch)


def smtp_configured(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("MAIL_SERVER"))


def delivery_words(count: int = 1) -> str:
    """What happens to mail just queued, as it is: sent now, or waiting in the outbox."""
    them = "it" if count == 1 else "they"
    if smtp_configured():
        return f"queued and being sent now (the outbox shows when {them} went)"
    return (
        f"queued in the outbox, but no mail server is configured (SEMINAR_MAIL_SERVER), "
        f"so {them} will not be sent until one is"
    )


def retry_wait(tries: int, base_seconds: float) -> timedelta:
    """The wait after the n-th failed try: base, 2x, 4x... at most six hours."""
    return min(timedelta(seconds=base_seconds * 2 ** max(0, tries - 1)), _MAX_WAIT)


def dispatch() -> None:
    """Deliver what is due without holding up the request (no-op without SMTP)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if smtp_configured(app):
        threading.Thread(target=_deliver_in_context, args=(app,), daemon=True).start()


def _deliver_in_context(app: Flask) -> None:
    with app.app_context():
        try:
            deliver_pending()
            _schedule_retry(app)
        except Exception:  # a background pass must never die loudly; the next one retries
            app.logger.exception("mail delivery pass failed")
        finally:
            db.session.remove()


def _schedule_retry(app: Flask) -> None:
    """Wake up when the next failed message is due again (one timer per app and process)."""
    due = db.session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.tries < MAX_TRIES
        )
    )
    if due is None:
        return
    delay = max(0.05, (due - now_utc()).total_seconds())
    with _timer_lock:
        current = app.extensions.get("mail_retry")
        if current is not None and current.is_alive() and current.due <= due:
            return
        if current is not None:
            current.cancel()
        timer = threading.Timer(delay, _deliver_in_context, args=(app,))
        timer.daemon = True
        timer.due = due  # type: ignore[attr-defined]
        app.extensions["mail_retry"] = timer
        timer.start()


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int


def deliver_pending(limit: int = 500, budget_seconds: float = 120) -> Delivery:
    """Send the messages that are due (oldest first); each failure is recorded on its message
    with the time of its next try.

    One pass at a time per process (others return at once: the running pass takes their
    messages too), and no longer than the time budget, so a hanging server cannot pile up.
    """
    if not smtp_configured() or not _send_lock.acquire(blocking=False):
        return Delivery(0, 0)
    sent = failed = 0
    deadline = time.monotonic() + budget_seconds
    base = float(current_app.config.get("MAIL_RETRY_SECONDS") or 60)
    try:
        now = now_utc()
        # Noted before any commit: the claim below compares with what we read here, so a
        # message another host claimed in the meantime is skipped, not sent twice.
        batch = db.session.execute(
            select(OutboxMessage.id, OutboxMessage.tries)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.tries < MAX_TRIES,
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
        for message_id, tries in batch:
            if time.monotonic() > deadline:
                break
            if not _claim(message_id, tries, now_utc() + retry_wait(tries + 1, base)):
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
                message.next_attempt_at = None
                sent += 1
            db.session.commit()
    finally:
        _send_lock.release()
    return Delivery(sent, failed)


def _claim(message_id: int, tries: int, retry_at: datetime) -> bool:
    """Count the try and set when the next one may be, before sending: a crash mid-send
    never causes a burst of retries, and two hosts never send the same message."""
    claimed = update_if(
        OutboxMessage,
        OutboxMessage.id == message_id,
        OutboxMessage.tries == tries,
        OutboxMessage.sent_at.is_(None),
        tries=tries + 1,
        next_attempt_at=retry_at,
    )
    db.session.commit()
    return claimed


def _send(message: OutboxMessage) -> None:
    config = current_app.config
    sender = config.get("MAIL_FROM") or f"no-reply@{config['MAIL_SERVER']}"
    email = EmailMessage()
    email["From"] = sender
    email["To"] = formataddr((message.to_name, message.to_email))
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    email.set_content(message.body)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    port = int(config.get("MAIL_PORT") or 25)
    with smtplib.SMTP(config["MAIL_SERVER"], port, timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(email)
