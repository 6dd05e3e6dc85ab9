"""Hostile input in a real browser: XSS vectors pushed in through every way text gets in
(lesson Markdown, quiz files native, GIFT and Moodle XML in each text format, names, written
answers, CSV enrolment) run no script on any page that shows them.

Every vector calls `__xss.push(label)` (a sentinel installed before the page's own scripts)
if it ever runs. Each page is checked as users get it, under the app's Content-Security-Policy,
and each GET page once more with the policy bypassed: the escaping and the sanitiser alone must
stop every vector, and the policy must block nothing but vectors.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from seminar.core.content.moodle_xml_export import to_moodle_xml
from seminar.core.content.quiz_export import to_gift, to_native
from seminar.core.content.quiz_model import Answer, Choice, Pair, Question, Quiz
from seminar.db import db
from seminar.services import cohorts as cohort_service
from seminar.services.accounts import find_user
from seminar.services.content_sync import sync_content
from tests.conftest import PASSWORD
from tests.e2e.conftest import LiveServer, log_in, serve

TEMPLATE = "{{7*7}}"  # must show literally: nothing evaluates stored text as a template
VECTORS = [
    '<script>__xss.push("script")</script>',
    "<img src=x onerror=__xss.push('img-onerror')>",
    "<svg onload=__xss.push('svg-onload')><script>__xss.push('svg-script')</script></svg>",
    "<a href=\"javascript:__xss.push('js-link')\">js link</a>",
    "<a href=\"data:text/html,<script>parent.__xss.push('data-url')</script>\">data link</a>",
    "<iframe srcdoc=\"<script>parent.__xss.push('srcdoc')</script>\"></iframe>",
    "<p style=\"width:expression(__xss.push('css-expr'));"
    "background:url(javascript:__xss.push('css-url'))\">styled</p>",
    '"><script>__xss.push("attr-double")</script>',
    "' autofocus onfocus='__xss.push(\"attr-single\")' x='",
    '[md link](javascript:__xss.push("md-link"))',
    '![md image](javascript:__xss.push("md-image"))',
    "<a href=\"&#106;avascript&#58;__xss.push('entity-link')\">entity link</a>",
    "&lt;img src=x onerror=__xss.push('entity-text')&gt;",
    '</textarea><script>__xss.push("textarea")</script>',
    '</title><script>__xss.push("title")</script>',
    "<details open ontoggle=__xss.push('ontoggle')>details</details>",
    "<object data=\"javascript:__xss.push('object')\"></object>",
    "<noscript><p title=\"</noscript><img src=x onerror=__xss.push('mxss')>\"></noscript>",
    "<input autofocus onfocus=__xss.push('onfocus')>",
    "<base href=\"javascript:__xss.push('base')//\">",
    "<form action=\"javascript:__xss.push('form')\"><button>go</button></form>",
    TEMPLATE,
]
SIGNUP_NAME = f"\"><img src=x onerror=__xss.push('signup')> {TEMPLATE}"
NEW_NAME = f"</title><script>__xss.push('rename')</script> {TEMPLATE}"
SHORT_ANSWER = f"\"><script>__xss.push('short')</script> {TEMPLATE}"
ESSAY = "\n".join(VECTORS)

# The page's own scripts come later: this runs first in every frame of every page.
SENTINEL = """
window.__xss = [];
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push({directive: e.effectiveDirective, blocked: e.blockedURI});
});
"""
VECTOR_BLOCKED = r"^(inline|eval|javascript|data)(:|$)"
# What a vector that got through would leave in the page.
INSPECT = """
async () => {
  await new Promise((resolve) => setTimeout(resolve, 50));  // let violation events arrive
  const found = [];
  const urls = ["href", "src", "action", "formaction", "data", "srcdoc", "xlink:href",
                "poster", "background", "srcset", "ping"];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(`${tag}[${name}]`);
      if (urls.includes(name) && /^(javascript:|vbscript:|data:text\\/html)/.test(value)) {
        found.push(`${tag}[${name}=${value.slice(0, 30)}]`);
      }
      if (name === "style" && /expression|javascript|url\\(/.test(value)) {
        found.push(`${tag}[style]`);
      }
    }
    if (tag === "script") {
      const src = el.src ? new URL(el.src) : null;
      if (!src || src.origin !== location.origin || !src.pathname.startsWith("/static/")) {
        found.push("script");
      }
    }
    if (["iframe", "frame", "object", "embed", "base", "applet"].includes(tag)) found.push(tag);
    if (tag === "meta" && el.hasAttribute("http-equiv")) found.push("meta[http-equiv]");
  }
  return {ran: window.__xss, csp: window.__csp, found, text: document.body.innerText};
}
"""


class Visitor:
    """One person's browser: a context as served, and one with the CSP bypassed."""

    def __init__(self, browser: Any, server: LiveServer) -> None:
        self.server = server
        self.dialogs: list[str] = []
        self.contexts = [browser.new_context(), browser.new_context(bypass_csp=True)]
        self.page, self.bare = (self._page(c) for c in self.contexts)

    def _page(self, context: Any) -> Any:
        context.add_init_script(SENTINEL)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        return page

    def check(self, path: str | None = None, *, literal: bool = False) -> None:
        """Open `path` (or take the page as it stands, after a form was sent) in both contexts
        and assert that no vector ran or survived."""
        if path is not None:
            self.page.goto(self.server.at(path))
        where = self.page.url
        seen = self.page.evaluate(INSPECT)
        assert seen["ran"] == [] and self.dialogs == [], (where, seen["ran"], self.dialogs)
        assert seen["found"] == [], (where, seen["found"])
        # The app has no inline script, style or handler: what CSP blocks inline (or as a
        # javascript:/data: URL) can only be one of our vectors; never the app's own files.
        other = [v for v in seen["csp"] if not re.match(VECTOR_BLOCKED, v["blocked"])]
        assert other == [], (where, other)
        if literal:
            assert TEMPLATE in seen["text"], where
        if path is None:
            return
        self.contexts[1].add_cookies(self.contexts[0].cookies())
        self.bare.goto(self.server.at(path))
        bare = self.bare.evaluate(INSPECT)
        assert bare["ran"] == [] and self.dialogs == [], (where, "without CSP", bare["ran"])
        assert bare["found"] == [], (where, "without CSP", bare["found"])

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@dataclass
class Hostile:
    server: LiveServer
    invite: str
    browser: Any
    visitors: dict[str, Visitor] = field(default_factory=dict)

    def visitor(self, role: str) -> Visitor:
        """The seeded account of that role, logged in once for the module."""
        if role not in self.visitors:
            self.visitors[role] = Visitor(self.browser, self.server)
            log_in(self.visitors[role].page, self.server, role)
        return self.visitors[role]


