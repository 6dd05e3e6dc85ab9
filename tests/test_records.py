"""Completion records: issuing, verification (page, JWT, status list, QR in the PDF), revocation,
supersession, expiry, the audit trail, notifications and the command line."""

from __future__ import annotations

import base64
import gzip
import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import jwt as pyjwt
import pypdfium2
import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from seminar.core import record_ids
from seminar.core.errors import RecordError
from seminar.core.record_wording import add_months
from seminar.db import db, now_utc
from seminar.models import AuditEntry, Cohort, OutboxMessage, Record, RecordKind, Role, User
from seminar.queries import eligibility
from seminar.queries.records import RecordStatus, status_of
from seminar.services import audit, issuing, notifications, revocation
from seminar.services.cohorts import enroll
from seminar.services.unit_of_work import unit_of_work
from tests.conftest import login
from tests.mailserver import wait_for
from tests.pgserver import free_port
from tests.records_world import a_session, attend, make_eligible


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN, name="Grace Admin")


@pytest.fixture
def ada(world: Cohort, teacher: User, make_user: Callable[..., User]) -> User:
    """A student who meets every requirement of the world cohort's program."""
    student = make_user(
        Role.STUDENT, name="Ada Lovelace", licence_number="DC-1234", licence_state="CA"
    )
    enroll(world, student)
    make_eligible(world, student, teacher)
    db.session.commit()
    return student


@pytest.fixture
def bob(world: Cohort, make_user: Callable[..., User]) -> User:
    """A student who has done nothing yet."""
    student = make_user(Role.STUDENT, name="Bob Newcomer")
    enroll(world, student)
    db.session.commit()
    return student


def issue_one(cohort: Cohort, student: User, **kwargs: Any) -> Record:
    """Issue as an admin's request does: one unit of work, committed."""
    with unit_of_work():
        (issued,) = issuing.issue(cohort, RecordKind.COMPLETION, [student.id], **kwargs)
    return issued.record


# --- identifiers ---------------------------------------------------------------------------


def test_identifiers_are_80_random_bits_in_crockford_base32() -> None:
    ids = {record_ids.new_public_id() for _ in range(2000)}
    assert len(ids) == 2000
    for public_id in list(ids)[:50]:
        assert len(public_id) == 16 and set(public_id) <= set(record_ids.ALPHABET)
    shown = record_ids.display("7G2K9QXM4RTB1HZP")
    assert shown == "7G2K-9QXM-4RTB-1HZP"
    assert record_ids.normalise("7g2k-9qxm-4rtb-1hzp") == "7G2K9QXM4RTB1HZP"
    assert record_ids.normalise(" 7G2K 9QXM 4RTB lHZP ") == "7G2K9QXM4RTB1HZP"  # l reads as 1
    assert record_ids.normalise("OOOO-0000-0000-0000") == "0" * 16  # O reads as 0
    for bad in ("", "7G2K-9QXM", "7G2K-9QXM-4RTB-1HZU", "<script>", "7G2K9QXM4RTB1HZP0"):
        assert record_ids.normalise(bad) is None


# --- issuing -------------------------------------------------------------------------------


def test_a_record_freezes_its_evidence(
    app: Flask, world: Cohort, ada: User, teacher: User, admin: User
) -> None:
    record = issue_one(world, ada, actor=admin)
    assert record.kind == RecordKind.COMPLETION
    assert record.title == "Certificate of Completion, Basic"
    assert "Certified" not in record.title
    assert (record.holder_name, record.holder_licence) == ("Ada Lovelace", "DC-1234 (CA)")
    # CE hours are never a completion record's; the hours attended are its evidence.
    assert record.hours == 0 and record.completed_on == date.today()
    assert record.issued_by_id == admin.id and record.override_reason is None
    evidence = record.evidence
    assert evidence["hours"] == 3 and evidence["reading"] == {"seconds": 0}
    assert evidence["issuer"] == "S.O.T. Seminar" and evidence["eligible"] is True
    assert [r["public"] for r in evidence["requirements"]] == [
        "Lessons: 3 of 3 lessons completed",
        "Quiz 'Check': passed",
        "Seminar attendance: at least 2 hours present in person",
        "Practical skills: signed off by an instructor",
    ]
    assert evidence["program"] == {
        "slug": "basic",
        "title": "Basic program",
        "credential": "Certificate of Completion, Basic",
        "version": 1,
    }
    assert all(r["met"] for r in evidence["requirements"]) and len(evidence["requirements"]) == 4
    (quiz,) = evidence["quizzes"]
    assert quiz["slug"] == "check" and quiz["score"] == 100 and quiz["passed_on"]
    (session,) = evidence["sessions"]
    assert session["title"] == "Weekend seminar, day 1" and session["hours"] == 3
    assert evidence["practical"]["passed"] and evidence["practical"]["assessor"] == teacher.name
    assert evidence["instructors"] == [teacher.name]
    assert evidence["cohort"] == {"slug": "spring", "title": "Spring cohort"}
    # Later changes do not touch what was issued.
    ada.name = "Ada King"
    db.session.commit()
    db.session.refresh(record)
    assert record.holder_name == "Ada Lovelace"


def test_issuing_twice_gives_the_same_record(world: Cohort, ada: User, admin: User) -> None:
    first = issue_one(world, ada, actor=admin)
    (again,) = issuing.issue(world, RecordKind.COMPLETION, [ada.id], actor=admin)
    assert again.record.id == first.id and not again.created
    count = db.session.scalar(select(func.count()).select_from(Record))
    assert count == 1
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "record.issue")
        )
        == 1
    )


