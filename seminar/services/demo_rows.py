"""Synthetic demo data as rows, built in memory and written with bulk inserts.

Names for made-up people, and submitted quiz attempts whose answers each question type
makes up (right or wrong, by the student's skill) and grades as it would a real one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from seminar.core.questions import Question, question_type
from seminar.db import db
from seminar.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    AttendanceCredit,
    CohortMember,
    LessonCompletion,
    PracticalSignoff,
    Quiz,
)

FIRST_NAMES = (
    "Alex",
    "Sam",
    "Jordan",
    "Priya",
    "Mei",
    "Luca",
    "Amara",
    "Noah",
    "Ines",
    "Kofi",
    "Hana",
    "Mateo",
    "Zoe",
    "Ravi",
    "Lena",
    "Omar",
    "Sofia",
    "Tariq",
    "Yuki",
    "Elena",
)
LAST_NAMES = (
    "Nguyen",
    "Smith",
    "Garcia",
    "Okafor",
    "Kowalski",
    "Rossi",
    "Tanaka",
    "Haddad",
    "Larsen",
    "Moreau",
    "Silva",
    "Chen",
    "Murphy",
    "Novak",
    "Fischer",
    "Adeyemi",
)
STATES = ("CA", "NY", "TX", "FL", "Ontario", "NSW", "Victoria", "United Kingdom")


@dataclass
class DemoRows:
    """Rows gathered for one round of bulk inserts."""

    members: list[dict[str, Any]]
    completions: list[dict[str, Any]]
    credits: list[dict[str, Any]]
    signoffs: list[dict[str, Any]]
    attempts: list[tuple[dict[str, Any], list[dict[str, Any]]]]


def attempt_rows(
    rng: random.Random,
    quiz: Quiz,
    questions: dict[int, Question],
    user_id: int,
    number: int,
    skill: float,
    when: datetime,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    version = quiz.current
    assert version is not None
    rows, points = [], 0.0
    graded_ids = [i for i in version.question_ids if question_type(questions[i]).graded]
    for position, qv_id in enumerate(graded_ids, start=1):
        q = questions[qv_id]
        kind = question_type(q)
        response = kind.example_response(q, rng.random() < skill, rng)
        fraction = kind.grade(q, response).fraction
        if fraction is None:  # an essay: the demo instructor has already marked it
            fraction = round(rng.uniform(0.5, 1.0) * skill, 2)
        points += fraction * q.points
        rows.append(
            {
                "position": position,
                "question_version_id": qv_id,
                "points": q.points,
                "order": [],
                "response": response,
                "saved_at": when,
                "fraction": fraction,
                "feedback": [],
                "comment": "",
                "graded_at": when,
            }
        )
    maximum = sum(questions[i].points for i in graded_ids)
    attempt = {
        "user_id": user_id,
        "quiz_id": quiz.id,
        "quiz_version_id": version.id,
        "number": number,
        "state": AttemptState.SUBMITTED,
        "started_at": when - timedelta(minutes=12),
        "deadline": None,
        "submitted_at": when,
        "auto_submitted": False,
        "points": points,
        "max_points": maximum,
        "score": 100 * points / maximum if maximum else 0.0,
        "needs_grading": False,
        "in_statistics": False,
    }
    return attempt, rows


def write_rows(bulk: DemoRows, user_ids: list[int]) -> None:
    for model, rows in (
        (CohortMember, bulk.members),
        (LessonCompletion, bulk.completions),
        (AttendanceCredit, bulk.credits),
        (PracticalSignoff, bulk.signoffs),
        (Attempt, [attempt for attempt, _ in bulk.attempts]),
    ):
        if rows:
            db.session.execute(insert(model), rows)
    attempt_ids = {
        (row.user_id, row.quiz_id, row.number): row.id
        for row in db.session.execute(
            select(Attempt.user_id, Attempt.quiz_id, Attempt.number, Attempt.id).where(
                Attempt.user_id.in_(user_ids)
            )
        )
    }
    answers = [
        answer | {"attempt_id": attempt_ids[(a["user_id"], a["quiz_id"], a["number"])]}
        for a, rows in bulk.attempts
        for answer in rows
    ]
    if answers:
        db.session.execute(insert(AttemptQuestion), answers)
