"""What each worker remembers between requests to serve pages faster, and why that never
changes what a request may do: a session cookie is verified once a minute (each request gets
its own copy), and a session's CSRF token is signed once (tokens here never expire)."""

from __future__ import annotations

import re

import pytest
from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, csrf_token


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match
    return match.group(1)


@pytest.mark.csrf
def test_a_session_token_is_signed_once_and_still_guards_every_form(
    app: Flask, client: FlaskClient, make_user
) -> None:
    user = make_user()
    token = csrf_token(client, "/login")
    assert csrf_token(client, "/login") == token  # the same session: signed once
    other = app.test_client()
    theirs = csrf_token(other, "/login")
    assert theirs != token
    sent = {"email": user.email, "password": PASSWORD}
    assert client.post("/login", data=sent | {"csrf_token": theirs}).status_code == 400
    assert client.post("/login", data=sent | {"csrf_token": token}).status_code == 302
    page = client.get("/lessons/").get_data(as_text=True)
    assert _token(page)  # the menu's log-out form carries the (new) session's token
    assert client.post("/logout", data={"csrf_token": _token(page)}).status_code == 302


def test_a_verified_cookie_is_read_once_and_each_request_gets_its_own_copy(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    interface = app.session_interface
    with app.test_request_context():
        session["note"] = ["kept"]
        cookie = interface.get_signing_serializer(app).dumps(dict(session))
    verified: list[str] = []
    real = SecureCookieSessionInterface.open_session

    def counting(self, app, request):
        verified.append(request.cookies.get("session", ""))
        return real(self, app, request)

    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", counting)
    headers = {"Cookie": f"session={cookie}"}
    with app.test_request_context(headers=headers) as ctx:
        first = interface.open_session(app, ctx.request)
        assert first is not None and first["note"] == ["kept"]
        first["note"].append("changed by this request")
    with app.test_request_context(headers=headers) as ctx:
        second = interface.open_session(app, ctx.request)
        assert second is not None and second["note"] == ["kept"]  # not the first's change
    assert len(verified) == 1
    tampered = {"Cookie": f"session={cookie[:-2]}xx"}
    with app.test_request_context(headers=tampered) as ctx:
        assert dict(interface.open_session(app, ctx.request) or {}) == {}