def test_an_ineligible_student_needs_an_override_with_a_reason(
    world: Cohort, bob: User, admin: User
) -> None:
    with pytest.raises(RecordError, match="Not eligible: Bob Newcomer"):
        issue_one(world, bob, actor=admin)
    with pytest.raises(RecordError, match="Not eligible"):
        issue_one(world, bob, actor=admin, overrides={bob.id: "   "})
    assert db.session.scalar(select(func.count()).select_from(Record)) == 0
    record = issue_one(world, bob, actor=admin, overrides={bob.id: "Completed at the 2025 seminar"})
    assert record.override_reason == "Completed at the 2025 seminar"
    assert record.evidence["eligible"] is False
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "record.issue"))
    assert entry.reason == "Completed at the 2025 seminar" and entry.actor_id == admin.id


def test_students_of_another_cohort_cannot_be_issued_this_cohorts_record(
    world: Cohort, make_user: Callable[..., User], admin: User
) -> None:
    stranger = make_user(Role.STUDENT)
    with pytest.raises(RecordError, match="Only students of this cohort"):
        issue_one(world, stranger, actor=admin, overrides={stranger.id: "x"})


def test_ce_attendance_certificates_for_a_session_and_for_the_cohort(
    world: Cohort, teacher: User, bob: User, make_user: Callable[..., User], admin: User
) -> None:
    day_two = a_session(world, "Weekend seminar, day 2")
    attend(day_two, bob, hours=2)
    absent = make_user(Role.STUDENT, name="Carl Absent")
    enroll(world, absent)
    found = {
        c.name: c for c in eligibility.candidates(world, RecordKind.ATTENDANCE, session=day_two)
    }
    assert found["Bob Newcomer"].eligible and found["Bob Newcomer"].hours == 2
    assert not found["Carl Absent"].eligible
    (issued,) = issuing.issue(world, RecordKind.ATTENDANCE, [bob.id], session=day_two, actor=admin)
    record = issued.record
    assert record.title == "CE attendance: Weekend seminar, day 2" and record.hours == 2
    assert record.session_id == day_two.id and record.expires_on is None
    # The cohort-wide certificate is a different record from the session's.
    (cohort_wide,) = issuing.issue(world, RecordKind.ATTENDANCE, [bob.id], actor=admin)
    assert cohort_wide.created and cohort_wide.record.id != record.id
    assert cohort_wide.record.title == "CE attendance: Spring cohort"


def test_expiry_and_recertification_come_from_the_program(
    app: Flask, world: Cohort, ada: User, admin: User, client: FlaskClient
) -> None:
    from pathlib import Path

    from seminar.services import cohorts as cohort_service
    from seminar.services.content_sync import sync_content

    lessons = Path(app.config["LESSONS_DIR"])
    text = (lessons / "program.yml").read_text()
    text = text.replace("requires:", "validity_months: 24\n    recertify_months: 18\n    requires:")
    (lessons / "program.yml").write_text(text)
    assert sync_content(lessons, Path(app.config["QUIZZES_DIR"])).ok
    cohort_service.move_to_current_program(world)
    record = issue_one(world, ada, actor=admin)
    assert record.expires_on == add_months(record.completed_on, 24)
    assert record.recertify_on == add_months(record.completed_on, 18)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert status_of(record) == RecordStatus.VALID
    assert status_of(record, today=record.expires_on + timedelta(days=1)) == RecordStatus.EXPIRED
    claims = pyjwt.decode(record.credential_jwt, options={"verify_signature": False})
    assert claims["validUntil"].startswith(record.expires_on.isoformat())
    assert claims["exp"] > claims["nbf"]
    # Time passes: the verify page says expired.
    record.expires_on = date.today() - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/verify/{record.display_id}").get_data(as_text=True)
    assert "Expired" in page and "valid until" in page
    with pytest.raises(RecordError, match="issue a new one to renew"):
        revocation.reissue(record, reason="renew", actor=admin)
    # Renewal: issuing again gives a new, current record; the expired one stays expired.
    (candidate,) = eligibility.candidates(world, RecordKind.COMPLETION)
    assert candidate.ready and candidate.existing is None
    renewed = issue_one(world, ada, actor=admin)
    assert renewed.id != record.id and status_of(renewed) == RecordStatus.VALID
    db.session.refresh(record)
    assert status_of(record) == RecordStatus.EXPIRED and record.active_key is None


# --- verification --------------------------------------------------------------------------


def resolve_kid(client: FlaskClient, token: str) -> Any:
    """Dereference a JWT's `kid` as a verifier does: fetch the URI (the key set), then take
    the key that carries that very `kid`; return it as PyJWT's key."""
    kid = pyjwt.get_unverified_header(token)["kid"]
    address, _, thumbprint = kid.partition("#")
    assert address == "http://127.0.0.1:5000/.well-known/jwks.json" and thumbprint
    response = client.get(urlsplit(address).path)
    assert response.mimetype == "application/jwk-set+json"
    (jwk,) = [k for k in response.get_json()["keys"] if k["kid"] == kid]
    assert "d" not in jwk and jwk["iss"] == "http://127.0.0.1:5000/issuer"
    return pyjwt.PyJWK(jwk).key


