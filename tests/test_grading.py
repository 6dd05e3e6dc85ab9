"""Table tests for every question type's grading."""

from __future__ import annotations

import pytest

from seminar.core.content.quiz_model import Answer, Choice, Pair, Question
from seminar.core.grading import grade_text
from seminar.core.questions import TYPES, QuestionType, Response, question_type
from seminar.core.questions.numeric import parse_number
from seminar.core.questions.short import normalise_text


def grade(question: Question, response: Response):
    return question_type(question).grade(question, response)


def correct_response(question: Question) -> Response:
    return question_type(question).correct(question)


SINGLE = Question(
    id="s",
    type="single",
    stem="?",
    choices=(
        Choice("Category I", 0, "No: that is the respiratory pattern."),
        Choice("Category II", 100, "Right."),
        Choice("Half right", 50),
    ),
)
MULTIPLE = Question(
    id="m",
    type="multiple",
    stem="?",
    choices=(
        Choice("a", 50, "a is right"),
        Choice("b", 50),
        Choice("c", -50, "c is wrong"),
        Choice("d", -50),
    ),
)
TF = Question(
    id="t",
    type="true_false",
    stem="?",
    answer=True,
    feedback_if_true="You picked True.",
    feedback_if_false="You picked False.",
)
SHORT = Question(
    id="sh",
    type="short",
    stem="?",
    answers=(Answer(text="sacrum", weight=100), Answer(text="Os  Sacrum", weight=100),
             Answer(text="sacr*", weight=50, feedback="Close.")),
)  # fmt: skip
NUMERIC = Question(
    id="n",
    type="numeric",
    stem="?",
    answers=(
        Answer(value=5, tolerance=0, weight=100, feedback="Exactly."),
        Answer(min=4, max=6, weight=50, feedback="Near."),
        Answer(value=0.3, tolerance=0, weight=100),
        Answer(text="*", weight=0, feedback="Count the fused segments."),
    ),
)
MATCHING = Question(
    id="mt",
    type="matching",
    stem="?",
    pairs=(Pair("occiput", "skull"), Pair("sacrum", "pelvis"), Pair("atlas", "neck")),
)
ESSAY = Question(id="e", type="essay", stem="Explain.")
ORDERING = Question(
    id="o", type="ordering", stem="?", choices=(Choice("a"), Choice("b"), Choice("c"), Choice("d"))
)


@pytest.mark.parametrize(
    ("question", "response", "fraction", "feedback"),
    [
        (SINGLE, {"choice": 1}, 1.0, ("Right.",)),
        (SINGLE, {"choice": 0}, 0.0, ("No: that is the respiratory pattern.",)),
        (SINGLE, {"choice": 2}, 0.5, ()),
        (SINGLE, {"choice": 7}, 0.0, ()),
        (SINGLE, {"choice": True}, 0.0, ()),
        (SINGLE, {"choice": "1"}, 0.0, ()),
        (SINGLE, None, 0.0, ()),
        (MULTIPLE, {"choices": [0, 1]}, 1.0, ("a is right",)),
        (MULTIPLE, {"choices": [0]}, 0.5, ("a is right",)),
        (MULTIPLE, {"choices": [0, 1, 2]}, 0.5, ("a is right", "c is wrong")),
        (MULTIPLE, {"choices": [0, 2, 3]}, 0.0, ("a is right", "c is wrong")),  # never below 0
        (MULTIPLE, {"choices": [2, 3]}, 0.0, ("c is wrong",)),
        (MULTIPLE, {"choices": [0, 0, 0]}, 0.5, ("a is right",)),  # a repeat counts once
        (MULTIPLE, {"choices": []}, 0.0, ()),
        (TF, {"value": True}, 1.0, ("You picked True.",)),
        (TF, {"value": False}, 0.0, ("You picked False.",)),
        (TF, {"value": "true"}, 0.0, ()),
        (SHORT, {"text": "  SACRUM "}, 1.0, ()),
        (SHORT, {"text": "os sacrum"}, 1.0, ()),
        (SHORT, {"text": "sacral"}, 0.5, ("Close.",)),
        (SHORT, {"text": "coccyx"}, 0.0, ()),
        (SHORT, {"text": ""}, 0.0, ()),
        (NUMERIC, {"value": "5"}, 1.0, ("Exactly.",)),
        (NUMERIC, {"value": " 5.0 "}, 1.0, ("Exactly.",)),
        (NUMERIC, {"value": "4,5"}, 0.5, ("Near.",)),
        (NUMERIC, {"value": "6"}, 0.5, ("Near.",)),
        (NUMERIC, {"value": str(0.1 + 0.2)}, 1.0, ()),
        (NUMERIC, {"value": "9"}, 0.0, ("Count the fused segments.",)),
        (NUMERIC, {"value": "five"}, 0.0, ()),
        (NUMERIC, {"value": "nan"}, 0.0, ()),
        (NUMERIC, {"value": "inf"}, 0.0, ()),
        (MATCHING, {"matches": [0, 1, 2]}, 1.0, ()),
        (MATCHING, {"matches": [0, 2, 1]}, pytest.approx(1 / 3), ()),
        (MATCHING, {"matches": [0, None]}, pytest.approx(1 / 3), ()),
        (MATCHING, {"matches": [9, -1, "x"]}, 0.0, ()),
        (ESSAY, {"text": "A thoughtful answer."}, None, ()),
        (ESSAY, {"text": "   "}, 0.0, ()),
        (ESSAY, None, 0.0, ()),
        (ORDERING, {"positions": [0, 1, 2, 3]}, 1.0, ()),
        (ORDERING, {"positions": [1, 0, 2, 3]}, 0.5, ()),  # credit per item in its place
        (ORDERING, {"positions": [0, 0, 0, 0]}, 0.25, ()),
        (ORDERING, {"positions": [3, 2, 1, 0]}, 0.0, ()),
        (ORDERING, {"positions": [0, None]}, 0.25, ()),
        (ORDERING, {"positions": [True, "1", 9]}, 0.0, ()),
        (ORDERING, None, 0.0, ()),
    ],
)
def test_grading_table(question, response, fraction, feedback) -> None:
    result = grade(question, response)
    assert result.fraction == fraction
    assert result.feedback == feedback


