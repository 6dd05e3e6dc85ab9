"""Records never overstate: a record issued by exception says so (and never why) on its PDF,
its verification page, its signed credential and the holder's e-mail; a normal one lists what
was met; a Certificate of Completion never states CE hours; and no record, anywhere it speaks,
calls its holder certified."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

import jwt as pyjwt
import pypdfium2
import pytest
from flask import Flask
from sqlalchemy import select

from seminar.core.content.programs import CERTIFYING
from seminar.db import db
from seminar.models import Cohort, OutboxMessage, Record, RecordKind, Role, User
from seminar.services import issuing
from seminar.services.cohorts import enroll
from seminar.services.unit_of_work import unit_of_work
from tests.conftest import login
from tests.records_world import make_eligible

REASON = "Hospitalised during the seminar; doctor's note on file"
PROVIDER = {
    "name": "Example Seminars LLC",
    "boards": [
        {"jurisdiction": "FL", "name": "Florida Board", "provider_number": "50-12345"},
        {"jurisdiction": "PACE", "name": "FCLB PACE", "provider_number": "PACE-77"},
    ],
}


def pdf_text(data: bytes) -> str:
    """The certificate's words as a reader (or a board's clerk) would copy them out."""
    document = pypdfium2.PdfDocument(data)
    try:
        text = " ".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return " ".join(text.split())


def page_text(html: str) -> str:
    """A page's visible words: tags dropped, entities read, spaces joined."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text).replace("&#39;", "'").replace("&amp;", "&")
    return " ".join(text.split())


@pytest.fixture
def people(
    app: Flask, world: Cohort, teacher: User, make_user: Callable[..., User]
) -> dict[str, User]:
    admin = make_user(Role.ADMIN, name="Grace Admin")
    ada = make_user(Role.STUDENT, name="Ada Lovelace", licence_number="CH-1", licence_state="FL")
    bob = make_user(Role.STUDENT, name="Bob Newcomer")
    for student in (ada, bob):
        enroll(world, student)
    make_eligible(world, ada, teacher)
    db.session.commit()
    return {"admin": admin, "ada": ada, "bob": bob}


def issue(world: Cohort, kind: RecordKind, student: User, **kwargs: object) -> Record:
    with unit_of_work():
        (issued,) = issuing.issue(world, kind, [student.id], **kwargs)  # type: ignore[arg-type]
    return issued.record


def every_text(app: Flask, record: Record, holder: User) -> dict[str, str]:
    """Everywhere the record speaks: its PDF, its public page, its signed claims, its e-mail."""
    client = app.test_client()
    login(client, holder)
    pdf = client.get(f"/records/{record.display_id}.pdf")
    assert pdf.status_code == 200
    page = app.test_client().get(f"/verify/{record.display_id}")
    assert page.status_code == 200
    claims = pyjwt.decode(record.credential_jwt, options={"verify_signature": False})
    (mail,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.record_id == record.id)
    ).all()
    return {
        "pdf": pdf_text(pdf.data),
        "verify page": page_text(page.get_data(as_text=True)),
        "credential": json.dumps(claims, ensure_ascii=False),
        "e-mail": f"{mail.subject}\n{mail.body}",
    }


def test_a_record_issued_by_exception_says_so_everywhere_and_never_why(
    app: Flask, world: Cohort, people: dict[str, User]
) -> None:
    bob, admin = people["bob"], people["admin"]
    record = issue(world, RecordKind.COMPLETION, bob, actor=admin, overrides={bob.id: REASON})
    today = date.today()
    decision = (
        f"Issued by decision of S.O.T. Seminar on {today.day} {today:%B %Y}; "
        "not every requirement was met."
    )
    texts = every_text(app, record, bob)
    for where, text in texts.items():
        assert decision in text, where
        assert "Hospitalised" not in text and "doctor" not in text, where
        assert "met every requirement" not in text, where
        assert "Every requirement" not in text, where
    assert "was issued this record for the Basic program" in texts["pdf"]
    assert "Not met: Lessons: 0 of 3 lessons completed; Quiz 'Check': not passed" in texts["pdf"]
    assert "Issued by exception." in texts["verify page"]
    assert "Quiz 'Check': not passed (not met)" in texts["verify page"]
    claims = json.loads(texts["credential"])
    assert claims["description"] == decision
    assert claims["evidence"][0]["narrative"].startswith(decision)
    assert "Not met: Lessons: 0 of 3 lessons completed" in claims["evidence"][0]["narrative"]
    # The reason stays with the issuer: on the admin's page of the record, and nowhere public.
    staff = app.test_client()
    login(staff, admin)
    assert REASON.replace("'", "&#39;") in staff.get(f"/records/{record.display_id}").get_data(
        as_text=True
    )