def _status_bit(client: FlaskClient, credential: dict[str, Any], list_url: str = "") -> bool:
    """What any verifier does: fetch the status list credential, check its signature, and
    read the credential's bit (GZIP, base64url, left-most bit first). The credential points at
    the revocation list; `list_url` reads its position in another list of the issuer's."""
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    url = list_url or status["statusListCredential"]
    token = client.get(urlsplit(url).path).get_data(as_text=True)
    listing = pyjwt.decode(token, resolve_kid(client, token), algorithms=["ES256"])
    assert listing["id"] == url
    assert "BitstringStatusListCredential" in listing["type"]
    subject = listing["credentialSubject"]
    assert subject["statusPurpose"] == ("message" if list_url else "revocation")
    encoded = subject["encodedList"]
    assert encoded.startswith("u")
    data = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    assert len(bits) * 8 >= 131_072
    index = int(status["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def verify_independently(client: FlaskClient, display_id: str) -> tuple[dict[str, Any], bool]:
    """Check a record's JWT with PyJWT (not the library that signed it) against the JWKS the
    app publishes, using only the credential's own fields; return it and its revoked bit."""
    token = client.get(f"/verify/{display_id}.jwt").get_data(as_text=True)
    header = pyjwt.get_unverified_header(token)
    assert header["alg"] == "ES256" and header["typ"] == "JWT"
    key = resolve_kid(client, token)
    claims = pyjwt.decode(token, key, algorithms=["ES256"], options={"require": ["nbf", "iss"]})
    assert claims["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert any("ob/v3p0" in c for c in claims["@context"])
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["iss"] == claims["issuer"]["id"]
    assert claims["jti"] == claims["id"]
    assert claims["sub"] == claims["credentialSubject"]["id"]
    assert claims["nbf"] == int(
        __import__("datetime").datetime.fromisoformat(claims["validFrom"]).timestamp()
    )
    # The issuer id resolves to the profile that the JWT names.
    profile = client.get(urlsplit(claims["iss"]).path).get_json()
    assert profile["id"] == claims["iss"] and "Profile" in profile["type"]
    return claims, _status_bit(client, claims)


def superseded_bit(client: FlaskClient, claims: dict[str, Any]) -> bool:
    """The credential's position in the issuer's second list: superseded by a reissue."""
    return _status_bit(client, claims, "http://127.0.0.1:5000/status/2")


def test_anyone_can_verify_a_record_and_its_signed_credential(
    app: Flask, world: Cohort, ada: User, admin: User
) -> None:
    record = issue_one(world, ada, actor=admin)
    stranger = app.test_client()
    page = stranger.get(f"/verify/{record.display_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Valid record" in text
    for shown in (
        "Ada Lovelace",
        "Certificate of Completion, Basic",
        "S.O.T. Seminar",
        "Requirements met",
        "Quiz &#39;Check&#39;: passed",
        "Seminar attendance: at least 2 hours present in person",
    ):
        assert shown in text
    for hidden in (ada.email, "DC-1234", "Confident set-up", "100", "CE hours", "exception"):
        assert hidden not in text  # nothing beyond what a verifier needs, and no CE hours
    assert page.headers["Cache-Control"] == "no-store"

    claims, revoked = verify_independently(stranger, record.display_id)
    assert not revoked
    assert claims["id"] == f"http://127.0.0.1:5000/verify/{record.display_id}"
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["name"] == "Certificate of Completion, Basic"
    assert "narrative" in achievement["criteria"]
    # A completion record carries no CE credit: that is a CE attendance certificate's.
    assert "creditsAvailable" not in achievement
    assert "creditsEarned" not in claims["credentialSubject"]
    assert achievement["image"] == {
        "id": "http://127.0.0.1:5000/badges/completion.svg",
        "type": "Image",
        "caption": "Certificate of Completion, Basic",
    }
    assert claims["description"] == (
        "Every requirement of the Basic program (requirements version 1) was met."
    )
    identifiers = claims["credentialSubject"]["identifier"]
    assert {"identityType": "name", "identityHash": "Ada Lovelace"}.items() <= identifiers[
        0
    ].items()
    assert identifiers[1]["identityHash"].startswith("sha256$") and ada.email not in str(claims)
    # A tampered token fails the same check.
    head, body, sig = record.credential_jwt.split(".")
    forged = json.loads(base64.urlsafe_b64decode(body + "=="))
    forged["credentialSubject"]["creditsEarned"] = 300
    body = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt.decode(
            f"{head}.{body}.{sig}",
            resolve_kid(stranger, record.credential_jwt),
            algorithms=["ES256"],
        )


def test_the_public_credential_reveals_no_scores_and_no_override_reasons(
    world: Cohort, ada: User, bob: User, admin: User
) -> None:
    earned = issue_one(world, ada, actor=admin)
    waived = issue_one(world, bob, actor=admin, overrides={bob.id: "Hospitalised; note on file"})
    claims = {
        r.id: pyjwt.decode(r.credential_jwt, options={"verify_signature": False})
        for r in (earned, waived)
    }
    for body in claims.values():
        text = json.dumps(body)
        for private in ("Hospitalised", "100%", "Passed with", "DC-1234", ada.email, bob.email):
            assert private not in text
    # The achievement is the program's, the same for every holder, stated from its definition.
    achievements = [c["credentialSubject"]["achievement"] for c in claims.values()]
    assert achievements[0] == achievements[1]
    assert achievements[0]["criteria"]["narrative"] == (
        "Complete every lesson of the course. Pass the quiz 'check' with at least 60%. "
        "Attend at least 2 hours of seminar sessions in person, presence verified at check-in "
        "and check-out. Have practical skills assessed and signed off by an instructor."
    )
    assert claims[waived.id]["evidence"][0]["narrative"].startswith(
        "Issued by decision of S.O.T. Seminar on "
    )
    assert "not every requirement was met" in claims[waived.id]["description"]
    assert (
        claims[earned.id]["credentialSubject"]["id"] != claims[waived.id]["credentialSubject"]["id"]
    )
    assert claims[earned.id]["credentialSubject"]["id"].startswith("urn:uuid:")


def test_the_verify_form_and_unknown_identifiers(
    app: Flask, world: Cohort, ada: User, admin: User
) -> None:
    record = issue_one(world, ada, actor=admin)
    client = app.test_client()
    assert "Record identifier" in client.get("/verify").get_data(as_text=True)
    typed = client.get(f"/verify?id={record.display_id.lower().replace('-', ' ')}")
    assert typed.status_code == 302 and typed.headers["Location"] == f"/verify/{record.display_id}"
    bad = client.get("/verify?id=not-an-id")
    assert bad.status_code == 400 and "not a record identifier" in bad.get_data(as_text=True)
    unknown = client.get("/verify/0000-0000-0000-0000")
    assert unknown.status_code == 404 and "No record with this identifier" in unknown.get_data(
        as_text=True
    )
    assert client.get("/verify/0000-0000-0000-0000.jwt").status_code == 404
    canonical = client.get(f"/verify/{record.public_id.lower()}")
    assert canonical.status_code == 302


def test_verification_is_rate_limited(app: Flask, world: Cohort, ada: User, admin: User) -> None:
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    record = issue_one(world, ada, actor=admin)
    client = app.test_client()
    codes = [client.get(f"/verify/{record.display_id}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_revocation_shows_everywhere_within_one_request(
    app: Flask, world: Cohort, ada: User, admin: User
) -> None:
    record = issue_one(world, ada, actor=admin)
    client = app.test_client()
    staff = app.test_client()
    login(staff, admin)
    refused = staff.post(f"/records/{record.display_id}/revoke", data={"revoke-reason": ""})
    assert refused.status_code == 400 and "Give a reason." in refused.get_data(as_text=True)
    done = staff.post(
        f"/records/{record.display_id}/revoke",
        data={"revoke-reason": "Attendance sheet was falsified"},
    )
    assert done.status_code == 302
    page = client.get(f"/verify/{record.display_id}").get_data(as_text=True)
    assert "Revoked" in page and "Attendance sheet was falsified" in page
    assert date.today().strftime("%d %b %Y") in page
    _, revoked = verify_independently(client, record.display_id)
    assert revoked
    with pytest.raises(RecordError, match="already revoked"):
        revocation.revoke(record, reason="again", actor=admin)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "record.revoke"))
    assert entry.before["revoked"] is False and entry.after["revoked"] is True
    assert entry.reason == "Attendance sheet was falsified" and entry.actor_id == admin.id
    # After a revocation, issuing again needs an override reason, like any exception; bulk
    # issuing never ticks them and the command line skips them.
    (candidate,) = eligibility.candidates(world, RecordKind.COMPLETION)
    assert candidate.eligible and candidate.revoked.id == record.id and not candidate.ready
    with pytest.raises(issuing.OverrideNeeded):
        issue_one(world, ada, actor=admin)
    preview = staff.get(f"/cohorts/{world.slug}/records").get_data(as_text=True)
    assert "Revoked" in preview and f'value="{ada.id}" checked' not in preview
    refused = staff.post(
        f"/cohorts/{world.slug}/records", data={"scope": "completion", "student": [ada.id]}
    )
    assert refused.status_code == 400
    assert "Revoked before: Ada Lovelace. To issue anyway" in refused.get_data(as_text=True)
    again = issue_one(world, ada, actor=admin, overrides={ada.id: "Sheet verified after all"})
    assert again.id != record.id and again.override_reason == "Sheet verified after all"


def test_a_refused_revoke_or_reissue_says_why_and_keeps_the_reason(
    app: Flask, world: Cohort, ada: User, admin: User
) -> None:
    record = issue_one(world, ada, actor=admin)
    record.expires_on = date.today() - timedelta(days=1)
    db.session.commit()
    staff = app.test_client()
    login(staff, admin)
    url = f"/records/{record.display_id}"
    refused = staff.post(f"{url}/reissue", data={"reissue-reason": "Name changed (marriage)"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    reissue_form = page[page.index('id="reissue-heading"') : page.index('id="revoke-heading"')]
    assert "This record has expired: issue a new one to renew it." in reissue_form
    assert "Name changed (marriage)</textarea>" in reissue_form  # what was typed, kept
    assert db.session.scalar(select(func.count()).select_from(Record)) == 1
    # Revoked meanwhile (another admin, say): the page no longer offers the forms, and says so.
    revocation.revoke(record, reason="Issued in error", actor=admin)
    db.session.commit()
    again = staff.post(f"{url}/revoke", data={"revoke-reason": "Duplicate"})
    assert again.status_code == 400
    assert "This record is already revoked." in again.get_data(as_text=True)


def test_reissue_after_a_name_change_supersedes_the_old_record(
    app: Flask, world: Cohort, ada: User, admin: User
) -> None:
    old = issue_one(world, ada, actor=admin)
    ada.name = "Ada King"
    db.session.commit()
    staff = app.test_client()
    login(staff, admin)
    response = staff.post(
        f"/records/{old.display_id}/reissue", data={"reissue-reason": "Name changed (marriage)"}
    )
    assert response.status_code == 302
    db.session.refresh(old)
    new = old.superseded_by
    assert new is not None and new.holder_name == "Ada King" and new.evidence == old.evidence
    assert response.headers["Location"] == f"/records/{new.display_id}"
    client = app.test_client()
    page = client.get(f"/verify/{old.display_id}").get_data(as_text=True)
    assert "Superseded" in page and new.display_id in page
    assert "Valid record" in client.get(f"/verify/{new.display_id}").get_data(as_text=True)
    # Superseded is not revoked: the old record is flagged in the issuer's second list.
    old_claims, old_revoked = verify_independently(client, old.display_id)
    claims, new_revoked = verify_independently(client, new.display_id)
    assert not old_revoked and not new_revoked
    assert superseded_bit(client, old_claims) and not superseded_bit(client, claims)
    assert "not revoked" in page
    assert claims["credentialSubject"]["identifier"][0]["identityHash"] == "Ada King"
    # One current record: issuing again returns the new one.
    (again,) = issuing.issue(world, RecordKind.COMPLETION, [ada.id], actor=admin)
    assert again.record.id == new.id and not again.created
    with pytest.raises(RecordError, match="Only a current record"):
        revocation.reissue(old, reason="again", actor=admin)
    issued_new = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "record.issue", AuditEntry.target_id == new.public_id
        )
    )
    assert issued_new.reason == "Name changed (marriage)"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "record.reissue"))
    assert entry.before["holder"] == "Ada Lovelace" and entry.after["holder"] == "Ada King"


# --- the PDF -------------------------------------------------------------------------------


def qr_codes_in_pdf(data: bytes) -> list[str]:
    """Render each page and decode every QR code on it."""
    document = pypdfium2.PdfDocument(data)
    found = []
    for page in document:
        image = page.render(scale=3).to_pil()
        found += [r.text for r in zxingcpp.read_barcodes(image)]
    document.close()
    return found


def test_the_pdf_qr_code_opens_a_valid_verify_page(
    app: Flask, world: Cohort, ada: User, admin: User
) -> None:
    record = issue_one(world, ada, actor=admin)
    holder = app.test_client()
    login(holder, ada)
    response = holder.get(f"/records/{record.display_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "ada-lovelace-" in response.headers["Content-Disposition"]
    document = pypdfium2.PdfDocument(response.data)
    assert len(document) == 1
    text = document[0].get_textpage().get_text_range()
    document.close()
    for shown in ("Certificate of Completion", "Ada Lovelace", "DC-1234", record.display_id):
        assert shown in text
    (url,) = qr_codes_in_pdf(response.data)
    assert url == f"http://127.0.0.1:5000/verify/{record.display_id}"
    page = app.test_client().get(urlsplit(url).path)
    assert page.status_code == 200 and "Valid record" in page.get_data(as_text=True)


def test_admins_download_a_zip_of_a_cohorts_pdfs(
    app: Flask, world: Cohort, ada: User, bob: User, admin: User
) -> None:
    first = issue_one(world, ada, actor=admin)
    second = issue_one(world, bob, actor=admin, overrides={bob.id: "Prior learning"})
    staff = app.test_client()
    login(staff, admin)
    response = staff.get(f"/cohorts/{world.slug}/records.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    assert names == sorted(
        [f"ada-lovelace-{first.display_id}.pdf", f"bob-newcomer-{second.display_id}.pdf"]
    )
    assert qr_codes_in_pdf(archive.read(names[0]))[0].endswith(first.display_id)


# --- pages ---------------------------------------------------------------------------------


def test_an_admin_previews_and_issues_to_a_cohort(
    app: Flask, world: Cohort, ada: User, bob: User, admin: User
) -> None:
    staff = app.test_client()
    login(staff, admin)
    preview = staff.get(f"/cohorts/{world.slug}/records").get_data(as_text=True)
    assert "<strong>1</strong> eligible student to issue" in preview
    assert "Not eligible" in preview and "Quiz: Check" in preview
    assert f'value="{ada.id}" checked' in preview and f'value="{bob.id}" checked' not in preview
    # Bob ticked without a reason: an error next to his reason field, nothing issued.
    refused = staff.post(
        f"/cohorts/{world.slug}/records", data={"scope": "completion", "student": [ada.id, bob.id]}
    )
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert f'id="reason-{bob.id}-error"' in page and "Give a reason" in page
    # A summary at the top names who needs a reason (Ada, eligible, does not).
    summary = page[page.index("form-errors") : page.index("</div>", page.index("form-errors"))]
    assert "Not eligible: Bob Newcomer. To issue anyway, give a reason" in summary
    assert "Ada" not in summary and page.index("form-errors") < page.index("<table")
    # ... with a link to the field to fix, above the groups: eligible, then needing a reason
    link = f'<a href="#reason-{bob.id}">Reason for Bob Newcomer</a>'
    assert (
        page.index(link)
        < page.index('id="eligible-heading"')
        < page.index('id="override-heading"')
        < page.index(f'id="reason-{bob.id}"')
    )
    nobody = staff.post(f"/cohorts/{world.slug}/records", data={"scope": "completion"})
    assert nobody.status_code == 400 and "Tick at least one student." in nobody.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(Record)) == 0
    done = staff.post(
        f"/cohorts/{world.slug}/records",
        data={
            "scope": "completion",
            "student": [ada.id, bob.id],
            f"reason-{bob.id}": "Certified equivalent course",
        },
    )
    assert done.status_code == 302
    listing = staff.get(done.headers["Location"]).get_data(as_text=True)
    assert "Issued 2 records" in listing and "Ada Lovelace" in listing and "override" in listing
    # No mail server: the page says the e-mail waits, never that holders were notified.
    assert "no mail server is configured" in listing and "notified" not in listing
    again = staff.post(
        f"/cohorts/{world.slug}/records", data={"scope": "completion", "student": [ada.id]}
    )
    assert "Issued 0 records; 1 already held theirs" in staff.get(
        again.headers["Location"]
    ).get_data(as_text=True)
    held = staff.get(f"/cohorts/{world.slug}/records").get_data(as_text=True)
    assert 'id="holding-heading"' in held and "Show the 2 students who hold this record" in held
    assert 'name="student"' not in held  # no one is left to tick
    assert db.session.scalar(select(func.count()).select_from(Record)) == 2


def test_students_see_and_download_only_their_records(
    app: Flask, world: Cohort, ada: User, bob: User, admin: User
) -> None:
    record = issue_one(world, ada, actor=admin)
    holder = app.test_client()
    login(holder, ada)
    mine = holder.get("/records/").get_data(as_text=True)
    assert record.display_id in mine and "Download PDF" in mine
    badge = holder.get(f"/verify/{record.display_id}.jwt?download=1")
    assert badge.headers["Content-Disposition"] == f'attachment; filename="{record.display_id}.jwt"'
    assert holder.get(f"/records/{record.display_id}").status_code == 200
    other = app.test_client()
    login(other, bob)
    assert record.display_id not in other.get("/records/").get_data(as_text=True)
    assert "No records yet" in other.get("/records/").get_data(as_text=True)
    assert other.get(f"/records/{record.display_id}").status_code == 404
    assert other.get(f"/records/{record.display_id}.pdf").status_code == 404
    assert other.post(f"/records/{record.display_id}/revoke").status_code == 403


# --- the audit log -------------------------------------------------------------------------


def test_every_change_to_grades_attendance_roles_and_enrolments_is_audited(
    app: Flask, world: Cohort, teacher: User, admin: User, make_user: Callable[..., User]
) -> None:
    from seminar.services import accounts
    from seminar.services import sessions as session_service
    from seminar.services.accommodations import set_accommodation
    from seminar.services.cohorts import unenroll

    student = make_user(Role.STUDENT, name="Dee Audited")
    enroll(world, student)  # from the command line: no one logged in
    make_eligible(world, student, teacher)
    session = a_session(world, "Day three")
    with app.test_request_context():
        from flask_login import login_user

        login_user(teacher)
        session_service.mark_present(session, student, method="marked by instructor")
    attendance = session_service.attendance_of(session, student)
    session_service.correct_attendance(
        attendance,
        checked_in_at=session.starts_at,
        checked_out_at=session.starts_at + timedelta(hours=1),
        reason="Left early for a patient",
        by=teacher,
    )
    set_accommodation(student, time_multiplier=1.5, extra_attempts=1, note="", set_by_id=admin.id)
    accounts.set_role(student, Role.INSTRUCTOR, by=admin)
    accounts.set_role(student, Role.STUDENT, by=admin)
    unenroll(world, student)
    actions = [
        e.action
        for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.subject_id == student.id).order_by(AuditEntry.id)
        )
    ]
    assert actions == [
        "enrolment.add",
        "practical.signoff",
        "attendance.present",
        "attendance.correct",
        "grade.accommodation",
        "user.role",
        "user.role",
        "enrolment.remove",
    ]
    correction = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "attendance.correct")
    )
    assert correction.actor_id == teacher.id and correction.reason == "Left early for a patient"
    assert correction.before["hours"] == 0 and correction.after["hours"] == 1
    role = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.role"))
    assert (role.before, role.after, role.actor_label) == (
        {"role": "student"},
        {"role": "instructor"},
        f"{admin.name} <{admin.email}>",
    )
    first = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "enrolment.add"))
    assert first.actor_id is None and first.actor_label == audit.COMMAND_LINE


