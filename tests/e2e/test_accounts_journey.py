"""Accounts in a real browser, with mail through a real SMTP server: a password reset from
/reset-password to logging in, an invitation to a first login, a CSV import driven by its
progress bar. Each page is checked with axe and for sideways scrolling, at 375 px and 1280 px.

Set E2E_SCREENSHOTS=/some/dir to keep a screenshot of each page for a person to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from seminar.db import db
from seminar.queries.cohorts import get_cohort
from seminar.services.accounts import find_user
from seminar.services.cohorts import MemberRole, enroll
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE, LiveServer, log_in, serious_violations
from tests.mailserver import MailServer, link

WIDE = {"width": 1280, "height": 900}
NEW_PASSWORD = "tide pools at low water"


def _checked(page: Any, name: str) -> None:
    """axe-clean, no sideways scrolling, and a screenshot when asked for."""
    if folder := os.environ.get("E2E_SCREENSHOTS"):
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    assert serious_violations(page) == [], page.url
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def _mail(server: LiveServer) -> MailServer:
    mail = MailServer().start()
    server.app.config.update(mail.config())
    return mail


def _main_text(page: Any) -> str:
    return page.locator("main").inner_text()


def test_reset_password_by_email_then_log_in(browser: Any, live_server: LiveServer) -> None:
    mail = _mail(live_server)
    try:
        for viewport in (PHONE, WIDE):
            page = browser.new_context(viewport=viewport).new_page()
            page.goto(live_server.at("/login"))
            page.get_by_role("link", name="Forgot your password?").click()
            _checked(page, "reset-request")
            # An unknown address gets the very same page as a known one.
            page.get_by_label("Your e-mail address").fill("nobody@example.org")
            page.get_by_role("button", name="E-mail me a link").click()
            unknown = _main_text(page).replace("nobody@example.org", "ADDRESS")
            page.goto(live_server.at("/reset-password"))
            page.get_by_label("Your e-mail address").fill("student@example.org")
            page.get_by_role("button", name="E-mail me a link").click()
            assert _main_text(page).replace("student@example.org", "ADDRESS") == unknown
            _checked(page, "reset-requested")
            count = 1 if viewport is PHONE else 2
            url = link(mail.wait_for_mail("student@example.org", count), "/reset-password/")
            assert not mail.messages_to("nobody@example.org")
            page.goto(url)
            _checked(page, "reset-choose")
            password = NEW_PASSWORD if viewport is PHONE else NEW_PASSWORD + " again"
            page.get_by_label("New password").fill(password)
            page.get_by_label("Repeat the password").fill(password)
            page.get_by_role("button", name="Set my password").click()
            page.wait_for_url(live_server.at("/login"))
            assert "Your new password is set" in _main_text(page)
            page.get_by_label("Email").fill("student@example.org")
            page.get_by_label("Password", exact=True).fill(password)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(live_server.at("/lessons/"))
            page.goto(url)  # the link is spent
            assert "This link does not work" in _main_text(page)
            page.context.close()
    finally:
        mail.stop()


def test_an_invitation_to_a_first_login(browser: Any, live_server: LiveServer) -> None:
    mail = _mail(live_server)
    try:
        for viewport in (PHONE, WIDE):
            admin = browser.new_context(viewport=viewport).new_page()
            log_in(admin, live_server, "admin")
            admin.goto(live_server.at("/admin/users"))
            email = f"new-{viewport['width']}@example.org"
            form = admin.locator("form[action='/admin/users/invite']")
            form.get_by_label("Email").fill(email)
            form.get_by_label("Full name").fill("Noor Newcomer")
            form.get_by_label("Cohort (optional)").select_option(label="Reading group")
            admin.get_by_role("button", name="Send the invitation").click()
            assert "queued and being sent now" in _main_text(admin)
            _checked(admin, "people")
            url = link(mail.wait_for_mail(email), "/invite/")
            guest = browser.new_context(viewport=viewport).new_page()
            guest.goto(url)
            _checked(guest, "invitation-accept")
            guest.get_by_label("Choose a password").fill("password1234")
            guest.get_by_label("Repeat the password").fill("password1234")
            guest.get_by_role("button", name="Create my account").click()
            assert "common password" in _main_text(guest)
            assert guest.get_by_label("Full name").input_value() == "Noor Newcomer"
            _checked(guest, "invitation-refused")
            guest.get_by_label("Choose a password").fill(NEW_PASSWORD)
            guest.get_by_label("Repeat the password").fill(NEW_PASSWORD)
            guest.get_by_role("button", name="Create my account").click()
            guest.wait_for_url(re.compile(r"/lessons/?$"))
            assert "Welcome, Noor Newcomer" in _main_text(guest)
            guest.goto(live_server.at("/account/"))
            _checked(guest, "account")
            guest.goto(live_server.at("/account/data"))
            _checked(guest, "your-data")
            admin.goto(live_server.at("/cohorts/reading"))
            _checked(admin, "cohort")
            admin.goto(live_server.at("/admin/outbox"))
            assert "private link" in _main_text(admin) and url not in admin.content()
            _checked(admin, "outbox")
            with live_server.app.app_context():
                newcomer = find_user(email).id
                db.session.remove()
            admin.goto(live_server.at(f"/admin/users/{newcomer}/erase"))
            admin.get_by_role("button", name="Erase this person").click()
            assert "Type the e-mail address to confirm" in _main_text(admin)
            _checked(admin, "erase")
            admin.context.close()
            guest.context.close()
    finally:
        mail.stop()


def test_a_csv_import_runs_to_the_end_with_its_progress_bar(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    live_server.app.config["IMPORT_BATCH"] = 100
    with live_server.app.app_context():
        enroll(get_cohort("reading"), find_user("instructor@example.org"), MemberRole.INSTRUCTOR)
        db.session.commit()
        db.session.remove()
    rows = ["email,name"] + [f"row{n}@example.org,Row Person {n}" for n in range(450)]
    rows.append("not-an-address,Broken Row")
    csv_file = tmp_path / "students.csv"
    csv_file.write_text("\n".join(rows) + "\n")
    for viewport in (PHONE, WIDE):
        page = browser.new_context(viewport=viewport).new_page()
        log_in(page, live_server, "instructor")  # instructors import into their own cohorts
        page.goto(live_server.at("/cohorts/reading/import"))
        _checked(page, "import-upload")
        page.get_by_label("CSV file").set_input_files(str(csv_file))
        page.get_by_role("button", name="Preview").click()
        assert "Preview of the import" in _main_text(page)
        _checked(page, "import-preview")
        page.get_by_role("button", name=re.compile("Start the import")).click()
        page.get_by_text("Import done").wait_for()
        # The second time, the 450 still pending are sent a new link.
        assert page.locator("[data-import-invited]").inner_text() == "450"
        assert page.locator("[data-import-done]").inner_text() == "450"
        assert "Rows skipped (1)" in _main_text(page)
        _checked(page, "import-done")
        page.context.close()
    assert PASSWORD
