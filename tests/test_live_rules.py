"""The live quiz's pure rules, by tables: points, right-minus-wrong, places with ties, a question
typed by the host, the question types' live offer, and rotating check-in codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from seminar.core import checkin_codes
from seminar.core.errors import SeminarError
from seminar.core.live import mark, picked_choices, places, points_for, typed_draft
from seminar.core.questions import Choice, LiveDraft, Question, question_type


@pytest.mark.parametrize(
    ("elapsed", "points"), [(0, 1000), (10, 750), (20, 500), (25, 500), (5, 875)]
)
def test_kahoot_points(elapsed: float, points: int) -> None:
    assert points_for(elapsed, 20) == points


@pytest.mark.parametrize(
    ("kind", "correct", "picked", "fraction", "points"),
    [
        ("single", [1], [1], 1.0, 1000),
        ("single", [1], [0], 0.0, 0),
        ("true_false", [0], [0], 1.0, 1000),
        ("true_false", [0], [1], 0.0, 0),
        # Several right: one right tap earns its share only (it scored 908 as a single tap).
        ("multiple", [0, 2], [0], 0.5, 500),
        ("multiple", [0, 2], [0, 2], 1.0, 1000),
        ("multiple", [0, 2], [0, 2, 4], 0.5, 500),  # a wrong pick costs a right one's share
        ("multiple", [0, 2], [0, 1, 2, 3, 4], 0.0, 0),  # ticking everything earns nothing
        ("multiple", [0, 2], [1], 0.0, 0),  # never below zero
        ("multiple", [0, 1, 2], [0], 1 / 3, 333),
        ("poll", [], [3], None, 0),
    ],
)
def test_marks(
    kind: str, correct: list[int], picked: list[int], fraction: float | None, points: int
) -> None:
    result = mark(kind, correct, picked, elapsed=0, allowed=20)
    if fraction is None:
        assert result.fraction is None
    else:
        assert result.fraction == pytest.approx(fraction)
    assert result.points == points
    assert result.points <= mark("single", [0], [0], 0, 20).points  # never more than a right tap


def test_one_right_tap_of_five_never_beats_a_right_single_answer() -> None:
    """The issue's case: one right choice of five (two right) scored 908 at 4 s of 20."""
    single = mark("single", [1], [1], elapsed=4, allowed=20)
    one_tap = mark("multiple", [1, 3], [1], elapsed=4, allowed=20)
    assert single.points == 900 and one_tap.points == 450
    assert (one_tap.outcome, single.outcome) == ("partial", "right")
    assert one_tap.correct is False and mark("poll", [], [0], 1, 20).correct is None


@pytest.mark.parametrize(
    ("kind", "values", "size", "picked"),
    [
        ("single", ["2"], 3, [2]),
        ("multiple", ["2", "0", "2"], 3, [0, 2]),
        ("poll", [1], 4, [1]),
    ],
)
def test_picked_choices(kind: str, values: list[object], size: int, picked: list[int]) -> None:
    assert picked_choices(kind, values, size) == picked


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        ("single", [], "Pick one of the choices."),
        ("single", ["0", "1"], "Pick one choice only."),
        ("multiple", [], "Pick at least one."),
        ("multiple", ["3"], "Pick one of the choices."),
        ("single", ["-1"], "Pick one of the choices."),
        ("single", [True], "Pick one of the choices."),
        ("single", ["x"], "Pick one of the choices."),
    ],
)
def test_picked_choices_refused(kind: str, values: list[object], message: str) -> None:
    with pytest.raises(SeminarError, match=message):
        picked_choices(kind, values, 3)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([0, 0], [1, 1]),  # two players on 0 points are both 1st
        ([100, 90, 90, 80], [1, 2, 2, 4]),
        ([80, 100, 90], [3, 1, 2]),
        ([], []),
    ],
)
def test_places_share_ties(scores: list[int], expected: list[int]) -> None:
    assert places(scores) == expected


