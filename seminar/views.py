"""Template helpers shared by every page."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask

from seminar.forms import EmptyForm


def empty_form() -> EmptyForm:
    """A form that pages render only for its CSRF token (log out, mark complete, ...).

    It never reads the request: on the error page refusing an oversized upload, reading it
    would raise the refusal again and turn it into a bare 500.
    """
    return EmptyForm(formdata=None)


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def helpers() -> dict[str, object]:
        return {"empty_form": empty_form}

    @app.template_filter("datetime")
    def format_datetime(value: datetime | None) -> str:
        return value.strftime("%d %b %Y, %H:%M UTC") if value else ""

    @app.template_filter("localtime")
    def format_local(value: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
        """A time in the seminar's own time zone (TIMEZONE), where sessions take place."""
        if value is None:
            return ""
        return value.astimezone(ZoneInfo(app.config["TIMEZONE"])).strftime(fmt)

    @app.template_filter("date")
    def format_date(value: datetime | None) -> str:
        return value.strftime("%d %b %Y") if value else ""
