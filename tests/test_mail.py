"""Mail that tells the truth: every message multipart through the outbox, delivered on its
own with SMTP configured and retried with a growing wait; session reminders the day before,
never twice; announcements e-mailed and shown on the students' pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from seminar.db import db, now_utc
from seminar.models import Cohort, OutboxMessage, SessionReminder, User
from seminar.services import cohorts as cohort_service
from seminar.services import notifications, password_reset, reminders
from seminar.services import sessions as session_service
from tests.conftest import login
from tests.mailserver import MailServer, parts, wait_for
from tests.pgserver import free_port


def _session_at(cohort: Cohort, starts_at: datetime, title: str = "Day one") -> None:
    session_service.create_session(
        cohort, title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3),
        location="Hall B", ce_hours=3, lessons=[],
    )  # fmt: skip
    db.session.commit()


def test_a_mail_server_that_comes_back_gets_the_message_on_its_own(app: Flask, make_user) -> None:
    """Down at first: the message waits, its retry is scheduled by the app itself (no cron),
    and arrives once the server is up."""
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_RETRY_SECONDS=0.5)
    user = make_user("student", email="cy@example.org")
    password_reset.request_reset(user.email)
    db.session.commit()  # the commit dispatches: the first try fails

    def tried() -> bool:
        db.session.expire_all()
        return bool(db.session.scalar(select(OutboxMessage.last_error)))

    assert wait_for(tried)
    server = MailServer(port).start()  # back up, on the same port
    try:
        server.wait_for_mail("cy@example.org", seconds=20)
    finally:
        server.stop()

    def sent() -> OutboxMessage | None:
        db.session.expire_all()
        return db.session.scalar(select(OutboxMessage).where(OutboxMessage.sent_at.isnot(None)))

    assert wait_for(lambda: sent() is not None)
    message = sent()
    assert message.tries >= 2 and message.last_error == ""


def test_every_message_is_text_and_html(
    app: Flask, client: FlaskClient, world: Cohort, teacher: User, make_user,
    mail_server: MailServer,
) -> None:  # fmt: skip
    student = make_user("student", email="dee@example.org")
    cohort_service.enroll(world, student)
    db.session.commit()
    login(client, teacher)
    client.post(
        f"/cohorts/{world.slug}/announcements",
        data={"note-subject": "Bring a towel", "note-body": "For the table work.\n\nSee you!"},
    )
    message = mail_server.wait_for_mail("dee@example.org")
    text, html = parts(message)
    assert message["Subject"] == "Spring cohort: Bring a towel"
    assert "For the table work." in text and "<p>For the table work.</p>" in html
    assert message.get_content_type() == "multipart/alternative"


def test_announcements_reach_students_by_mail_and_on_their_path(
    app: Flask, client: FlaskClient, world: Cohort, teacher: User, make_reader
) -> None:
    readers = [make_reader(), make_reader()]
    login(client, teacher)
    empty = client.post(f"/cohorts/{world.slug}/announcements", data={"note-subject": "x"})
    assert empty.status_code == 400 and 'id="note-body-error"' in empty.get_data(as_text=True)
    done = client.post(
        f"/cohorts/{world.slug}/announcements",
        data={"note-subject": "Room change", "note-body": "We meet in <Hall C>."},
        follow_redirects=True,
    )
    page = done.get_data(as_text=True)
    assert "e-mail to 2 students queued in the outbox, but no mail server is configured" in page
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
    reader = app.test_client()
    login(reader, readers[0])
    path = reader.get("/path").get_data(as_text=True)
    assert "Room change" in path and "We meet in &lt;Hall C&gt;." in path


def test_reminders_the_day_before_never_twice(
    app: Flask, world: Cohort, teacher: User, make_reader, runner: FlaskCliRunner
) -> None:
    app.config["TIMEZONE"] = "America/Los_Angeles"
    readers = [make_reader(), make_reader()]
    zone_now = now_utc()
    tomorrow_noon = (
        (zone_now + timedelta(days=1))
        .astimezone(__import__("zoneinfo").ZoneInfo("America/Los_Angeles"))
        .replace(hour=12, minute=0, second=0, microsecond=0)
    )
    _session_at(world, tomorrow_noon.astimezone(UTC), "Day one")
    _session_at(world, tomorrow_noon.astimezone(UTC) + timedelta(days=2), "Day three")
    first = runner.invoke(args=["seminar", "remind"])
    assert first.exit_code == 0 and "queued 3 session reminder(s)" in first.output  # +teacher
    again = runner.invoke(args=["seminar", "remind"])
    assert "queued 0 session reminder(s)" in again.output
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert {m.to_email for m in messages} == {readers[0].email, readers[1].email, teacher.email}
    assert all(m.subject == "Tomorrow: Day one (Spring cohort)" for m in messages)
    assert "12:00" in messages[0].body and "Hall B" in messages[0].html
    assert db.session.scalar(select(func.count()).select_from(SessionReminder)) == 3
    # Someone who joins after the reminders went gets theirs on the next run.
    late = make_reader()
    assert reminders.queue_reminders() == 1
    db.session.commit()
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.to_email == late.email)
        )
        == 1
    )


def test_pages_say_queued_or_sent_as_it_is(app: Flask, world: Cohort) -> None:
    with app.test_request_context():
        assert "no mail server is configured" in notifications.delivery_words()
        app.config["MAIL_SERVER"] = "127.0.0.1"
        assert notifications.delivery_words(2).startswith("queued and being sent now")


def test_outbox_send_stays_for_cron(
    app: Flask, make_user, runner: FlaskCliRunner, smtp_server: tuple[int, list]
) -> None:
    user = make_user("student", email="eve@example.org")
    password_reset.request_reset(user.email)
    db.session.commit()  # no mail server yet: it waits
    port, received = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    result = runner.invoke(args=["seminar", "outbox", "send"])
    assert "sent 1, failed 0" in result.output and len(received) == 1