def test_essay_grades_are_audited(
    app: Flask, world: Cohort, teacher: User, make_user: Callable[..., User]
) -> None:
    from pathlib import Path

    from seminar.models import Quiz
    from seminar.services.attempts import grade_essay, start_attempt, submit_attempt
    from seminar.services.content_sync import sync_content

    quizzes = Path(app.config["QUIZZES_DIR"])
    (quizzes / "essay.md").write_text(
        "---\ntitle: Essay\n---\n\n## Explain the category system {#why}\n"
    )
    assert sync_content(Path(app.config["LESSONS_DIR"]), quizzes).ok
    student = make_user(Role.STUDENT)
    attempt = start_attempt(student.id, db.session.scalar(select(Quiz).where(Quiz.slug == "essay")))
    submit_attempt(attempt)
    (aq,) = attempt.questions
    grade_essay(aq, points=0.5, comment="Half of it", grader_id=teacher.id)
    grade_essay(aq, points=1.0, comment="Regraded", grader_id=teacher.id)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "grade.essay").order_by(AuditEntry.id)
    ).all()
    assert [(e.before["fraction"], e.after["fraction"]) for e in entries] == [
        (0.0, 0.5),  # submitted ungraded essays count 0 until a person marks them
        (0.5, 1.0),
    ]
    assert all(e.actor_id == teacher.id and e.subject_id == student.id for e in entries)


