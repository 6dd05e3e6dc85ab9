"""Test set-ups for practical exams: the world's program given an exam, a slot opened by its
staff, and a marking sheet as a form posts it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from seminar.db import db, now_utc
from seminar.models import Cohort, ExamSlot, User
from seminar.services import cohorts as cohort_service
from seminar.services import exam_slots
from seminar.services.content_sync import sync_content
from tests.conftest import PROGRAM

EXAM = """    exam:
      title: Practical examination
      minutes: 45
      pass_percent: 75
      examiners: 2
      tolerance: 15
      rubric:
        - item: Case history and screening for red flags
          weight: 2
          critical: true
        - item: Category assessment with the indicators
          weight: 3
        - item: Patient set-up and comfort, with consent
          weight: 2
          critical: true
        - item: Re-check of indicators after the procedure
          weight: 2
        - item: A clear, attributed explanation
          weight: 1
"""
ALL_COMPETENT = (2, 2, 2, 2, 2)
FIRST_CRITICAL_FAILED = (0, 2, 2, 2, 2)  # 80%, with a critical item "Not shown"


def give_exam(app: Flask, cohort: Cohort) -> None:
    """The world's program with a practical exam; the cohort moved onto that version."""
    lessons, quizzes = Path(app.config["LESSONS_DIR"]), Path(app.config["QUIZZES_DIR"])
    (lessons / "program.yml").write_text(PROGRAM.rstrip("\n") + "\n" + EXAM)
    report = sync_content(lessons, quizzes)
    assert report.ok, [str(p) for p in report.problems]
    cohort_service.move_to_current_program(cohort)
    db.session.commit()


def open_slot(
    cohort: Cohort, first: User, second: User, *, capacity: int = 4, started: bool = False
) -> ExamSlot:
    """A slot booking is open for; `started`: the exam has begun (examiners may mark)."""
    now = now_utc()
    start = now + timedelta(days=10)
    slot = exam_slots.create_slot(
        cohort,
        starts_at=start,
        place="Room 2, the seminar venue",
        capacity=capacity,
        opens_at=now - timedelta(days=1),
        deadline=start - timedelta(days=3),
        cancel_until=start - timedelta(days=3),
        no_contact_from=(start - timedelta(days=5)).date(),
        first_examiner=first.id,
        second_examiner=second.id,
    )
    db.session.commit()
    if started:
        begin(slot)
    return slot


def begin(slot: ExamSlot) -> None:
    """The day of the exam has come (a set-up's shortcut through time)."""
    slot.starts_at = now_utc() - timedelta(minutes=50)
    db.session.commit()


def sheet(marks: tuple[int, ...], comments: dict[int, str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {f"mark_{i}": str(m) for i, m in enumerate(marks)}
    data.update({f"comment_{i}": text for i, text in (comments or {}).items()})
    return data
