"""A practical exam in the browser: an instructor opens a slot, a student books it on a phone,
two examiners mark it (the second fails a critical item), it is flagged, a third examiner
decides, and the student's path shows the pass. Every exam page passes axe and fits 375 px."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from seminar.db import db
from seminar.models import ExamSlot
from seminar.services import cohorts as cohort_service
from seminar.services.accounts import create_user, find_user
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE, LiveServer, check_current, log_in
from tests.exam_world import begin

EXAMINER, THIRD = "examiner@example.org", "third@example.org"


def set_up(server: LiveServer) -> None:
    with server.app.app_context():
        cohort = cohort_service.create_cohort(
            "summer", title="Summer cohort", program_slug="sot-basic"
        )
        create_user(EXAMINER, name="Dr. Eli Examiner", role="instructor", password=PASSWORD)
        create_user(THIRD, name="Dr. Tess Third", role="instructor", password=PASSWORD)
        for email in ("instructor@example.org", EXAMINER, THIRD):
            cohort_service.enroll(cohort, find_user(email), cohort_service.MemberRole.INSTRUCTOR)
        cohort_service.enroll(cohort, find_user("student@example.org"))
        db.session.commit()  # the end of this unit of work
        db.session.remove()


def sign_in(page: Any, server: LiveServer, email: str) -> None:
    page.goto(server.at("/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server.at("/lessons/"))


def shoot(page: Any, name: str) -> None:
    """Checked (axe, no sideways scroll), and a screenshot when asked for (E2E_SCREENSHOTS)."""
    check_current(page)
    if folder := os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def mark(page: Any, marks: tuple[int, ...], comments: dict[int, str] | None = None) -> None:
    for i, value in enumerate(marks):
        page.locator(f"input[name=mark_{i}][value='{value}']").check()
    for i, text in (comments or {}).items():
        page.locator(f"textarea[name=comment_{i}]").fill(text)
    page.get_by_role("button", name="Submit my marks").click()


def test_a_student_books_and_two_examiners_mark_a_flagged_exam(
    browser: Any, live_server: LiveServer
) -> None:
    set_up(live_server)
    wide = browser.new_context(viewport={"width": 1280, "height": 900})
    lead = wide.new_page()
    log_in(lead, live_server, "instructor")
    lead.goto(live_server.at("/cohorts/summer"))
    lead.get_by_role("link", name="Practical exam").click()
    lead.wait_for_url(live_server.at("/cohorts/summer/exams"))
    shoot(lead, "slots-empty-1280")
    lead.get_by_label("Place").fill("Hall C, treatment tables 1 to 3")
    lead.get_by_label("Seats").fill("0")
    lead.get_by_label("Second examiner").select_option(label="Dr. Eli Examiner")
    lead.get_by_role("button", name="Open the slot").click()
    assert lead.get_by_text("Seats: 1 to 200.").is_visible()
    assert lead.get_by_label("Place").input_value() == "Hall C, treatment tables 1 to 3"
    lead.get_by_label("Seats").fill("3")
    lead.get_by_role("button", name="Open the slot").click()
    assert lead.get_by_text("The two examiners must be different people.").is_visible()
    shoot(lead, "slot-refused-1280")
    lead.get_by_label("First examiner").select_option(label="Dr. Ines Instructor")
    lead.get_by_role("button", name="Open the slot").click()
    lead.wait_for_url(re.compile(r"/exams/slots/\d+$"))
    assert lead.get_by_text("0 of 3 seats booked").is_visible()

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    student = phone.new_page()
    log_in(student, live_server, "student")
    student.goto(live_server.at("/path"))
    summer = student.locator("section").filter(has_text="Summer cohort")
    # the links line and the requirement itself both lead to the exam page
    summer.get_by_role("link", name="Practical examination", exact=True).first.click()
    student.wait_for_url(live_server.at("/cohorts/summer/exam"))
    assert student.get_by_text("3 seats left").is_visible()
    shoot(student, "candidate-book-375")
    student.get_by_role("button", name="Book this seat").click()
    assert student.get_by_text("You are booked for the practical exam.").is_visible()
    assert student.get_by_text(re.compile(r"No contact with your examiners from")).is_visible()
    shoot(student, "candidate-booked-375")

    with live_server.app.app_context():
        begin(db.session.scalars(select(ExamSlot)).one())  # the exam's day has come
        db.session.remove()

    lead.reload()
    assert lead.get_by_text("1 of 3 seats booked").is_visible()
    lead.get_by_role("link", name="Dr. Sam Student").click()
    shoot(lead, "sheet-first-1280")
    mark(lead, (2, 2, 2, 2, 2))
    assert lead.get_by_text("Marks for Dr. Sam Student submitted.").is_visible()
    sheet_url = lead.url

    second_context = browser.new_context(viewport=PHONE, is_mobile=True)
    second = second_context.new_page()
    sign_in(second, live_server, EXAMINER)
    second.goto(sheet_url)
    assert second.get_by_text("the other sheets are shown once yours is in").is_visible()
    shoot(second, "sheet-second-375")
    mark(second, (0, 2, 2, 2, 2), {0: "No screening for red flags before the set-up."})
    assert second.get_by_text("Flagged for a third examiner.").is_visible()
    assert second.get_by_text("Examiners split").is_visible()
    shoot(second, "flagged-375")

    third_context = browser.new_context(viewport={"width": 1280, "height": 900})
    third = third_context.new_page()
    sign_in(third, live_server, THIRD)
    third.goto(sheet_url)
    assert third.get_by_role("heading", name="Your marks as third examiner").is_visible()
    mark(third, (2, 2, 2, 2, 1))
    assert third.get_by_text("decided by the third examiner").is_visible()
    shoot(third, "decided-1280")

    student.goto(live_server.at("/path"))
    assert student.get_by_text(re.compile(r"Practical exam passed with 95%")).is_visible()
    shoot(student, "path-375")
    student.goto(live_server.at("/cohorts/summer/exam"))
    assert student.get_by_text("decided by the third examiner").first.is_visible()
    shoot(student, "candidate-result-375")
    lead.goto(live_server.at("/cohorts/summer/exams"))
    assert lead.get_by_text("1 passed").is_visible()
    shoot(lead, "slots-1280")
    lead.set_viewport_size(PHONE)
    shoot(lead, "slots-375")
    for context in (wide, phone, second_context, third_context):
        context.close()
