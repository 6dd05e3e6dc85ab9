"""A sync recomputes standings only when what they are computed from changes (a lesson added or
retired, a quiz's title, pass mark or grading), and only in the cohorts it concerns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from seminar.db import db
from seminar.models import Cohort, StudentProgress, User
from seminar.services import cohorts as cohort_service
from seminar.services.content_sync import sync_content
from seminar.services.unit_of_work import unit_of_work

SECOND_PROGRAM = """
  - slug: named
    title: Named lessons only
    credential: Certificate of Completion, Named
    requires:
      lessons: [first-lesson]
"""


def _sync(app: Flask) -> Any:
    with unit_of_work():
        report = sync_content(Path(app.config["LESSONS_DIR"]), Path(app.config["QUIZZES_DIR"]))
    assert report.ok, [str(p) for p in report.problems]
    return report


def _rows(cohort: Cohort) -> dict[int, tuple[Any, ...]]:
    db.session.expire_all()
    return {
        row.user_id: (row.updated_at, [r.get("detail") for r in row.requirements])
        for row in db.session.scalars(
            select(StudentProgress).where(StudentProgress.cohort_id == cohort.id)
        )
    }


@pytest.fixture
def two_cohorts(app: Flask, world: Cohort, make_user: Callable[..., User]) -> tuple[Cohort, Cohort]:
    lessons = Path(app.config["LESSONS_DIR"])
    program = lessons / "program.yml"
    program.write_text(program.read_text() + SECOND_PROGRAM)
    _sync(app)
    named = cohort_service.create_cohort("named", title="Named cohort", program_slug="named")
    for cohort in (world, named):
        for _ in range(2):
            cohort_service.enroll(cohort, make_user())
    db.session.commit()
    return world, named


def test_a_text_edit_recomputes_no_one(app: Flask, two_cohorts: tuple[Cohort, Cohort]) -> None:
    everyone, named = two_cohorts
    before = _rows(everyone), _rows(named)
    path = Path(app.config["LESSONS_DIR"]) / "01-basics/02-second-lesson.md"
    path.write_text(path.read_text().replace("As taught", "Now taught"))
    assert _sync(app).changed == ["01-basics/02-second-lesson.md"]
    assert (_rows(everyone), _rows(named)) == before


def test_a_new_lesson_recomputes_only_programs_of_every_lesson(
    app: Flask, two_cohorts: tuple[Cohort, Cohort]
) -> None:
    everyone, named = two_cohorts
    named_before, every_before = _rows(named), _rows(everyone)
    (Path(app.config["LESSONS_DIR"]) / "02-more/02-fourth-lesson.md").write_text(
        "---\ntitle: Fourth lesson\n---\nText.\n"
    )
    assert _sync(app).new == ["02-more/02-fourth-lesson.md"]
    assert _rows(named) == named_before  # its program names its lessons: no change
    after = _rows(everyone)
    assert after.keys() == every_before.keys()
    for user_id, (_, details) in after.items():
        assert details[0] == "0 of 4 lessons" != every_before[user_id][1][0]


def test_a_pass_mark_change_recomputes_the_cohorts_that_take_the_quiz(
    app: Flask, two_cohorts: tuple[Cohort, Cohort]
) -> None:
    everyone, named = two_cohorts
    named_before, every_before = _rows(named), _rows(everyone)
    quiz = Path(app.config["QUIZZES_DIR"]) / "check.md"
    quiz.write_text(quiz.read_text().replace("pass_mark: 50", "pass_mark: 55"))
    _sync(app)
    assert _rows(named) == named_before  # no quiz in its program
    after = _rows(everyone)
    assert all(after[u][0] > every_before[u][0] for u in after)