def lesson_files() -> dict[str, str]:
    # A lesson's images must be picture files inside lessons/ (a sync error otherwise):
    # here the image vectors point at one, so they get as far as the sanitiser.
    body = [v.replace("src=x", "src=img/pixel.svg") for v in VECTORS if "![" not in v]
    front = {
        "title": f'</title><script>__xss.push("lesson-title")</script> {TEMPLATE}',
        "summary": VECTORS[1],
        "minutes": 5,
        "objectives": [VECTORS[7], VECTORS[8], VECTORS[13]],
    }
    module = {"title": f"{VECTORS[0]} Hostile module", "summary": VECTORS[14]}
    lesson = "# Hostile\n\n## Every vector\n\n" + "\n\n".join(body) + "\n"
    return {
        "_module.md": f"---\n{yaml.safe_dump(module, allow_unicode=True)}---\nIntro.\n",
        "01-hostile-lesson.md": f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n{lesson}",
        "img/pixel.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>',
    }


def native_quiz() -> Quiz:
    choices = tuple(
        Choice(text=v, weight=100 if i == 0 else 0, feedback=VECTORS[-1 - i])
        for i, v in enumerate(VECTORS)
    )
    return Quiz(
        slug="hostile-native",
        title=f'</title><script>__xss.push("quiz-title")</script> {TEMPLATE}',
        summary=VECTORS[1],
        questions=(
            Question(
                id="single", type="single", stem="\n\n".join(VECTORS), choices=choices,
                feedback=VECTORS[3],
            ),
            Question(
                id="short", type="short", stem=VECTORS[2],
                answers=(Answer(text=f"right {TEMPLATE}", feedback=VECTORS[5]),),
            ),
            Question(id="essay", type="essay", stem=VECTORS[10] + "\n\n" + VECTORS[13]),
            Question(
                id="match", type="matching", stem=VECTORS[9],
                pairs=(Pair(VECTORS[0], VECTORS[1]), Pair(VECTORS[6], VECTORS[7]),
                       Pair(VECTORS[13], TEMPLATE)),
            ),
        ),
    )  # fmt: skip


