"""A live question in real browsers: the host's projector page and two students' phones."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from seminar.db import db, now_utc
from seminar.services import cohorts as cohort_service
from seminar.services import sessions as session_service
from seminar.services.accounts import create_user, find_user
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE, LiveServer, check_page, log_in


def setup(server: LiveServer) -> tuple[int, str]:
    with server.app.app_context():
        cohort = cohort_service.create_cohort("live", title="Live cohort", program_slug="sot-basic")
        instructor = find_user("instructor@example.org")
        cohort_service.enroll(cohort, instructor, cohort_service.MemberRole.INSTRUCTOR)
        for email, name in (("ana@example.org", "Ana"), ("ben@example.org", "Ben")):
            cohort_service.enroll(cohort, create_user(email, name=name, password=PASSWORD))
        start = now_utc().replace(second=0, microsecond=0) - timedelta(minutes=10)
        seminar = session_service.create_session(
            cohort,
            title="Weekend seminar",
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            location="Hotel",
            ce_hours=4,
            lessons=[],
        )
        code = session_service.open_checkin(seminar)
        session_id = seminar.id
        db.session.commit()
        db.session.remove()
    return session_id, code


def phone_login(browser: Any, server: LiveServer, email: str) -> Any:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(server.at("/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server.at("/lessons/"))
    return page


def test_live_question_with_projector_and_two_phones(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    session_id, code = setup(live_server)
    log_in(page, live_server, "instructor")
    page.goto(live_server.at(f"/sessions/{session_id}"))
    page.get_by_label("Quick question").fill("Which category does S.O.T. tie to weight bearing?")
    page.get_by_label("Choices, one per line").fill("Category I\nCategory II\nCategory III")
    page.get_by_label("Number of the right choice").fill("2")
    page.get_by_role("button", name="Start the live quiz").click()
    page.wait_for_url(re.compile(r"/live/\d+/host$"))
    check_page(page, page.url)

    phones = []
    for email in ("ana@example.org", "ben@example.org"):
        phone = phone_login(browser, live_server, email)
        phone.goto(live_server.at("/checkin"))
        phone.get_by_label("Check-in code").fill(code)
        phone.get_by_role("button", name="Check in").click()
        phone.get_by_role("link", name=re.compile("Join the live quiz")).click()
        phone.get_by_role("button", name="Join the live quiz").click()
        assert phone.get_by_text("You are in.").is_visible()
        phones.append(phone)
    check_page(phones[0], phones[0].url)

    page.get_by_role("button", name="Open the first question").click()
    for phone, choice in zip(phones, ("Category II", "Category I"), strict=True):
        # The phone's poll notices the open question by itself.
        phone.get_by_role("button", name=choice, exact=True).click()
        phone.get_by_text("Answer received").wait_for()
    page.locator(".answer-count").filter(has_text="2").wait_for()  # the projector counts them
    page.get_by_role("button", name="Close the question and show results").click()
    assert page.get_by_text("Right answer").is_visible()
    assert page.locator(".leaderboard li").first.inner_text().startswith("Ana")
    phones[0].get_by_text("Right!").wait_for()
    phones[1].get_by_text("Not this time.").wait_for()
    page.get_by_role("button", name="Finish the quiz").click()
    phones[0].get_by_text("Thank you for playing").wait_for()
    assert "place 1" in phones[0].locator(".score").inner_text()
    for phone in phones:
        phone.context.close()
