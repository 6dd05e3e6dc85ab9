"""Flask extensions that are not the database, created unbound and initialised in the factory,
and the rate limits' shared-or-per-worker sizing."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from flask import Flask, current_app
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from limits import parse_many

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"
# Default limits stay off: only the routes that need it (login, check-in...) declare a limit.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def limits_shared(app: Flask) -> bool:
    """Counted in one place for every worker and host (Redis), or by each worker alone."""
    return not str(app.config["RATELIMIT_STORAGE_URL"]).startswith("memory://")


def configured_limit(key: str) -> Callable[[], str]:
    """The limit a setting names, as the limiter asks for it on each request.

    With the default in-memory storage each worker counts on its own, so each enforces its
    share of the documented figure (gunicorn's worker count reaches the app as WORKERS, from
    gunicorn.conf.py): together they never allow more than the README says.
    """

    def limit() -> str:
        text = str(current_app.config[key])
        workers = int(current_app.config.get("WORKERS") or 1)
        if limits_shared(current_app) or workers <= 1:
            return text
        return ";".join(
            f"{max(1, item.amount // workers)} per {item.multiples} {item.GRANULARITY.name}"
            for item in parse_many(text)
        )

    return limit


def retry_in(limit: RequestLimit) -> str:
    """When a limited person may try again, in whole minutes as the limiter keeps them."""
    # reset_at is rounded up to the next whole second by the limiter: take that back.
    wait = max(1, math.ceil((limit.reset_at - 1 - time.time()) / 60))
    return f"{wait} minute{'s' if wait > 1 else ''}"


def warn_if_limits_per_worker(app: Flask) -> None:
    """Say so in the server's log when it starts serving (not on every `flask` command)."""
    if limits_shared(app) or app.testing:
        return
    workers = int(app.config.get("WORKERS") or 1)
    said: list[bool] = []

    @app.before_request
    def warn_once() -> None:
        if said:
            return
        said.append(True)
        app.logger.warning(
            "Rate limits (logins, check-in codes, verification) are counted by each worker on "
            "its own (SEMINAR_RATELIMIT_STORAGE_URL=memory://)%s. Set "
            "SEMINAR_RATELIMIT_STORAGE_URL=redis://... to share them between workers and hosts.",
            f"; each of the {workers} workers allows 1/{workers} of each limit"
            if workers > 1
            else "",
        )
