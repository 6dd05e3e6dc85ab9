"""An admin issues records to a cohort; a stranger verifies one without an account, and sees the
revocation on the next load. Every records page passes axe and fits a phone."""

from __future__ import annotations

import re
from typing import Any

from seminar.db import db
from seminar.models import Record
from seminar.services import cohorts as cohort_service
from seminar.services.accounts import find_user
from seminar.services.demo import add_synthetic_students
from tests.e2e.conftest import PHONE, LiveServer, check_page, log_in, serious_violations


def make_cohort_with_finishers(server: LiveServer) -> int:
    with server.app.app_context():
        cohort = cohort_service.create_cohort(
            "autumn", title="Autumn cohort", program_slug="sot-basic"
        )
        instructor = find_user("instructor@example.org")
        cohort_service.enroll(cohort, instructor, cohort_service.MemberRole.INSTRUCTOR)
        finishers = add_synthetic_students(cohort, 12, seed=11, assessor=instructor)
        db.session.commit()  # the end of this unit of work
        db.session.remove()
    assert finishers >= 1
    return finishers


def test_admin_issues_to_a_cohort_and_a_stranger_verifies(
    browser: Any, live_server: LiveServer
) -> None:
    finishers = make_cohort_with_finishers(live_server)
    admin_context = browser.new_context()
    admin = admin_context.new_page()
    admin.set_default_timeout(15_000)
    log_in(admin, live_server, "admin")
    admin.goto(live_server.at("/cohorts/autumn"))
    admin.get_by_role("link", name="Issue records").click()
    admin.wait_for_url(re.compile(r"/cohorts/autumn/records"))
    summary = admin.locator("p.lead").inner_text()
    assert f"{finishers} eligible student" in summary
    assert admin.locator("input[name=student]:checked").count() == finishers
    admin.get_by_role("button", name="Issue to the ticked students").click()
    admin.wait_for_url(re.compile(r"/records/\?cohort=autumn"))
    assert admin.get_by_text(f"Issued {finishers} record").is_visible()
    assert admin.locator("tbody tr").count() == finishers

    admin.locator("tbody tr a").first.click()
    admin.wait_for_url(re.compile(r"/records/[0-9A-Z-]{19}$"))
    display_id = admin.url.rsplit("/", 1)[1]
    holder = admin.locator("dl.facts dd").first.inner_text()

    stranger_context = browser.new_context(viewport=PHONE, is_mobile=True)
    stranger = stranger_context.new_page()
    stranger.goto(live_server.at("/verify"))
    stranger.get_by_label("Record identifier").fill(display_id.lower().replace("-", " "))
    stranger.get_by_role("button", name="Verify").click()
    stranger.wait_for_url(live_server.at(f"/verify/{display_id}"))
    assert stranger.get_by_role("heading", name="Valid record").is_visible()
    assert stranger.get_by_text(holder.split(" · ")[0], exact=True).is_visible()

    admin.get_by_label("Reason").last.fill("Practical sign-off entered for the wrong student")
    admin.get_by_role("button", name="Revoke this record").click()
    assert admin.get_by_text("is revoked").is_visible()
    stranger.reload()
    assert stranger.get_by_role("heading", name="Revoked").is_visible()
    assert stranger.get_by_text("wrong student").is_visible()

    with live_server.app.app_context():
        assert db.session.query(Record).count() == finishers
        db.session.commit()  # the end of this unit of work
        db.session.remove()
    admin_context.close()
    stranger_context.close()


def test_records_pages_pass_axe_and_fit_a_phone(browser: Any, live_server: LiveServer) -> None:
    make_cohort_with_finishers(live_server)
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "admin")
    check_page(page, live_server.at("/cohorts/autumn/records"))
    page.get_by_role("button", name="Issue to the ticked students").click()
    page.wait_for_url(re.compile(r"/records/\?cohort=autumn"))
    check_page(page, live_server.at("/records/?cohort=autumn"))
    # A student who is not eligible, ticked without a reason: the summary at the top names
    # them, their reason field points at its error, and the refused page passes axe too.
    page.goto(live_server.at("/cohorts/autumn/records"))
    box = page.locator("input[name=student]:not(:checked)").first
    student_id = box.get_attribute("value")
    box.check()
    page.get_by_role("button", name="Issue to the ticked students").click()
    summary = page.locator(".form-errors")
    assert summary.inner_text().startswith("Not eligible: ")
    assert page.locator(f"#reason-{student_id}").get_attribute("aria-invalid") == "true"
    assert page.locator(f"#reason-{student_id}-error").is_visible()
    assert page.locator(f"#student-{student_id}").is_checked()  # the tick is kept
    assert serious_violations(page) == []
    page.goto(live_server.at("/records/?cohort=autumn"))
    page.locator("tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/records/[0-9A-Z-]{19}$"))
    record_url = page.url
    display_id = record_url.rsplit("/", 1)[1]
    check_page(page, record_url)
    page.get_by_label("Reason").first.fill("Name corrected")
    page.get_by_role("button", name="Reissue").click()
    page.wait_for_url(re.compile(r"/records/[0-9A-Z-]{19}$"))
    check_page(page, live_server.at(f"/verify/{display_id}"))  # superseded
    check_page(page, live_server.at("/cohorts/autumn/records?scope=attendance"))
    check_page(page, live_server.at("/admin/audit"))
    check_page(page, live_server.at("/admin/outbox"))
    check_page(page, live_server.at("/verify"))
    check_page(page, live_server.at("/verify?id=nonsense"))
    check_page(page, live_server.at("/verify/0000-0000-0000-0000"))
    context.close()
    student = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    log_in(student, live_server, "student")
    check_page(student, live_server.at("/records/"))  # the empty state
    student.context.close()
