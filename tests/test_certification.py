"""Pure tests: a student's facts against a certification program, requirement by requirement."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from seminar.core.certification import (
    Eligibility,
    Facts,
    QuizFact,
    RequirementStatus,
    State,
    eligibility,
    next_step,
)
from seminar.core.content.programs import Program, QuizRequirement

LIVE = ("sacrum", "occiput", "category-one", "category-two")
DONE, IN_PROGRESS, NOT_STARTED = State.DONE, State.IN_PROGRESS, State.NOT_STARTED


def program(**requirements: object) -> Program:
    """A program asking for no lessons unless told, so each test sees only what it names."""
    requirements.setdefault("lessons", ())
    return Program(slug="p", title="T", credential="C", **requirements)  # type: ignore[arg-type]


def facts(
    lessons: set[str] | frozenset[str] = frozenset(),
    quizzes: Mapping[str, QuizFact] | None = None,
    **other: object,
) -> Facts:
    return Facts(frozenset(lessons), quizzes or {}, **other)  # type: ignore[arg-type]


def only(result: Eligibility) -> RequirementStatus:
    (requirement,) = result.requirements
    return requirement


def summary(status: RequirementStatus) -> tuple[State, float, str, str]:
    return status.state, round(status.progress, 4), status.detail, status.missing


# --- Lessons -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("listed", "completed", "expected"),
    [
        pytest.param(None, set(), (NOT_STARTED, 0, "0 of 4 lessons", "4 lessons"), id="all: none"),
        pytest.param(
            None, {"sacrum"}, (IN_PROGRESS, 0.25, "1 of 4 lessons", "3 lessons"), id="all: one"
        ),
        pytest.param(
            None,
            {"sacrum", "occiput", "category-one"},
            (IN_PROGRESS, 0.75, "3 of 4 lessons", "1 lesson"),
            id="all: one left",
        ),
        pytest.param(None, set(LIVE), (DONE, 1, "4 of 4 lessons", ""), id="all: done"),
        pytest.param(
            None,
            {"retired-lesson"},
            (NOT_STARTED, 0, "0 of 4 lessons", "4 lessons"),
            id="all: a lesson that is no longer live does not count",
        ),
        pytest.param(
            ("occiput", "category-two"),
            {"sacrum", "category-one"},
            (NOT_STARTED, 0, "0 of 2 lessons", "2 lessons"),
            id="listed: only listed lessons count",
        ),
        pytest.param(
            ("occiput", "category-two"),
            {"occiput"},
            (IN_PROGRESS, 0.5, "1 of 2 lessons", "1 lesson"),
            id="listed: one of two",
        ),
        pytest.param(
            ("occiput", "category-two"),
            {"occiput", "category-two"},
            (DONE, 1, "2 of 2 lessons", ""),
            id="listed: done without the unlisted ones",
        ),
        pytest.param(
            ("retired-lesson",),
            set(),
            (NOT_STARTED, 0, "0 of 1 lesson", "1 lesson"),
            id="listed: a lesson that is not live still counts",
        ),
    ],
)
def test_lessons(
    listed: tuple[str, ...] | None,
    completed: set[str],
    expected: tuple[State, float, str, str],
) -> None:
    result = eligibility(program(lessons=listed), facts(completed), lesson_slugs=LIVE)
    status = only(result)
    assert (status.kind, status.key, status.label) == ("lessons", "lessons", "Lessons")
    assert summary(status) == expected
    assert result.eligible is (expected[0] is DONE)


@pytest.mark.parametrize(
    ("listed", "live"),
    [((), LIVE), (None, ())],
    ids=["listed as none", "all, but no live lessons"],
)
def test_no_lessons_to_take_means_no_lessons_requirement(
    listed: tuple[str, ...] | None, live: tuple[str, ...]
) -> None:
    result = eligibility(program(lessons=listed), facts(), lesson_slugs=live)
    assert result == Eligibility(requirements=(), eligible=True, percent=100)


# --- Quizzes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pass_mark", "fact", "expected"),
    [
        pytest.param(
            None, None, (NOT_STARTED, 0, "Not attempted", "Pass the quiz"), id="no fact, no mark"
        ),
        pytest.param(
            85, None, (NOT_STARTED, 0, "Not attempted", "Pass with 85% or more"), id="no fact"
        ),
        pytest.param(
            None,
            QuizFact(result=None, attempts=0),
            (NOT_STARTED, 0, "Not attempted", "Pass with 70% or more"),
            id="never attempted",
        ),
        pytest.param(
            None,
            QuizFact(result=None, attempts=1, pending=True),
            (IN_PROGRESS, 0, "Attempt in progress or awaiting grading", "Pass with 70% or more"),
            id="first attempt pending",
        ),
        pytest.param(
            None,
            QuizFact(result=None, attempts=1),
            (IN_PROGRESS, 0, "No graded attempt yet", "Pass with 70% or more"),
            id="attempted, nothing graded",
        ),
        pytest.param(
            None,
            QuizFact(result=35, attempts=1),
            (IN_PROGRESS, 0.5, "Grade 35% (needs 70%)", "Pass with 70% or more"),
            id="failed",
        ),
        pytest.param(
            None,
            QuizFact(result=60, attempts=2, pending=True),
            (
                IN_PROGRESS,
                0.8571,
                "Grade 60% (needs 70%); an attempt is pending",
                "Pass with 70% or more",
            ),
            id="failed, retake pending",
        ),
        pytest.param(
            None,
            QuizFact(result=69.999, attempts=1),
            (IN_PROGRESS, 0.99, "Grade 69.9% (needs 70%)", "Pass with 70% or more"),
            id="a near miss is capped below done and never reads as a pass",
        ),
        pytest.param(
            None,
            QuizFact(result=70, attempts=1),
            (DONE, 1, "Passed with 70%", ""),
            id="exactly the pass mark passes",
        ),
        pytest.param(
            None,
            QuizFact(result=65.29, attempts=1, pass_mark=66.666),
            (IN_PROGRESS, 0.9794, "Grade 65.2% (needs 66.7%)", "Pass with 66.7% or more"),
            id="fractional marks",
        ),
        pytest.param(
            80,
            QuizFact(result=75, attempts=1, pass_mark=70),
            (IN_PROGRESS, 0.9375, "Grade 75% (needs 80%)", "Pass with 80% or more"),
            id="program mark above the quiz's: the program's applies",
        ),
        pytest.param(
            80,
            QuizFact(result=80, attempts=3, pass_mark=70),
            (DONE, 1, "Passed with 80%", ""),
            id="program mark met",
        ),
        pytest.param(
            60,
            QuizFact(result=65, attempts=1, pass_mark=70),
            (IN_PROGRESS, 0.9286, "Grade 65% (needs 70%)", "Pass with 70% or more"),
            id="program mark below the quiz's: the quiz's still applies",
        ),
        pytest.param(
            None,
            QuizFact(result=0, attempts=1, pass_mark=0),
            (DONE, 1, "Passed with 0%", ""),
            id="a quiz with no pass mark passes once graded",
        ),
    ],
)
def test_quiz(
    pass_mark: float | None, fact: QuizFact | None, expected: tuple[State, float, str, str]
) -> None:
    quizzes = {} if fact is None else {"category-system": fact}
    result = eligibility(
        program(quizzes=(QuizRequirement("category-system", pass_mark),)),
        facts(quizzes=quizzes),
        lesson_slugs=LIVE,
    )
    status = only(result)
    assert (status.kind, status.key, status.label) == (
        "quiz",
        "category-system",
        "Quiz: category-system",
    )
    assert summary(status) == expected


def test_quizzes_keep_program_order_and_ignore_unrequired_quizzes() -> None:
    result = eligibility(
        program(quizzes=(QuizRequirement("b"), QuizRequirement("a"))),
        facts(quizzes={"a": QuizFact(90, 1), "z": QuizFact(10, 1)}),
        lesson_slugs=LIVE,
    )
    assert [(r.key, r.state) for r in result.requirements] == [("b", NOT_STARTED), ("a", DONE)]


# --- Attendance and practical --------------------------------------------------------------


@pytest.mark.parametrize(
    ("required", "attended", "expected"),
    [
        (12, 0, (NOT_STARTED, 0, "0 of 12 hours", "12 more hours")),
        (12, 6, (IN_PROGRESS, 0.5, "6 of 12 hours", "6 more hours")),
        (12, 11, (IN_PROGRESS, 0.9167, "11 of 12 hours", "1 more hour")),
        (12, 11.7, (IN_PROGRESS, 0.975, "11.7 of 12 hours", "0.3 more hours")),
        (12, 11.999, (IN_PROGRESS, 0.9999, "11.99 of 12 hours", "0.01 more hours")),
        (12, 12, (DONE, 1, "12 of 12 hours", "")),
        (12, 15.5, (DONE, 1, "15.5 of 12 hours", "")),
        (1, 0, (NOT_STARTED, 0, "0 of 1 hour", "1 more hour")),
        (1.5, -2, (NOT_STARTED, 0, "0 of 1.5 hours", "1.5 more hours")),
    ],
)
def test_attendance(
    required: float, attended: float, expected: tuple[State, float, str, str]
) -> None:
    result = eligibility(
        program(attendance_hours=required), facts(attendance_hours=attended), lesson_slugs=LIVE
    )
    status = only(result)
    assert (status.kind, status.key, status.label) == (
        "attendance",
        "attendance",
        "Attendance hours",
    )
    assert summary(status) == expected


@pytest.mark.parametrize(
    ("passed", "attempted", "expected"),
    [
        (False, False, (NOT_STARTED, 0, "Not assessed yet", "An instructor's sign-off")),
        (False, True, (IN_PROGRESS, 0, "Assessed: not passed yet", "An instructor's sign-off")),
        (True, False, (DONE, 1, "Passed", "")),
        (True, True, (DONE, 1, "Passed", "")),
    ],
)
def test_practical(passed: bool, attempted: bool, expected: tuple[State, float, str, str]) -> None:
    result = eligibility(
        program(practical=True),
        facts(practical_passed=passed, practical_attempted=attempted),
        lesson_slugs=LIVE,
    )
    status = only(result)
    assert (status.kind, status.key, status.label) == (
        "practical",
        "practical",
        "Practical assessment",
    )
    assert summary(status) == expected


# --- The whole program ---------------------------------------------------------------------

FULL = Program(
    slug="sot-basic",
    title="Introductory seminar course in S.O.T. concepts",
    credential="Certificate of Completion: Introductory seminar course in S.O.T. concepts",
    lessons=None,
    quizzes=(QuizRequirement("foundations"), QuizRequirement("category-system", 80)),
    attendance_hours=12,
    practical=True,
)
PASSED = {"foundations": QuizFact(90, 1), "category-system": QuizFact(85, 2)}


def test_nothing_required_is_omitted_and_an_empty_program_is_complete() -> None:
    empty = program()
    assert empty.quizzes == () and empty.attendance_hours == 0 and empty.practical is False
    result = eligibility(empty, facts(), lesson_slugs=LIVE)
    assert result == Eligibility(requirements=(), eligible=True, percent=100)
    assert next_step(result) is None


@pytest.mark.parametrize(
    ("student", "eligible", "percent", "next_key"),
    [
        pytest.param(facts(), False, 0, "lessons", id="nothing yet"),
        pytest.param(
            facts(set(LIVE), PASSED, attendance_hours=12, practical_passed=True),
            True,
            100,
            None,
            id="everything",
        ),
        pytest.param(
            facts(set(LIVE), {"foundations": QuizFact(90, 1)}, attendance_hours=12),
            False,
            60,  # 1 + 1 + 0 + 1 + 0 over 5
            "category-system",
            id="quizzes follow lessons in program order",
        ),
        pytest.param(
            facts(set(LIVE), PASSED, attendance_hours=6, practical_passed=True),
            False,
            90,  # 1 + 1 + 1 + 0.5 + 1 over 5
            "attendance",
            id="attendance before practical",
        ),
        pytest.param(
            facts(set(LIVE), PASSED, attendance_hours=12, practical_attempted=True),
            False,
            80,
            "practical",
            id="only the practical left",
        ),
        pytest.param(
            facts(
                {"sacrum"},
                {"category-system": QuizFact(79, 1, pass_mark=70)},
                attendance_hours=1,
            ),
            False,
            # (0.25 + 0 + 0.9875 + 0.0833 + 0) / 5 = 0.2642: rounded down
            26,
            "lessons",
            id="partial progress is rounded down",
        ),
    ],
)
def test_verdict_percent_and_next_step(
    student: Facts, eligible: bool, percent: int, next_key: str | None
) -> None:
    result = eligibility(FULL, student, lesson_slugs=LIVE)
    assert [r.key for r in result.requirements] == [
        "lessons",
        "foundations",
        "category-system",
        "attendance",
        "practical",
    ]
    assert (result.eligible, result.percent) == (eligible, percent)
    step = next_step(result)
    assert (step.key if step else None) == next_key


@pytest.mark.parametrize(
    ("completed", "total", "percent"),
    [
        (0, 100, 0),
        (29, 100, 29),  # 0.29 * 100 is 28.999999999999996 in floating point
        (57, 100, 57),
        (1, 3, 33),
        (2, 3, 66),
        (99, 100, 99),
        (999, 1000, 99),
        (100, 100, 100),
    ],
)
def test_percent_is_rounded_down(completed: int, total: int, percent: int) -> None:
    live = [f"lesson-{i}" for i in range(total)]
    result = eligibility(program(lessons=None), facts(set(live[:completed])), lesson_slugs=live)
    assert result.percent == percent
    assert result.eligible is (completed == total)


@pytest.mark.parametrize(
    ("student", "requirements"),
    [
        pytest.param(
            facts(attendance_hours=11.99999999999),
            {"attendance_hours": 12},
            id="a hair short of the hours",
        ),
        pytest.param(
            facts(set(LIVE), {"q": QuizFact(99.9999, 1, pass_mark=100)}),
            {"lessons": None, "quizzes": (QuizRequirement("q"),)},
            id="a near-perfect quiz short of a 100 mark",
        ),
    ],
)
def test_percent_is_never_100_unless_eligible(
    student: Facts, requirements: dict[str, object]
) -> None:
    result = eligibility(program(**requirements), student, lesson_slugs=LIVE)
    assert not result.eligible
    assert result.percent == 99


def test_next_step_is_the_first_requirement_not_done() -> None:
    result = eligibility(
        FULL,
        facts(set(LIVE), {"foundations": QuizFact(50, 1)}, practical_passed=True),
        lesson_slugs=LIVE,
    )
    step = next_step(result)
    assert step is not None
    assert (step.key, step.state, step.missing) == (
        "foundations",
        IN_PROGRESS,
        "Pass with 70% or more",
    )


def test_state_values_are_stable_strings() -> None:
    # Templates and JSON use these values; renaming one is a breaking change.
    assert [str(s) for s in State] == ["done", "in_progress", "not_started"]
