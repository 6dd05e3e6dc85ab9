"""Attendance you can defend: rotating check-in codes, limits on wrong codes (failures only,
per person and per address, shared by check-in and joining a live quiz), and closing a
session that asks first and can be undone, both in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from seminar.db import db, now_utc
from seminar.models import Attendance, AuditEntry, Cohort, SeminarSession, User
from seminar.queries.sessions import current_code, session_for_code
from seminar.services import cohorts as cohort_service
from seminar.services import live as live_service
from seminar.services import sessions as session_service
from tests.conftest import count_queries, login


@pytest.fixture
def seminar(world: Cohort) -> SeminarSession:
    start = (now_utc() - timedelta(hours=1)).replace(second=0, microsecond=0)
    session = session_service.create_session(
        world, title="Blocking workshop", starts_at=start, ends_at=start + timedelta(hours=4),
        location="Hotel", ce_hours=4, lessons=[],
    )  # fmt: skip
    db.session.commit()
    return session


def students(world: Cohort, make_user, app: Flask, n: int) -> list[tuple[User, FlaskClient]]:
    out = []
    for _ in range(n):
        user = make_user("student")
        cohort_service.enroll(world, user)
        phone = app.test_client()
        login(phone, user)
        out.append((user, phone))
    return out


def test_a_rotating_code_expires_and_the_previous_one_still_works(
    client: FlaskClient, world: Cohort, teacher: User, seminar: SeminarSession, make_user, app
) -> None:
    login(client, teacher)
    opened = client.post(f"/sessions/{seminar.id}/open-checkin", data={"rotate": "30"})
    assert opened.headers["Location"] == f"/sessions/{seminar.id}/projector"
    db.session.refresh(seminar)
    assert seminar.checkin_code is None and seminar.code_seconds == 30 and seminar.checkin_secret
    code = current_code(seminar)
    projector = client.get(f"/sessions/{seminar.id}/projector").get_data(as_text=True)
    assert code in projector and "A new code every 30 seconds" in projector
    state = client.get(f"/sessions/{seminar.id}/projector.json").get_json()
    assert 0 < state["invite"]["next_in"] <= 30
    assert state["invite"]["qr"].startswith("data:image/svg+xml")
    # The codes move on with the clock: the current and the previous one are accepted.
    now = now_utc()
    assert session_for_code(code, now) == seminar
    assert session_for_code(code, now + timedelta(seconds=30)) == seminar  # just changed
    assert session_for_code(code, now + timedelta(seconds=61)) is None  # texted home: expired
    ((student, phone),) = students(world, make_user, app, 1)
    assert phone.post("/checkin", data={"code": current_code(seminar)}).status_code == 302
    assert db.session.scalars(select(Attendance.user_id)).all() == [student.id]
    # Opening again draws a new secret: no code of the first opening comes back.
    session_service.close_checkin(seminar)
    session_service.open_checkin(seminar, rotate=30)
    db.session.commit()
    assert current_code(seminar) != code and session_for_code(code, now) is None
    refused = client.post(f"/sessions/{seminar.id}/open-checkin", data={"rotate": "7"})
    assert refused.status_code == 400


def test_reading_a_rotating_code_writes_nothing(
    client: FlaskClient, teacher: User, seminar: SeminarSession
) -> None:
    session_service.open_checkin(seminar, rotate=10)
    login(client, teacher)
    with count_queries() as statements:
        for url in (f"/sessions/{seminar.id}/projector", f"/sessions/{seminar.id}/projector.json"):
            assert client.get(url).status_code == 200
    assert statements and not [
        s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_wrong_codes_are_limited_per_person_and_only_wrong_ones_count(
    app: Flask, world: Cohort, seminar: SeminarSession, make_user
) -> None:
    code = session_service.open_checkin(seminar)
    db.session.commit()
    (_guesser, phone), (_, neighbour) = students(world, make_user, app, 2)
    statuses = [phone.post("/checkin", data={"code": f"WRONG{i}"}).status_code for i in range(10)]
    assert statuses == [200] * 10  # the form again, with the reason next to the code
    limited = phone.post("/checkin", data={"code": code})  # even the right code waits now
    page = limited.get_data(as_text=True)
    assert limited.status_code == 429 and 'name="code"' in page  # the check-in form again
    assert "Too many wrong check-in codes. Try again in 10 minutes" in page
    assert db.session.scalars(select(Attendance)).first() is None
    assert neighbour.post("/checkin", data={"code": code}).status_code == 302  # others are not
    # Joining a live quiz with a code counts against the same limit.
    live = live_service.create_live_quiz(
        seminar, title="Q", drafts=[live_service.Draft("A", ["x", "y"], [1])], seconds=20,
        leaderboard=True,
    )  # fmt: skip
    db.session.commit()
    assert phone.post(f"/live/{live.id}/join", data={"code": code}).status_code == 429


def test_a_room_behind_one_address_checks_in_and_guessing_from_it_meets_a_ceiling(
    app: Flask, world: Cohort, seminar: SeminarSession, make_user
) -> None:
    app.config["CHECKIN_ADDRESS_LIMIT"] = "3 per 10 minutes"  # the default is 200: quicker
    code = session_service.open_checkin(seminar)
    db.session.commit()
    room = students(world, make_user, app, 6)
    for _, phone in room[:5]:  # right codes never count, however many
        assert phone.post("/checkin", data={"code": code}).status_code == 302
    guessers = room[5:] + students(world, make_user, app, 1)
    statuses = [
        guessers[i % 2][1].post("/checkin", data={"code": "NOPE99"}).status_code for i in range(4)
    ]
    assert statuses == [
        200,
        200,
        200,
        429,
    ]  # three wrong codes from the venue's address, then a wait
    assert "Too many wrong check-in codes" in guessers[1][1].post(
        "/checkin", data={"code": code}
    ).get_data(as_text=True)


def test_closing_asks_first_and_reopening_brings_everyone_back(
    client: FlaskClient, world: Cohort, teacher: User, seminar: SeminarSession, make_user, app
) -> None:
    admin = make_user("admin")
    code = session_service.open_checkin(seminar)
    people = [make_user("student", name=f"Student {i}") for i in range(3)]
    for person in people:
        cohort_service.enroll(world, person)
        session_service.check_in(person, code, now=seminar.starts_at)
    session_service.check_out(people[2], seminar, now=seminar.starts_at + timedelta(hours=1))
    db.session.commit()
    login(client, teacher)
    page = client.get(f"/sessions/{seminar.id}").get_data(as_text=True)
    assert f'href="/sessions/{seminar.id}/close"' in page  # a link to the question, not a button
    client.post(f"/sessions/{seminar.id}/close", data={"confirm": "yes"})
    db.session.expire_all()
    assert db.session.get(SeminarSession, seminar.id).closed_at is not None
    assert "Reopen check-in" in client.get(f"/sessions/{seminar.id}").get_data(as_text=True)
    reopened = client.post(f"/sessions/{seminar.id}/reopen-checkin", data={"rotate": "15"})
    assert reopened.headers["Location"] == f"/sessions/{seminar.id}/projector"
    db.session.expire_all()
    session = db.session.get(SeminarSession, seminar.id)
    assert session.closed_at is None and session.checkin_open and session.code_seconds == 15
    by_person = {a.user_id: a for a in db.session.scalars(select(Attendance))}
    assert by_person[people[0].id].checked_out_at is None  # checked out by the close: back
    assert by_person[people[0].id].hours == 0.0  # their hours count on until they leave
    assert by_person[people[2].id].checked_out_at is not None  # left on their own: stays out
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("session.close") == 1 and actions.count("session.reopen") == 1
    assert actions.count("attendance.close") == 2 and actions.count("attendance.reopen") == 2
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "session.reopen")
    ).one()
    assert entry.actor_id == teacher.id and entry.after == {"closed_at": None, "present_again": 2}
    assert client.post(f"/sessions/{seminar.id}/reopen-checkin").status_code == 302  # not closed
    admin_client = app.test_client()
    login(admin_client, admin)
    log = admin_client.get("/admin/audit?action=session.reopen").get_data(as_text=True)
    assert "Session reopened for check-in" in log and "Blocking workshop" in log