def test_a_reissue_racing_a_revocation_loses_cleanly(world: Cohort, ada: User, admin: User) -> None:
    from sqlalchemy import update

    record = issue_one(world, ada, actor=admin)
    status_of(record)  # loaded: this session still believes it is valid
    with db.engine.begin() as other:  # another admin, on another connection, revokes it
        other.execute(
            update(Record)
            .where(Record.id == record.id)
            .values(revoked_at=func.now(), revoked_reason="x", active_key=None)
        )
    with pytest.raises(RecordError, match="just revoked or reissued"):
        revocation.reissue(record, reason="Name changed", actor=admin)
    assert db.session.scalar(select(func.count()).select_from(Record)) == 1


def test_the_issuer_key_is_made_once_even_by_workers_racing(tmp_path: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from seminar.core.credentials import load_or_create_key

    path = tmp_path / "instance" / "issuer_key.pem"
    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: load_or_create_key(path).thumbprint(), range(16)))
    assert len(set(keys)) == 1
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in path.parent.iterdir()] == ["issuer_key.pem"]


def test_the_audit_log_is_append_only(world: Cohort, ada: User, admin: User) -> None:
    from sqlalchemy import delete, update

    issue_one(world, ada, actor=admin)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "record.issue"))
    entry.reason = "rewritten"
    with pytest.raises(audit.AppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(audit.AppendOnly):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(audit.AppendOnly):
        db.session.execute(update(AuditEntry).values(reason="bulk rewrite"))
    with pytest.raises(audit.AppendOnly):
        db.session.execute(delete(AuditEntry))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) >= 1


