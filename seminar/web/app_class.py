"""The app's class: Flask, with a memory of the relative links it has built and of the
session cookies it has verified."""

from __future__ import annotations

import copy
from typing import Any

from flask import Flask, Request
from flask.globals import _cv_request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from seminar.core.memo import memo_in

# Links kept per worker before starting afresh (a dashboard links each student it shows).
LINKS = 20_000


class KeptCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, each worker remembering for a minute what a cookie it
    verified holds: a browser sends the same cookie with every page, and verifying it again
    (a serializer built, an HMAC, the JSON) was a tenth of a lesson page. Only the exact
    bytes verified map to their contents, each request gets its own copy to change, and a
    cookie's age is checked again once its minute is over."""

    SECONDS = 60.0

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie or not app.secret_key:
            return super().open_session(app, request)

        def verify() -> dict[str, Any]:
            return dict(super(KeptCookieSessions, self).open_session(app, request) or {})

        opened = memo_in(app.extensions, "sessions_opened", size=4096, seconds=self.SECONDS)
        return self.session_class(copy.deepcopy(opened.get(cookie, verify)))


class SeminarFlask(Flask):
    """Every page builds a dozen links that are the same on every request (the menu, the
    stylesheet, a lesson's neighbours), and Werkzeug's builder cost more than the rest of a
    lesson page's template. Inside a request, a relative link depends only on the endpoint,
    its values and where the app is mounted, so each worker keeps those it built. External
    links, anchors, relative endpoints, values that are not plain, and any app with URL
    defaults are built as Flask builds them."""

    session_interface = KeptCookieSessions()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._links: dict[tuple[Any, ...], str] = {}

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        ctx = _cv_request.get(None)
        if (
            ctx is None
            or _anchor is not None
            or _method is not None
            or _scheme is not None
            or _external
            or endpoint[:1] == "."
            or any(self.url_default_functions.values())
        ):
            return super().url_for(
                endpoint,
                _anchor=_anchor,
                _method=_method,
                _scheme=_scheme,
                _external=_external,
                **values,
            )
        key = (endpoint, ctx.request.script_root, *sorted(values.items()))
        try:
            found = self._links.get(key)
        except TypeError:  # a list or another value that cannot be a key
            return super().url_for(endpoint, **values)
        if found is None:
            found = super().url_for(endpoint, **values)
            if len(self._links) >= LINKS:
                self._links = {}
            self._links[key] = found
        return found
