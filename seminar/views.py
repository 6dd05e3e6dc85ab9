"""Template helpers shared by every page."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask

from seminar.forms import EmptyForm


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def helpers() -> dict[str, object]:
        return {"empty_form": EmptyForm}

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
