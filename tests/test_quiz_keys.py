"""Pure tests: the answer keys of every shipped quiz stay balanced, so guessing by pattern fails.

Two cues let a student pass without knowing the content: true/false items that are nearly always
keyed the same way, and single-choice items whose right option is nearly always the longest. Every
quiz in quizzes/ must keep no more than 70 % of its true/false keys one way, and have the right
option the longest (ties count as longest) in no more than 40 % of its single-choice items.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from seminar.core.content.quizzes import PARSERS, parse_quiz_file
from seminar.core.questions.model import Choice, Question

REPO = Path(__file__).resolve().parent.parent
QUIZZES = REPO / "quizzes"
MAX_ONE_WAY = 0.70  # share of true/false keys that may point the same way
MAX_LONGEST_RIGHT = 0.40  # share of single-choice items whose right option may be the longest


def shipped_quiz_files() -> list[Path]:
    """Every quiz file the sync would load from quizzes/ (the README there is not a quiz)."""
    return sorted(
        p
        for p in QUIZZES.iterdir()
        if p.is_file() and p.suffix in PARSERS and p.name.lower() != "readme.md"
    )


def true_false_split(questions: tuple[Question, ...]) -> tuple[int, int]:
    """(keyed True, keyed False) over the true/false questions."""
    keys = [q.answer for q in questions if q.type == "true_false"]
    return sum(1 for k in keys if k), sum(1 for k in keys if not k)


def right_option_is_longest(question: Question) -> bool:
    """Whether the right option is at least as long as every other option (a tie counts)."""
    right = [c for c in question.choices if c.weight == 100]
    assert len(right) == 1, f"{question.id}: a single-choice question has one right option"
    others = [len(c.text.strip()) for c in question.choices if c is not right[0]]
    return len(right[0].text.strip()) >= max(others)


def key_problems(questions: tuple[Question, ...]) -> list[str]:
    """Why a quiz's keys are unbalanced, or nothing."""
    problems = []
    true, false = true_false_split(questions)
    if true + false and max(true, false) > MAX_ONE_WAY * (true + false):
        problems.append(f"true/false keys: {true} True, {false} False")
    singles = [q for q in questions if q.type == "single"]
    longest = [q.id for q in singles if right_option_is_longest(q)]
    if singles and len(longest) > MAX_LONGEST_RIGHT * len(singles):
        problems.append(
            f"right option longest in {len(longest)} of {len(singles)} single-choice items: "
            + ", ".join(longest)
        )
    return problems


# --- the checks themselves, on made-up quizzes, so that they can be seen to fail ---------------


def tf(qid: str, answer: bool) -> Question:
    return Question(id=qid, type="true_false", stem="S", answer=answer)


def single(qid: str, right: str, *wrong: str) -> Question:
    choices = (Choice(right, 100), *(Choice(w, 0) for w in wrong))
    return Question(id=qid, type="single", stem="S", choices=choices)


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        pytest.param((), [], id="no keyed items"),
        pytest.param((tf("a", False), tf("b", True)), [], id="true/false half and half"),
        pytest.param(
            (tf("a", False), tf("b", False), tf("c", True)), [], id="two to one is 67 percent"
        ),
        pytest.param(
            (tf("a", False), tf("b", False), tf("c", False), tf("d", True)),
            ["true/false keys: 1 True, 3 False"],
            id="three to one is too many",
        ),
        pytest.param((tf("a", False),), ["true/false keys: 0 True, 1 False"], id="a lone item"),
        pytest.param(
            (single("a", "right", "a wrong answer"), single("b", "right", "wrong answer"),
             single("c", "the longest right", "wrong")),
            [],
            id="longest right in one of three",
        ),
        pytest.param(
            (single("a", "the right one", "wrong"), single("b", "right", "the wrong one")),
            ["right option longest in 1 of 2 single-choice items: a"],
            id="one of two is over 40 percent",
        ),
        pytest.param(
            (single("a", "same", "size"), single("b", "right", "a longer wrong one"),
             single("c", "right", "a longer wrong one")),
            [],
            id="a tie counts as longest",
        ),
        pytest.param(
            (single("a", "same", "size"), single("b", "tied", "ties"),
             single("c", "right", "a longer wrong one")),
            ["right option longest in 2 of 3 single-choice items: a, b"],
            id="two ties of three are too many",
        ),
    ],
)  # fmt: skip
def test_key_problems(questions: tuple[Question, ...], expected: list[str]) -> None:
    assert key_problems(questions) == expected


# --- every shipped quiz ------------------------------------------------------------------------


def test_every_quiz_file_in_the_folder_is_checked() -> None:
    files = shipped_quiz_files()
    assert len(files) == 11
    assert {p.suffix for p in files} == {".md", ".gift"}


@pytest.mark.parametrize("path", shipped_quiz_files(), ids=lambda p: p.name)
def test_shipped_quiz_keys_are_balanced(path: Path) -> None:
    quiz = parse_quiz_file(path).quiz
    assert key_problems(quiz.questions) == [], f"{path.name}: {key_problems(quiz.questions)}"


@pytest.mark.parametrize("path", shipped_quiz_files(), ids=lambda p: p.name)
def test_true_false_keys_go_both_ways(path: Path) -> None:
    """At least one item keyed each way, so that 'always False' is never a winning strategy."""
    true, false = true_false_split(parse_quiz_file(path).quiz.questions)
    assert true >= 1 and false >= 1, f"{path.name}: {true} True, {false} False"


def test_no_quiz_asks_for_a_bare_number() -> None:
    """Numeric items asked for dates and counts (1939, "11 studies"); items test understanding."""
    numeric = [
        f"{path.name}#{q.id}"
        for path in shipped_quiz_files()
        for q in parse_quiz_file(path).quiz.questions
        if q.type == "numeric"
    ]
    assert numeric == []
