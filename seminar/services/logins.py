"""Login sessions: one row per logged-in device, whose secret is in the login cookie.

Logging out deletes the row, so a copy of the session cookie or of the remember-me cookie
taken before stops working at once; a password change or reset deletes the others.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete

from seminar.core import tokens
from seminar.db import db, now_utc
from seminar.models import LoginSession, User

# A login without "keep me logged in" lives in a browser-session cookie; its row expires
# after this many days even if the browser is never closed.
SESSION_DAYS = 30


def start(user: User, *, remember: bool, user_agent: str = "", ip_address: str = "") -> None:
    """A new login session for this device; `user.login` then goes into the cookie."""
    secret = tokens.new_secret()
    now = now_utc()
    lifetime = (
        current_app.config.get("REMEMBER_COOKIE_DURATION") or timedelta(days=365)
        if remember
        else timedelta(days=SESSION_DAYS)
    )
    if not isinstance(lifetime, timedelta):
        lifetime = timedelta(seconds=int(lifetime))
    session = LoginSession(
        user_id=user.id,
        verifier_hash=secret.verifier_hash,
        created_at=now,
        expires_at=now + lifetime,
        remember=remember,
        user_agent=user_agent[:300],
        ip_address=ip_address[:64],
    )
    db.session.add(session)
    # Expired rows of this person go as they log in again: nothing else needs to sweep them.
    db.session.execute(
        delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at < now)
    )
    db.session.flush()
    user.login = f"{session.id}.{secret.verifier}"


def current_id(user: User) -> int | None:
    """The login session this request was made in."""
    sid, _, _ = (user.login or "").partition(".")
    return int(sid) if sid.isdigit() else None


def end(user: User) -> None:
    """Log out this device: its session cookie and remember-me cookie no longer work."""
    sid = current_id(user)
    if sid is not None:
        end_one(user, sid)
    user.login = None


def end_one(user: User, session_id: int) -> bool:
    """End one of the person's own sessions; False when there was none by that id."""
    result = db.session.execute(
        delete(LoginSession).where(LoginSession.id == session_id, LoginSession.user_id == user.id)
    )
    db.session.flush()
    return bool(result.rowcount)


def end_others(user: User) -> int:
    """Log out every other device (after a password change, or on request)."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if (sid := current_id(user)) is not None:
        query = query.where(LoginSession.id != sid)
    count = db.session.execute(query).rowcount
    db.session.flush()
    return int(count or 0)


def end_all(user: User) -> None:
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    user.login = None
    db.session.flush()
