"""Template helpers shared by every page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, session, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from seminar.core import ce
from seminar.core.grading import grade_text
from seminar.core.memo import memo_in
from seminar.core.questions import question_type
from seminar.core.record_wording import PublicAccount, is_exception, public_account
from seminar.queries import links


def signed_csrf() -> str:
    """This session's CSRF token as forms carry it, signed. Tokens here never expire
    (WTF_CSRF_TIME_LIMIT=None), so each worker signs a session's token once rather than on
    every page (the signature was a tenth of a lesson page's time); a session's first page,
    which creates its token, goes through Flask-WTF."""
    raw = session.get("csrf_token")
    if current_app.config["WTF_CSRF_TIME_LIMIT"] is not None or not isinstance(raw, str):
        return generate_csrf()  # type: ignore[no-any-return]
    signed = memo_in(current_app.extensions, "csrf_signed", size=4096)
    return signed.get(raw, generate_csrf)  # type: ignore[no-any-return]


def csrf_field() -> Markup:
    """The hidden CSRF input of a form that has no other fields (what EmptyForm renders),
    without building a form: every page's log-out button carries one. It never reads the
    request: on the page refusing an oversized upload, reading it would raise again."""
    return Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="{}">').format(
        signed_csrf()
    )


def zone() -> ZoneInfo:
    """Where the seminar happens: times are typed and shown in this zone (TIMEZONE)."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def from_local(value: datetime) -> datetime:
    """A time typed in the seminar's time zone, as UTC."""
    return value.replace(tzinfo=zone()).astimezone(UTC)


def to_local(value: datetime) -> datetime:
    """A stored time as the seminar's wall clock shows it (for forms and downloads)."""
    return value.astimezone(zone()).replace(tzinfo=None)


def zone_name(value: datetime | None = None) -> str:
    """The seminar's zone as people read it: its abbreviation at that moment (EST, CET),
    or its offset from UTC where the zone has no letters (UTC-03)."""
    abbreviation = (value or datetime.now(UTC)).astimezone(zone()).strftime("%Z")
    return abbreviation if abbreviation.isalpha() else f"UTC{abbreviation}"


def local_words(value: datetime) -> str:
    """'06 Dec 2026, 14:20 CET': the seminar's wall clock and its zone."""
    return f"{value.astimezone(zone()):%d %b %Y, %H:%M} {zone_name(value)}"


def day(value: datetime | date | None) -> str:
    """'06 Dec 2026': the day it was where the seminar is."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(zone())
    return value.strftime("%d %b %Y")


def absolute_url(endpoint: str, **values: object) -> str:
    """A link that works outside the app (a QR code, an invite, a calendar feed): the public
    address (configured, else the request's own) and the route's path."""
    return links.base_url() + url_for(endpoint, **values)


@dataclass(frozen=True)
class LinkNotice:
    """What staff should know about the links this page builds."""

    base: str  # where links point
    configured: bool  # SEMINAR_BASE_URL is set
    local: bool  # only this computer can open them
    lan: str | None  # the same app at this computer's network address, if it has one


def link_notice() -> LinkNotice:
    base = links.base_url()
    return LinkNotice(base, bool(links.configured()), links.is_local(base), links.on_lan(base))


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def helpers() -> dict[str, object]:
        return {
            "csrf_field": csrf_field,
            "csrf_token": signed_csrf,  # in place of Flask-WTF's own
            "link_notice": link_notice,
            "absolute_url": absolute_url,
            "question_type": question_type,
            "zone_name": zone_name,
        }

    @app.template_filter("datetime")
    def format_datetime(value: datetime | None) -> str:
        """A stored time as the seminar's clock shows it, with the zone named."""
        return local_words(value) if value else ""

    @app.template_filter("localtime")
    def format_local(value: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
        """A time in the seminar's own time zone (TIMEZONE), where sessions take place; the
        caller names the zone once (`zone_name()`) when it shows several."""
        if value is None:
            return ""
        return value.astimezone(zone()).strftime(fmt)

    app.add_template_filter(day, "date")

    @app.template_filter("grade")
    def format_grade(value: float | None) -> str:
        """Every grade on every page: at most one decimal place, never rounded up."""
        return "" if value is None else f"{grade_text(value)}%"

    @app.template_filter("pass_mark")
    def format_pass_mark(value: float) -> str:
        """A mark needed to pass, rounded up: the figure shown is always enough."""
        return f"{grade_text(value, needed=True)}%"

    @app.template_filter("ordinal")
    def ordinal(place: int) -> str:
        """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
        suffix = (
            "th" if 10 <= place % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(place % 10, "th")
        )
        return f"{place}{suffix}"

    @app.template_filter("choice_text")
    def choice_text(index: int, choices: list[str]) -> str:
        return choices[index] if 0 <= index < len(choices) else ""

    @app.template_filter("approval")
    def approval_words(approval: ce.Approval) -> str:
        return ce.describe(approval)

    @app.template_test("issued_by_exception")
    def issued_by_exception(record: object) -> bool:
        return is_exception(record)  # type: ignore[arg-type]

    @app.template_filter("public_account")
    def record_account(record: object, issuer_name: str) -> PublicAccount:
        """What a record says publicly (for the holder's e-mails, which the mail service
        renders with this environment)."""
        return public_account(record, issuer_name=issuer_name)  # type: ignore[arg-type]
