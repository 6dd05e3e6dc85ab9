"""Logging a browser in and recognising it again: shared by the login page, sign-up links,
invitations and password resets (blueprints never import each other)."""

from __future__ import annotations

from flask import request
from flask_login import login_user

from seminar.models import User
from seminar.queries import content_cache
from seminar.queries import logins as login_queries
from seminar.services import logins


def load_user(login_id: str) -> User | None:
    """A login cookie (the session cookie or the remember-me one) names the user and their
    login session; a session that was logged out, ended or expired loads no one."""
    # The content token comes in the same round trip: lesson pages need it (content_cache).
    found = login_queries.user_for_cookie(content_cache.token_query(), login_id)
    if found is None:
        return None
    user, token = found
    content_cache.remember_token(token)
    return user


def start_session(user: User, *, remember: bool = False) -> None:
    """Log this browser in: a login session of its own, named in its cookies."""
    logins.start(
        user,
        remember=remember,
        user_agent=request.headers.get("User-Agent", ""),
        ip_address=request.remote_addr or "",
    )
    login_user(user, remember=remember)
