"""The web layer: one blueprint per feature (thin views: parse, call a service, respond),
forms, the access module (every "who may"), template filters and error pages.

Blueprints never import each other; what two of them share lives in `access`, `forms` or a
query module below.
"""

from __future__ import annotations

from flask import Flask, Response, abort, request

from seminar.db import db
from seminar.web.forms import json_body

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def register_blueprints(app: Flask) -> None:
    from seminar.web import (
        account,
        admin,
        auth,
        calendar,
        ce,
        checkin,
        cohorts,
        evaluations,
        exams,
        health,
        imports,
        invitations,
        join,
        lessons,
        levels,
        live,
        progress,
        quiz_admin,
        quizzes,
        records,
        reset,
        sessions,
        verify,
    )
    from seminar.web.access import register_template_access
    from seminar.web.errors import register_error_handlers
    from seminar.web.filters import register_template_helpers
    from seminar.web.headers import register_security_headers

    for module in (
        auth,
        account,
        admin,
        health,
        lessons,
        quizzes,
        quiz_admin,
        cohorts,
        imports,
        join,
        invitations,
        reset,
        progress,
        sessions,
        checkin,
        calendar,
        live,
        records,
        ce,
        evaluations,
        levels,
        exams,
        verify,
    ):
        app.register_blueprint(module.bp)
    register_security_headers(app)
    register_template_access(app)
    register_error_handlers(app)
    register_template_helpers(app)
    app.before_request(refuse_unreadable_json)
    app.after_request(commit_unit_of_work)


def refuse_unreadable_json() -> None:
    """A JSON body too large or too deeply nested to read is refused before any view, or any
    form (Flask-WTF reads a JSON body as form data), tries to parse it."""
    if request.is_json and request.method not in SAFE_METHODS and json_body() is None:
        abort(400, "Send JSON of at most 64 kB, nested at most a few hundred levels.")


def commit_unit_of_work(response: Response) -> Response:
    """A request is one unit of work: a write that succeeded commits here, once. GETs never
    write; an error response keeps nothing (the app context's end rolls it back). A failing
    commit becomes the 500 page, and the response that claimed success is never sent."""
    if request.method not in SAFE_METHODS and response.status_code < 400:
        db.session.commit()
    return response
