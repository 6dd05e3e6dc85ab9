"""Pure tests: a practical exam's rubric scored, two examiners reconciled (a third deciding), and
the `exam:` block of program.yml with its problems and their lines."""

from __future__ import annotations

import dataclasses
import textwrap
from fractions import Fraction

import pytest

from seminar.core import record_wording as wording
from seminar.core.certification import ExamFact, Facts, State, eligibility
from seminar.core.content.problems import ContentError
from seminar.core.content.programs import (
    Program,
    parse_programs,
    program_from_dict,
    program_to_dict,
)
from seminar.core.rubric import (
    ExamSpec,
    RubricItem,
    Verdict,
    percent_words,
    reconcile,
    score,
)
from tests.test_programs import SHIPPED_EXAM

# The shipped introductory course's exam: weights 2, 3, 2, 2, 1 (full marks: 20 points); the
# first and third items are critical; 75% to pass; two examiners, 15 points of tolerance.
SPEC = SHIPPED_EXAM
ALL = (2, 2, 2, 2, 2)
CRITICAL_MISSED = (0, 2, 2, 2, 2)  # 80%, but a critical item "Not shown"


@pytest.mark.parametrize(
    ("marks", "percent", "passed", "failed_critical"),
    [
        pytest.param(ALL, 100, True, (), id="everything competent"),
        pytest.param((1, 1, 1, 1, 1), 50, False, (), id="everything partly: half marks"),
        pytest.param((2, 2, 2, 2, 0), 90, True, (), id="a non-critical item not shown"),
        pytest.param(CRITICAL_MISSED, 80, False, (0,), id="a critical item not shown fails"),
        pytest.param((2, 2, 0, 2, 2), 80, False, (2,), id="the other critical item"),
        pytest.param((2, 2, 2, 0, 1), 75, True, (), id="exactly the pass mark passes"),
        pytest.param((2, 1, 2, 1, 1), 70, False, (), id="below the pass mark"),
        pytest.param((1, 2, 1, 2, 2), 80, True, (), id="critical items partly shown pass"),
        pytest.param((0, 0, 0, 0, 0), 0, False, (0, 2), id="nothing shown"),
    ],
)
def test_scoring(
    marks: tuple[int, ...], percent: float, passed: bool, failed_critical: tuple[int, ...]
) -> None:
    scored = score(SPEC, marks)
    assert (scored.percent, scored.passed, scored.failed_critical) == (
        percent,
        passed,
        failed_critical,
    )


def test_scores_are_exact_and_read_rounded_down() -> None:
    """Two thirds never round up to a pass mark of 66.67, nor read as one."""
    spec = ExamSpec(rubric=tuple(RubricItem(f"Item {i}") for i in range(3)), pass_percent=66.67)
    scored = score(spec, (2, 2, 0))
    assert scored.percent == Fraction(200, 3) and not scored.passed
    assert percent_words(scored.percent) == "66.66%"


@pytest.mark.parametrize("marks", [(2, 2, 2, 2), (2, 2, 2, 2, 2, 2), (2, 2, 3, 2, 2), (-1,) * 5])
def test_marks_of_the_wrong_shape_are_refused(marks: tuple[int, ...]) -> None:
    with pytest.raises(ValueError):
        score(SPEC, marks)


SCORES_APART = (2, 1, 2, 1, 2)  # 75%: a pass, 25 points below full marks


@pytest.mark.parametrize(
    ("first", "second", "third", "verdict", "passed", "percent", "reasons"),
    [
        pytest.param(None, None, None, Verdict.AWAITING, None, None, 0, id="nothing marked"),
        pytest.param(ALL, None, None, Verdict.AWAITING, None, None, 0, id="one of two marked"),
        pytest.param(ALL, ALL, None, Verdict.AGREED, True, 100, 0, id="agree: pass"),
        pytest.param(
            ALL, (2, 2, 2, 2, 0), None, Verdict.AGREED, True, 95, 0, id="agree: mean score"
        ),
        pytest.param(
            ALL, (2, 1, 2, 2, 2), None, Verdict.AGREED, True, 92.5, 0, id="apart by the tolerance"
        ),
        pytest.param(
            (1, 1, 1, 1, 1), (1, 1, 1, 1, 1), None, Verdict.AGREED, False, 50, 0, id="agree: fail"
        ),
        pytest.param(
            ALL, CRITICAL_MISSED, None, Verdict.FLAGGED, None, None, 3, id="critical disagreement"
        ),
        pytest.param(
            CRITICAL_MISSED, (2, 2, 0, 2, 2), None, Verdict.FLAGGED, None, None, 2,
            id="both fail, on different critical items",
        ),
        pytest.param(
            ALL, SCORES_APART, None, Verdict.FLAGGED, None, None, 1, id="scores too far apart"
        ),
        pytest.param(
            ALL, CRITICAL_MISSED, ALL, Verdict.DECIDED, True, 100, 3, id="the third passes"
        ),
        pytest.param(
            ALL, CRITICAL_MISSED, CRITICAL_MISSED, Verdict.DECIDED, False, 80, 3,
            id="the third fails the critical item",
        ),
        pytest.param(
            ALL, ALL, CRITICAL_MISSED, Verdict.AGREED, True, 100, 0,
            id="a third sheet on an agreed exam changes nothing",
        ),
    ],
)  # fmt: skip
def test_reconciliation(
    first: tuple[int, ...] | None,
    second: tuple[int, ...] | None,
    third: tuple[int, ...] | None,
    verdict: Verdict,
    passed: bool | None,
    percent: float | None,
    reasons: int,
) -> None:
    result = reconcile(SPEC, first, second, third)
    assert (result.verdict, result.passed, result.percent) == (verdict, passed, percent)
    assert len(result.reasons) == reasons
    assert result.final == (verdict in (Verdict.AGREED, Verdict.DECIDED))


