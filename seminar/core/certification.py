"""Where a student stands against a certification program: pure, no Flask, no database.

The caller gathers one student's facts (completed lessons, quiz grades, attendance, the
practical sign-off); this module turns them into each requirement's status and the verdict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from seminar.core.content.programs import Program, QuizRequirement
from seminar.core.grading import grade_text

# A quiz that is attempted but not passed never shows as complete, however close the grade.
_QUIZ_PROGRESS_CAP = 0.99


class State(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"


@dataclass(frozen=True)
class QuizFact:
    result: float | None  # grade by the quiz's grading method (percent); None: no graded attempt
    attempts: int  # attempts started (any state)
    pending: bool = False  # an attempt awaits grading or is in progress
    pass_mark: float = 70  # the quiz's own pass mark


@dataclass(frozen=True)
class ExamFact:
    """A student's practical exam: "booked", "marking", "flagged", "passed" or "failed"."""

    state: str
    percent: float | None = None  # the reconciled score, once final


EXAM_PASSED = "Practical exam passed"


@dataclass(frozen=True)
class Facts:
    completed_lessons: frozenset[str]
    quizzes: Mapping[str, QuizFact]  # by quiz slug; a missing slug means never attempted
    attendance_hours: float = 0
    practical_passed: bool = False
    practical_attempted: bool = False  # a sign-off was recorded as "not yet"
    exam: ExamFact | None = None  # the program's practical exam, when it has one


@dataclass(frozen=True)
class RequirementStatus:
    kind: str  # "lessons" | "quiz" | "attendance" | "practical"
    key: str  # "lessons", the quiz slug, "attendance", "practical"
    label: str  # e.g. "Lessons", "Quiz: category-system"
    state: State
    progress: float  # 0..1
    detail: str  # where the student stands, e.g. "12 of 27 lessons"
    missing: str  # what is left, "" when done, e.g. "15 lessons"
    short: str = ""  # the same in a dashboard cell's few characters, e.g. "12/27", "85%"


@dataclass(frozen=True)
class Eligibility:
    requirements: tuple[RequirementStatus, ...]
    eligible: bool  # every requirement done
    percent: int  # mean requirement progress, rounded down; 100 only when eligible


def eligibility(program: Program, facts: Facts, *, lesson_slugs: Sequence[str]) -> Eligibility:
    """Each requirement of `program` that asks for something, in display order, and the verdict.

    `lesson_slugs` are the live lessons in course order; they stand for "all" when the
    program does not list its lessons.
    """
    statuses = [
        _lessons_status(program, facts, lesson_slugs),
        *(_quiz_status(quiz, facts.quizzes.get(quiz.slug)) for quiz in program.quizzes),
        _attendance_status(program.attendance_hours, facts.attendance_hours),
        _practical_status(program, facts),
    ]
    requirements = tuple(s for s in statuses if s is not None)
    eligible = all(r.state is State.DONE for r in requirements)
    return Eligibility(requirements, eligible, _percent(requirements, eligible))


def next_step(result: Eligibility) -> RequirementStatus | None:
    """The first requirement not yet done, or None when the student is eligible."""
    return next((r for r in result.requirements if r.state is not State.DONE), None)


def _percent(requirements: Sequence[RequirementStatus], eligible: bool) -> int:
    if eligible:
        return 100
    mean = sum(r.progress for r in requirements) / len(requirements)
    # The epsilon keeps 0.29 * 100 == 28.999999999999996 from showing as 28; the cap keeps
    # a student who is not eligible from ever seeing 100%.
    return min(math.floor(mean * 100 + 1e-9), 99)


def _state(done: bool, started: bool) -> State:
    if done:
        return State.DONE
    return State.IN_PROGRESS if started else State.NOT_STARTED


def _lessons_status(
    program: Program, facts: Facts, lesson_slugs: Sequence[str]
) -> RequirementStatus | None:
    # Listed lessons all count, even one that is no longer live: dropping it silently would
    # lower the bar; the sync reports such a slug (check_program_references) instead.
    required = dict.fromkeys(lesson_slugs if program.lessons is None else program.lessons)
    total = len(required)
    if total == 0:
        return None
    completed = sum(1 for slug in required if slug in facts.completed_lessons)
    left = total - completed
    return RequirementStatus(
        kind="lessons",
        key="lessons",
        label="Lessons",
        state=_state(left == 0, completed > 0),
        progress=completed / total,
        detail=f"{completed} of {_count(total, 'lesson')}",
        missing="" if left == 0 else _count(left, "lesson"),
        short=f"{completed}/{total}",
    )


def _quiz_status(quiz: QuizRequirement, fact: QuizFact | None) -> RequirementStatus:
    needed = _needed_mark(quiz, fact)
    result = fact.result if fact else None
    done = result is not None and needed is not None and result >= needed
    started = fact is not None and (fact.attempts > 0 or fact.pending or result is not None)
    state = _state(done, started)
    progress = 0.0
    if done:
        progress = 1.0
    elif result is not None and needed:
        progress = min(result / needed, _QUIZ_PROGRESS_CAP)
    return RequirementStatus(
        kind="quiz",
        key=quiz.slug,
        label=f"Quiz: {quiz.slug}",
        state=state,
        progress=progress,
        detail=_quiz_detail(state, fact, needed),
        missing="" if done else _quiz_missing(needed),
        short=_quiz_short(state, fact),
    )