def test_admins_read_the_audit_log_with_filters(
    app: Flask, world: Cohort, ada: User, bob: User, admin: User
) -> None:
    issue_one(world, ada, actor=admin)
    record = issue_one(world, bob, actor=admin, overrides={bob.id: "Prior learning"})
    revocation.revoke(record, reason="Override was a mistake", actor=admin)
    staff = app.test_client()
    login(staff, admin)
    everything = staff.get("/admin/audit").get_data(as_text=True)
    # each entry a sentence: who did what to which record, and why
    assert f"Grace Admin revoked record {record.display_id}" in everything
    assert f"Grace Admin issued record {record.display_id}" in everything
    assert "Override was a mistake" in everything
    revoked = staff.get("/admin/audit?action=record.revoke").get_data(as_text=True)
    assert "Override was a mistake" in revoked and "issued record" not in revoked
    # the raw change on demand, only what changed: revoked, from False to True
    assert "<summary>What changed (1 field)</summary>" in revoked and "False → True" in revoked
    by_person = staff.get("/admin/audit?person=ada").get_data(as_text=True)
    assert "Ada Lovelace" in by_person and "Bob Newcomer" not in by_person
    today = date.today()
    assert "1 entry" in staff.get(
        f"/admin/audit?action=record.revoke&since={today}&until={today}"
    ).get_data(as_text=True)
    assert "No entries" in staff.get(f"/admin/audit?until={today - timedelta(days=1)}").get_data(
        as_text=True
    )
    assert "Grace Admin" in staff.get("/admin/audit?actor=grace").get_data(as_text=True)


