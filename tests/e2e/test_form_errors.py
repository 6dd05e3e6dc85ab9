"""A refused form in a real browser: each error sits next to the field it concerns, and what
the person typed is still there (the session form and the grading form)."""

from __future__ import annotations

import re
from typing import Any

from seminar.db import db
from seminar.models import Quiz
from seminar.queries.cohorts import get_cohort
from seminar.services import cohorts as cohort_service
from seminar.services.accounts import find_user
from seminar.services.attempts import save_answers, start_attempt, submit_attempt
from tests.e2e.conftest import PHONE, LiveServer, log_in, serious_violations

ESSAY = "supplement-reply-essay"


def _teach_the_reading_group(server: LiveServer) -> None:
    with server.app.app_context():
        cohort = get_cohort("reading")
        cohort_service.enroll(
            cohort, find_user("instructor@example.org"), cohort_service.MemberRole.INSTRUCTOR
        )
        db.session.commit()  # the end of this unit of work
        db.session.remove()


def _error_of(page: Any, field_id: str) -> str:
    """The error shown for a field, checked to be the one its input points at."""
    described = page.locator(f"#{field_id}").get_attribute("aria-describedby") or ""
    assert f"{field_id}-error" in described.split(), f"{field_id} does not point at its error"
    assert page.locator(f"#{field_id}").get_attribute("aria-invalid") == "true"
    return page.locator(f"#{field_id}-error").inner_text()


def test_the_session_form_shows_each_error_by_its_field(
    browser: Any, live_server: LiveServer
) -> None:
    _teach_the_reading_group(live_server)
    for viewport in (PHONE, {"width": 1280, "height": 900}):
        page = browser.new_context(viewport=viewport).new_page()
        log_in(page, live_server, "instructor")
        page.goto(live_server.at("/cohorts/reading/sessions/new"))
        page.get_by_label("Title").fill("Day one: the categories")
        page.get_by_label("Starts").fill("2027-03-06T09:00")
        page.get_by_label("Ends").fill("2027-03-06T08:30")
        page.get_by_label("Location").fill("Hotel Bristol, room 2")
        page.get_by_label("CE hours offered").fill("3")
        page.get_by_role("button", name="Save session").click()

        assert "must end after it starts" in _error_of(page, "ends_at")
        assert page.locator("#title-error").count() == 0  # not under the wrong field
        assert page.get_by_label("Title").input_value() == "Day one: the categories"
        assert page.get_by_label("Starts").input_value() == "2027-03-06T09:00"
        assert page.get_by_label("Location").input_value() == "Hotel Bristol, room 2"
        assert serious_violations(page) == []
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the refused form scrolls sideways by {overflow}px"

        # Fixed, but more CE hours than the session lasts: that error moves to CE hours.
        page.get_by_label("Ends").fill("2027-03-06T12:00")
        page.get_by_label("CE hours offered").fill("5")
        page.get_by_role("button", name="Save session").click()
        assert "session's length (3 h)" in _error_of(page, "ce_hours")
        assert page.locator("#ends_at-error").count() == 0
        assert page.get_by_label("CE hours offered").input_value() == "5"
        page.context.close()


def test_the_grading_form_shows_its_error_by_the_points(
    browser: Any, live_server: LiveServer
) -> None:
    _teach_the_reading_group(live_server)
    with live_server.app.app_context():
        student = find_user("student@example.org")
        quiz = db.session.scalars(db.select(Quiz).where(Quiz.slug == "nutrition")).one()
        attempt = start_attempt(student.id, quiz)
        essay = next(aq for aq in attempt.questions if aq.question.key == ESSAY)
        save_answers(attempt, {essay.position: {"text": "Ask what they hope it does first."}})
        submit_attempt(attempt)
        prefix = f"g{essay.id}"
        db.session.commit()  # the end of this unit of work
        db.session.remove()

    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, live_server, "instructor")
    page.goto(live_server.at("/quizzes/manage/grading"))
    card = page.locator("section.card", has=page.locator(f"#{prefix}-points"))
    card.locator(f"#{prefix}-points").fill("7")
    card.locator(f"#{prefix}-comment").fill("Good: you asked before advising.")
    card.get_by_role("button", name="Save grade").click()

    assert re.search(r"between 0 and \d+ points", _error_of(page, f"{prefix}-points"))
    assert page.locator(f"#{prefix}-points").input_value() == "7"
    assert page.locator(f"#{prefix}-comment").input_value() == "Good: you asked before advising."
    assert serious_violations(page) == []

    page.locator(f"#{prefix}-points").fill("1")
    page.get_by_role("button", name="Save grade").first.click()
    assert page.get_by_text(re.compile(r"Graded question \d+ for Dr. Sam Student")).is_visible()
