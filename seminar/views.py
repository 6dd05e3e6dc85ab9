"""Template helpers shared by every page."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from seminar.forms import EmptyForm


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def helpers() -> dict[str, object]:
        return {"empty_form": EmptyForm}

    @app.template_filter("datetime")
    def format_datetime(value: datetime | None) -> str:
        return value.strftime("%d %b %Y, %H:%M UTC") if value else ""

    @app.template_filter("date")
    def format_date(value: datetime | None) -> str:
        return value.strftime("%d %b %Y") if value else ""
