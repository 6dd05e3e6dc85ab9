"""Hours from another issuer's Open Badges 3.0 credential over HTTP: its key set served by a
real HTTP server on the loopback interface, a credential signed with it accepted and counted
towards an Advanced cohort's `attended_hours`, shown to admins with what was verified; refused
credentials (bad signature, expired, someone else's, alg none, our own, replayed, garbage)
answered next to the field, never with a 500; the loopback refused outside tests."""

from __future__ import annotations

import base64
import io
import json
import re
import socket
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from joserfc.jwk import ECKey
from sqlalchemy import func, select

from seminar.db import db
from seminar.models import AuditEntry, Cohort, CohortMember, DeclaredHours, Record
from tests.conftest import login
from tests.foreign_issuer import ForeignIssuer, serve_jwks
from tests.test_levels_http import advanced, attended, hold_basic  # noqa: F401 (a fixture)


def post(client: FlaskClient, token: str = "", file: Any = None, **fields: Any) -> Any:
    data = {"c-credential": token} | fields | ({"c-credential_file": file} if file else {})
    return client.post("/hours/credential", data=data, content_type="multipart/form-data")


def field_error(response: Any, field: str) -> str:
    """The message shown next to a field of the credential form."""
    page = response.get_data(as_text=True)
    found = re.search(rf'<ul class="errors" id="c-{field}-error">(.*?)</ul>', page, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).replace("&#39;", "'") if found else ""


@pytest.fixture(autouse=True)
def listed_issuer(app: Flask) -> None:
    """The test issuer (served on loopback) is one whose stated hours count at once."""
    app.config["FOREIGN_ISSUERS"] = ["127.0.0.1"]


def declared_count() -> int:
    return db.session.scalar(select(func.count()).select_from(DeclaredHours)) or 0


def test_a_verified_credential_counts_towards_admission(
    app: Flask,
    client: FlaskClient,
    world: Cohort,
    advanced: Cohort,  # noqa: F811
    make_user,
) -> None:
    student, admin = make_user("student"), make_user("admin", name="Ada Admin")
    hold_basic(world, student)
    attended(world, student, 2)
    student.licensed_on = date.today() - timedelta(days=800)
    db.session.commit()
    login(client, student)
    page = client.get(f"/join/{advanced.invite_code}").get_data(as_text=True)
    assert "Needs 6 attended hours (you have 2: 2 here, 0 declared and approved)" in page
    # The Basic record's own credential, signed here: its hours count here already.
    ours = db.session.scalars(select(Record.credential_jwt).where(Record.holder_id == student.id))
    response = post(client, next(iter(ours)))
    assert "hours attended here already count" in field_error(response, "credential")

    with serve_jwks(ForeignIssuer()) as issuer:
        token = issuer.sign(issuer.credential(student.email))
        response = post(client, token)
        assert response.status_code == 302, field_error(response, "credential")
        # The same credential again (pasted, or as a file) is refused: it counts once.
        again = post(client, file=(io.BytesIO(token.encode()), "badge.jwt"))
        assert again.status_code == 400
        assert "already been declared" in field_error(again, "credential")
        # A credential stating no hours, as a .json file: the student's hours, for an admin.
        bare = issuer.credential(student.email, subject={"creditsEarned": None, "achievement": {
            "name": "Extremity day"}})  # fmt: skip
        wallet = json.dumps({"jwt": issuer.sign(bare)}).encode()
        response = post(client, file=(io.BytesIO(wallet), "badge.json"))
        assert "states no hours" in field_error(response, "hours")
        response = post(client, file=(io.BytesIO(wallet), "badge.json"), **{"c-hours": "3"})
        assert response.status_code == 302

    page = client.get("/hours").get_data(as_text=True)
    assert "Verified credential" in page and "Cranial seminar, Paris" in page
    assert "9 attended hours" in page and "2 here, 7 declared and approved" in page
    page = client.get(f"/join/{advanced.invite_code}").get_data(as_text=True)
    assert "Join this cohort" in page and "cannot join" not in page
    assert client.post(f"/join/{advanced.invite_code}").status_code == 302
    assert db.session.scalar(
        select(CohortMember.id).where(
            CohortMember.cohort_id == advanced.id, CohortMember.user_id == student.id
        )
    )
    entries = {e.course: e for e in db.session.scalars(select(DeclaredHours))}
    cranial, extremity = entries["Cranial seminar, Paris"], entries["Extremity day"]
    assert (cranial.state.value, cranial.hours, cranial.organisation) == (
        "approved", 7, "SOTO-Europe")  # fmt: skip
    assert (extremity.state.value, extremity.hours) == ("pending", 3)
    assert (
        cranial.file_data == token.encode() and cranial.credential_key != extremity.credential_key
    )
    assert (
        db.session.scalar(
            select(func.count()).where(AuditEntry.action == "declared_hours.credential")
        )
        == 2
    )

    client = app.test_client()
    login(client, admin)
    review = client.get("/admin/hours").get_data(as_text=True)
    assert "Signature checked with SOTO-Europe&#39;s published key" in review
    assert "holder matched by e-mail (hashed, salted)" in review
    assert "no hours stated (the hours are the student&#39;s)" in review
    assert "Issuer&#39;s site: 127.0.0.1." in review
    evidence = client.get(f"/hours/{cranial.id}/evidence")
    assert evidence.data == token.encode() and evidence.mimetype == "application/jwt"


