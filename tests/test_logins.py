"""Login sessions that end: logout, the Account page's devices, password changes."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from seminar.db import db
from seminar.models import LoginSession, User
from tests.conftest import PASSWORD, login


def _cookies(client: FlaskClient) -> dict[str, str]:
    return {c.key: c.value for c in client._cookies.values()}  # type: ignore[attr-defined]


def _with_cookies(app: Flask, cookies: dict[str, str]) -> FlaskClient:
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value, domain="localhost")
    return other


def _logged_in(client: FlaskClient) -> bool:
    return client.get("/account/").status_code == 200


def test_a_cookie_copied_before_logout_no_longer_works(
    app: Flask, client: FlaskClient, make_user
) -> None:
    user = make_user("student")
    client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    copied = _cookies(client)
    assert {"session", "remember_token"} <= set(copied)
    assert _logged_in(_with_cookies(app, copied))  # the copy works while the session lives
    only_remember = {"remember_token": copied["remember_token"]}
    assert _logged_in(_with_cookies(app, only_remember))
    client.post("/logout")
    assert not _logged_in(client)
    assert not _logged_in(_with_cookies(app, copied))  # replayed: refused
    assert not _logged_in(_with_cookies(app, only_remember))
    assert not _logged_in(_with_cookies(app, {"session": copied["session"]}))
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_the_account_page_lists_devices_and_ends_the_others(
    app: Flask, client: FlaskClient, make_user
) -> None:
    user = make_user("student")
    phone = app.test_client()
    phone.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/604.1"},
    )
    laptop = app.test_client()
    laptop.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Gecko/20100101 Firefox/140.0"},
    )
    login(client, user)
    page = client.get("/account/").get_data(as_text=True)
    assert "Safari on iPhone" in page and "Firefox on Windows" in page and "this device" in page
    phone_id = db.session.scalars(select(LoginSession.id).order_by(LoginSession.id)).first()
    assert client.post(f"/account/devices/{phone_id}/end").status_code == 302
    assert not _logged_in(phone) and _logged_in(laptop) and _logged_in(client)
    client.post("/account/devices/others/end")
    assert not _logged_in(laptop) and _logged_in(client)
    # Someone else's device is not theirs to end.
    stranger = make_user("student")
    other = app.test_client()
    login(other, stranger)
    mine = db.session.scalar(select(LoginSession.id).where(LoginSession.user_id == user.id))
    assert other.post(f"/account/devices/{mine}/end").status_code == 404
    assert _logged_in(client)


def test_a_password_change_keeps_this_device_and_ends_the_others(
    app: Flask, client: FlaskClient, make_user
) -> None:
    user = make_user("student")
    elsewhere = app.test_client()
    login(elsewhere, user)
    login(client, user)
    new = "blue lagoon tide tables"
    weak = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "qwertyuiop", "confirm": "qwertyuiop"},
    )
    assert "top-100 common password" in weak.get_data(as_text=True)
    done = client.post("/account/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert done.status_code == 302
    assert _logged_in(client) and not _logged_in(elsewhere)
    assert db.session.get(User, user.id).check_password(new)
