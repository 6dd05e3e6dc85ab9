"""Invitations through a real SMTP server: added in the browser, e-mailed, accepted once."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from seminar.db import db, now_utc
from seminar.models import Cohort, CohortMember, Invitation, OutboxMessage, Role, User
from tests.conftest import login
from tests.mailserver import MailServer, link, parts


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_an_invitation_from_the_people_page_to_first_login(
    app: Flask, client: FlaskClient, world: Cohort, make_user, mail_server: MailServer
) -> None:
    login(client, make_user("admin", name="Avery Admin"))
    page = client.get("/admin/users").get_data(as_text=True)
    assert "flask seminar user create" not in page and "Add a person" in page
    response = client.post(
        "/admin/users/invite",
        data={"email": "Ada@Example.org", "name": "Ada Lovelace", "role": "student",
              "cohort": world.slug},
    )  # fmt: skip
    assert response.status_code == 302
    flashed = client.get("/admin/users").get_data(as_text=True)
    assert "queued and being sent now" in flashed and "ada@example.org" in flashed
    message = mail_server.wait_for_mail("ada@example.org")
    text, html = parts(message)
    assert message["Subject"] == "You are invited to Spring cohort"
    assert "Avery Admin has invited you to join Spring cohort" in text
    assert "Ada Lovelace" in html and "<a href=" in html
    url = link(message, "/invite/")
    assert db.session.scalar(select(func.count()).select_from(User)) == 1  # no account yet
    # The admin's outbox never shows the link.
    outbox = client.get("/admin/outbox").get_data(as_text=True)
    assert url not in outbox and "private link" in outbox

    newcomer = app.test_client()
    page = newcomer.get(_path(url)).get_data(as_text=True)
    assert "Welcome to Spring cohort" in page and "ada@example.org" in page
    weak = newcomer.post(_path(url), data={"name": "Ada Lovelace", "password": "aaaaaaaaaaaa",
                                          "confirm": "aaaaaaaaaaaa"})  # fmt: skip
    assert weak.status_code == 200 and "Repeats like" in weak.get_data(as_text=True)
    chosen = "analytical engine notes"
    done = newcomer.post(_path(url), data={"name": "Ada King", "password": chosen,
                                          "confirm": chosen, "licence_number": "DC-7"})  # fmt: skip
    assert done.status_code == 302
    assert "Welcome, Ada King" in newcomer.get("/lessons/").get_data(as_text=True)
    ada = db.session.scalars(select(User).where(User.email == "ada@example.org")).one()
    assert (ada.name, ada.role, ada.licence_number) == ("Ada King", Role.STUDENT, "DC-7")
    assert (
        db.session.scalar(select(CohortMember.role).where(CohortMember.user_id == ada.id))
        == "student"
    )
    # Used once: the same link is refused, and the password logs in.
    again = newcomer.post(_path(url), data={"name": "X", "password": chosen, "confirm": chosen})
    assert again.status_code == 404 and "does not work" in again.get_data(as_text=True)
    fresh = app.test_client()
    assert login(fresh, "ada@example.org", chosen).status_code == 302


def test_expired_withdrawn_and_resent_links_are_refused(
    app: Flask, client: FlaskClient, world: Cohort, make_user, mail_server: MailServer
) -> None:
    login(client, make_user("admin"))
    client.post(f"/cohorts/{world.slug}/enroll",
                data={"email": "bo@example.org", "name": "Bo Ray", "role": "student"})  # fmt: skip
    first = _path(link(mail_server.wait_for_mail("bo@example.org"), "/invite/"))
    assert client.get(first).status_code == 200
    invitation = db.session.scalars(select(Invitation)).one()
    # Resending makes a new link: the first stops working.
    client.post(f"/invitations/{invitation.id}/resend", data={"back": "/admin/users"})
    second = _path(link(mail_server.wait_for_mail("bo@example.org", 2), "/invite/"))
    assert first != second
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200
    # Expired: refused, shown as expired to staff, and resending renews it.
    invitation.expires_at = now_utc() - timedelta(minutes=1)
    db.session.commit()
    assert app.test_client().get(second).status_code == 404
    assert "expired" in client.get(f"/cohorts/{world.slug}").get_data(as_text=True)
    client.post(f"/invitations/{invitation.id}/resend")
    third = _path(link(mail_server.wait_for_mail("bo@example.org", 3), "/invite/"))
    assert app.test_client().get(third).status_code == 200
    # Withdrawn: refused.
    client.post(f"/invitations/{invitation.id}/withdraw")
    assert app.test_client().get(third).status_code == 404
    assert "No invitation is waiting" in client.get(f"/cohorts/{world.slug}").get_data(as_text=True)
    # A made-up or altered token is refused the same way.
    selector = third.rsplit("/", 1)[1].split(".")[0]
    for token in ("nope", f"{selector}.{'A' * 43}", "a.b.c"):
        assert app.test_client().get(f"/invite/{token}").status_code == 404


def test_instructors_invite_students_to_their_own_cohorts_only(
    client: FlaskClient, world: Cohort, teacher: User, make_user
) -> None:
    login(client, teacher)
    page = client.get(f"/cohorts/{world.slug}").get_data(as_text=True)
    assert "Add someone" in page and "Write to the cohort" in page
    ok = client.post(f"/cohorts/{world.slug}/enroll",
                     data={"email": "cy@example.org", "name": "Cy", "role": "student"})  # fmt: skip
    assert ok.status_code == 302
    instructor = {"email": "di@example.org", "name": "Di", "role": "instructor"}
    refused = client.post(f"/cohorts/{world.slug}/enroll", data=instructor)
    assert refused.status_code == 400
    assert "Instructors invite students" in refused.get_data(as_text=True)
    assert client.post("/admin/users/invite", data={"email": "x@example.org"}).status_code == 403
    # An existing account is enrolled at once, with nothing e-mailed.
    other = make_user("student")
    client.post(f"/cohorts/{world.slug}/enroll", data={"email": other.email, "role": "student"})
    assert (
        db.session.scalar(
            select(func.count()).select_from(CohortMember).where(CohortMember.user_id == other.id)
        )
        == 1
    )
    kinds = db.session.scalars(select(OutboxMessage.kind)).all()
    assert kinds == ["invitation"]


def test_without_a_mail_server_pages_say_the_invitation_waits(
    client: FlaskClient, world: Cohort, make_user
) -> None:
    login(client, make_user("admin"))
    client.post("/admin/users/invite", data={"email": "ed@example.org", "name": "Ed Ng",
                                             "role": "instructor", "cohort": ""})  # fmt: skip
    page = client.get("/admin/users").get_data(as_text=True)
    assert "no mail server is configured" in page and "will not be sent" in page
    assert "queued" in page  # the pending list says how the e-mail went
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.sent_at is None and message.private and message.html.startswith("<!doctype")