def test_refused_credentials_say_why_next_to_the_field(
    app: Flask, client: FlaskClient, make_user
) -> None:
    student = make_user("student", email="ann@example.org")
    login(client, student)
    with serve_jwks(ForeignIssuer()) as issuer:
        good = issuer.credential(student.email)
        other_key = ECKey.generate_key("P-256", private=True)
        cases = {
            issuer.sign(good, key=other_key): "signature does not match",
            issuer.sign(issuer.credential(student.email, validUntil="2020-01-01T00:00:00Z")):
                "expired on 2020-01-01",
            issuer.sign(issuer.credential("bob@example.org")): "was not issued to you",
            _unsigned(good): "'none', which is not accepted",
            _our_own(app, issuer, good): "hours attended here already count",
            "eyJhbGciOiJFUzI1NiJ9." * 3: "three parts",
            "x" * 200_000: "longer than 32 KB",
            "[" * 5000: "three parts",
            '{"jwt": {"jwt": ["a"]}}': "holds no signed credential",
            "\x00\x01\x02": "three parts",
            issuer.sign(good | {"issuer": {"id": "https://soto.example/issuer"}}):
                "not published by the site of the issuer it names (soto.example",
        }  # fmt: skip
        for token, says in cases.items():
            response = post(client, token)
            assert response.status_code == 400, says
            assert says in field_error(response, "credential"), (token[:40], says)
        kept = post(client, issuer.sign(good, key=other_key))
        assert issuer.sign(good, key=other_key)[:60] in kept.get_data(as_text=True)
        noise = (io.BytesIO(bytes(range(256)) * 300), "b.jwt")
        binary = post(client, file=noise)
        assert binary.status_code == 400 and field_error(binary, "credential")

        issuer.padding = 70_000  # a key set above 64 KB is not read to its end
        response = post(client, issuer.sign(good))
        assert "too large or too slow" in field_error(response, "credential")
        issuer.padding = 0

        # Outside tests, the loopback (and every private address) is not fetched at all.
        app.config["TESTING"] = False
        try:
            response = post(client, issuer.sign(good))
        finally:
            app.config["TESTING"] = True
        assert "is not on the public internet" in field_error(response, "credential")

    # The key set is gone (the server stopped): said, not a hang or a 500.
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        issuer.base = f"http://127.0.0.1:{probe.getsockname()[1]}"
    response = post(client, issuer.sign(issuer.credential(student.email)))
    assert "could not be fetched" in field_error(response, "credential")
    assert declared_count() == 0


def test_an_issuer_not_listed_goes_to_an_admin_with_its_hours(
    app: Flask, client: FlaskClient, make_user
) -> None:
    app.config["FOREIGN_ISSUERS"] = []  # the default: no issuer is taken at its word
    student = make_user("student")
    login(client, student)
    with serve_jwks(ForeignIssuer()) as issuer:
        response = post(client, issuer.sign(issuer.credential(student.email)))
        assert response.status_code == 302
        app.config["FOREIGN_ISSUERS"] = "badges.soto-europe.example, 127.0.0.1"  # as from env
        claims = issuer.credential(student.email, id="urn:uuid:2")
        assert post(client, issuer.sign(claims)).status_code == 302
    first, second = db.session.scalars(select(DeclaredHours).order_by(DeclaredHours.id))
    assert (first.state.value, first.hours) == ("pending", 7)
    assert "Not an issuer whose hours count at once" in first.verified
    assert (second.state.value, second.hours) == ("approved", 7)


def test_checking_credentials_is_rate_limited_per_person(
    app: Flask, client: FlaskClient, make_user
) -> None:
    app.config["CREDENTIAL_RATE_LIMIT"] = "2 per hour"
    login(client, make_user("student"))
    assert [post(client, "garbage").status_code for _ in range(3)] == [400, 400, 429]
    other = app.test_client()
    login(other, make_user("student"))
    assert post(other, "garbage").status_code == 400  # counted per person


def _unsigned(claims: dict[str, Any]) -> str:
    def part(data: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'kid': 'https://x.example/k#1'})}.{part(claims)}.AA"


def _our_own(app: Flask, issuer: ForeignIssuer, claims: dict[str, Any]) -> str:
    """A credential naming this platform as its issuer (refused before any key is fetched)."""
    ours = {**claims, "issuer": {"id": f"{app.config['BASE_URL']}/issuer", "name": "Us"}}
    return issuer.sign(ours)
