"""The web layer: one blueprint per feature (thin views: parse, call a service, respond),
forms, the access module (every "who may"), template filters and error pages.

Blueprints never import each other; what two of them share lives in `access`, `forms` or a
query module below.
"""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from seminar.web import (
        account,
        admin,
        auth,
        cohorts,
        health,
        join,
        lessons,
        live,
        progress,
        quiz_admin,
        quizzes,
        records,
        sessions,
        verify,
    )
    from seminar.web.access import register_security_headers
    from seminar.web.errors import register_error_handlers
    from seminar.web.filters import register_template_helpers

    for module in (
        auth,
        account,
        admin,
        health,
        lessons,
        quizzes,
        quiz_admin,
        cohorts,
        join,
        progress,
        sessions,
        live,
        records,
        verify,
    ):
        app.register_blueprint(module.bp)
    register_security_headers(app)
    register_error_handlers(app)
    register_template_helpers(app)
