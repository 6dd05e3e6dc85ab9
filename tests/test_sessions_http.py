"""Seminar sessions: scheduling, check-in windows and codes, hours, corrections, exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from seminar.core.certification import credited_hours
from seminar.db import db, now_utc
from seminar.models import (
    Attendance,
    AttendanceChange,
    AttendanceCredit,
    Cohort,
    SeminarSession,
    User,
)
from seminar.queries.standing import cohort_statuses
from seminar.services import cohorts as cohort_service
from seminar.services import sessions as session_service
from tests.conftest import login

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("arrive", "leave", "rounding", "offered", "hours"),
    [
        (0, 240, 15, 4, 4.0),  # the whole session
        (-30, 300, 15, 4, 4.0),  # time outside the session does not count
        (10, 240, 15, 4, 3.75),  # 3 h 50 min: whole quarter-hours only
        (0, 59, 60, 4, 0.0),
        (0, 240, 15, 3, 3.0),  # never more than the session offers
        (0, 7, 5, 4, 5 / 60),
        (250, 300, 15, 4, 0.0),  # arrived after the end
    ],
)
def test_credited_hours(
    arrive: int, leave: int, rounding: int, offered: float, hours: float
) -> None:
    got = credited_hours(
        checked_in=T0 + timedelta(minutes=arrive),
        checked_out=T0 + timedelta(minutes=leave),
        starts=T0,
        ends=T0 + timedelta(hours=4),
        offered=offered,
        rounding_minutes=rounding,
    )
    assert got == pytest.approx(hours)


@pytest.fixture
def seminar(world: Cohort) -> SeminarSession:
    start = (now_utc() - timedelta(hours=1)).replace(second=0, microsecond=0)
    return session_service.create_session(
        world,
        title="Blocking workshop",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        location="Hotel Room A",
        ce_hours=4,
        lessons=["first-lesson"],
    )


def test_staff_schedule_a_session(client: FlaskClient, world: Cohort, teacher: User) -> None:
    login(client, teacher)
    form = {
        "title": "Day one",
        "starts_at": "2026-12-05T09:00",
        "ends_at": "2026-12-05T08:00",
        "location": "Room A",
        "ce_hours": "4",
    }
    bad = client.post(f"/cohorts/{world.slug}/sessions/new", data=form)
    assert "must end after it starts" in bad.get_data(as_text=True)
    too_long = form | {"ends_at": "2026-12-05T12:00", "ce_hours": "5"}
    assert "between 0 and the session" in client.post(
        f"/cohorts/{world.slug}/sessions/new", data=too_long
    ).get_data(as_text=True)
    ok = client.post(
        f"/cohorts/{world.slug}/sessions/new", data=form | {"ends_at": "2026-12-05T13:00"}
    )
    assert ok.status_code == 302
    page = client.get(f"/cohorts/{world.slug}/sessions").get_data(as_text=True)
    assert "Day one" in page and "Room A" in page and "4 CE hours" in page


def test_checkin_window_code_and_hours(
    client: FlaskClient,
    world: Cohort,
    teacher: User,
    seminar: SeminarSession,
    make_user,
    app: Flask,
) -> None:
    student = make_user("student", name="Pat Present", licence_number="DC-7", licence_state="NY")
    cohort_service.enroll(world, student)
    login(client, student)
    closed = client.post("/checkin", data={"code": "ABCDEF"}).get_data(as_text=True)
    assert "not open for check-in" in closed
    staff = app.test_client()
    login(staff, teacher)
    staff.post(f"/sessions/{seminar.id}/open-checkin")
    db.session.refresh(seminar)
    code = seminar.checkin_code
    assert seminar.checkin_open and code and len(code) == 6
    projector = staff.get(f"/sessions/{seminar.id}/projector").get_data(as_text=True)
    assert code in projector and "data:image/svg+xml" in projector
    state = staff.get(f"/sessions/{seminar.id}/projector.json").get_json()
    assert (state["present"], state["open"], state["code"]) == (0, True, code)
    assert state["invite"]["next_in"] is None  # a fixed code
    assert state["invite"]["link"].endswith(f"/checkin?code={code}")
    response = client.post("/checkin", data={"code": code.lower()})
    assert response.status_code == 302
    again = client.post("/checkin", data={"code": code})  # twice is the same check-in
    assert again.status_code == 302
    assert db.session.scalars(select(Attendance)).all().__len__() == 1
    page = client.get("/checkin").get_data(as_text=True)
    assert "You are checked in to Blocking workshop" in page
    arrived = db.session.scalars(select(Attendance)).one()
    arrived.checked_in_at = seminar.starts_at  # as if they had arrived at the start
    db.session.commit()
    client.post(f"/sessions/{seminar.id}/checkout")
    attendance = db.session.scalars(select(Attendance)).one()
    db.session.refresh(attendance)
    assert attendance.checked_out_at is not None
    # Checked in an hour after the start, out now: about an hour, in whole quarter-hours.
    assert attendance.hours in (0.75, 1.0)
    credit = db.session.scalars(select(AttendanceCredit)).one()
    assert credit.hours == attendance.hours and credit.source_id == seminar.id
    (status,) = cohort_statuses(world, [student.id])
    attendance_req = next(r for r in status.eligibility.requirements if r.kind == "attendance")
    assert attendance_req.state == "in_progress"
    # The code stops working once check-in closes.
    staff.post(f"/sessions/{seminar.id}/close-checkin")
    other = make_user("student")
    cohort_service.enroll(world, other)
    late = app.test_client()
    login(late, other)
    assert "not open for check-in" in late.post("/checkin", data={"code": code}).get_data(
        as_text=True
    )


def test_only_the_cohorts_students_check_in(
    client: FlaskClient, world: Cohort, seminar: SeminarSession, make_user
) -> None:
    code = session_service.open_checkin(seminar)
    outsider = make_user("student")
    login(client, outsider)
    html = client.post("/checkin", data={"code": code}).get_data(as_text=True)
    assert "not a student in this session" in html
    assert db.session.scalars(select(Attendance)).first() is None


def test_closing_the_session_checks_everyone_out(
    client: FlaskClient, world: Cohort, teacher: User, seminar: SeminarSession, make_user
) -> None:
    code = session_service.open_checkin(seminar)
    people = [make_user("student") for _ in range(3)]
    for person in people:
        cohort_service.enroll(world, person)
        session_service.check_in(person, code, now=seminar.starts_at)
    login(client, teacher)
    unconfirmed = client.post(f"/sessions/{seminar.id}/close")  # it asks first
    assert unconfirmed.headers["Location"] == f"/sessions/{seminar.id}/close"
    asked = client.get(f"/sessions/{seminar.id}/close").get_data(as_text=True)
    assert "checks out the <strong>3</strong> students still present" in asked
    db.session.expire_all()
    assert db.session.get(SeminarSession, seminar.id).closed_at is None
    client.post(f"/sessions/{seminar.id}/close", data={"confirm": "yes"})
    db.session.expire_all()
    rows = db.session.scalars(select(Attendance)).all()
    assert all(a.checked_out_at is not None for a in rows)
    assert {a.hours for a in rows} in ({0.75}, {1.0})  # from the start until now, an hour in
    assert db.session.get(SeminarSession, seminar.id).closed_at is not None


def test_corrections_need_a_reason_and_keep_history(
    client: FlaskClient, world: Cohort, teacher: User, seminar: SeminarSession, make_user
) -> None:
    student = make_user("student")
    cohort_service.enroll(world, student)
    code = session_service.open_checkin(seminar)
    attendance = session_service.check_in(student, code, now=seminar.starts_at)
    login(client, teacher)
    url = f"/sessions/{seminar.id}/attendance/{attendance.id}"
    prefix = f"c{attendance.id}"
    start = seminar.starts_at.strftime("%Y-%m-%dT%H:%M")
    end = (seminar.starts_at + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    times = {f"{prefix}-checked_in_at": start, f"{prefix}-checked_out_at": end}
    # A form is read from a form only: the same fields as JSON (a list where a time belongs)
    # are an empty form, refused as one.
    as_json = client.post(url, json={f"{prefix}-checked_in_at": [[start]], f"{prefix}-reason": "x"})
    assert as_json.status_code == 400 and "Give the reason for the correction." in as_json.text
    no_reason = client.post(url, data=times)
    refused = no_reason.get_data(as_text=True)  # next to the reason, with the times as typed
    assert no_reason.status_code == 400 and "Give the reason for the correction." in refused
    assert f'id="{prefix}-reason-error"' in refused and f'value="{end}"' in refused
    client.post(
        url,
        data={
            f"{prefix}-checked_in_at": start,
            f"{prefix}-checked_out_at": end,
            f"{prefix}-reason": "Phone battery died; seen all day",
        },
    )
    db.session.refresh(attendance)
    assert attendance.hours == 4.0
    change = db.session.scalars(select(AttendanceChange)).one()
    assert change.reason == "Phone battery died; seen all day"
    assert change.before["hours"] == 0.0 and change.after["hours"] == 4.0
    page = client.get(f"/sessions/{seminar.id}").get_data(as_text=True)
    assert "Phone battery died" in page


def test_ce_exports(
    client: FlaskClient, world: Cohort, teacher: User, seminar: SeminarSession, make_user
) -> None:
    student = make_user("student", name="=Eve", licence_number="DC-1", licence_state="CA")
    cohort_service.enroll(world, student)
    code = session_service.open_checkin(seminar)
    session_service.check_in(student, code, now=seminar.starts_at)
    session_service.close_session(seminar, now=seminar.starts_at + timedelta(hours=5))
    login(client, teacher)
    for url in (f"/sessions/{seminar.id}/roster.csv", f"/cohorts/{world.slug}/attendance.csv"):
        data = client.get(url).data
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8, said so for Excel
        (row,) = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert row["last name"] == "'=Eve"  # never a spreadsheet formula
        assert (row["licence number"], row["licence state"]) == ("DC-1", "CA")
        assert row["course"] == "Basic program" and row["hours credited"] == "4"
        assert row["verification method"] == "check-in code" and row["corrected"] == "no"
        assert row["instructors"] == teacher.name


def test_session_pages_access(
    world: Cohort, teacher: User, seminar: SeminarSession, make_user, app: Flask
) -> None:
    student = make_user("student")
    cohort_service.enroll(world, student)
    other = cohort_service.create_cohort("elsewhere", title="Elsewhere", program_slug="basic")
    stranger = make_user("instructor")
    cohort_service.enroll(other, stranger, cohort_service.MemberRole.INSTRUCTOR)
    outsider_student = make_user("student")
    staff_urls = [
        f"/sessions/{seminar.id}",
        f"/sessions/{seminar.id}/projector",
        f"/sessions/{seminar.id}/roster.csv",
        f"/cohorts/{world.slug}/attendance.csv",
        f"/cohorts/{world.slug}/sessions/new",
    ]
    expectations = [
        (teacher, 200, 200),
        (stranger, 404, 404),
        (student, 403, 200),
        (outsider_student, 403, 404),
    ]
    for user, staff_status, schedule_status in expectations:
        c = app.test_client()
        login(c, user)
        for url in staff_urls:
            assert c.get(url).status_code == staff_status, (user.email, url)
        assert c.get(f"/cohorts/{world.slug}/sessions").status_code == schedule_status
    c = app.test_client()
    login(c, stranger)
    assert c.post(f"/sessions/{seminar.id}/open-checkin").status_code == 404


def test_calendar_feeds(
    client: FlaskClient,
    world: Cohort,
    teacher: User,
    seminar: SeminarSession,
    make_user,
    app: Flask,
) -> None:
    student = make_user("student")
    cohort_service.enroll(world, student)
    login(client, student)
    page = client.get(f"/cohorts/{world.slug}/sessions").get_data(as_text=True)
    personal = page.split("http://127.0.0.1:5000", 1)[1].split("<", 1)[0]
    assert personal.startswith("/calendar/") and personal.endswith(".ics")
    feed = app.test_client().get(personal)  # a calendar app: no login
    text = feed.get_data(as_text=True)
    assert feed.mimetype == "text/calendar"
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert f"UID:session-{seminar.id}@127.0.0.1:5000" in text
    assert "SUMMARY:Blocking workshop (Spring cohort)" in text
    assert "LOCATION:Hotel Room A" in text
    assert seminar.starts_at.strftime("DTSTART:%Y%m%dT%H%M%SZ") in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    staff = app.test_client()
    login(staff, teacher)
    page = staff.get(f"/cohorts/{world.slug}/sessions").get_data(as_text=True)
    (cohort_feed,) = re.findall(r"http://127\.0\.0\.1:5000(/calendar/cohort/[^<]+\.ics)", page)
    assert "Blocking workshop" in app.test_client().get(cohort_feed).get_data(as_text=True)
    assert app.test_client().get("/calendar/not-a-token.ics").status_code == 404
    assert app.test_client().get("/calendar/cohort/not-a-token.ics").status_code == 404


def test_ical_escapes_and_folds() -> None:
    from seminar.core.ical import Event, calendar

    text = calendar(
        "Cal",
        [Event("u1", T0, T0 + timedelta(hours=1), "A; B, C\\D", description="x" * 200)],
        stamp=T0,
    )
    assert "SUMMARY:A\\; B\\, C\\\\D" in text
    assert "\r\n x" in text  # the long description continues on folded lines


def test_session_instructors(client: FlaskClient, world: Cohort, teacher: User, make_user) -> None:
    login(client, teacher)
    form = {
        "title": "Day two",
        "starts_at": "2026-12-06T09:00",
        "ends_at": "2026-12-06T13:00",
        "location": "Room B",
        "ce_hours": "4",
    }
    assert client.post(f"/cohorts/{world.slug}/sessions/new", data=form).status_code == 302
    session = db.session.scalars(select(SeminarSession)).one()
    assert session.instructor_ids == [teacher.id]  # none chosen: the cohort's instructors
    assert f"With {teacher.name}" in client.get(f"/cohorts/{world.slug}/sessions").get_data(
        as_text=True
    )
    outsider = make_user("instructor")
    bad = client.post(
        f"/cohorts/{world.slug}/sessions/new", data=form | {"instructors": str(outsider.id)}
    )
    assert "among the cohort&#39;s instructors" in bad.get_data(as_text=True)
