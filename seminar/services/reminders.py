"""Reminders the day before each session, and instructors' announcements to a cohort.

`queue_reminders` is meant for cron (`flask seminar remind`, hourly or daily): it finds the
sessions that take place tomorrow in the seminar's time zone and queues one e-mail per person
enrolled; the (session, person) unique key makes a second run, or two hosts at once, send
nothing twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from seminar.core.errors import SeminarError
from seminar.db import db, insert_ignore, now_utc
from seminar.models import (
    Announcement,
    Cohort,
    CohortMember,
    MemberRole,
    SeminarSession,
    SessionReminder,
    User,
)
from seminar.queries import links
from seminar.services import notifications


class AnnouncementError(SeminarError):
    pass


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def tomorrow_window(now: datetime) -> tuple[datetime, datetime]:
    """Tomorrow, from local midnight to local midnight, in UTC."""
    zone = _zone()
    day = now.astimezone(zone).date() + timedelta(days=1)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def queue_reminders(now: datetime | None = None) -> int:
    """Queue tomorrow's session reminders not queued before; how many were queued."""
    start, end = tomorrow_window(now or now_utc())
    sessions = db.session.scalars(
        select(SeminarSession)
        .where(SeminarSession.starts_at >= start, SeminarSession.starts_at < end)
        .where(SeminarSession.closed_at.is_(None))
        .order_by(SeminarSession.starts_at)
    ).all()
    queued = 0
    zone = _zone()
    for session in sessions:
        people = db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == session.cohort_id, User.active)
            .order_by(User.id)
        ).all()
        messages = []
        for person in people:
            if not insert_ignore(
                SessionReminder,
                {"session_id": session.id, "user_id": person.id, "queued_at": now_utc()},
                keys=("session_id", "user_id"),
            ):
                continue
            local = session.starts_at.astimezone(zone)
            messages.append(
                (
                    person.email,
                    person.name,
                    notifications.render(
                        "session_reminder",
                        person=person,
                        session=session,
                        cohort=session.cohort,
                        when=f"{local:%A %d %B} at {local:%H:%M}",
                        checkin_url=links.to("/checkin"),
                        schedule_url=links.to(f"/cohorts/{session.cohort.slug}/sessions"),
                    ),
                )
            )
        notifications.queue_many(messages)
        queued += len(messages)
    return queued


def announce(cohort: Cohort, *, subject: str, body: str, by: User) -> Announcement:
    """Write to a cohort: e-mailed to each of its students, and shown on their pages."""
    subject, body = subject.strip(), body.strip()
    if not subject:
        raise AnnouncementError("Give the announcement a subject.", field="subject")
    if not body:
        raise AnnouncementError("Write the announcement.", field="body")
    students = db.session.scalars(
        select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(
            CohortMember.cohort_id == cohort.id,
            CohortMember.role == MemberRole.STUDENT,
            User.active,
        )
        .order_by(User.id)
    ).all()
    announcement = Announcement(
        cohort_id=cohort.id,
        author_id=by.id,
        author_name=by.name,
        subject=subject[:200],
        body=body,
        recipients=len(students),
    )
    db.session.add(announcement)
    db.session.flush()
    # One rendering: only the greeting-free body goes out, the same to every student.
    message = notifications.render(
        "announcement", announcement=announcement, cohort=cohort, path_url=links.to("/path")
    )
    notifications.queue_many([(s.email, s.name, message) for s in students])
    return announcement