def test_matching_credits_duplicate_right_hand_texts() -> None:
    q = Question(
        id="d", type="matching", stem="?", pairs=(Pair("a", "x"), Pair("b", "x"), Pair("c", "y"))
    )
    assert grade(q, {"matches": [1, 0, 2]}).fraction == 1.0


def test_single_choice_negative_weight_is_zero() -> None:
    q = Question(id="n", type="single", stem="?", choices=(Choice("bad", -100), Choice("ok", 100)))
    assert grade(q, {"choice": 0}).fraction == 0.0


def test_every_question_type_has_a_grader() -> None:
    from seminar.core.content.quiz_model import QUESTION_TYPES

    assert set(TYPES) == set(QUESTION_TYPES)
    graded = [t for t in TYPES.values() if t.graded]
    assert all(type(t).grade is not QuestionType.grade for t in graded)


@pytest.mark.parametrize("question", [SINGLE, MULTIPLE, TF, SHORT, MATCHING, ORDERING])
def test_correct_response_gets_full_marks(question: Question) -> None:
    assert grade(question, correct_response(question)).fraction == 1.0


def test_correct_numeric_response_is_shown_readably() -> None:
    assert correct_response(NUMERIC) == {"value": "5"}
    ranged = Question(id="r", type="numeric", stem="?", answers=(Answer(min=1, max=5),))
    assert correct_response(ranged) == {"value": "1 to 5"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Os   SACRUM ", "os sacrum"),
        ("\uff33\uff21\uff23\uff32\uff35\uff2d", "sacrum"),  # full-width letters
        ("Straße", "strasse"),
    ],
)
def test_normalise_text(text: str, expected: str) -> None:
    assert normalise_text(text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("2", 2.0), ("-2.5", -2.5), ("2,5", 2.5), ("\u22123", -3.0), ("1e3", 1000.0), ("", None),
     ("1,000,000", None), (True, None), (7, 7.0)],
)  # fmt: skip
def test_parse_number(text: object, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", 90.0), ("average", 70.0), ("first", 50.0), ("last", 70.0)],
)
def test_aggregate_by_grading_method(method: str, expected: float) -> None:
    from seminar.core.grading import aggregate

    assert aggregate([50.0, 90.0, 70.0], method) == expected
    assert aggregate([], method) is None


def test_discrimination_matches_pearson() -> None:
    from statistics import correlation

    from seminar.core.grading import discrimination

    xs = [1.0, 0.0, 1.0, 1.0, 0.0, 0.5]
    ys = [0.9, 0.2, 0.7, 0.8, 0.4, 0.5]
    sums = (len(xs), sum(xs), sum(ys), sum(x * x for x in xs), sum(y * y for y in ys),
            sum(x * y for x, y in zip(xs, ys, strict=True)))  # fmt: skip
    assert discrimination(*sums) == pytest.approx(correlation(xs, ys))
    assert discrimination(1, 1, 1, 1, 1, 1) is None
    assert discrimination(3, 3, 1.5, 3, 0.9, 1.5) is None  # no variance in x


@pytest.mark.parametrize(
    ("percent", "needed", "text"),
    [
        (36.666, False, "36.6"),  # at most one decimal place
        (97.5, False, "97.5"),
        (98.0, False, "98"),  # no trailing .0
        (79.96, False, "79.9"),  # a failing grade never rounds up to the mark it needs
        (65.3, False, "65.3"),  # binary floating point does not make it 65.2
        (0.04, False, "0"),
        (100, False, "100"),
        (66.666, True, "66.7"),  # a mark needed is rounded up: the figure shown is enough
        (70, True, "70"),
        (-12.5, False, "-12.5"),
    ],
)
def test_grade_text(percent: float, needed: bool, text: str) -> None:
    assert grade_text(percent, needed=needed) == text
