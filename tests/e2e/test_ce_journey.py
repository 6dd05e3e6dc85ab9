"""CE in Chromium: a student evaluates the course (a missing answer is shown by its question),
staff read the anonymous totals, an instructor records a session's course approvals, an admin
sees the rosters due to each board and marks one reported, issues the CE certificate and a
completion record by exception; a stranger reads on the verify page what each record states.
Every page passes axe and fits a phone and a laptop screen.

With E2E_SHOTS_DIR set, each page is also saved there as a PNG, at both widths, to look at.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from seminar.db import db, now_utc
from seminar.models import RecordKind
from seminar.queries.cohorts import get_cohort
from seminar.services import cohorts as cohort_service
from seminar.services import evaluations, issuing
from seminar.services import sessions as session_service
from seminar.services.accounts import create_user, find_user
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE, LiveServer, check_current, check_page, log_in
from tests.test_ce_rosters import PROVIDER

LAPTOP = {"width": 1280, "height": 900}
AGREE = dict.fromkeys(("objectives", "relevance", "instruction", "evidence", "balance"), "4")


def shot(page: Any, name: str) -> None:
    folder = os.environ.get("E2E_SHOTS_DIR")
    if folder:
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


def course(server: LiveServer) -> int:
    """The shipped program (its evaluation required), a cohort with an instructor, a session
    three days ago attended by the demo student (licensed in Florida) and three others, two
    of whom have evaluated the course already."""
    server.app.config["CE_PROVIDER"] = PROVIDER
    with server.app.app_context():
        cohort = cohort_service.create_cohort(
            "winter", title="Winter cohort", program_slug="sot-basic"
        )
        cohort_service.enroll(
            cohort, find_user("instructor@example.org"), cohort_service.MemberRole.INSTRUCTOR
        )
        start = (now_utc() - timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
        session = session_service.create_session(
            cohort, title="Blocking workshop", starts_at=start, ends_at=start + timedelta(hours=3),
            location="Hall B", ce_hours=3, lessons=[],
        )  # fmt: skip
        sam = find_user("student@example.org")
        sam.licence_number, sam.licence_state = "CH-1001", "FL"
        others = [
            create_user(
                f"peer{n}@example.org", name=name, password=PASSWORD,
                licence_number=f"CH-20{n}", licence_state="FL",
            )
            for n, name in enumerate(("Jürgen Müller", "Ana de la Cruz", "Bo Li"))
        ]  # fmt: skip
        for student in (sam, *others):
            cohort_service.enroll(cohort, student)
            session_service.mark_present(session, student, method="check-in code", now=start)
            session_service.check_out(student, session, now=start + timedelta(hours=3))
        for n, student in enumerate(others[:2]):
            comment = ("More time on screening, please.", "The evidence notes were clear.")[n]
            evaluations.submit(
                cohort, student, {**AGREE, "setting": str(3 + n), "comments": comment}
            )
        db.session.commit()  # the end of this unit of work
        session_id = session.id
        db.session.remove()
    return session_id


def test_ce_from_evaluation_to_the_verify_page(browser: Any, live_server: LiveServer) -> None:
    session_id = course(live_server)
    for viewport in (LAPTOP, PHONE):
        first = viewport is LAPTOP
        page = logged_in(browser, viewport, live_server, "student")
        page.goto(live_server.at("/path"))
        assert page.get_by_text("needed for your CE certificate").first.is_visible()
        if first:
            page.get_by_role("link", name="Course evaluation").last.click()
            page.wait_for_url(live_server.at("/cohorts/winter/evaluation"))
            check_page(page, page.url)
            for key, value in AGREE.items():
                page.locator(f"input[name={key}][value='{value}']").check()
            page.get_by_label("What will you do differently").fill("Screen for red flags first.")
            page.get_by_role("button", name="Send my evaluation").click()
            # The statement left out is named by its question; what was given is kept.
            assert page.locator("#setting-error").is_visible()
            assert page.locator("input[name=objectives][value='4']").is_checked()
            shot(page, "evaluation-error")
            check_current(page)
            page.locator("input[name=setting][value='5']").check()
            page.get_by_role("button", name="Send my evaluation").click()
            page.wait_for_url(live_server.at("/path"))
            assert page.get_by_text("without your name").is_visible()
        page.goto(live_server.at("/cohorts/winter/evaluation"))
        assert page.get_by_role("heading", name="Thank you").is_visible()
        shot(page, "evaluation-done")
        check_page(page, live_server.at("/account/"))
        shot(page, "account")
        page.context.close()

        page = logged_in(browser, viewport, live_server, "instructor")
        check_page(page, live_server.at("/cohorts/winter/evaluation/results"))
        assert page.get_by_text("3 answers").is_visible()
        assert page.get_by_text("Screen for red flags first.").is_visible()
        shot(page, "evaluation-results")
        if first:
            check_page(page, live_server.at(f"/sessions/{session_id}/ce"))
            save_approvals(page, "FL 20-98765: General 2, Laws and rules 1\nPACE")
            assert page.locator("#approvals-error").inner_text().startswith("Line 2:")
            shot(page, "ce-details-error")
            check_current(page)
            save_approvals(page, "FL 20-98765: General 2, Laws and rules 1\nPACE P-4411")
            page.wait_for_url(live_server.at(f"/sessions/{session_id}"))
        check_page(page, live_server.at(f"/sessions/{session_id}"))
        assert page.get_by_text("FL course 20-98765 (General 2 h, Laws and rules 1 h)").is_visible()
        shot(page, "session")
        check_page(page, live_server.at(f"/sessions/{session_id}/ce"))
        shot(page, "ce-details")
        page.context.close()

        page = logged_in(browser, viewport, live_server, "admin")
        page.goto(live_server.at("/ce/rosters"))
        shot(page, "rosters-due")
        check_page(page, live_server.at("/ce/rosters"))
        if first:
            row = page.locator("tbody tr").first
            assert "Florida Board of Chiropractic Medicine" in row.inner_text()
            assert "in 27 days" in row.inner_text() and "4" in row.inner_text()
            row.get_by_role("button", name="Mark reported").click()
            assert page.get_by_text("marked reported").is_visible()
            assert page.get_by_text("Nothing is waiting to be reported").is_visible()
            check_current(page)
            shot(page, "rosters-reported")
            issued = issue_records(live_server)
        check_page(page, live_server.at(f"/records/{issued['exception']}"))
        assert page.get_by_text("Publicly, this record says: Issued by decision").is_visible()
        assert page.get_by_text("Private reason").is_visible()  # to the issuer, not the public
        shot(page, "record-exception")
        page.context.close()

        stranger = browser.new_context(viewport=viewport).new_page()
        check_page(stranger, live_server.at(f"/verify/{issued['ce']}"))
        text = stranger.locator("main").inner_text()
        assert "CE provider: Example Seminars LLC (FL provider 50-12345; PACE provider" in text
        assert "Course evaluation: submitted" in text
        shot(stranger, "verify-ce")
        check_page(stranger, live_server.at(f"/verify/{issued['exception']}"))
        assert stranger.get_by_text("Issued by exception.").is_visible()
        assert "not every requirement was met" in stranger.locator("main").inner_text()
        assert "met every requirement" not in stranger.locator("main").inner_text()
        shot(stranger, "verify-exception")
        stranger.context.close()


def logged_in(browser: Any, viewport: dict[str, int], server: LiveServer, role: str) -> Any:
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, server, role)
    return page


def save_approvals(page: Any, lines: str) -> None:
    page.get_by_label("Course approvals for this session").fill(lines)
    page.get_by_role("button", name="Save CE details").click()


def issue_records(server: LiveServer) -> dict[str, str]:
    """The student's CE certificate (eligible once evaluated), and a Certificate of Completion
    issued by exception to a peer who has met almost nothing."""
    with server.app.app_context():
        cohort = get_cohort("winter")
        sam, peer = find_user("student@example.org"), find_user("peer2@example.org")
        (ce,) = issuing.issue(cohort, RecordKind.ATTENDANCE, [sam.id])
        (waived,) = issuing.issue(
            cohort, RecordKind.COMPLETION, [peer.id], overrides={peer.id: "Private reason"}
        )
        ids = {"ce": ce.record.display_id, "exception": waived.record.display_id}
        db.session.commit()  # the end of this unit of work
        db.session.remove()
    assert re.fullmatch(r"[0-9A-Z-]{19}", ids["ce"])
    return ids
