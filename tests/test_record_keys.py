"""Open Badges 3.0 to the letter: each credential's `kid` is a URI that dereferences to its key,
the key set keeps every key records were signed with (so `flask seminar keys rotate` breaks
no credential), achievements have a public picture, and a superseded record is flagged in a
list of its own, not as revoked. Checked with PyJWT, not the library that signs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import jwt as pyjwt
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from joserfc.jwk import ECKey

from seminar.db import db
from seminar.models import Cohort, Record, RecordKind, Role, User
from seminar.services import issuing
from seminar.services.cohorts import enroll
from seminar.services.unit_of_work import unit_of_work
from tests.records_world import make_eligible
from tests.test_records import resolve_kid, verify_independently


@pytest.fixture
def students(world: Cohort, teacher: User, make_user: Callable[..., User]) -> list[User]:
    out = []
    for name in ("Ada Lovelace", "Grace Hopper"):
        student = make_user(Role.STUDENT, name=name)
        enroll(world, student)
        make_eligible(world, student, teacher)
        out.append(student)
    db.session.commit()
    return out


def issue(world: Cohort, student: User) -> Record:
    with unit_of_work():
        (issued,) = issuing.issue(world, RecordKind.COMPLETION, [student.id])
    return issued.record


def test_old_credentials_verify_after_a_key_rotation(
    app: Flask, world: Cohort, students: list[User], runner: FlaskCliRunner
) -> None:
    before = issue(world, students[0])
    result = runner.invoke(args=["seminar", "keys", "rotate"])
    assert result.exit_code == 0, result.output
    retired, current = (line.split()[-1] for line in result.output.splitlines())
    after = issue(world, students[1])
    old_kid = pyjwt.get_unverified_header(before.credential_jwt)["kid"]
    new_kid = pyjwt.get_unverified_header(after.credential_jwt)["kid"]
    assert (old_kid, new_kid) == (retired, current) and old_kid != new_kid
    client = app.test_client()
    keys = client.get("/.well-known/jwks.json").get_json()["keys"]
    assert [k["kid"] for k in keys] == [new_kid, old_kid]  # the current key first
    for record in (before, after):
        # Independently: PyJWT, the key found by dereferencing the credential's own kid.
        claims, revoked = verify_independently(client, record.display_id)
        assert claims["id"].endswith(record.display_id) and not revoked
    # The key a kid resolves to is the one that signed, and no other.
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt.decode(
            before.credential_jwt, resolve_kid(client, after.credential_jwt), algorithms=["ES256"]
        )
    # The status list is signed with the new key now.
    token = client.get("/status/1").get_data(as_text=True)
    assert pyjwt.get_unverified_header(token)["kid"] == new_kid
    # A second rotation keeps both earlier keys.
    assert runner.invoke(args=["seminar", "keys", "rotate"]).exit_code == 0
    kids = [k["kid"] for k in client.get("/.well-known/jwks.json").get_json()["keys"]]
    assert len(kids) == 3 and kids[1:] == [new_kid, old_kid]
    verify_independently(client, before.display_id)


def test_a_key_replaced_by_hand_stays_published_once_it_has_signed(
    app: Flask, world: Cohort, students: list[User]
) -> None:
    record = issue(world, students[0])
    key_file = Path(app.instance_path) / "issuer_key.pem"
    key_file.write_bytes(ECKey.generate_key("P-256", private=True).as_pem(private=True))
    app.extensions.pop("seminar_issuer_key")  # as a restart would
    client = app.test_client()
    assert len(client.get("/.well-known/jwks.json").get_json()["keys"]) == 2
    verify_independently(client, record.display_id)


def test_a_key_given_in_the_configuration_is_not_rotated_by_the_command(
    app: Flask, runner: FlaskCliRunner
) -> None:
    app.config["ISSUER_KEY"] = ECKey.generate_key("P-256", private=True).as_pem(True).decode()
    result = runner.invoke(args=["seminar", "keys", "rotate"])
    assert result.exit_code == 1 and "SEMINAR_ISSUER_KEY" in result.output


def test_the_key_header_and_the_key_set_follow_the_letter(
    app: Flask, world: Cohort, students: list[User]
) -> None:
    record = issue(world, students[0])
    header = pyjwt.get_unverified_header(record.credential_jwt)
    # OB 3.0: only alg, kid, jwk and typ; kid a URI; the embedded key the same public key.
    assert set(header) == {"alg", "kid", "jwk", "typ"}
    assert header["kid"].startswith("http://127.0.0.1:5000/.well-known/jwks.json#")
    assert "d" not in header["jwk"]
    (key,) = app.test_client().get("/.well-known/jwks.json").get_json()["keys"]
    assert {k: key[k] for k in ("kty", "crv", "x", "y")} == header["jwk"]
    assert key["kid"] == header["kid"] and key["alg"] == "ES256" and key["use"] == "sig"


def test_achievements_have_a_public_picture(app: Flask) -> None:
    client = app.test_client()
    for kind, words in (("completion", "Completion"), ("attendance", "CE attendance")):
        response = client.get(f"/badges/{kind}.svg")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        svg = ET.fromstring(response.data)  # noqa: S314  (our own output, in a test)
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        assert words in texts and "S.O.T. Seminar" in texts
    assert client.get("/badges/certified.svg").status_code == 404


def test_supersession_has_its_own_list(app: Flask) -> None:
    client = app.test_client()
    token = client.get("/status/2").get_data(as_text=True)
    listing = pyjwt.decode(token, resolve_kid(client, token), algorithms=["ES256"])
    subject = listing["credentialSubject"]
    assert listing["id"] == "http://127.0.0.1:5000/status/2"
    assert subject["statusPurpose"] == "message" and subject["statusSize"] == 1
    assert [m["status"] for m in subject["statusMessage"]] == ["0x0", "0x1"]
    assert client.get("/status/3").status_code == 404
