"""Flaky venue Wi-Fi in a real browser: lessons a student opened stay readable offline (and
only that student's), and a quiz answer given offline is saved when the connection returns."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from seminar.db import db
from seminar.models import AttemptQuestion
from seminar.queries.cohorts import get_cohort
from seminar.services.accounts import create_user
from seminar.services.cohorts import enroll
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE, LiveServer, log_in

CACHES = "async () => (await caches.keys()).filter(n => n.startsWith('seminar-lessons-'))"


def controlled(page: Any) -> None:
    """Wait until the lessons' service worker runs and controls this page."""
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")


def second_student(server: LiveServer) -> None:
    with server.app.app_context():
        other = create_user("zoe@example.org", name="Dr. Zoe Other", password=PASSWORD)
        enroll(get_cohort("reading"), other)
        db.session.commit()
        db.session.remove()


def lesson_links(page: Any) -> list[str]:
    return [a.get_attribute("href") for a in page.locator(".lesson-list a").all()]


def test_lessons_opened_stay_readable_offline_for_that_student_only(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    second_student(live_server)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, "student")
    controlled(page)
    first, second = lesson_links(page)[:2]
    page.goto(live_server.at(first))
    title = page.locator("h1").inner_text()
    assert page.evaluate(CACHES)  # kept, under this student's key

    context.set_offline(True)
    page.goto(live_server.at(first))  # readable offline, pictures and styles included
    assert page.locator("h1").inner_text() == title
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    page.screenshot(path=str(tmp_path / "lesson-offline-375.png"))
    page.goto(live_server.at(second))  # never opened: not on this device
    assert page.get_by_role("heading", name="You are offline").is_visible()
    context.set_offline(False)

    # Someone else on the same phone (the first one's session ended without logging out):
    # the first student's copy is deleted as soon as the second one's pages arrive.
    context.clear_cookies()
    page.goto(live_server.at("/login"))
    page.get_by_label("Email").fill("zoe@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.at("/lessons/"))
    assert len(page.evaluate(CACHES)) == 2  # the marker of whose copy it is, and Zoe's
    context.set_offline(True)
    page.goto(live_server.at(first))
    assert page.get_by_role("heading", name="You are offline").is_visible()
    assert title not in page.content()
    context.set_offline(False)

    # Logging out forgets everything kept for reading offline.
    page.goto(live_server.at("/lessons/"))
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))
    assert page.evaluate(CACHES) == []
    context.close()


def test_staff_pages_are_never_kept(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, "instructor")
    assert page.locator('meta[name="offline-worker"]').count() == 0
    page.goto(live_server.at("/lessons/sw.js"))  # even a worker left from a student
    page.goto(live_server.at("/lessons/"))
    assert page.evaluate(CACHES) == []
    context.close()


def test_an_answer_given_offline_is_saved_when_the_connection_returns(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, "student")
    page.goto(live_server.at("/quizzes/foundations"))
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    question = page.locator("fieldset.question:has(input[type=radio])").first
    position = int(question.get_attribute("data-position"))

    context.set_offline(True)
    question.locator("input[type=radio]").first.check()
    question.get_by_text("Waiting to save").wait_for()
    assert "1 answer is waiting to save" in page.locator(".autosave-status").inner_text()
    page.screenshot(path=str(tmp_path / "attempt-offline-375.png"))
    assert saved_response(live_server, position) is None

    context.set_offline(False)
    question.get_by_text("Saved").wait_for(timeout=20_000)
    assert page.locator(".autosave-status").inner_text() == ""
    assert saved_response(live_server, position) is not None
    context.close()


def saved_response(server: LiveServer, position: int) -> Any:
    with server.app.app_context():
        row = db.session.scalars(
            db.select(AttemptQuestion).where(AttemptQuestion.position == position)
        ).first()
        response = row.response if row else None
        db.session.commit()
        db.session.remove()
    return response
