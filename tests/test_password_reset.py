"""Password reset through a real SMTP server: the same answer for any address, a link that
works once for an hour, every session ended."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from seminar.db import db, now_utc
from seminar.extensions import limiter
from seminar.models import LoginSession, OutboxMessage, PasswordReset, User
from tests.conftest import PASSWORD, login
from tests.mailserver import MailServer, link, parts

NEW = "sacrum occiput dural tube"


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _ask(client: FlaskClient, email: str) -> tuple[int, str]:
    response = client.post("/reset-password", data={"email": email})
    return response.status_code, response.get_data(as_text=True).replace(email, "ADDRESS")


def test_reset_to_login_ends_every_session(
    app: Flask, client: FlaskClient, make_user, mail_server: MailServer
) -> None:
    user = make_user("student", email="ada@example.org")
    other_device = app.test_client()
    assert login(other_device, user).status_code == 302
    assert "login" not in other_device.get("/account/").headers.get("Location", "")
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/reset-password"' in page
    status, body = _ask(client, "Ada@Example.org ")
    assert status == 200 and "Check your e-mail" in body
    message = mail_server.wait_for_mail("ada@example.org")
    text, html = parts(message)
    assert "for one hour" in text and "Choose a new password" in html
    url = _path(link(message, "/reset-password/"))
    assert "Choose a new password" in client.get(url).get_data(as_text=True)
    weak = client.post(url, data={"password": "password123", "confirm": "password123"})
    assert "very common password" in weak.get_data(as_text=True)
    done = client.post(url, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    # Every session ended; the old password no longer works, the new one does.
    assert other_device.get("/account/").headers["Location"].startswith("/login")
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0
    assert login(app.test_client(), user).status_code == 200  # the old password: refused
    assert login(client, user, NEW).status_code == 302
    # Used: the link is refused now.
    again = app.test_client().get(url)
    assert again.status_code == 404 and "does not work" in again.get_data(as_text=True)


def test_expired_reused_and_superseded_links_are_refused(
    app: Flask, client: FlaskClient, make_user, mail_server: MailServer
) -> None:
    make_user("student", email="bo@example.org")
    client.post("/reset-password", data={"email": "bo@example.org"})
    first = _path(link(mail_server.wait_for_mail("bo@example.org"), "/reset-password/"))
    client.post("/reset-password", data={"email": "bo@example.org"})
    second = _path(link(mail_server.wait_for_mail("bo@example.org", 2), "/reset-password/"))
    # Expired an hour after it was made.
    reset = db.session.scalars(select(PasswordReset).order_by(PasswordReset.id)).first()
    assert reset.expires_at - reset.created_at == timedelta(hours=1)
    reset.expires_at = now_utc() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(first).status_code == 404
    assert client.post(first, data={"password": NEW, "confirm": NEW}).status_code == 404
    # Using one link spends every other open link of the account.
    client.post(second, data={"password": NEW, "confirm": NEW})
    assert client.post(second, data={"password": NEW, "confirm": NEW}).status_code == 404
    assert (
        db.session.scalar(
            select(func.count()).select_from(PasswordReset).where(PasswordReset.used_at.is_(None))
        )
        == 0
    )
    # Tampered secrets are refused like unknown ones; the database holds only hashes.
    selector, _, verifier = second.rsplit("/", 1)[1].partition(".")
    assert client.get(f"/reset-password/{selector}.{verifier[::-1]}").status_code == 404
    assert verifier not in str(db.session.scalars(select(PasswordReset.verifier_hash)).all())


def test_no_account_enumeration_same_page_and_same_time(
    app: Flask, client: FlaskClient, make_user
) -> None:
    app.config["RESET_ACCOUNT_LIMIT"] = "1000 per hour"
    app.config["RESET_ADDRESS_LIMIT"] = "1000 per hour"
    make_user("student", email="known@example.org")
    known_status, known_page = _ask(client, "known@example.org")
    unknown_status, unknown_page = _ask(client, "nobody@example.org")
    assert (known_status, known_page) == (unknown_status, unknown_page)
    assert db.session.scalar(select(OutboxMessage.to_email)) == "known@example.org"

    def timed(email: str) -> float:
        started = time.perf_counter()
        client.post("/reset-password", data={"email": email})
        return time.perf_counter() - started

    known = [timed("known@example.org") for _ in range(6)]
    unknown = [timed("nobody@example.org") for _ in range(6)]
    floor = app.config["RESET_RESPONSE_SECONDS"]
    assert min(known + unknown) >= floor
    assert abs(statistics.median(known) - statistics.median(unknown)) < 0.05, (known, unknown)


def test_reset_requests_are_limited_per_address_typed(
    app: Flask, client: FlaskClient, make_user
) -> None:
    app.config["RESET_RESPONSE_SECONDS"] = 0
    limiter.reset()
    for _ in range(3):
        assert _ask(client, "someone@example.org")[0] == 200
    status, body = _ask(client, "someone@example.org")
    assert status == 429 and "Too many reset requests" in body
    assert _ask(client, "another@example.org")[0] == 200  # another address is not held up


def test_an_inactive_account_gets_no_mail(client: FlaskClient, make_user) -> None:
    user = make_user("student")
    user.active = False
    db.session.commit()
    assert _ask(client, user.email)[0] == 200
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert PASSWORD  # the account keeps its password
