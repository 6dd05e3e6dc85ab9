"""Calendar feeds (iCalendar) of seminar sessions, public by their secret address so that
calendar apps, which cannot log in, can subscribe."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response
from sqlalchemy import select

from seminar.core.ical import Event, calendar
from seminar.db import db, now_utc
from seminar.models import Cohort, SeminarSession, User
from seminar.queries import links
from seminar.queries import sessions as session_queries
from seminar.web.filters import absolute_url

bp = Blueprint("calendar", __name__)


def _ics(name: str, sessions: list[SeminarSession]) -> Response:
    host = urlsplit(links.base_url()).netloc
    checkin = absolute_url("checkin.checkin")
    events = [
        Event(
            uid=f"session-{s.id}@{host}",
            starts=s.starts_at,
            ends=s.ends_at,
            summary=f"{s.title} ({s.cohort.title})",
            location=s.location,
            description=f"{s.ce_hours:g} CE hours offered. Check in at {checkin}",
        )
        for s in sessions
    ]
    return Response(
        calendar(name, events, stamp=now_utc()),
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="sessions.ics"'},
    )


@bp.get("/calendar/cohort/<token>.ics")
def cohort_calendar(token: str) -> Response:
    cohort = db.first_or_404(select(Cohort).where(Cohort.calendar_token == token))
    return _ics(cohort.title, session_queries.sessions_of(cohort))


@bp.get("/calendar/<token>.ics")
def personal_calendar(token: str) -> Response:
    """Every session of every cohort this person is in."""
    user = db.first_or_404(select(User).where(User.calendar_token == token))
    return _ics(f"Seminar sessions: {user.name}", session_queries.sessions_of_member(user))
