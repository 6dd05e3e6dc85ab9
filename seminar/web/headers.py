"""HTTP security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


# Files that are the same for everyone who may see them: pictures and the site's own assets.
CACHEABLE = ("static", "lessons.asset")


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint not in CACHEABLE and not current_user.is_anonymous:
            # A shared computer's back button or a proxy must not show one person's pages,
            # grades or downloads to the next. (Whoever is logged in: asking whether they are
            # active would read their row again after a write's commit.)
            response.headers["Cache-Control"] = "no-store"
        return response
