"""Logging a browser in and recognising it again: shared by the login page, sign-up links,
invitations and password resets (blueprints never import each other)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user, login_user

from seminar.models import User
from seminar.queries import content_cache
from seminar.queries import logins as login_queries
from seminar.services import logins

# Reads that ride in the login query's round trip, by endpoint: what the view needs on every
# request, for a page that a room of phones polls (`rides_with_login`).
_riders: dict[str, Callable[[dict[str, Any]], login_queries.Rider]] = {}


def rides_with_login(endpoint: str, rider: Callable[[dict[str, Any]], login_queries.Rider]) -> None:
    """Register the read an endpoint's view needs (made from its URL's arguments) to run in
    the same statement as the login query; the view finds its row with `ridden()`."""
    _riders[endpoint] = rider


def ridden() -> tuple[Any, ...] | None:
    """The row read with the login for this request's endpoint, or None if none was (the
    view then reads it itself)."""
    current_user._get_current_object()  # the login (and its rider) is read on first use
    return g.get("ridden")


def load_user(login_id: str) -> User | None:
    """A login cookie (the session cookie or the remember-me one) names the user and their
    login session; a session that was logged out, ended or expired loads no one."""
    make = _riders.get(request.endpoint or "") if has_request_context() else None
    rider = make(request.view_args or {}) if make else None
    # The content token comes in the same round trip: lesson pages need it (content_cache).
    found = login_queries.user_for_cookie(content_cache.token_query(), login_id, rider)
    if found is None:
        return None
    user, token, row = found
    content_cache.remember_token(token)
    if rider is not None:
        g.ridden = row
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