def gift_quiz(slug: str) -> Quiz:
    return Quiz(
        slug=slug,
        title=f"{VECTORS[14]} GIFT {TEMPLATE}",
        questions=(
            Question(
                id="pick", type="single", stem=VECTORS[4] + " " + VECTORS[11],
                choices=(Choice(text=VECTORS[15], weight=100, feedback=VECTORS[16]),
                         Choice(text=TEMPLATE, feedback=VECTORS[17])),
                feedback=VECTORS[18],
            ),
            Question(
                id="tf", type="true_false", stem=VECTORS[19], answer=True,
                feedback_if_true=VECTORS[20], feedback_if_false=VECTORS[0],
            ),
            Question(
                id="word", type="short", stem=VECTORS[12],
                answers=(Answer(text=TEMPLATE, feedback=VECTORS[1]),),
            ),
        ),
    )  # fmt: skip


def xml_quiz(slug: str) -> Quiz:
    """The GIFT quiz as a Moodle bank has it: its texts plain, HTML, Moodle's auto-format."""
    quiz = gift_quiz(slug)
    formats = ("plain", "html", "moodle")
    questions = tuple(
        dataclasses.replace(q, format=fmt) for q, fmt in zip(quiz.questions, formats, strict=True)
    )
    return dataclasses.replace(quiz, questions=questions)


