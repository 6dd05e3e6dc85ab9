"""Practical exams over HTTP (with CSRF): staff open a slot, a candidate books it, two
examiners mark (one failing a critical item), the exam is flagged, a third examiner decides;
the path and the record's evidence say so, to the holder and admins and never publicly. Also
the booking rules, the seat race (two students, one seat) and the old sign-offs."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import jwt as pyjwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from seminar.core.errors import SeminarError
from seminar.db import db, now_utc
from seminar.models import Cohort, ExamBooking, ExamSlot, Record, RecordKind, User
from seminar.queries.standing import cohort_statuses
from seminar.services import cohorts as cohort_service
from seminar.services import erasure, exam_slots, issuing
from seminar.services.evidence import record_practical
from seminar.services.lessons import set_complete
from tests.conftest import csrf_token
from tests.exam_world import (
    ALL_COMPETENT,
    FIRST_CRITICAL_FAILED,
    begin,
    give_exam,
    open_slot,
    sheet,
)
from tests.records_world import LESSONS, a_session, attend, pass_quiz

pytestmark = pytest.mark.csrf


def post(client: FlaskClient, page: str, url: str, data: dict[str, str] | None = None):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, page)})


def signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    token = csrf_token(client, "/login")
    from tests.conftest import PASSWORD

    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def staff(world: Cohort, make_user, teacher: User) -> tuple[User, User, User]:
    """Two examiners and a third instructor of the world cohort, on a program with an exam."""
    second, third = make_user("instructor"), make_user("instructor")
    for user in (second, third):
        cohort_service.enroll(world, user, cohort_service.MemberRole.INSTRUCTOR)
    db.session.commit()
    return teacher, second, third


def html(response) -> str:
    return response.get_data(as_text=True)


def test_a_flagged_exam_is_decided_by_a_third_examiner_and_frozen_into_the_record(
    app: Flask, world: Cohort, make_user, staff: tuple[User, User, User]
) -> None:
    give_exam(app, world)
    first, second, third = staff
    student = make_user("student", name="Ada Candidate")
    cohort_service.enroll(world, student)
    db.session.commit()
    lead = signed_in(app, first)
    page = f"/cohorts/{world.slug}/exams"
    start = (now_utc() + timedelta(days=20)).strftime("%Y-%m-%dT09:00")
    form = {
        "starts_at": start,
        "place": "Hall C",
        "capacity": "3",
        "opens_at": now_utc().strftime("%Y-%m-%dT%H:%M"),
        "deadline": (now_utc() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "cancel_until": (now_utc() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "no_contact_from": (now_utc() + timedelta(days=12)).strftime("%Y-%m-%d"),
        "first_examiner": str(first.id),
        "second_examiner": str(second.id),
    }
    opened = post(lead, page, page, form)
    assert opened.status_code == 302, html(opened)
    slot = db.session.scalars(select(ExamSlot)).one()

    candidate = signed_in(app, student)
    mine = f"/cohorts/{world.slug}/exam"
    shown = html(candidate.get(mine))
    assert "Hall C" in shown and "3 seats left" in shown
    assert "no contact with the examiners from" in shown
    assert post(candidate, mine, f"/exams/slots/{slot.id}/book").status_code == 302
    shown = html(candidate.get(mine))
    assert "Booked" in shown and "No contact with your examiners from" in shown
    assert first.name in shown and second.name in shown
    begin(slot)

    booking = db.session.scalars(select(ExamBooking)).one()
    sheet_page = f"/exams/bookings/{booking.id}"
    marks = f"{sheet_page}/marks"
    assert post(lead, sheet_page, marks, sheet(ALL_COMPETENT)).status_code == 302
    examiner = signed_in(app, second)
    # Marking on their own: the first examiner's sheet is not shown to the second yet.
    assert "Competent" not in html(examiner.get(sheet_page)).split("Your marks as")[0]
    refused = post(examiner, sheet_page, marks, {"mark_0": "0"})
    assert refused.status_code == 400 and "Mark this item." in html(refused)
    failing = sheet(FIRST_CRITICAL_FAILED, {0: "No screening for red flags at all."})
    assert post(examiner, sheet_page, marks, failing).status_code == 302
    flagged = html(lead.get(sheet_page))
    assert "Flagged for a third examiner" in flagged
    assert "Critical item &#39;Case history and screening for red flags&#39;" in flagged
    assert "Examiners split" in flagged and "No screening for red flags at all." in flagged
    assert "Examiners disagree" in html(candidate.get("/path"))

    # The first two may not decide it; a third of the cohort's instructors does.
    again = post(lead, sheet_page, marks, sheet(ALL_COMPETENT))
    assert again.status_code == 400 and "already in" in html(again), html(again)[-2500:]
    decider = signed_in(app, third)
    assert "Your marks as third examiner" in html(decider.get(sheet_page))
    assert post(decider, sheet_page, marks, sheet(ALL_COMPETENT)).status_code == 302
    decided = html(decider.get(sheet_page))
    assert "decided by the third examiner" in decided and "100%" in decided

    path = html(candidate.get("/path"))
    assert "Practical exam passed with 100%" in path
    assert "decided by the third examiner" in html(candidate.get(mine))

    for slug in LESSONS:
        set_complete(student.id, slug, True)
    pass_quiz(student)
    attend(a_session(world), student)
    db.session.commit()
    (status,) = cohort_statuses(world, [student.id])
    assert status.eligibility.eligible
    (issued,) = issuing.issue(world, RecordKind.COMPLETION, [student.id])
    db.session.commit()
    record = issued.record
    exam = record.evidence["exam"]
    assert exam["verdict"] == "decided" and exam["percent"] == "100%"
    assert [c["examiner"] for c in exam["examiners"]] == [first.name, second.name, third.name]
    assert exam["items"][0]["marks"] == ["Competent", "Not shown", "Competent"]
    assert "Critical item" in exam["reasons"][0]

    private = ("Not shown", "No screening for red flags", second.name, "Third examiner")
    admin = signed_in(app, make_user("admin"))
    for viewer in (candidate, admin):
        page_html = html(viewer.get(f"/records/{record.display_id}"))
        assert all(word in page_html for word in private), page_html
        assert "Practical examination: decided by the third examiner" in page_html
    public = html(app.test_client().get(f"/verify/{record.display_id}"))
    assert "Practical skills: practical exam passed" in public
    token = app.test_client().get(f"/verify/{record.display_id}.jwt").get_data(as_text=True)
    claims = str(pyjwt.decode(token, options={"verify_signature": False}))
    for text in (public, claims):
        assert not any(word in text for word in private)
        assert "100%" not in text and "Critical" not in text


def test_slot_form_errors_keep_what_was_typed(
    app: Flask, world: Cohort, staff: tuple[User, User, User]
) -> None:
    give_exam(app, world)
    lead = signed_in(app, staff[0])
    page = f"/cohorts/{world.slug}/exams"
    later = (now_utc() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    refused = post(lead, page, page, {
        "starts_at": (now_utc() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "place": "The annexe", "capacity": "4",
        "opens_at": now_utc().strftime("%Y-%m-%dT%H:%M"), "deadline": later,
        "cancel_until": later, "no_contact_from": "2020-01-01",
        "first_examiner": str(staff[0].id), "second_examiner": str(staff[0].id),
    })  # fmt: skip
    assert refused.status_code == 400
    body = html(refused)
    assert "The application deadline is before the exam." in body
    assert 'value="The annexe"' in body
    assert db.session.scalar(select(func.count()).select_from(ExamSlot)) == 0


def test_booking_rules(
    app: Flask, world: Cohort, make_user, staff: tuple[User, User, User]
) -> None:
    give_exam(app, world)
    slot = open_slot(world, staff[0], staff[1], capacity=1)
    ada, bob = make_user("student"), make_user("student")
    for s in (ada, bob):
        cohort_service.enroll(world, s)
    db.session.commit()
    with pytest.raises(SeminarError, match="not opened yet"):
        exam_slots.book(slot, ada, now=slot.opens_at - timedelta(minutes=1))
    with pytest.raises(SeminarError, match="deadline"):
        exam_slots.book(slot, ada, now=slot.deadline + timedelta(minutes=1))
    booking = exam_slots.book(slot, ada)
    db.session.commit()
    with pytest.raises(SeminarError, match="already hold a place"):
        exam_slots.book(slot, ada)
    db.session.rollback()
    with pytest.raises(SeminarError, match="full"):
        exam_slots.book(slot, bob)
    db.session.rollback()
    with pytest.raises(SeminarError, match="time to cancel"):
        exam_slots.cancel(booking, by=ada, now=slot.cancel_until + timedelta(seconds=1))
    exam_slots.cancel(booking, by=ada)
    exam_slots.cancel(booking, by=ada)  # a double click frees one seat, once
    db.session.commit()
    db.session.refresh(slot)
    assert slot.booked == 0
    exam_slots.book(slot, bob)
    db.session.commit()
    db.session.refresh(slot)
    assert slot.booked == 1
    # Erasing a candidate gives their seat in a sitting still to come back.
    erasure.erase(bob, by=make_user("admin"), confirm=bob.email)
    db.session.commit()
    db.session.refresh(slot)
    assert slot.booked == 0
    exam_slots.book(slot, ada)
    db.session.commit()
    # A candidate of another cohort never finds the slot.
    outsider = make_user("student")
    client = signed_in(app, outsider)
    assert post(client, "/path", f"/exams/slots/{slot.id}/book").status_code == 404


def test_two_students_racing_for_one_seat_never_both_get_it(
    app: Flask, world: Cohort, make_user, staff: tuple[User, User, User]
) -> None:
    give_exam(app, world)
    slot_id = open_slot(world, staff[0], staff[1], capacity=1).id
    students = [make_user("student") for _ in range(2)]
    for s in students:
        cohort_service.enroll(world, s)
    db.session.commit()
    ids = [s.id for s in students]
    gate = threading.Barrier(2)
    outcomes: list[str] = []

    def race(user_id: int) -> None:
        with app.app_context():
            slot, user = db.session.get(ExamSlot, slot_id), db.session.get(User, user_id)
            gate.wait(timeout=30)
            try:
                exam_slots.book(slot, user)
                db.session.commit()
                outcomes.append("booked")
            except SeminarError as exc:
                db.session.rollback()
                outcomes.append(exc.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=race, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["This exam slot is full: pick another one.", "booked"]
    db.session.expire_all()
    assert db.session.get(ExamSlot, slot_id).booked == 1
    assert db.session.scalar(select(func.count()).select_from(ExamBooking)) == 1


def test_marks_wait_for_the_exam_and_only_its_examiners_give_them(
    app: Flask, world: Cohort, make_user, staff: tuple[User, User, User]
) -> None:
    give_exam(app, world)
    slot = open_slot(world, staff[0], staff[1])
    student = make_user("student")
    cohort_service.enroll(world, student)
    booking = exam_slots.book(slot, student)
    db.session.commit()
    page = f"/exams/bookings/{booking.id}"
    lead = signed_in(app, staff[0])
    early = post(lead, page, f"{page}/marks", sheet(ALL_COMPETENT))
    assert early.status_code == 400 and "once the exam has begun" in html(early)
    begin(slot)
    other = signed_in(app, staff[2])  # an instructor of the cohort, but not its examiner
    refused = post(other, page, f"{page}/marks", sheet(ALL_COMPETENT))
    assert refused.status_code == 400 and "not an examiner" in html(refused)
    # Both agree: the mean of 100% and 90%, passed, no third examiner needed.
    assert post(lead, page, f"{page}/marks", sheet(ALL_COMPETENT)).status_code == 302
    second = signed_in(app, staff[1])
    assert post(second, page, f"{page}/marks", sheet((2, 2, 2, 2, 0))).status_code == 302
    db.session.refresh(booking)
    assert (booking.verdict, booking.passed, booking.percent) == ("agreed", True, 95.0)
    slots_page = html(lead.get(f"/cohorts/{world.slug}/exams"))
    assert "1 passed" in slots_page and "0 flagged" in slots_page
    assert re.search(r"1 of 4 seats booked", slots_page)


def test_old_sign_offs_still_meet_the_practical_on_a_program_with_an_exam(
    app: Flask, world: Cohort, make_user, teacher: User
) -> None:
    student = make_user("student")
    cohort_service.enroll(world, student)
    record_practical(
        world, student, passed=True, observed=[], note="", assessed_on=now_utc().date(),
        assessor=teacher,
    )  # fmt: skip
    db.session.commit()
    give_exam(app, world)
    (status,) = cohort_statuses(world, [student.id])
    practical = next(r for r in status.eligibility.requirements if r.kind == "practical")
    assert (practical.state.value, practical.detail) == ("done", "Passed")
    assert practical.label == "Practical examination"
    db.session.query(Record).delete()