# --- notifications -------------------------------------------------------------------------


def test_without_smtp_messages_wait_in_the_outbox(
    app: Flask, world: Cohort, ada: User, admin: User
) -> None:
    record = issue_one(world, ada, actor=admin)
    revocation.revoke(record, reason="Issued in error", actor=admin)
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.to_email for m in messages] == [ada.email, ada.email]
    assert (
        "has issued you a certificate of completion" in messages[0].body
        and record.display_id in messages[0].body
    )
    assert f"/verify/{record.display_id}" in messages[0].body
    assert "Reason: Issued in error" in messages[1].body
    assert all(m.sent_at is None and m.tries == 0 for m in messages)
    staff = app.test_client()
    login(staff, admin)
    page = staff.get("/admin/outbox").get_data(as_text=True)
    assert "queued, not sent: no mail server" in page and "Issued in error" in page


def test_each_email_says_what_it_said_before(
    app: Flask, world: Cohort, ada: User, bob: User, admin: User
) -> None:
    """The wording of every message to a holder, whole, for each event (the text is plain:
    nothing in a name or a reason is escaped)."""
    ada.name = "Ada O'Hara & <Co>"
    db.session.commit()
    record = issue_one(world, ada, actor=admin)
    with unit_of_work():
        (ce,) = issuing.issue(world, RecordKind.ATTENDANCE, [ada.id], actor=admin)
    with unit_of_work():
        new = revocation.reissue(record, reason="Name corrected", actor=admin)
    app.config["ISSUER_EMAIL"] = "records@example.org"
    with unit_of_work():
        revocation.revoke(ce.record, reason="Hours entered twice\nby mistake", actor=admin)
    other = issue_one(world, bob, actor=admin, overrides={bob.id: "Prior learning"})
    del app.config["ISSUER_EMAIL"]
    with unit_of_work():
        revocation.revoke(other, reason="Issued in error", actor=admin)
    base = "http://127.0.0.1:5000"
    rid, cid, nid, oid = record.display_id, ce.record.display_id, new.display_id, other.display_id
    day = datetime.now(UTC).strftime("%d %B %Y")  # revoked_at, as the message prints it
    today = f"{date.today().day} {date.today():%B %Y}"  # the decision, as the record words it
    name = "Ada O'Hara & <Co>"
    expected = [
        (
            "Issued to you: Certificate of Completion, Basic",
            f"Dear {name},\n\nS.O.T. Seminar has issued you a certificate of completion: "
            f"Certificate of Completion, Basic (record {rid}).\n\nIt states what you met:\n"
            "- Lessons: 3 of 3 lessons completed\n- Quiz 'Check': passed\n"
            "- Seminar attendance: at least 2 hours present in person\n"
            "- Practical skills: signed off by an instructor\n\nAnyone can check it, without "
            f"an account, at:\n{base}/verify/{rid}\n\nDownload the PDF and the digital badge "
            f"(Open Badges 3.0) from your records page: {base}/records/\n",
        ),
        (
            "Issued to you: CE attendance: Spring cohort",
            f"Dear {name},\n\nS.O.T. Seminar has issued you a ce attendance certificate: "
            f"CE attendance: Spring cohort (record {cid}).\n\nIt states what you met:\n"
            "- Attendance: 3 hours present in person, presence verified at check-in and "
            "check-out\n\nAnyone can check it, without an "
            f"account, at:\n{base}/verify/{cid}\n\nDownload the PDF and the digital badge "
            f"(Open Badges 3.0) from your records page: {base}/records/\n",
        ),
        (
            f"Record {rid} was replaced by {nid}",
            f"Dear {name},\n\nCertificate of Completion, Basic was reissued in the name {name} "
            f"as record {nid}:\n{base}/verify/{nid}\n\nThe old record ({rid}) now shows as "
            "superseded; share the new link from now on.\n",
        ),
        (
            f"Record {cid} was revoked",
            f"Dear {name},\n\nCE attendance: Spring cohort (record {cid}) was revoked on {day}."
            f"\nReason: Hours entered twice\nby mistake\n\nIts verification page now says so:"
            f"\n{base}/verify/{cid}\n\nIf you think this is a mistake, contact "
            "records@example.org.\n",
        ),
        (
            "Issued to you: Certificate of Completion, Basic",
            "Dear Bob Newcomer,\n\nS.O.T. Seminar has issued you a certificate of completion: "
            f"Certificate of Completion, Basic (record {oid}).\n\nIt says publicly, on the "
            f"record and its verification page: Issued by decision of S.O.T. Seminar on {today}; "
            "not every requirement was met.\nNot met:\n- Lessons: 0 of 3 lessons completed\n"
            "- Quiz 'Check': not passed\n- Seminar attendance: 0 of 2 hours present in person\n"
            "- Practical skills: not signed off\n\nAnyone can check it, without "
            f"an account, at:\n{base}/verify/{oid}\n\nDownload the PDF and the digital badge "
            f"(Open Badges 3.0) from your records page: {base}/records/\n",
        ),
        (
            f"Record {oid} was revoked",
            f"Dear Bob Newcomer,\n\nCertificate of Completion, Basic (record {oid}) was revoked "
            f"on {day}.\nReason: Issued in error\n\nIts verification page now says so:\n"
            f"{base}/verify/{oid}\n\nIf you think this is a mistake, contact S.O.T. Seminar.\n",
        ),
    ]
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.subject, m.body) for m in messages] == expected
    assert [m.to_email for m in messages] == [ada.email] * 4 + [bob.email] * 2