@pytest.mark.parametrize(
    ("kind", "choices", "right", "draft"),
    [
        ("single", "A\nB\n\nC", "2", LiveDraft("Q?", ["A", "B", "C"], [1], "single")),
        ("multiple", "A\nB\nC", "1, 3", LiveDraft("Q?", ["A", "B", "C"], [0, 2], "multiple")),
        ("multiple", "A\nB\nC", "3 1", LiveDraft("Q?", ["A", "B", "C"], [0, 2], "multiple")),
        ("true_false", "", "2", LiveDraft("Q?", ["True", "False"], [1], "true_false")),
        ("true_false", "", "True", LiveDraft("Q?", ["True", "False"], [0], "true_false")),
        ("poll", "Yes\nNo\nMaybe", "", LiveDraft("Q?", ["Yes", "No", "Maybe"], [], "poll")),
    ],
)
def test_a_question_typed_by_the_host(
    kind: str, choices: str, right: str, draft: LiveDraft
) -> None:
    assert typed_draft(kind, " Q? ", choices, right) == draft


@pytest.mark.parametrize(
    ("kind", "stem", "choices", "right", "field", "message"),
    [
        ("essay", "Q?", "A\nB", "1", "kind", "what kind"),
        ("single", "  ", "A\nB", "1", "stem", "Type the question"),
        ("single", "Q?", "A", "1", "choices", "between 2 and 6"),
        ("poll", "Q?", "\n".join("ABCDEFG"), "", "choices", "between 2 and 6"),
        ("single", "Q?", "A\nB", "3", "correct", "from 1 to 2"),
        ("single", "Q?", "A\nB", "1, 2", "correct", "one right choice"),
        ("single", "Q?", "A\nB", "", "correct", "one right choice"),
        ("multiple", "Q?", "A\nB", "", "correct", "numbers of the right"),
        ("multiple", "Q?", "A\nB", "1,2", "correct", "must be wrong"),
        ("true_false", "Q?", "", "maybe", "correct", "1 \\(True\\) or 2"),
    ],
)
def test_a_typed_question_refused_names_its_field(
    kind: str, stem: str, choices: str, right: str, field: str, message: str
) -> None:
    with pytest.raises(SeminarError, match=message) as refused:
        typed_draft(kind, stem, choices, right)
    assert refused.value.field == field


def test_quiz_questions_offered_as_a_poll_keep_choices_and_lose_answers() -> None:
    multiple = Question(
        id="m", type="multiple", stem="?", choices=(Choice("a", 50), Choice("b", 50), Choice("c"))
    )
    tf = Question(id="t", type="true_false", stem="?", answer=True)
    assert question_type(multiple).to_live(multiple, poll=True) == LiveDraft(
        "?", ["a", "b", "c"], [], "poll"
    )
    assert question_type(tf).to_live(tf, poll=True) == LiveDraft("?", ["True", "False"], [], "poll")


T0 = datetime(2026, 11, 21, 9, 0, 0, tzinfo=UTC)


def test_rotating_codes_change_each_step_and_accept_the_previous_one() -> None:
    secret = "s3cret"
    first = checkin_codes.current_code(secret, 30, T0)
    assert len(first) == 6 and set(first) <= set(checkin_codes.ALPHABET)
    assert checkin_codes.current_code(secret, 30, T0 + timedelta(seconds=29)) == first
    later = T0 + timedelta(seconds=30)
    second = checkin_codes.current_code(secret, 30, later)
    assert second != first
    assert checkin_codes.accepted_codes(secret, 30, later) == (second, first)
    assert first not in checkin_codes.accepted_codes(secret, 30, later + timedelta(seconds=30))
    # Another session's secret gives other codes; the same secret, the same codes anywhere.
    assert checkin_codes.current_code("other", 30, T0) != first
    assert checkin_codes.current_code(secret, 30, T0) == first
    assert checkin_codes.seconds_to_next(30, T0 + timedelta(seconds=12)) == 18
