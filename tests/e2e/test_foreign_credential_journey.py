"""A student pastes another organisation's Open Badges 3.0 credential on their hours page: a
forged one is refused next to the field, the real one counts at once; the admin sees what was
verified. The pages stay axe-clean and do not scroll sideways at 375 and 1280 px."""

from __future__ import annotations

from typing import Any

from joserfc.jwk import ECKey

from tests.e2e.conftest import PHONE, LiveServer, check_current, log_in
from tests.foreign_issuer import ForeignIssuer, serve_jwks


def test_a_pasted_credential_counts_and_a_forged_one_is_refused(
    browser: Any, live_server: LiveServer, tmp_path: Any
) -> None:
    # The served app is not TESTING: the issuer on the loopback is an allowed intranet one.
    live_server.app.config["FOREIGN_KEYS_ALLOW_PRIVATE"] = True
    live_server.app.config["FOREIGN_ISSUERS"] = ["127.0.0.1"]  # its stated hours count at once
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    student = phone.new_page()
    log_in(student, live_server, "student")
    with serve_jwks(ForeignIssuer()) as issuer:
        claims = issuer.credential("student@example.org")
        student.goto(live_server.at("/hours"))
        box = student.get_by_label("Your credential (Open Badges 3.0, as a JWT)")
        box.fill(issuer.sign(claims, key=ECKey.generate_key("P-256", private=True)))
        student.get_by_role("button", name="Verify and declare").click()
        error = student.locator("#c-credential-error")
        assert "The signature does not match" in error.inner_text()
        assert box.get_attribute("aria-invalid") == "true"
        check_current(student)
        student.screenshot(path=str(tmp_path / "credential-refused-375.png"), full_page=True)

        box.fill(issuer.sign(claims))
        student.get_by_role("button", name="Verify and declare").click()
        student.get_by_text("Credential verified: 7 hours from SOTO-Europe count.").wait_for()
    assert student.get_by_text("Verified credential").is_visible()
    assert "7 attended hours" in student.locator("#totals-heading + ul").inner_text()
    check_current(student)
    student.screenshot(path=str(tmp_path / "credential-375.png"), full_page=True)

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    wide = desk.new_page()
    log_in(wide, live_server, "admin")
    wide.goto(live_server.at("/admin/hours"))
    assert "Signature checked with SOTO-Europe's published key" in wide.content().replace(
        "&#39;", "'"
    )
    check_current(wide)
    wide.screenshot(path=str(tmp_path / "review-1280.png"), full_page=True)
    desk.close()
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    wide = desk.new_page()
    log_in(wide, live_server, "student")
    wide.goto(live_server.at("/hours"))
    check_current(wide)
    wide.screenshot(path=str(tmp_path / "hours-1280.png"), full_page=True)
    phone.close()
    desk.close()
