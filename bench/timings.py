"""Times of the heavy operations: question statistics over 10,000 attempts, content syncs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bench.content import PRACTICE_QUIZ
from bench.queries import logged_in
from bench.seed import INSTRUCTOR, BenchDatabase, app_context, make_app

RUNS = 3


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: float


def median_time(action: Callable[[], Any], runs: int = RUNS) -> tuple[float, Any]:
    """The median of `runs` timings, and what the last run returned."""
    times, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def statistics_timings(bench: BenchDatabase) -> list[Timing]:
    from seminar.db import db
    from seminar.models import Quiz
    from seminar.services.quiz_stats import rebuild

    with app_context(bench.env):
        quiz_id = db.session.scalars(select(Quiz.id).where(Quiz.slug == PRACTICE_QUIZ)).one()
        seconds, counted = median_time(lambda: rebuild(quiz_id))
        db.session.commit()
    rebuilt = Timing(f"question statistics rebuild(), {counted:,} attempts", seconds)

    app = make_app(bench.env)
    staff = logged_in(app, INSTRUCTOR)
    url = f"/quizzes/{PRACTICE_QUIZ}/statistics"

    def render() -> None:
        if staff.get(url).status_code != 200:
            raise RuntimeError(f"{url} did not answer 200")

    render()  # warm
    seconds, _ = median_time(render)
    with app.app_context():
        db.engine.dispose()
    return [rebuilt, Timing(f"statistics page, {counted:,} attempts", seconds)]


def _edit(path: Any, old: str, new: str) -> None:
    text = path.read_text()
    if old not in text:
        raise RuntimeError(f"{path}: '{old}' not found")
    path.write_text(text.replace(old, new, 1))


def sync_timings(bench: BenchDatabase) -> list[Timing]:
    """Re-syncs with both cohorts in the database (a change refreshes every standing)."""
    from seminar.services.content_sync import sync_content
    from seminar.services.unit_of_work import unit_of_work

    course = bench.course
    students = sum(len(emails) for emails in bench.students.values())

    def sync(expect_changed: int) -> None:
        # As `flask seminar sync` runs it: the commit (and the standing it refreshes) included.
        with unit_of_work():
            report = sync_content(course.lessons_dir, course.quizzes_dir)
        if not report.ok or len(report.changed) != expect_changed:
            raise RuntimeError(f"sync: {len(report.changed)} changed, {report.problems}")

    out = [Timing("full sync, empty database", bench.full_sync_seconds)]
    with app_context(bench.env):
        started = time.perf_counter()
        sync(0)
        out.append(Timing("re-sync, nothing changed", time.perf_counter() - started))

        one = course.lesson_files[len(course.lesson_files) // 2]
        _edit(one, "## Summary\n", "## Summary\n\nOne more sentence, revised.\n")
        started = time.perf_counter()
        sync(1)
        out.append(
            Timing(
                f"one-file sync (1 lesson, {students:,} students)", time.perf_counter() - started
            )
        )

        for lesson in course.lesson_files:
            _edit(lesson, "## Summary\n", "## Summary\n\nRevised for the new term.\n")
        for quiz in course.quizzes_dir.iterdir():
            old = "// quiz: title: " if quiz.suffix == ".gift" else "\ntitle: "
            _edit(quiz, old, old + "Revised ")
        started = time.perf_counter()
        sync(len(course.lesson_files) + len(course.quiz_slugs))
        out.append(
            Timing(
                f"full sync, every file changed ({students:,} students)",
                time.perf_counter() - started,
            )
        )
    return out
