"""Logging in and out: hashing, rate limits, safe redirects, CSRF."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from seminar.web.auth import safe_next
from tests.conftest import PASSWORD, csrf_token, login


def test_login_page_renders(client: FlaskClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Log in" in response.data


def test_login_and_logout(client: FlaskClient, make_user) -> None:
    user = make_user("student")
    response = login(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/lessons/"
    assert client.get("/lessons/").status_code == 200
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"
    assert client.get("/lessons/").status_code == 302


def test_logout_needs_post(client: FlaskClient, make_user) -> None:
    login(client, make_user())
    assert client.get("/logout").status_code == 405


def test_email_is_case_insensitive(client: FlaskClient, make_user) -> None:
    user = make_user(email="Casey@Example.Org")
    assert user.email == "casey@example.org"
    assert login(client, "CASEY@example.org").status_code == 302


@pytest.mark.parametrize("password", ["wrong password", ""])
def test_wrong_password_shows_message_next_to_field(
    client: FlaskClient, make_user, password: str
) -> None:
    user = make_user()
    response = login(client, user, password)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert client.get("/lessons/").status_code == 302


def test_unknown_email_gets_the_same_message(client: FlaskClient) -> None:
    html = login(client, "nobody@example.org").get_data(as_text=True)
    assert "The email or the password is not right." in html


def test_inactive_account_cannot_log_in(app: Flask, client: FlaskClient, make_user) -> None:
    from seminar.db import db

    user = make_user()
    user.active = False
    db.session.commit()
    assert login(client, user).status_code == 200
    assert client.get("/lessons/").status_code == 302


def test_passwords_are_hashed(make_user) -> None:
    user = make_user()
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/lessons/first-lesson", "/lessons/first-lesson"),
        ("/account/?tab=1", "/account/?tab=1"),
        ("https://evil.test/", "/lessons/"),
        ("//evil.test/", "/lessons/"),
        ("/\\evil.test", "/lessons/"),
        ("\\\\evil.test", "/lessons/"),
        ("javascript:alert(1)", "/lessons/"),
        ("http:/evil.test", "/lessons/"),
        ("/ok\r\nLocation: https://evil.test", "/lessons/"),
        ("", "/lessons/"),
    ],
)
def test_next_redirect_stays_on_site(
    client: FlaskClient, make_user, target: str, expected: str
) -> None:
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == expected
    assert safe_next(target, "/lessons/") == expected


def test_login_required_pages_send_next(client: FlaskClient) -> None:
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.csrf
def test_post_without_csrf_token_is_refused(client: FlaskClient, make_user) -> None:
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


@pytest.mark.csrf
def test_every_post_route_demands_csrf(app: Flask, client: FlaskClient, make_user) -> None:
    """Enumerate the app's POST rules: none accepts a state change without a token."""
    admin = make_user("admin")
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
    posts = [r for r in app.url_map.iter_rules() if "POST" in (r.methods or set())]
    assert len(posts) >= 8
    for rule in posts:
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "x")
        assert client.post(url, data={}).status_code == 400, rule.rule
