"""A student takes a timed quiz in a real browser: autosave, reload, submit, review."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from seminar.db import db
from seminar.models import Attempt, AttemptState
from tests.e2e.conftest import LiveServer, check_page, log_in


def test_timed_quiz_survives_a_reload_and_reviews(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "student")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Quizzes").click()
    page.get_by_role("link", name="The category system").click()
    expect(page.get_by_text("15 minutes")).to_be_visible()
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    assert page.locator(".timer .timer-value").inner_text().startswith(("15:", "14:"))

    # Answer the first question on the page by clicking its first option; autosave runs.
    # Questions are shuffled: take the first one with options, wherever it lands.
    first = page.locator("fieldset.question:has(input[type=radio], input[type=checkbox])").first
    option = first.locator("input[type=radio], input[type=checkbox]").first
    chosen_value = option.get_attribute("value")
    option.check()
    first.get_by_text("Saved").wait_for()
    text_input = page.locator("fieldset.question input[type=text]").first
    typed = None
    if text_input.count():
        text_input.fill("sacrum")
        typed = "sacrum"
        text_input.locator("xpath=ancestor::fieldset").get_by_text("Saved").wait_for()

    position = first.get_attribute("data-position")
    page.reload()
    first = page.locator(f"fieldset.question[data-position='{position}']")
    assert first.locator(f"input[name='q{position}'][value='{chosen_value}']").is_checked()
    if typed:
        assert page.locator("fieldset.question input[type=text]").first.input_value() == typed

    # Move through the pages to the summary and submit. Each click loads the next page before
    # the buttons are counted again: counting the page being left would click it twice.
    while page.get_by_role("button", name="Next page").count():
        with page.expect_navigation():
            page.get_by_role("button", name="Next page").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Finish attempt…").click()
    expect(page.get_by_role("heading", name="Check, then submit")).to_be_visible()
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/review$"))
    expect(page.get_by_text("Your attempt is submitted.")).to_be_visible()
    assert page.locator(".score").count() == 1
    assert page.locator(".feedback").count() >= 1

    with live_server.app.app_context():
        attempt = db.session.scalars(db.select(Attempt)).one()
        assert attempt.state == AttemptState.SUBMITTED and attempt.score is not None
        db.session.commit()  # the end of this unit of work
        db.session.remove()


def test_time_runs_out_in_the_browser(page: Any, live_server: LiveServer) -> None:
    from datetime import timedelta

    from seminar.db import now_utc

    log_in(page, live_server, "student")
    page.goto(live_server.at("/quizzes/category-system"))
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    first = page.locator("fieldset.question:has(input[type=radio], input[type=checkbox])").first
    first.locator("input[type=radio], input[type=checkbox]").first.check()
    first.get_by_text("Saved").wait_for()
    with live_server.app.app_context():
        attempt = db.session.scalars(db.select(Attempt)).one()
        attempt.deadline = now_utc() + timedelta(seconds=2)
        db.session.commit()
        db.session.remove()
    page.reload()
    # The page's own countdown submits at zero; the server then shows the review.
    page.wait_for_url(re.compile(r"/review$"), timeout=20_000)
    assert page.get_by_text("Submitted").first.is_visible()


def test_quiz_pages_are_accessible(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "student")
    check_page(page, live_server.at("/quizzes/"))
    check_page(page, live_server.at("/quizzes/category-system"))
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    check_page(page, page.url)
    page.get_by_role("button", name="Save answers").click()
    summary = page.url.split("?")[0] + "/summary"
    check_page(page, summary)
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/review$"))
    check_page(page, page.url)
    page.context.clear_cookies()
    log_in(page, live_server, "instructor")
    for url in (
        "/quizzes/category-system/statistics",
        "/quizzes/manage/grading",
        "/quizzes/manage/accommodations",
        "/quizzes/manage/upload",
    ):
        check_page(page, live_server.at(url))


ORDERING_QUIZ = """---
title: Steps of a visit
---

## Put the steps of a first visit in order {#steps}

1. Screen the patient for red flags that rule out an adjustment
2. Assess the category with the indicators S.O.T. teaches
3. Block
"""
STEPS = (
    "Screen the patient for red flags that rule out an adjustment",
    "Assess the category with the indicators S.O.T. teaches",
    "Block",
)


def test_an_ordering_question_on_a_phone(phone_page: Any, live_server: LiveServer) -> None:
    """Answered with a select per item on a 375px screen: no sideways scrolling, labelled."""
    from seminar.services.content_sync import sync_content

    quizzes = live_server.lessons_dir.parent / "quizzes"
    (quizzes / "steps.md").write_text(ORDERING_QUIZ)
    with live_server.app.app_context():
        assert sync_content(live_server.lessons_dir, quizzes).ok
        db.session.commit()  # the end of this unit of work
        db.session.remove()
    page = phone_page
    log_in(page, live_server, "student")
    page.goto(live_server.at("/quizzes/steps"))
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    check_page(page, page.url)  # axe, and nothing wider than the screen

    question = page.locator("fieldset.question[data-type='ordering']")
    for place, step in enumerate(STEPS, start=1):
        select = question.get_by_label(f"Place of {step}")
        box = select.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
        select.select_option(label=str(place))
    question.get_by_text("Saved").wait_for()
    page.reload()
    for place, step in enumerate(STEPS, start=1):
        assert question.get_by_label(f"Place of {step}").input_value() == str(place - 1)

    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/review$"))
    assert page.get_by_text("right place", exact=True).count() == len(STEPS)
    check_page(page, page.url)
