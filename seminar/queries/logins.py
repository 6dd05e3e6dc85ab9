"""Reads about login sessions: the one behind a cookie, and a person's devices."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select, true

from seminar.core import tokens
from seminar.db import db, now_utc
from seminar.models import LoginSession, User


@cache
def _cookie_query(extra: Select[Any], rider: Select[Any] | None) -> Select[Any]:
    # Built once: every request runs it, and building the statement cost more than its SQL.
    query = (
        select(User, LoginSession.verifier_hash, LoginSession.expires_at, extra.scalar_subquery())
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.id == bindparam("sid"), User.id == bindparam("uid"))
    )
    if rider is None:
        return query
    # At most one row of its own, whose columns come after ours (all NULL when it has none).
    ridden = rider.subquery("ridden")
    return query.outerjoin(ridden, true()).add_columns(*ridden.c)


@dataclass(frozen=True)
class Rider:
    """A read that rides in the login cookie's round trip: a statement built once that gives
    at most one row, with its parameters (it may use the user's id as `uid`)."""

    query: Select[Any]
    params: dict[str, Any]


def user_for_cookie(
    extra: Select[Any], login_id: str, rider: Rider | None = None
) -> tuple[User, Any, tuple[Any, ...]] | None:
    """The user of a live login session named by a cookie ("<user>.<session>.<secret>"), one
    more scalar read and the rider's row (every column None when it found none; empty
    without a rider), all in the same round trip (see `web.signin.load_user`); None for a
    session that ended, expired or never was, or a secret that does not match."""
    user_id, _, login = login_id.partition(".")
    sid, _, verifier = login.partition(".")
    if not (user_id.isdigit() and sid.isdigit() and verifier):
        return None
    params = {"sid": int(sid), "uid": int(user_id)} | (rider.params if rider else {})
    query = _cookie_query(extra, rider.query if rider else None)
    row = db.session.execute(query, params).first()
    if row is None or not tokens.matches(verifier, row[1]) or row[2] <= now_utc():
        return None
    user = row[0]
    user.login = login
    return user, row[3], tuple(row[4:])


@dataclass(frozen=True)
class Device:
    id: int
    label: str  # the browser and system, as far as its user agent tells
    ip_address: str
    created_at: Any
    remember: bool
    current: bool


def devices(user: User, current_id: int | None) -> list[Device]:
    rows = db.session.scalars(
        select(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.expires_at > now_utc())
        .order_by(LoginSession.created_at.desc())
    )
    return [
        Device(
            s.id, describe(s.user_agent), s.ip_address, s.created_at, s.remember, s.id == current_id
        )
        for s in rows
    ]


_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe(user_agent: str) -> str:
    """'Firefox on Windows', from a user agent string; 'Unknown device' when it says nothing."""
    browser = next((name for key, name in _BROWSERS if key in user_agent), "")
    system = next((name for key, name in _SYSTEMS if key in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or (user_agent[:60] if user_agent else "Unknown device")
