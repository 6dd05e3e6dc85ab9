"""A student joins by invite and works; the instructor sees the dashboard change and exports it."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from seminar.core.content.lessons import scan_lessons
from seminar.db import db
from seminar.queries.cohorts import get_cohort
from seminar.services import cohorts as cohort_service
from seminar.services.accounts import find_user
from tests.e2e.conftest import LiveServer, check_page, log_in


def make_cohort(server: LiveServer) -> str:
    with server.app.app_context():
        cohort = cohort_service.create_cohort(
            "winter", title="Winter cohort", program_slug="sot-basic"
        )
        instructor = find_user("instructor@example.org")
        cohort_service.enroll(cohort, instructor, cohort_service.MemberRole.INSTRUCTOR)
        code = cohort.invite_code
        db.session.commit()  # the end of this unit of work
        db.session.remove()
    return code


def test_student_joins_and_instructor_sees_the_dashboard_change(
    browser: Any, live_server: LiveServer
) -> None:
    code = make_cohort(live_server)
    # The shipped program asks for every lesson, so the count follows the shipped content.
    total = len(scan_lessons(live_server.lessons_dir).lessons)
    staff = browser.new_context()
    teacher = staff.new_page()
    log_in(teacher, live_server, "instructor")
    teacher.goto(live_server.at("/cohorts/winter/progress"))
    assert teacher.get_by_text("0 students").first.is_visible()

    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    student = phone.new_page()
    student.goto(live_server.at(f"/join/{code}"))
    student.get_by_label("Full name").fill("Dr. Jo Newcomer")
    student.get_by_label("Email").fill("jo@example.org")
    student.get_by_label("Password").fill("a long enough password")
    student.get_by_label("Licence number (optional)").fill("DC-4242")
    student.get_by_role("button", name="Create my account and join").click()
    student.wait_for_url(re.compile(r"/path$"))
    assert (
        student.get_by_text("You joined").count()
        + student.get_by_text("enrolled in Winter cohort").count()
        >= 1
    )
    assert student.get_by_text(f"0 of {total} lessons").is_visible()
    student.get_by_role("link", name="Go to lessons").click()
    student.get_by_role("link", name=re.compile("^Start:")).click()
    student.get_by_role("button", name="Mark as complete").click()
    student.wait_for_url(re.compile(r"#lesson-complete$"))
    student.goto(live_server.at("/path"))
    assert student.get_by_text(f"1 of {total} lessons").is_visible()

    teacher.reload()
    row = teacher.get_by_role("row", name=re.compile("Dr. Jo Newcomer"))
    assert row.get_by_text("In progress").first.is_visible()
    assert teacher.get_by_text("1 student ·").first.is_visible()
    with teacher.expect_download() as download:
        teacher.get_by_role("link", name="Download this view as CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")  # with Excel's BOM
    (record,) = list(csv.DictReader(io.StringIO(text)))
    assert record["name"] == "Dr. Jo Newcomer" and record["email"] == "jo@example.org"
    assert record["Lessons (lessons)"].startswith(f"in progress: 1 of {total}")
    teacher.get_by_role("link", name="Dr. Jo Newcomer").click()
    assert teacher.get_by_role("heading", name="Dr. Jo Newcomer").is_visible()
    staff.close()
    phone.close()


def test_cohort_pages_are_accessible(page: Any, live_server: LiveServer) -> None:
    code = make_cohort(live_server)
    check_page(page, live_server.at(f"/join/{code}"))
    check_page(page, live_server.at("/join/not-a-code"))
    log_in(page, live_server, "student")
    check_page(page, live_server.at("/path"))
    check_page(page, live_server.at(f"/join/{code}"))
    page.context.clear_cookies()
    log_in(page, live_server, "admin")
    for url in ("/cohorts/", "/cohorts/new", "/cohorts/winter", "/cohorts/winter/edit",
                "/cohorts/winter/import", "/cohorts/winter/progress"):  # fmt: skip
        check_page(page, live_server.at(url))
    page.goto(live_server.at(f"/join/{code}"))
    with live_server.app.app_context():
        student = find_user("student@example.org")
        cohort = get_cohort("winter")
        cohort_service.enroll(cohort, student)
        student_id = student.id
        db.session.commit()  # the end of this unit of work
        db.session.remove()
    check_page(page, live_server.at(f"/cohorts/winter/students/{student_id}"))
    with live_server.app.app_context():
        from datetime import timedelta

        from seminar.db import now_utc
        from seminar.services import sessions as session_service

        start = now_utc().replace(second=0, microsecond=0)
        seminar = session_service.create_session(
            get_cohort("winter"), title="Day one", starts_at=start,
            ends_at=start + timedelta(hours=3), location="Room A", ce_hours=3, lessons=[],
        )  # fmt: skip
        code = session_service.open_checkin(seminar)
        session_service.check_in(find_user("student@example.org"), code)
        session_id = seminar.id
        db.session.commit()  # the end of this unit of work
        db.session.remove()
    for url in ("/cohorts/winter/sessions", "/cohorts/winter/sessions/new",
                f"/sessions/{session_id}", f"/sessions/{session_id}/projector"):  # fmt: skip
        check_page(page, live_server.at(url))
    page.context.clear_cookies()
    log_in(page, live_server, "student")
    check_page(page, live_server.at("/checkin"))
    check_page(page, live_server.at("/cohorts/winter/sessions"))