def test_the_reasons_say_what_was_disagreed_on() -> None:
    result = reconcile(SPEC, ALL, CRITICAL_MISSED)
    assert result.reasons == (
        "Critical item 'Case history and screening for red flags': failed by one examiner, not "
        "by the other",
        "One examiner passes the candidate and the other fails them",
        "Scores 100% and 80% are 20 points apart (more than 15)",
    )


def test_one_examiner_decides_alone() -> None:
    single = ExamSpec(rubric=SPEC.rubric, examiners=1)
    assert reconcile(single, CRITICAL_MISSED).verdict is Verdict.AGREED
    assert reconcile(single, CRITICAL_MISSED).passed is False


# --- program.yml -------------------------------------------------------------------------

HEAD = """
programs:
  - slug: basic
    title: Basic
    credential: Certificate of Completion, Basic
    requires:
      practical: true
"""


def parsed(exam: str) -> ExamSpec | None:
    text = textwrap.dedent(HEAD).lstrip("\n") + textwrap.indent(textwrap.dedent(exam), "    ")
    (program,) = parse_programs(text, path="program.yml")
    return program.exam


def problems(exam: str, head: str = HEAD) -> list[tuple[int, str]]:
    text = textwrap.dedent(head).lstrip("\n") + textwrap.indent(textwrap.dedent(exam), "    ")
    with pytest.raises(ContentError) as info:
        parse_programs(text, path="program.yml")
    return [(p.line, p.message) for p in info.value.problems]


def test_an_exam_parses_and_survives_storage() -> None:
    exam = parsed(
        """
        exam:
          minutes: 30
          pass_percent: 80
          examiners: 1
          tolerance: 0
          rubric:
            - item: History
              weight: 2
              critical: true
            - item: Explanation
        """
    )
    assert exam == ExamSpec(
        rubric=(RubricItem("History", 2, True), RubricItem("Explanation", 1, False)),
        minutes=30,
        pass_percent=80,
        examiners=1,
        tolerance=0,
    )
    text = textwrap.dedent(HEAD).lstrip("\n") + "    exam:\n      rubric:\n        - item: A\n"
    (program,) = parse_programs(text, path="program.yml")
    assert program_from_dict(program_to_dict(program)) == program
    assert program.exam is not None and program.exam.examiners == 2  # the defaults


@pytest.mark.parametrize(
    ("exam", "expected"),
    [
        pytest.param("exam: yes\n", [(7, "'exam' must be a mapping with a rubric and a pass rule")],
                     id="not a mapping"),
        pytest.param("exam:\n  minutes: 45\n",
                     [(7, "the exam needs a 'rubric': a list of items to mark")], id="no rubric"),
        pytest.param(
            "exam:\n  examiners: 3\n  pass_percent: 0\n  tolerance: 101\n  rubric: [{item: A}]\n",
            [(8, "'examiners' must be a whole number from 1 to 2"),
             (9, "'pass_percent' must be a number above 0, up to 100"),
             (10, "'tolerance' must be a number from 0, up to 100")],
            id="bounds",
        ),
        pytest.param(
            "exam:\n  rubric:\n    - item: A\n      weight: 11\n    - item: a\n"
            "    - critical: maybe\n    - Just text\n",
            [(10, "'weight' must be a whole number from 1 to 10"),
             (11, "rubric item 'a' is listed twice (first at line 9)"),
             (12, "'critical' must be true or false"),
             (12, "a rubric item needs 'item' text of up to 200 characters"),
             (13, "a rubric item is a mapping: '- item: ...', 'weight', 'critical'")],
            id="items",
        ),
        pytest.param(
            "exam:\n  rubric:\n" + "".join(f"    - item: I{i}\n" for i in range(31)),
            [(8, "'rubric' has 31 items; at most 30")], id="too many items",
        ),
        pytest.param("exam:\n  rubric: [{item: A}]\n  grade: 3\n",
                     [(9, "unknown key 'grade' in 'exam' (known: title, minutes, pass_percent, "
                          "examiners, tolerance, rubric)")], id="unknown key"),
    ],
)  # fmt: skip
def test_exam_problems_and_their_lines(exam: str, expected: list[tuple[int, str]]) -> None:
    assert problems(exam) == expected


