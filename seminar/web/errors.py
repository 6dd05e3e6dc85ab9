"""The HTML and JSON error pages: one renderer for every HTTP error."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from seminar.db import db

MESSAGES = {
    400: "The request could not be understood. If you submitted a form, reload it and try again.",
    403: "You do not have permission to do that.",
    404: "There is nothing here. Check the address, or go back to your lessons.",
    405: "That action is not allowed on this page.",
    413: "What you sent is too large.",
    429: "Too many attempts. Wait a minute, then try again.",
    500: "Something went wrong on our side. Nothing you saved has been lost; try again shortly.",
    503: "The service is unavailable for a moment. Try again shortly.",
}


def render_error(error: HTTPException) -> object:
    if error.response is not None:  # the raiser made its own page (e.g. the login form again)
        return error.response
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    message = MESSAGES.get(code, error.description or "Error")
    if code == 413:
        message = f"{message} {_size_limits()}"
    if code == 400 and error.description and "CSRF" in error.description:
        message = "Your form expired or was sent from elsewhere. Reload the page and try again."
    if request.accept_mimetypes.best == "application/json" or request.path.endswith(".json"):
        return jsonify(error=error.name, message=message), code
    return render_template("errors/error.html", code=code, name=error.name, message=message), code


def _size_limits() -> str:
    """The limits a refused form ran into, so the person knows how much less to send."""
    limits = []
    if whole := current_app.config.get("MAX_CONTENT_LENGTH"):
        limits.append(f"at most {whole / 1024**2:g} MB in all")
    if field := current_app.config.get("MAX_FORM_MEMORY_SIZE"):
        limits.append(f"at most {field // 1000:,} kB of text typed or pasted into one box")
    if not limits:
        return "Go back and send less, or split it into parts."
    return (
        f"A form can carry {', and '.join(limits)}. Go back and send less, or split it into parts."
    )


def register_error_handlers(app: Flask) -> None:
    # Unhandled exceptions reach this as InternalServerError (outside debug and testing).
    app.register_error_handler(HTTPException, render_error)
