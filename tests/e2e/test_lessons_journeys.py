"""The student's and instructor's lesson journeys, accessibility, phones, and no script."""

from __future__ import annotations

import re
from typing import Any

from seminar.db import db
from seminar.models import Lesson
from tests.e2e.conftest import LiveServer, check_page, log_in


def progress_value(page: Any) -> int:
    return int(page.locator("progress").first.get_attribute("value"))


def test_student_reads_a_lesson_and_progress_moves(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "student")
    total = page.locator(".lesson-list li").count()
    assert total >= 20
    assert progress_value(page) == 0
    page.get_by_role("link", name="Start: The sacrum and the occiput").click()
    page.wait_for_url(re.compile(r"/lessons/sacrum-and-occiput$"))
    assert page.get_by_role("heading", level=1).inner_text() == "The sacrum and the occiput"
    assert page.locator(".objectives li").count() >= 2
    assert page.locator(".toc a").count() >= 3
    image = page.locator(".prose img").first
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")  # served from lessons/

    page.get_by_role("button", name="Mark as complete").click()
    page.wait_for_url(re.compile(r"#lesson-complete$"))
    assert page.get_by_text("You completed this lesson.").is_visible()
    assert progress_value(page) == 1
    assert f"1 of {total}" in page.locator(".progress label").first.inner_text()

    page.get_by_role("link", name=re.compile("^Next")).click()
    page.wait_for_url(re.compile(r"/lessons/history-and-organisations$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Lessons").click()
    assert progress_value(page) == 1
    assert page.locator(".lesson-list li.done").count() == 1
    continue_link = page.get_by_role("link", name="Continue: History, organisations and boundaries")
    assert continue_link.count() == 1


def test_instructor_edits_with_preview_and_history(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "instructor")
    page.goto(live_server.at("/lessons/arm-fossa-test"))
    page.get_by_role("link", name="Edit lesson").click()
    source = page.get_by_label("Lesson source (front matter and Markdown)")
    text = source.input_value()
    source.fill(text.replace("# The arm-fossa test", "# The arm-fossa test\n\nA new **intro**."))
    page.get_by_role("button", name="Preview").click()
    assert page.locator(".preview strong", has_text="intro").is_visible()
    page.get_by_label("What changed (optional)").fill("Added an intro")
    page.get_by_role("button", name="Save as new version").click()
    page.wait_for_url(re.compile(r"/lessons/arm-fossa-test$"))
    assert page.get_by_text("Saved as version 2.").is_visible()
    assert page.locator(".prose strong", has_text="intro").is_visible()
    page.get_by_role("link", name=re.compile("History")).click()
    assert page.get_by_text("Added an intro").is_visible()


def test_hostile_lesson_html_runs_no_script(page: Any, live_server: LiveServer) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hostile = (
        "---\ntitle: Hostile\n---\n"
        "<script>window.__pwned = 1; alert('script')</script>\n\n"
        '<img src="img/sacrum-occiput.svg" onload="window.__pwned = 2; alert(\'img\')">\n\n'
        "[click me](javascript:window.__pwned=3)\n\n"
        '<svg onload="window.__pwned = 4"></svg>\n\n'
        '<iframe srcdoc="<script>parent.__pwned = 5</script>"></iframe>\n\n'
        '<a href="#" onclick="window.__pwned = 6" id="bait">bait</a>\n'
    )
    (live_server.lessons_dir / "01-foundations/01-sacrum-and-occiput.md").write_text(hostile)
    with live_server.app.app_context():
        from seminar.services.content_sync import sync_lessons

        report = sync_lessons(live_server.lessons_dir)
        assert report.ok, [str(p) for p in report.problems]
        title = (
            db.session.execute(db.select(Lesson).where(Lesson.slug == "sacrum-and-occiput"))
            .scalar_one()
            .current.title
        )
        db.session.commit()
        db.session.remove()
    assert title == "Hostile"
    log_in(page, live_server, "student")
    page.goto(live_server.at("/lessons/sacrum-and-occiput"))
    page.get_by_text("bait").click()
    page.get_by_text("click me").click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []


PAGES = {
    "student": ["/lessons/", "/lessons/sacrum-and-occiput", "/account/", "/no-such-page"],
    "instructor": [
        "/lessons/category-two-pattern/edit",
        "/lessons/category-two-pattern/history",
        "/lessons/category-two-pattern/versions/1",
    ],
    "admin": ["/admin/users"],
}


def test_every_page_is_accessible_on_desktop(page: Any, live_server: LiveServer) -> None:
    check_page(page, live_server.at("/login"))
    for role, urls in PAGES.items():
        page.context.clear_cookies()
        log_in(page, live_server, role)
        for url in urls:
            check_page(page, live_server.at(url))


def test_every_page_works_on_a_375px_phone(phone_page: Any, live_server: LiveServer) -> None:
    check_page(phone_page, live_server.at("/login"))
    for role, urls in PAGES.items():
        phone_page.context.clear_cookies()
        log_in(phone_page, live_server, role)
        for url in urls:
            check_page(phone_page, live_server.at(url))
    # The key control is reachable and big enough to tap on a phone.
    phone_page.goto(live_server.at("/lessons/sacrum-and-occiput"))
    box = phone_page.get_by_role("button", name="Mark as complete").bounding_box()
    assert box is not None and box["height"] >= 32 and box["width"] <= 375