def _needed_mark(quiz: QuizRequirement, fact: QuizFact | None) -> float | None:
    """The grade that passes this requirement; None when neither side states one.

    A program may ask for more than the quiz's own pass mark, never less (FORMATS.md:
    "each must be passed at its pass mark, or a higher one here").
    """
    if fact is None:
        return quiz.pass_mark
    if quiz.pass_mark is None:
        return fact.pass_mark
    return max(quiz.pass_mark, fact.pass_mark)


def _quiz_detail(state: State, fact: QuizFact | None, needed: float | None) -> str:
    if fact is None or state is State.NOT_STARTED:
        return "Not attempted"
    if fact.result is None:
        return (
            "Attempt in progress or awaiting grading" if fact.pending else "No graded attempt yet"
        )
    grade = grade_text(fact.result)
    if state is State.DONE:
        return f"Passed with {grade}%"
    detail = f"Grade {grade}% (needs {grade_text(needed or 0, needed=True)}%)"
    return f"{detail}; an attempt is pending" if fact.pending else detail


def _quiz_short(state: State, fact: QuizFact | None) -> str:
    if fact is None or state is State.NOT_STARTED:
        return ""
    if fact.result is None:
        return "pending" if fact.pending else "ungraded"
    return f"{grade_text(fact.result)}%"


def _quiz_missing(needed: float | None) -> str:
    if needed is None:
        return "Pass the quiz"
    return f"Pass with {grade_text(needed, needed=True)}% or more"


def _attendance_status(required: float, attended: float) -> RequirementStatus | None:
    if required <= 0:
        return None
    attended = max(attended, 0)
    done = attended >= required
    # Rounded for display, but never down to "0 more hours" while some are still missing.
    left = max(round(required - attended, 2), 0.01)
    return RequirementStatus(
        kind="attendance",
        key="attendance",
        label="Attendance hours",
        state=_state(done, attended > 0),
        progress=min(attended / required, 1.0),
        detail=f"{_floored(attended)} of {_hours(required)}",
        missing="" if done else f"{_number(left)} more {_plural(left, 'hour')}",
        short=f"{_floored(attended)}/{_number(required)} h",
    )


def _practical_status(program: Program, facts: Facts) -> RequirementStatus | None:
    if not program.practical:
        return None
    exam = facts.exam
    # A passed exam or an instructor's sign-off (the way before exams, still counted) meets it.
    if exam is not None and exam.state == "passed":
        state, detail = State.DONE, f"{EXAM_PASSED} with {grade_text(exam.percent or 0)}%"
    elif facts.practical_passed:
        state, detail = State.DONE, "Passed"
    elif exam is not None:
        state, detail = State.IN_PROGRESS, _EXAM_DETAILS[exam.state]
        if exam.state == "failed":
            detail += f" ({grade_text(exam.percent or 0)}%)"
    else:
        state = _state(False, facts.practical_attempted)
        detail = "Assessed: not passed yet" if facts.practical_attempted else "Not assessed yet"
    return RequirementStatus(
        kind="practical",
        key="practical",
        label=program.exam.title if program.exam else "Practical assessment",
        state=state,
        # A "not yet" sign-off or an exam not passed is no part of a pass: no progress.
        progress=1.0 if state is State.DONE else 0.0,
        detail=detail,
        missing=""
        if state is State.DONE
        else ("Pass the practical exam" if program.exam else "An instructor's sign-off"),
        short={State.DONE: "passed", State.IN_PROGRESS: "not yet"}.get(state, ""),
    )


_EXAM_DETAILS = {
    "booked": "Practical exam booked",
    "marking": "Practical exam being marked",
    "flagged": "Examiners disagree: a third examiner decides",
    "failed": "Practical exam not passed",
}


def _number(value: float) -> str:
    """12.0 -> '12', 6.5 -> '6.5', 66.666 -> '66.67': numbers as people write them."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _floored(value: float) -> str:
    # Hours present are rounded down, so 11.999 never reads as the 12 needed; the epsilon
    # keeps 65.29 * 100 == 6528.999... from showing as 65.28. (Grades: grading.grade_text.)
    return _number(math.floor(value * 100 + 1e-6) / 100)


def _plural(amount: float, word: str) -> str:
    return word if amount == 1 else f"{word}s"


def _count(amount: int, word: str) -> str:
    return f"{amount} {_plural(amount, word)}"


def _hours(amount: float) -> str:
    return f"{_number(amount)} {_plural(amount, 'hour')}"


def credited_hours(
    *,
    checked_in: datetime,
    checked_out: datetime,
    starts: datetime,
    ends: datetime,
    offered: float,
    rounding_minutes: int,
) -> float:
    """Hours credited for one attendance: time present within the session, rounded down to
    whole steps of `rounding_minutes`, never more than the session offers."""
    present = min(checked_out, ends) - max(checked_in, starts)
    minutes = max(0.0, present.total_seconds() / 60)
    steps = int(minutes // rounding_minutes)
    return min(steps * rounding_minutes / 60, offered)
