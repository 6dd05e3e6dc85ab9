"""A live quiz in real browsers: the projector page and three phones run four questions (one
right answer, several right answers, true/false, a poll). One phone reloads mid-question,
one goes offline (the browser context's offline mode) and comes back by itself, and one
answer is typed offline and sent when the network returns. Every screen is checked with axe
and photographed at 1920x1080 and 375 px (under the test's tmp dir)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from seminar.db import db, now_utc
from seminar.models import LiveAnswer, LiveQuiz
from seminar.services import cohorts as cohort_service
from seminar.services import live as live_service
from seminar.services import sessions as session_service
from seminar.services.accounts import create_user, find_user
from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE, LiveServer, check_current, check_page, log_in

PROJECTOR = {"width": 1920, "height": 1080}
PLAYERS = (("ana@example.org", "Ana"), ("ben@example.org", "Ben"), ("cai@example.org", "Cai"))
QUESTIONS = [
    live_service.Draft(
        "Which bone is at the base of the spine?", ["Occiput", "Sacrum", "Atlas"], [1]
    ),
    live_service.Draft(
        "Which of these are S.O.T. categories?",
        ["Category I", "Category II", "Category IV", "Category III"],
        [0, 1, 3],
        "multiple",
    ),
    live_service.Draft("The occiput is part of the skull.", ["True", "False"], [0], "true_false"),
    live_service.Draft(
        "How confident are you about blocking?", ["Very", "Somewhat", "Not yet"], [], "poll"
    ),
]


def setup(server: LiveServer) -> tuple[int, str]:
    with server.app.app_context():
        cohort = cohort_service.create_cohort("live", title="Live cohort", program_slug="sot-basic")
        instructor = find_user("instructor@example.org")
        cohort_service.enroll(cohort, instructor, cohort_service.MemberRole.INSTRUCTOR)
        for email, name in PLAYERS:
            cohort_service.enroll(cohort, create_user(email, name=name, password=PASSWORD))
        start = now_utc().replace(second=0, microsecond=0) - timedelta(minutes=10)
        seminar = session_service.create_session(
            cohort, title="Weekend seminar", starts_at=start, ends_at=start + timedelta(hours=4),
            location="Hotel", ce_hours=4, lessons=[],
        )  # fmt: skip
        code = session_service.open_checkin(seminar)
        live = live_service.create_live_quiz(
            seminar, title="Morning warm-up", drafts=QUESTIONS, seconds=240, leaderboard=True
        )
        live_id = live.id
        db.session.commit()
        db.session.remove()
    return live_id, code


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


def press(host: Any, key: str) -> None:
    """The host's shortcut, once the page's scripts listen: each move reloads the host's
    page, and a key pressed while it still loads (its text already there) would be lost."""
    host.wait_for_load_state("domcontentloaded")
    host.keyboard.press(key)


def shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def stored(server: LiveServer, question: int) -> dict[str, list[int]]:
    with server.app.app_context():
        live = db.session.scalars(db.select(LiveQuiz)).one()
        rows = db.session.scalars(
            db.select(LiveAnswer).where(LiveAnswer.live_question_id == live.questions[question].id)
        ).all()
        names = {a.user_id: a.choices for a in rows}
        from seminar.models import User

        out = {db.session.get(User, uid).name: picks for uid, picks in names.items()}
        db.session.commit()
        db.session.remove()
    return out


def test_a_live_quiz_on_the_projector_and_three_phones(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    live_id, code = setup(live_server)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    host_context = browser.new_context(viewport=PROJECTOR)
    host = host_context.new_page()
    host.set_default_timeout(10_000)
    log_in(host, live_server, "instructor")
    host.goto(live_server.at(f"/live/{live_id}/host"))
    assert host.get_by_text(code).first.is_visible()  # the lobby shows the code and its QR
    assert host.locator("img.stage-qr").is_visible()
    assert "<kbd>N</kbd> next" in host.locator(".shortcuts").inner_html()
    check_current(host)

    ana, ben, cai = phones = [phone_login(browser, live_server, email) for email, _ in PLAYERS]
    for phone in phones:
        phone.goto(live_server.at(f"/live/{live_id}?code={code}"))  # what the QR code opens
        if phone is ana:
            check_current(phone)
            shot(phone, shots, "phone-join")
        phone.get_by_role("button", name="Join the live quiz").click()
        phone.get_by_role("heading", name="You are in!").wait_for()
    host.locator(".joined-count").filter(has_text="3").wait_for()  # the lobby counts them
    assert host.locator(".joined-names li").all_inner_texts() == ["Cai", "Ben", "Ana"]
    shot(host, shots, "projector-lobby")

    # Question 1, one right answer: the host presses N; the phones see it by themselves, each
    # showing its new screen in place (the mark set on the page survives: no reload).
    for phone in phones:
        phone.evaluate("() => { window.sameScreen = true; }")
    press(host, "n")
    host.locator(".stage-question").wait_for()
    size = host.locator(".stage-question").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 40, f"the question is {size}px on a 1920x1080 projector"
    check_current(host)
    shot(host, shots, "projector-question")
    for phone in phones:
        phone.get_by_role("button", name="Sacrum").wait_for()
        assert phone.evaluate("() => window.sameScreen === true")
        assert phone.evaluate("() => document.activeElement.tagName") == "H1"
    check_current(ana)
    shot(ana, shots, "phone-question")
    ana.get_by_role("button", name="Sacrum").click()
    ana.get_by_text("Answer sent: Sacrum").wait_for()
    ben.get_by_role("button", name="Atlas").click()
    cai.reload()  # mid-question: the same seat, the same question
    cai.get_by_role("button", name="Sacrum").click()
    cai.get_by_text("Answer sent").wait_for()
    host.locator(".answer-count").filter(has_text="3").wait_for()
    press(host, "r")
    host.locator("table.chart").wait_for()
    check_current(host)
    shot(host, shots, "projector-results")
    ana.locator(".feedback-box.right").get_by_text("Right!").wait_for()
    ben.locator(".feedback-box.wrong").get_by_text("Not this time.").wait_for()
    assert ana.evaluate("() => window.sameScreen === true")  # answered and shown, in place
    right = ana.locator(".feedback-box").evaluate("e => getComputedStyle(e).backgroundColor")
    wrong = ben.locator(".feedback-box").evaluate("e => getComputedStyle(e).backgroundColor")
    assert right != wrong  # wrong is never drawn in the right colour
    assert "of 3" in ben.locator(".phone-score").inner_text()
    check_current(ben)
    shot(ben, shots, "phone-wrong")
    shot(ana, shots, "phone-right")

    # Question 2, several right answers: Ben's Wi-Fi drops as it opens and comes back.
    ben.context.set_offline(True)
    press(host, "n")
    host.locator(".kind-label").filter(has_text="Several right answers").wait_for()
    ben.locator(".connection-lost").wait_for(state="visible", timeout=20_000)
    shot(ben, shots, "phone-offline")
    ben.context.set_offline(False)
    ben.get_by_text("Category III").wait_for(timeout=30_000)  # back by itself, on question 2
    for phone, picks in (
        (ana, ["Category I"]),
        (ben, ["Category I", "Category II", "Category III"]),
        (cai, ["Category I", "Category II", "Category IV"]),
    ):
        for label in picks:
            phone.get_by_label(label, exact=True).check()
        if phone is ana:
            check_current(ana)
            shot(ana, shots, "phone-multiple")
        phone.get_by_role("button", name="Send my answer").click()
        phone.get_by_text("Answer sent").wait_for()
    press(host, "c")  # close answers first, then show the results
    host.get_by_text("answers are closed").wait_for()
    press(host, "r")
    host.locator("table.chart").wait_for()
    ben.get_by_text("Right!").wait_for()
    ana.get_by_text("Partly right.").wait_for()
    assert stored(live_server, 1) == {"Ana": [0], "Ben": [0, 1, 3], "Cai": [0, 1, 2]}

    # Question 3, true/false: Cai answers while offline; it is sent when the network returns.
    press(host, "n")
    for phone in phones:
        phone.get_by_role("button", name="True").wait_for()
    cai.context.set_offline(True)
    cai.get_by_role("button", name="True").click()
    cai.get_by_text("Waiting to send your answer").wait_for()
    assert "Cai" not in stored(live_server, 2)
    cai.context.set_offline(False)
    cai.get_by_text("Answer sent: True").wait_for(timeout=20_000)
    ana.get_by_role("button", name="False").click()
    ben.get_by_role("button", name="True").click()
    host.locator(".answer-count").filter(has_text="3").wait_for()
    press(host, "r")
    host.locator("table.chart").wait_for()
    assert stored(live_server, 2) == {"Ana": [1], "Ben": [0], "Cai": [0]}

    # Question 4, a poll: a chart, no right answer, no points.
    press(host, "n")
    for phone, choice in zip(phones, ("Very", "Somewhat", "Very"), strict=True):
        phone.get_by_role("button", name=choice).click()
        phone.get_by_text("Answer sent").wait_for()
    press(host, "r")
    host.get_by_text("Poll results: 3 picks").wait_for()
    assert host.locator(".verdict-mark.right").count() == 0
    ana.get_by_text("your answer is counted").wait_for()
    shot(host, shots, "projector-poll")

    press(host, "n")  # after the last question: the podium
    host.get_by_role("heading", name="Final podium").wait_for()
    check_current(host)
    shot(host, shots, "projector-podium")
    # Cai: 2 right, 1 partly; Ben: 2 right after a wrong start; Ana: 1 right, 1 partly.
    assert [host.locator(f".step-{n}").inner_text().split("\n")[-1] for n in (1, 2, 3)] == [
        "Cai",
        "Ben",
        "Ana",
    ]
    for phone in phones:
        phone.get_by_role("heading", name="Thank you for playing").wait_for()
    assert "You finished 2nd of 3" in ben.locator(".phone-score").inner_text()
    shot(ben, shots, "phone-finished")
    for context in {p.context for p in [host, *phones]}:
        context.close()
    assert len(list(shots.glob("*.png"))) == 12


def test_the_check_in_projector_rotates_its_code(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    live_id, _ = setup(live_server)
    with live_server.app.app_context():
        live = db.session.get(LiveQuiz, live_id)
        session_id = live.session_id
        db.session.commit()
        db.session.remove()
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, "instructor")
    page.goto(live_server.at(f"/sessions/{session_id}"))
    page.get_by_role("button", name="Close check-in").click()
    page.get_by_label("Check-in code").select_option("10")
    page.get_by_role("button", name="Open check-in").click()
    page.wait_for_url(re.compile(r"/projector$"))
    first = page.locator(".code-value").inner_text()
    assert page.get_by_text("A new code every 10 seconds").is_visible()
    check_current(page)
    page.screenshot(path=str(tmp_path / "projector-checkin.png"))
    page.wait_for_function(
        "code => document.querySelector('.code-value').textContent !== code",
        arg=first,
        timeout=15_000,
    )
    page.goto(live_server.at(f"/sessions/{session_id}/close"))
    check_page(page, page.url)
    page.get_by_role("button", name="Yes, close the session").click()
    page.get_by_role("button", name="Reopen check-in").click()
    page.wait_for_url(re.compile(r"/projector$"))
    context.close()
