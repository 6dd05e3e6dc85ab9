"""A student is refused by the advanced cohort and told why, declares hours from another
organisation (an admin approves them), and is admitted once they hold the basic record; the
new pages are axe-clean and do not scroll sideways at 375 px."""

from __future__ import annotations

import re
from typing import Any

from seminar.db import db
from seminar.models import RecordKind
from seminar.queries.cohorts import get_cohort
from seminar.services import cohorts as cohort_service
from seminar.services import issuing
from seminar.services.accounts import find_user
from tests.e2e.conftest import PHONE, LiveServer, check_current, check_page, log_in

BASIC = "Introductory seminar course in S.O.T. concepts"
PDF = b"%PDF-1.4\n% certificate of attendance\n"


def make_advanced(server: LiveServer) -> str:
    with server.app.app_context():
        cohort = cohort_service.create_cohort(
            "advanced", title="Advanced cohort", program_slug="sot-advanced"
        )
        cohort_service.enroll(
            cohort, find_user("instructor@example.org"), cohort_service.MemberRole.INSTRUCTOR
        )
        code = cohort.invite_code
        db.session.commit()
        db.session.remove()
    return code


def hold_basic(server: LiveServer) -> None:
    """The seminar organisation issues the student's basic record (by exception: the journey
    is about admission, not completing the basic course)."""
    with server.app.app_context():
        student = find_user("student@example.org")
        issuing.issue(
            get_cohort("reading"),
            RecordKind.COMPLETION,
            [student.id],
            overrides={student.id: "completed before the platform"},
        )
        db.session.commit()
        db.session.remove()


def test_refused_by_the_advanced_cohort_then_admitted(
    browser: Any, live_server: LiveServer, tmp_path: Any
) -> None:
    code = make_advanced(live_server)
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    student = phone.new_page()
    log_in(student, live_server, "student")
    student.goto(live_server.at(f"/join/{code}"))
    alert = student.get_by_role("alert")
    assert "You cannot join Advanced cohort yet." in alert.inner_text()
    assert f"Needs a completion record of {BASIC} (you have none)" in alert.inner_text()
    assert student.get_by_role("button", name="Join this cohort").count() == 0
    check_current(student)
    student.screenshot(path=str(tmp_path / "join-refused-375.png"), full_page=True)

    student.get_by_role("link", name="My path").first.click()
    ladder = student.get_by_role("region", name="Your levels")
    assert "Advanced seminar course in S.O.T. concepts" in ladder.inner_text()
    assert f"Needs a completion record of {BASIC} (you have none)" in ladder.inner_text()
    check_current(student)
    student.screenshot(path=str(tmp_path / "path-375.png"), full_page=True)

    # Hours from another organisation, with the certificate as evidence.
    ladder.get_by_role("link", name="Hours and years in practice").click()
    check_current(student)
    student.get_by_role("textbox", name="Organisation").fill("SOTO-Europe")
    student.get_by_label("Seminar or course").fill("Basic seminar, Paris")
    student.get_by_label("Date attended").fill("2026-03-14")
    student.get_by_label("Hours attended").fill("6")
    student.get_by_label("Certificate of attendance").set_input_files(
        {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    student.get_by_role("button", name="Declare these hours").click()
    student.get_by_text("Hours declared: an admin reviews your evidence.").wait_for()
    assert student.get_by_text("Waiting for review").is_visible()
    check_current(student)
    student.screenshot(path=str(tmp_path / "hours-375.png"), full_page=True)

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = desk.new_page()
    log_in(admin, live_server, "admin")
    check_page(admin, live_server.at("/admin/hours"))
    admin.screenshot(path=str(tmp_path / "review-1280.png"), full_page=True)
    admin.get_by_role("button", name="Approve").click()
    admin.get_by_text("hours at SOTO-Europe approved").wait_for()
    check_page(admin, live_server.at("/cohorts/reading/table-instructors"))
    admin.screenshot(path=str(tmp_path / "table-1280.png"), full_page=True)

    hold_basic(live_server)
    student.goto(live_server.at(f"/join/{code}"))
    student.get_by_role("button", name="Join this cohort").click()
    student.wait_for_url(re.compile(r"/path$"))
    student.get_by_text("You joined Advanced cohort.").wait_for()
    ladder = student.get_by_role("region", name="Your levels")
    text = ladder.inner_text()
    assert text.index("Done") < text.index(BASIC) < text.index("Current")
    check_current(student)
    student.screenshot(path=str(tmp_path / "path-after-375.png"), full_page=True)
    phone.close()
    desk.close()
