"""A person's data: downloaded by them as JSON and a page; erased by an admin, keeping what
CE rules require (attendance, issued records with the name on them) and nothing else."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from seminar.db import db, now_utc
from seminar.models import (
    Attempt,
    Attendance,
    AuditEntry,
    Cohort,
    CohortMember,
    LessonCompletion,
    LoginSession,
    OutboxMessage,
    Record,
    RecordKind,
    User,
)
from seminar.services import issuing, password_reset
from seminar.services import sessions as session_service
from tests.conftest import PASSWORD, login


def _history(world: Cohort, student: User, client: FlaskClient) -> None:
    """Lessons, a quiz attempt, attendance at a session."""
    login(client, student)
    client.post("/lessons/first-lesson/complete")
    client.post("/quizzes/check/start")
    start = now_utc().replace(second=0, microsecond=0) - timedelta(hours=2)
    seminar = session_service.create_session(
        world, title="Day one", starts_at=start, ends_at=start + timedelta(hours=2),
        location="Hall B", ce_hours=2, lessons=[],
    )  # fmt: skip
    code = session_service.open_checkin(seminar)
    session_service.check_in(student, code, now=start)
    session_service.check_out(student, seminar, now=start + timedelta(hours=2))
    db.session.commit()


def test_a_student_downloads_everything_held_about_them(
    app: Flask, client: FlaskClient, world: Cohort, make_reader, make_user
) -> None:
    student = make_reader(name="Dee Data", licence_number="DC-42")
    other = make_reader(name="Other Person")
    _history(world, student, client)
    password_reset.request_reset(student.email)
    db.session.commit()
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    tables = data["tables"]
    assert tables["users"]["rows"][0]["licence_number"] == "DC-42"
    for name in ("cohort_members", "lesson_completions", "attempts", "attempt_questions",
                 "attendance", "login_sessions", "password_resets", "outbox"):  # fmt: skip
        assert tables[name]["rows"], name
    text = json.dumps(data)
    assert "password_hash" not in text and "verifier_hash" not in text
    assert student.password_hash not in text and other.email not in text
    page = client.get("/account/data").get_data(as_text=True)
    assert "Your data" in page and "Quiz attempts" in page and "DC-42" in page
    assert other.name not in page


def test_an_admin_erases_a_person_keeping_what_ce_rules_require(
    app: Flask, client: FlaskClient, world: Cohort, make_reader, make_user
) -> None:
    holder = make_reader(name="Ada Holder", licence_number="DC-1")
    plain = make_reader(name="Bo Plain", licence_number="DC-2")
    admin = make_user("admin")
    for person, own in ((holder, app.test_client()), (plain, app.test_client())):
        _history(world, person, own)
    issuing.issue(world, RecordKind.COMPLETION, [holder.id], actor=admin,
                  overrides={holder.id: "test"})  # fmt: skip
    db.session.commit()
    login(client, admin)
    page = client.get(f"/admin/users/{plain.id}/erase").get_data(as_text=True)
    assert "This cannot be undone" in page and "Attendance at sessions" in page
    wrong = client.post(f"/admin/users/{plain.id}/erase", data={"confirm": "someone@else"})
    assert wrong.status_code == 400 and "exactly to confirm" in wrong.get_data(as_text=True)
    plain_email = plain.email
    for person in (plain, holder):
        email = person.email
        done = client.post(f"/admin/users/{person.id}/erase", data={"confirm": email.upper()})
        assert done.status_code == 302
    db.session.expire_all()
    plain, holder = db.session.get(User, plain.id), db.session.get(User, holder.id)
    # The name stays only where a record was issued.
    assert (plain.name, plain.licence_number) == (f"Erased person {plain.id}", None)
    assert (holder.name, holder.licence_number) == ("Ada Holder", "DC-1")
    for person in (plain, holder):
        assert person.email.endswith("@erased.invalid") and not person.active
        assert person.calendar_token is None and not person.check_password(PASSWORD)
        for model in (LessonCompletion, Attempt, CohortMember, LoginSession):
            count = select(func.count()).select_from(model).where(model.user_id == person.id)
            assert db.session.scalar(count) == 0, model
        kept = select(func.count()).select_from(Attendance).where(Attendance.user_id == person.id)
        assert db.session.scalar(kept) == 1  # attendance stays, anonymised by its account
    record = db.session.scalars(select(Record)).one()
    assert record.holder_name == "Ada Holder"
    assert client.get(f"/verify/{record.display_id}").status_code == 200
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.to_email == plain_email)
        )
        == 0
    )
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.erase")).all()
    assert [e.target_label for e in entries] == [f"Erased person {plain.id}", "Ada Holder"]
    assert plain_email not in json.dumps([e.before for e in entries])
    # The erased cannot log in, and an admin cannot erase themselves.
    assert login(app.test_client(), plain_email).status_code == 200
    own = client.post(f"/admin/users/{admin.id}/erase", data={"confirm": admin.email})
    assert own.status_code == 400 and "your own account" in own.get_data(as_text=True)