@pytest.fixture(scope="module")
def hostile(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    """One server for the module, its lessons and quizzes carrying the vectors, a cohort."""
    folder = tmp_path_factory.mktemp("hostile")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SEMINAR_INSTANCE_PATH", str(folder / "instance"))
        with serve(folder) as server:
            # After every shipped module, whatever their number.
            module = server.lessons_dir / "99-hostile"
            for rel, text in lesson_files().items():
                (module / rel).parent.mkdir(parents=True, exist_ok=True)
                (module / rel).write_text(text, encoding="utf-8")
            quizzes = server.lessons_dir.parent / "quizzes"
            (quizzes / "hostile-native.md").write_text(to_native(native_quiz()))
            (quizzes / "hostile-gift.gift").write_text(to_gift(gift_quiz("hostile-gift")))
            (quizzes / "hostile-xml.xml").write_text(to_moodle_xml(xml_quiz("hostile-xml")))
            with server.app.app_context():
                report = sync_content(server.lessons_dir, quizzes)
                assert report.ok, [str(p) for p in report.problems]
                cohort = cohort_service.create_cohort(
                    "hostile", title=f"{VECTORS[7]} cohort", program_slug="sot-basic"
                )
                instructor = find_user("instructor@example.org")
                cohort_service.enroll(cohort, instructor, cohort_service.MemberRole.INSTRUCTOR)
                invite = cohort.invite_code
                db.session.commit()  # the end of this unit of work
                db.session.remove()
            hostile = Hostile(server=server, invite=invite, browser=browser)
            yield hostile
            for visitor in hostile.visitors.values():
                visitor.close()


def test_lesson_markdown_runs_no_script(hostile: Hostile) -> None:
    student = hostile.visitor("student")
    student.check("/lessons/")
    student.check("/lessons/hostile-lesson", literal=True)
    assert student.page.locator(".prose p", has_text="styled").count() == 1  # it did render

    staff = hostile.visitor("instructor")
    staff.check("/lessons/hostile-lesson/edit")
    source = staff.page.get_by_label("Lesson source (front matter and Markdown)")
    expected = lesson_files()["01-hostile-lesson.md"]
    assert source.input_value().replace("\r\n", "\n") == expected  # no </textarea> break-out
    staff.page.get_by_role("button", name="Preview").click()
    staff.check(literal=True)
    staff.check("/lessons/hostile-lesson/history")
    staff.check("/lessons/hostile-lesson/versions/1", literal=True)


def test_quiz_text_native_and_gift_runs_no_script(hostile: Hostile) -> None:
    student = hostile.visitor("student")
    student.check("/quizzes/")
    for slug in ("hostile-native", "hostile-gift", "hostile-xml"):
        student.check(f"/quizzes/{slug}")
        student.page.get_by_role("button", name="Start the quiz").click()
        student.page.wait_for_url(re.compile(r"/attempts/\d+$"))
        student.check(student.page.url.removeprefix(hostile.server.url), literal=True)
        student.page.locator("fieldset.question input[type=radio]").first.check()
        student.page.get_by_role("button", name="Finish attempt…").click()
        student.check(literal=True)
        student.page.get_by_role("button", name="Submit all and finish").click()
        student.page.wait_for_url(re.compile(r"/review$"))
        student.check(student.page.url.removeprefix(hostile.server.url), literal=True)
        assert student.page.locator(".feedback").count() >= 1  # feedback texts are shown

    staff = hostile.visitor("instructor")
    staff.check("/quizzes/hostile-native/statistics")
    staff.check("/quizzes/hostile-gift/statistics")
    staff.check("/quizzes/hostile-xml/statistics")
    for name, upload in (
        ("hostile-upload.gift", to_gift(gift_quiz("hostile-upload"))),
        ("hostile-upload.xml", to_moodle_xml(xml_quiz("hostile-upload"))),
    ):
        staff.check("/quizzes/manage/upload")
        staff.page.get_by_label("Quiz file (.md, .gift, .txt or .xml)").set_input_files(
            files=[{"name": name, "mimeType": "text/plain", "buffer": upload.encode()}]
        )
        staff.page.get_by_role("button", name="Preview").click()
        staff.page.get_by_text("Preview: not saved yet").wait_for()
        staff.check(literal=True)
        pasted = staff.page.get_by_label("Or paste the quiz text").input_value()
        assert pasted.replace("\r\n", "\n") == upload


def test_names_and_written_answers_run_no_script(hostile: Hostile) -> None:
    newcomer = Visitor(hostile.browser, hostile.server)
    try:
        page = newcomer.page
        newcomer.check(f"/join/{hostile.invite}")
        page.get_by_label("Full name").fill(SIGNUP_NAME)
        page.get_by_label("Email").fill("newcomer@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Create my account and join").click()
        page.wait_for_url(re.compile(r"/path$"))
        newcomer.check("/path")
        newcomer.check("/account/")
        assert page.get_by_label("Full name").input_value() == SIGNUP_NAME
        page.get_by_label("Full name").fill(NEW_NAME)
        page.get_by_role("button", name="Save profile").click()
        page.get_by_text("Your profile is saved.").wait_for()
        newcomer.check()
        assert page.get_by_label("Full name").input_value() == NEW_NAME

        newcomer.check("/quizzes/hostile-native")
        page.get_by_role("button", name="Start the quiz").click()
        page.wait_for_url(re.compile(r"/attempts/\d+$"))
        attempt = page.url.removeprefix(hostile.server.url)
        page.locator("fieldset[data-type=short] input[type=text]").fill(SHORT_ANSWER)
        page.locator("fieldset[data-type=essay] textarea").fill(ESSAY)
        with page.expect_navigation():
            page.get_by_role("button", name="Save answers").click()
        newcomer.check(attempt, literal=True)  # the answers shown back, in value= and textarea
        assert (
            page.locator("fieldset[data-type=short] input[type=text]").input_value() == SHORT_ANSWER
        )
        essay = page.locator("fieldset[data-type=essay] textarea").input_value()
        assert essay.replace("\r\n", "\n") == ESSAY
        page.get_by_role("button", name="Finish attempt…").click()
        page.get_by_role("button", name="Submit all and finish").click()
        page.wait_for_url(re.compile(r"/review$"))
        newcomer.check(page.url.removeprefix(hostile.server.url), literal=True)
        assert SHORT_ANSWER in page.locator("main").inner_text()
    finally:
        newcomer.close()

    with hostile.server.app.app_context():
        student_id = find_user("newcomer@example.org").id
        db.session.commit()  # the end of this unit of work
        db.session.remove()
    staff = hostile.visitor("instructor")
    staff.check("/quizzes/manage/grading", literal=True)
    assert staff.page.get_by_role("heading", name=NEW_NAME).count() == 1
    assert VECTORS[13] in staff.page.locator(".essay-answer").inner_text()
    staff.check("/cohorts/hostile/progress", literal=True)
    staff.check(f"/cohorts/hostile/students/{student_id}", literal=True)
    admin = hostile.visitor("admin")
    admin.check("/admin/users?q=newcomer", literal=True)


def test_csv_enrolment_names_run_no_script(hostile: Hostile) -> None:
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(["email", "name", "licence_number", "licence_state"])
    for n, vector in enumerate(VECTORS):
        writer.writerow([f"csv{n}@example.org", vector, VECTORS[8][:60], TEMPLATE])
    admin = hostile.visitor("admin")
    admin.check("/cohorts/hostile/import")
    admin.page.get_by_label("CSV file").set_input_files(
        files=[{"name": "students.csv", "mimeType": "text/csv", "buffer": rows.getvalue().encode()}]
    )
    admin.page.get_by_role("button", name="Preview").click()
    admin.page.get_by_role("heading", name="Preview of the import").wait_for()
    admin.check()
    assert f"{len(VECTORS)}</strong> new people to invite" in admin.page.content()
    admin.page.get_by_role("button", name=re.compile("Start the import")).click()
    admin.page.get_by_role("heading", name="Import done").wait_for()
    admin.check()
    # Invited, not yet enrolled: the cohort's pending invitations show each name as written.
    admin.check("/cohorts/hostile", literal=True)
    pending = admin.page.locator("main").inner_text()
    assert [v for v in VECTORS if v not in pending] == [], "names are shown as written"
    admin.check("/admin/users", literal=True)
    admin.check("/admin/outbox")