def test_an_exam_needs_the_practical_requirement() -> None:
    head = HEAD.replace("practical: true", "practical: false")
    assert problems("exam:\n  rubric: [{item: A}]\n", head) == [
        (7, "an 'exam' is taken for the practical requirement: add 'practical: true' to 'requires'")
    ]


# --- the practical requirement, met by an exam or (as before exams) a sign-off ---------------

EXAMINED = Program(
    slug="basic", title="Basic", credential="Certificate", lessons=(), practical=True, exam=SPEC
)
SIGNED_OFF = dataclasses.replace(EXAMINED, exam=None)


@pytest.mark.parametrize(
    ("program", "facts", "state", "detail", "missing"),
    [
        pytest.param(EXAMINED, Facts(frozenset(), {}), State.NOT_STARTED, "Not assessed yet",
                     "Pass the practical exam", id="nothing yet"),
        pytest.param(EXAMINED, Facts(frozenset(), {}, exam=ExamFact("booked")),
                     State.IN_PROGRESS, "Practical exam booked", "Pass the practical exam",
                     id="booked"),
        pytest.param(EXAMINED, Facts(frozenset(), {}, exam=ExamFact("flagged")),
                     State.IN_PROGRESS, "Examiners disagree: a third examiner decides",
                     "Pass the practical exam", id="flagged"),
        pytest.param(EXAMINED, Facts(frozenset(), {}, exam=ExamFact("failed", 74.999)),
                     State.IN_PROGRESS, "Practical exam not passed (74.9%)",
                     "Pass the practical exam", id="failed: the score read down"),
        pytest.param(EXAMINED, Facts(frozenset(), {}, exam=ExamFact("passed", 92.5)),
                     State.DONE, "Practical exam passed with 92.5%", "", id="passed"),
        pytest.param(EXAMINED, Facts(frozenset(), {}, practical_passed=True,
                                     practical_attempted=True),
                     State.DONE, "Passed", "", id="an old sign-off still counts"),
        pytest.param(SIGNED_OFF, Facts(frozenset(), {}, practical_attempted=True),
                     State.IN_PROGRESS, "Assessed: not passed yet", "An instructor's sign-off",
                     id="no exam: sign-offs as before"),
    ],
)  # fmt: skip
def test_the_practical_requirement(
    program: Program, facts: Facts, state: State, detail: str, missing: str
) -> None:
    (practical,) = eligibility(program, facts, lesson_slugs=[]).requirements
    assert (practical.state, practical.detail, practical.missing) == (state, detail, missing)
    assert practical.progress == (1.0 if state is State.DONE else 0.0)


@pytest.mark.parametrize(
    ("program", "facts", "public"),
    [
        (EXAMINED, Facts(frozenset(), {}, exam=ExamFact("passed", 92.5)),
         "Practical skills: practical exam passed"),
        (EXAMINED, Facts(frozenset(), {}, exam=ExamFact("failed", 60)),
         "Practical skills: practical exam not passed"),
        # Met by an instructor's sign-off: the record says so, never that an exam was passed.
        (EXAMINED, Facts(frozenset(), {}, practical_passed=True),
         "Practical skills: signed off by an instructor"),
        (SIGNED_OFF, Facts(frozenset(), {}, practical_passed=True),
         "Practical skills: signed off by an instructor"),
    ],
)  # fmt: skip
def test_a_record_states_the_practical_without_its_score(
    program: Program, facts: Facts, public: str
) -> None:
    (practical,) = eligibility(program, facts, lesson_slugs=[]).requirements
    evidence = wording.requirement_evidence(practical, program, {})
    assert evidence["public"] == public
    assert "%" not in evidence["public"]


def test_the_criteria_name_the_exam_and_its_pass_rule() -> None:
    assert wording.program_criteria(EXAMINED) == (
        "Pass a practical exam marked by two examiners (75% or more, and every critical item)."
    )
    assert wording.program_criteria(SIGNED_OFF) == (
        "Have practical skills assessed and signed off by an instructor."
    )