def test_with_smtp_the_holder_is_emailed_in_the_background(
    app: Flask, world: Cohort, ada: User, admin: User, smtp_server: tuple[int, list[Any]]
) -> None:
    port, received = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="records@example.org")
    record = issue_one(world, ada, actor=admin)
    assert wait_for(lambda: len(received) == 1)
    envelope = received[0]
    assert envelope.rcpt_tos == [ada.email] and envelope.mail_from == "records@example.org"
    assert f"/verify/{record.display_id}".encode() in envelope.content

    def sent() -> bool:
        db.session.expire_all()
        return db.session.scalar(select(OutboxMessage.sent_at)) is not None

    assert wait_for(sent)


def test_a_mail_server_that_is_down_never_fails_issuing(
    app: Flask, world: Cohort, ada: User, admin: User
) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    record = issue_one(world, ada, actor=admin)
    assert record.id is not None  # issued, whatever the mail server does

    def failed() -> OutboxMessage | None:
        db.session.expire_all()
        message = db.session.scalar(select(OutboxMessage))
        return message if message is not None and message.last_error else None

    assert wait_for(lambda: failed() is not None)  # the background attempt recorded why
    message = failed()
    assert message.sent_at is None and "ConnectionRefusedError" in message.last_error
    assert message.tries == 1
    first_wait = message.next_attempt_at - message.created_at
    assert timedelta(seconds=50) < first_wait < timedelta(seconds=70)  # MAIL_RETRY_SECONDS
    result = notifications.deliver_pending()  # what the Send button and cron do
    assert (result.sent, result.failed) == (0, 0)  # not due again yet: the wait holds
    message.next_attempt_at = now_utc() - timedelta(seconds=1)
    db.session.commit()
    result = notifications.deliver_pending()  # due: tried again
    assert (result.sent, result.failed) == (0, 1)
    db.session.expire_all()
    message = db.session.scalar(select(OutboxMessage))
    assert message.tries == 2
    assert message.next_attempt_at - now_utc() > timedelta(seconds=100)  # the wait doubled


# --- the command line ----------------------------------------------------------------------


def test_records_issue_and_revoke_from_the_command_line(
    runner: FlaskCliRunner, world: Cohort, ada: User, bob: User
) -> None:
    result = runner.invoke(args=["seminar", "records", "issue", "--cohort", "spring"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line]
    assert len(lines) == 1
    display_id, email, kind = lines[0].split()
    assert email == ada.email and kind == "completion"
    assert record_ids.normalise(display_id) is not None
    again = runner.invoke(args=["seminar", "records", "issue", "--cohort", "spring"])
    assert again.stdout.split() == [display_id, email, kind]  # the same record, not a duplicate
    revoked = runner.invoke(
        args=["seminar", "records", "revoke", display_id.lower(), "--reason", "Duplicate account"]
    )
    assert revoked.exit_code == 0 and f"revoked {display_id}" in revoked.output
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "record.revoke"))
    assert entry.actor_label == audit.COMMAND_LINE
    missing = runner.invoke(
        args=["seminar", "records", "revoke", "0000-0000-0000-0000", "--reason", "x"]
    )
    assert missing.exit_code != 0 and "no record" in missing.output
    unknown = runner.invoke(args=["seminar", "records", "issue", "--cohort", "nope"])
    assert unknown.exit_code != 0 and "no cohort 'nope'" in unknown.output


# --- scale -----------------------------------------------------------------------------------


def test_query_counts_do_not_grow_with_the_cohort(
    app: Flask, world: Cohort, ada: User, admin: User, teacher: User
) -> None:
    from seminar.services.demo import add_synthetic_students
    from tests.conftest import count_queries

    add_synthetic_students(world, 10, seed=5, assessor=teacher)
    record = issue_one(world, ada, actor=admin)
    staff = app.test_client()
    login(staff, admin)
    stranger = app.test_client()
    slug, display_id, cohort_id, teacher_id = world.slug, record.display_id, world.id, teacher.id

    def measure() -> tuple[int, int, int]:
        db.session.expunge_all()
        with count_queries() as preview:
            assert staff.get(f"/cohorts/{slug}/records").status_code == 200
        with count_queries() as listing:
            assert staff.get(f"/records/?cohort={slug}").status_code == 200
        with count_queries() as verify:
            assert stranger.get(f"/verify/{display_id}").status_code == 200
        return len(preview), len(listing), len(verify)

    small = measure()
    add_synthetic_students(
        db.session.get(Cohort, cohort_id), 300, seed=6, assessor=db.session.get(User, teacher_id)
    )
    assert measure() == small
    assert small[2] <= 3  # the verify page: the record (and what superseded it), nothing else


def test_the_verify_page_is_shared_only_between_visitors_who_are_not_logged_in(
    app: Flask, world: Cohort, ada: User, admin: User
) -> None:
    record = issue_one(world, ada, actor=admin)
    staff = app.test_client()
    login(staff, admin)
    assert "Log out" in staff.get(f"/verify/{record.display_id}").get_data(as_text=True)
    stranger = app.test_client()
    first = stranger.get(f"/verify/{record.display_id}").get_data(as_text=True)
    assert "Valid record" in first and "Log out" not in first and "csrf_token" not in first
    assert stranger.get(f"/verify/{record.display_id}").get_data(as_text=True) == first
    revocation.revoke(record, reason="Issued in error", actor=admin)
    after = stranger.get(f"/verify/{record.display_id}").get_data(as_text=True)
    assert "Revoked" in after and "Issued in error" in after
