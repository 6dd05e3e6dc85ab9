"""Every page type with realistic data (60 students, long names, long option texts), as each
role sees it, at 375 px and 1280 px: no sideways scroll, axe clean, review markers on their
option's line. With SCREENSHOTS_DIR set (`make screenshots`), each page is saved there at
both widths for review."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from seminar.core.record_wording import RecordKind
from seminar.db import db, now_utc
from seminar.models import MemberRole, Quiz, StudentProgress
from seminar.services import attempts, issuing
from seminar.services import sessions as session_service
from seminar.services.accounts import create_user, find_user
from seminar.services.cohorts import create_cohort, enroll
from seminar.services.content_sync import sync_content
from seminar.services.demo import add_synthetic_students
from tests.conftest import PASSWORD
from tests.e2e.conftest import LiveServer, log_in, serious_violations, serve

WIDTHS = (375, 1280)
LONG_NAMES = [
    "Maximiliana Wolfeschlegelsteinhausenbergerdorff-Ångström de la Cruz",
    "Dr. Oluwaseun Adebayo-Chukwuemeka Nwachukwu-Okonkwo",
]
LONG_OPTIONS = [
    "That every restriction felt at the sacrum is mirrored, without exception and in the same "
    "measure, by a restriction of the occiput, so that treating one always treats the other",
    "That the course presents the sacrum and the occiput as related in S.O.T.'s model, and says "
    "what the evidence for that relationship does and does not show",
    "Supercalifragilisticexpialidociouslylongwordwithoutanyspacesatalltoseewhetheritwraps",
]
LONG_QUIZ = (
    "---\ntitle: Reading a long question on a small screen\npass_mark: 50\n---\n\n"
    "## Which statement about the sacro-occipital relationship does the course teach? {#long}\n\n"
    + "".join(f"- [{'x' if i == 1 else ' '}] {text}\n" for i, text in enumerate(LONG_OPTIONS))
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, dict]]:
    with serve(tmp_path_factory.mktemp("every-page")) as server, server.app.app_context():
        yield server, _seed(server)


def _seed(server: LiveServer) -> dict[str, Any]:
    quizzes = Path(server.app.config["QUIZZES_DIR"])
    (quizzes / "long-options.md").write_text(LONG_QUIZ)
    assert sync_content(server.lessons_dir, quizzes).ok
    cohort = create_cohort(
        "spring", title="Spring 2027 weekend intensive, Sacro-Occipital Technique foundations",
        program_slug="sot-basic",
    )  # fmt: skip
    teacher = find_user("instructor@example.org")
    enroll(cohort, teacher, MemberRole.INSTRUCTOR)
    student = find_user("student@example.org")
    enroll(cohort, student)
    for i, name in enumerate(LONG_NAMES):
        enroll(cohort, create_user(f"long{i}@example.org", name=name, role="student",
                                   password=PASSWORD))  # fmt: skip
    add_synthetic_students(cohort, 60, assessor=teacher)
    start = now_utc() + timedelta(days=3)
    session = session_service.create_session(
        cohort, title="Day one: the category system in practice", starts_at=start,
        ends_at=start + timedelta(hours=6), location="Hall B, 12 Long Street Conference Centre",
        ce_hours=6, lessons=["sacrum-and-occiput", "history-and-organisations"],
        instructor_ids=[teacher.id],
    )  # fmt: skip
    quiz = db.session.execute(select(Quiz).where(Quiz.slug == "long-options")).scalar_one()
    attempt = attempts.start_attempt(student.id, quiz)
    attempts.save_answers(attempt, {1: {"choice": 0}})
    attempts.submit_attempt(attempt)
    db.session.commit()
    session_id, attempt_id = session.id, attempt.id
    eligible = db.session.scalars(
        select(StudentProgress.user_id).where(
            StudentProgress.cohort_id == cohort.id, StudentProgress.eligible.is_(True)
        )
    ).first()
    admin = find_user("admin@example.org")
    (issued,) = issuing.issue(cohort, RecordKind.COMPLETION, [eligible], actor=admin)
    record_id = issued.record.public_id
    db.session.commit()
    db.session.remove()
    return {
        "cohort": "spring",
        "session": session_id,
        "attempt": attempt_id,
        "record": record_id,
        "student": eligible,
    }


def pages(w: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    c = w["cohort"]
    return {
        "student": [
            ("lessons", "/lessons/"),
            ("lesson", "/lessons/sacrum-and-occiput"),
            ("my-path", "/path"),
            ("quizzes", "/quizzes/"),
            ("quiz", "/quizzes/long-options"),
            ("quiz-review", f"/quizzes/long-options/attempts/{w['attempt']}/review"),
            ("my-records", "/records/"),
            ("account", "/account/"),
            ("schedule-student", f"/cohorts/{c}/sessions"),
        ],
        "instructor": [
            ("cohorts", "/cohorts/"),
            ("cohort", f"/cohorts/{c}"),
            ("dashboard", f"/cohorts/{c}/progress"),
            ("student-progress", f"/cohorts/{c}/students/{w['student']}"),
            ("schedule", f"/cohorts/{c}/sessions"),
            ("session-form", f"/cohorts/{c}/sessions/new"),
            ("session", f"/sessions/{w['session']}"),
            ("grading", "/quizzes/manage/grading"),
            ("statistics", "/quizzes/long-options/statistics"),
            ("content-status", "/content/status"),
            ("lesson-history", "/lessons/sacrum-and-occiput/history"),
            ("accommodations", "/quizzes/manage/accommodations"),
            ("import", f"/cohorts/{c}/import"),
        ],
        "admin": [
            ("people", "/admin/users"),
            ("audit", "/admin/audit"),
            ("records-issue", f"/cohorts/{c}/records"),
            ("record", f"/records/{w['record']}"),
            ("ce-rosters", "/ce/rosters"),
            ("outbox", "/admin/outbox"),
            ("cohort-new", "/cohorts/new"),
        ],
        "anonymous": [("login", "/login"), ("verify", f"/verify/{w['record']}")],
    }


def _markers_on_their_lines(page: Any) -> list[str]:
    """Each review option's ● / ○ sits on the first line of its text."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.review-choices li')].flatMap((li, i) => {
            const pick = li.querySelector('.pick').getBoundingClientRect();
            const text = li.querySelector('.choice-text').getBoundingClientRect();
            return Math.abs(pick.top - text.top) > 8 || pick.right > text.left
                ? [`option ${i + 1}: marker at ${pick.top}, text at ${text.top}`] : [];
        })"""
    )


@pytest.mark.parametrize("role", ["student", "instructor", "admin", "anonymous"])
def test_every_page_fits_a_phone_and_is_axe_clean(world: Any, browser: Any, role: str) -> None:
    server, w = world
    shots = os.environ.get("SCREENSHOTS_DIR")
    problems: list[str] = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role != "anonymous":
            log_in(page, server, role)
        for name, path in pages(w)[role]:
            response = page.goto(server.at(path))
            if response is None or response.status != 200:
                problems.append(f"{path}: status {response and response.status}")
                continue
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{width}px {path} scrolls sideways by {overflow}px")
            problems += [f"{width}px {path}: {v}" for v in serious_violations(page)]
            if name == "quiz-review":
                problems += [f"{width}px {path}: {m}" for m in _markers_on_their_lines(page)]
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                shot = Path(shots) / f"{role}-{name}-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
        context.close()
    assert problems == []


def test_the_dashboard_keeps_names_visible_while_scrolling(world: Any, browser: Any) -> None:
    server, w = world
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    log_in(page, server, "instructor")
    page.goto(server.at(f"/cohorts/{w['cohort']}/progress"))
    region = page.locator(".table-wrap").first
    name = page.locator("tbody th.sticky").first
    before = name.bounding_box()
    region.evaluate("el => el.scrollLeft = el.scrollWidth")
    assert region.evaluate("el => el.scrollLeft") > 100  # the matrix did scroll
    after = name.bounding_box()
    assert before is not None and after is not None
    assert abs(after["x"] - before["x"]) < 1 and re.search(r"\w", name.inner_text())
    context.close()
