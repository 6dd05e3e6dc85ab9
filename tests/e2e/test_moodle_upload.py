"""An instructor brings a Moodle bank in a real browser, on a phone and on a laptop: the
preview lists every question with its line and whether it loads, and imports the good ones."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PHONE, LiveServer, check_page, log_in, serious_violations

# Exported from Moodle as GIFT (its own file name), one question broken by hand.
BANK = """// question: 11  name: Base of the spine
// [id:sot-base] [tag:anatomy] [tag:year-1]
::Base of the spine::[html]Which bone is at the <b>base</b> of the spine? {
\t=sacrum#Right.
\t~occiput#[plain]No: the occiput is <in> the skull.
}

// question: 12  name: Blocks under the short leg, written before the category was settled
::Blocks::Which block goes under the short-leg side in Category II? {
\t~the upper block
\t~the lower block
}

// question: 13  name: Indicators
::Indicators::Which are Category I indicators? {
\t~%50%a short leg that changes
\t~%50%pelvic torsion
\t~%-100%a rib fixation
}

// question: 14  name: Regions
::Regions::Match each bone to its region. {
\t=occiput -> head
\t=sacrum -> pelvis
\t= -> foot
}
"""


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["375", "1280"])
def test_a_moodle_bank_with_a_broken_question(
    browser: Any, live_server: LiveServer, tmp_path: Path, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, live_server, "instructor")
        check_page(page, live_server.at("/quizzes/manage/upload"))
        page.get_by_label("Quiz file (.md, .gift, .txt or .xml)").set_input_files(
            files=[
                {"name": "moodle-bank.gift.txt", "mimeType": "text/plain", "buffer": BANK.encode()}
            ]
        )
        page.get_by_role("button", name="Preview").click()
        page.get_by_text("Preview: not saved yet").wait_for()
        assert page.get_by_text("1 of 4 questions cannot be loaded.").is_visible()
        assert page.get_by_text(
            "moodle-bank.gift.txt:9: no choice is right: mark the right answer with"
        ).is_visible()
        items = page.locator("ol.parsed-questions > li")
        assert items.count() == 4
        assert items.nth(1).get_by_text("not loaded").is_visible()
        assert (
            items.nth(0)
            .get_by_text("single choice in HTML · id sot-base · tags anatomy")
            .is_visible()
        )
        assert items.nth(3).get_by_text("(no item) → foot").is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the preview scrolls sideways by {overflow}px"
        assert serious_violations(page) == []  # the preview answers a POST: checked in place
        page.screenshot(path=str(tmp_path / f"preview-{viewport['width']}.png"), full_page=True)

        page.get_by_role("button", name="Import the 3 questions that load").click()
        page.wait_for_url(live_server.at("/quizzes/moodle-bank"))
        assert page.get_by_text("3 questions loaded, 1 left out (line 9).").is_visible()
        page.screenshot(path=str(tmp_path / f"saved-{viewport['width']}.png"), full_page=True)

        # A student answers it: the distractor is offered, never asked.
        page.context.clear_cookies()
        log_in(page, live_server, "student")
        page.goto(live_server.at("/quizzes/moodle-bank"))
        page.get_by_role("button", name="Start the quiz").click()
        page.wait_for_url(re.compile(r"/attempts/\d+$"))
        check_page(page, page.url)
        selects = page.locator(".matching select")
        assert selects.count() == 2
        assert sorted(selects.first.locator("option").all_inner_texts()[1:]) == [
            "foot", "head", "pelvis",
        ]  # fmt: skip
        matching = page.locator("fieldset.question:has(.matching)")
        matching.get_by_label("occiput").select_option(label="head")
        matching.get_by_label("sacrum").select_option(label="foot")
        page.get_by_text("base of the spine").wait_for()
        page.screenshot(path=str(tmp_path / f"attempt-{viewport['width']}.png"), full_page=True)
        page.get_by_role("button", name="Finish attempt…").click()
        page.get_by_role("button", name="Submit all and finish").click()
        page.wait_for_url(re.compile(r"/review$"))
        check_page(page, page.url)
        review = page.locator("table.review-matching tbody tr")
        assert review.count() == 2
        page.screenshot(path=str(tmp_path / f"review-{viewport['width']}.png"), full_page=True)
    finally:
        context.close()