def test_a_normal_record_lists_what_was_met_and_no_ce_hours(
    app: Flask, world: Cohort, people: dict[str, User]
) -> None:
    ada = people["ada"]
    record = issue(world, RecordKind.COMPLETION, ada, actor=people["admin"])
    texts = every_text(app, record, ada)
    met = (
        "Lessons: 3 of 3 lessons completed",
        "Quiz 'Check': passed",
        "Seminar attendance: at least 2 hours present in person",
        "Practical skills: signed off by an instructor",
    )
    for where, text in texts.items():
        assert all(line in text for line in met), where
        assert "decision" not in text and "not every requirement" not in text, where
        assert "CE hour" not in text, where  # a completion record is no CE record
    assert (
        "has met every requirement of the Basic program (requirements version 1)" in (texts["pdf"])
    )
    assert (
        "Quizzes passed: Check" in texts["pdf"] and "Quizzes passed: Check" in texts["verify page"]
    )
    claims = json.loads(texts["credential"])
    assert "creditsEarned" not in claims["credentialSubject"]
    assert "creditsAvailable" not in claims["credentialSubject"]["achievement"]


def test_a_ce_attendance_certificate_states_hours_provider_and_approvals(
    app: Flask, world: Cohort, people: dict[str, User]
) -> None:
    from pathlib import Path

    from seminar.services import cohorts as cohort_service
    from seminar.services.content_sync import sync_content
    from tests.conftest import PROGRAM

    app.config["CE_PROVIDER"] = PROVIDER
    lessons = Path(app.config["LESSONS_DIR"])
    (lessons / "program.yml").write_text(
        PROGRAM.replace(
            "    requires:",
            "    ce:\n      approvals:\n        - jurisdiction: FL\n          number: 20-98765\n"
            "          hours: {General: 2, Laws and rules: 1}\n        - {jurisdiction: PACE, "
            "number: P-1}\n    requires:",
        )
    )
    assert sync_content(lessons, Path(app.config["QUIZZES_DIR"])).ok
    cohort_service.move_to_current_program(world)
    ada = people["ada"]
    record = issue(world, RecordKind.ATTENDANCE, ada, actor=people["admin"])
    texts = every_text(app, record, ada)
    for where in ("pdf", "verify page"):
        text = texts[where]
        assert (
            "CE provider: Example Seminars LLC (FL provider 50-12345; PACE provider PACE-77)"
            in (text)
        ), where
        assert "FL course 20-98765 (General 2 h, Laws and rules 1 h); PACE course P-1" in text
        assert "Delivery: Live, in person" in text
    assert "3 CE hours" in texts["pdf"]
    assert "CE hours 3" in texts["verify page"]
    claims = json.loads(texts["credential"])
    achievement = claims["credentialSubject"]["achievement"]
    assert (
        claims["credentialSubject"]["creditsEarned"] == 3 and achievement["creditsAvailable"] == 3
    )
    assert achievement["achievementType"] == "Achievement"
    assert [i["identifier"] for i in achievement["otherIdentifier"]] == [
        "FL course 20-98765 (General 2 h, Laws and rules 1 h)",
        "PACE course P-1",
    ]
    profile = app.test_client().get("/issuer").get_json()
    assert [i["identifier"] for i in profile["otherIdentifier"]] == [
        "FL provider 50-12345",
        "PACE provider PACE-77",
    ]


def test_no_record_text_calls_anyone_certified(
    app: Flask, world: Cohort, people: dict[str, User]
) -> None:
    """Every kind of record, normal and by exception, wherever it speaks."""
    ada, bob, admin = people["ada"], people["bob"], people["admin"]
    records = [
        (issue(world, RecordKind.COMPLETION, ada, actor=admin), ada),
        (issue(world, RecordKind.ATTENDANCE, ada, actor=admin), ada),
        (issue(world, RecordKind.COMPLETION, bob, actor=admin, overrides={bob.id: REASON}), bob),
        (issue(world, RecordKind.ATTENDANCE, bob, actor=admin, overrides={bob.id: REASON}), bob),
    ]
    for record, holder in records:
        for where, text in every_text(app, record, holder).items():
            assert CERTIFYING.search(text) is None, (record.kind, where, CERTIFYING.search(text))
    # The test can fail: the same search finds the word where it is.
    assert CERTIFYING.search("S.O.T. Basic Certification")
    assert CERTIFYING.search("certified") and not CERTIFYING.search("Certificate of Completion")
