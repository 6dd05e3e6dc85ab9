"""Round trip: parse(export(quiz)) == quiz for GIFT, native and JSON, over generated quizzes.

The generated quizzes are what the parsers can produce: stripped, non-empty texts full of the
characters both formats treat as syntax, line breaks in every text field, random weights that
satisfy each type's rules, explicit ids, every quiz setting, and what a Moodle question
carries: tags, each text's format, fixed choice order, a penalty, matching distractors and a
multiple choice with one right answer. Moodle XML's round trips are in test_moodle_roundtrip.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seminar.core.content.gift import parse_gift_quiz
from seminar.core.content.problems import ContentError
from seminar.core.content.quiz_export import to_gift, to_json, to_native
from seminar.core.content.quiz_model import (
    GRADING_METHODS,
    REVIEW_TIMES,
    Answer,
    Choice,
    Pair,
    Question,
    Quiz,
    Review,
    quiz_from_dict,
)
from seminar.core.content.quiz_native import parse_native_quiz
from seminar.core.content.quizzes import parse_quiz_file
from seminar.core.questions import Unwritable, question_type
from seminar.core.questions.model import TEXT_FORMATS, canonical_formats

SLUG = "round-trip"
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Syntax of both formats, Markdown, escapes, quotes, Unicode and odd whitespace.
SPECIAL = [
    *"~=#{}:\\%[]\"'->*_/$!|`",
    "->",
    "//",
    "\\n",
    "[html]",
    "[HTML]",
    "[markdown]",
    "%50%",
    "::",
    "####",
    "- [x] ",
    "= ",
    "1. ",
    "> ",
    "## ",
    "True",
    "false",
    "5",
    "-2.5",
    "1..3",
    "± 1",
    "$CATEGORY:",
    "{#id}",
    "_____",
]
PIECES = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABC0123456789.,?", min_size=1, max_size=8),
    st.sampled_from(SPECIAL),
    st.sampled_from(["\n", "\n\n", "\t", "  ", "\u00a0", "é", "±", "😀", "\u2028"]),
)


@st.composite
def texts(draw: st.DrawFn, *, lines: bool = True) -> str:
    """A stripped, non-empty text, as every parser leaves its text fields."""
    pieces = draw(st.lists(PIECES, min_size=1, max_size=8))
    text = "".join(pieces)
    if not lines:
        text = text.replace("\n", " ")
    text = text.strip()
    return text or draw(st.sampled_from(["x", "~", "{", "->", "True", "5", "*"]))


maybe_text = st.one_of(st.just(""), texts())
ids = st.from_regex(r"[a-z0-9]{1,6}([-.][a-z0-9]{1,4}){0,2}", fullmatch=True)
numbers = st.one_of(
    st.integers(-1000, 1000).map(float),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 1e-7, 33.333333333333336, 2.5e-5, 123456.789]),
)
partial = st.one_of(st.sampled_from([0.0, 25.0, 50.0, 100.0]), st.floats(0, 100))
penalty = st.one_of(st.sampled_from([0.0, -50.0, -100.0]), st.floats(-100, 0))


def _shared(draw: st.DrawFn, kind: str) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": "",
        "type": kind,
        "stem": draw(texts()),
        "title": draw(maybe_text),
        "category": draw(st.sampled_from(["", "", "top/cat", "$course$/S.O.T."])),
    }
    if kind != "description":
        fields["feedback"] = draw(maybe_text)
        fields["points"] = draw(
            st.one_of(st.just(1), st.sampled_from([2, 0.5]), st.floats(0.01, 50))
        )
    return fields


GIFT_KINDS = ["single", "multiple", "true_false", "short", "numeric", "matching", "essay",
              "description"]  # fmt: skip
ALL_KINDS = [*GIFT_KINDS, "ordering"]  # GIFT has no syntax for ordering


@st.composite
def questions(draw: st.DrawFn, kinds: list[str]) -> Question:
    kind = draw(st.sampled_from(kinds))
    fields = _shared(draw, kind)
    if kind == "single":
        n = draw(st.integers(2, 5))
        weights = [draw(partial) for _ in range(n)]
        weights[draw(st.integers(0, n - 1))] = 100
        fields["choices"] = tuple(Choice(draw(texts()), w, draw(maybe_text)) for w in weights)
    elif kind == "multiple":
        fields["choices"] = _multiple_choices(draw)
    elif kind == "true_false":
        fields["answer"] = draw(st.booleans())
        fields["feedback_if_true"] = draw(maybe_text)
        fields["feedback_if_false"] = draw(maybe_text)
    elif kind == "short":
        answers = [
            Answer(text=draw(texts()), weight=draw(partial), feedback=draw(maybe_text))
            for _ in range(draw(st.integers(1, 4)))
        ]
        answers[0] = Answer(text=answers[0].text, weight=100, feedback=answers[0].feedback)
        fields["answers"] = tuple(draw(st.permutations(answers)))
    elif kind == "numeric":
        fields["answers"] = _numeric_answers(draw)
    elif kind == "matching":
        lefts = draw(st.lists(texts(), min_size=2, max_size=4, unique=True))
        pairs = [Pair(left, draw(texts())) for left in lefts]
        for _ in range(draw(st.integers(0, 2))):  # distractors, anywhere
            pairs.insert(draw(st.integers(0, len(pairs))), Pair("", draw(texts())))
        fields["pairs"] = tuple(pairs)
    elif kind == "ordering":
        items = draw(st.lists(texts(), min_size=2, max_size=5, unique=True))
        fields["choices"] = tuple(Choice(item) for item in items)
    return _moodle_fields(draw, Question(**fields))  # type: ignore[arg-type]


tags = st.one_of(
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,8}[A-Za-z0-9]", fullmatch=True),
    st.sampled_from(["t]ag", "S.O.T.", "é", "a b", "[x]", "#1"]),
)


def _moodle_fields(draw: st.DrawFn, q: Question) -> Question:
    """What a question from Moodle carries: tags, text formats, fixed order, a penalty."""
    kind = question_type(q)
    fmt = draw(st.sampled_from(TEXT_FORMATS))
    named = kind.texts(q)
    formats = {name: draw(st.sampled_from(TEXT_FORMATS)) for name in named if draw(st.booleans())}
    default = kind.moodle_penalty
    penalty = draw(st.one_of(st.none(), st.sampled_from([0.0, 0.1, 0.5, 1.0]), st.floats(0, 1)))
    if penalty is not None and abs(penalty - default) < 0.005:
        penalty = None
    shuffle = draw(st.booleans()) if q.type in ("single", "multiple", "matching") else True
    return Question(
        **{
            **q.__dict__,
            "tags": tuple(draw(st.lists(tags, max_size=3, unique=True))),
            "format": fmt,
            "formats": canonical_formats(fmt, formats, named),
            "shuffle": shuffle,
            "penalty": penalty,
        }
    )


def _multiple_choices(draw: st.DrawFn) -> tuple[Choice, ...]:
    k = draw(st.integers(1, 4))  # Moodle: one right answer with check boxes, too
    if draw(st.booleans()):
        right = [100 / k] * k  # the native default
    else:
        cuts = sorted(draw(st.lists(st.floats(1, 99), min_size=k - 1, max_size=k - 1, unique=True)))
        right = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        if min(right) <= 0.01:
            right = [100 / k] * k
    wrong = draw(st.lists(st.one_of(st.just(-100 / k), penalty), min_size=k == 1, max_size=3))
    weights = draw(st.permutations(right + wrong))
    return tuple(Choice(draw(texts()), w, draw(maybe_text)) for w in weights)


def _numeric_answers(draw: st.DrawFn) -> tuple[Answer, ...]:
    answers = []
    for i in range(draw(st.integers(1, 3))):
        weight = 100 if i == 0 else draw(partial)
        feedback = draw(maybe_text)
        if draw(st.booleans()):
            tolerance = draw(st.one_of(st.just(0.0), st.floats(0, 1000)))
            answers.append(
                Answer(value=draw(numbers), tolerance=tolerance, weight=weight, feedback=feedback)
            )
        else:
            low, high = sorted([draw(numbers), draw(numbers)])
            answers.append(Answer(min=low, max=high, weight=weight, feedback=feedback))
    answers = draw(st.permutations(answers))
    if draw(st.booleans()):
        answers.append(Answer(text="*", weight=0, feedback=draw(maybe_text)))
    return tuple(answers)


@st.composite
def quizzes(draw: st.DrawFn, kinds: list[str] = GIFT_KINDS) -> Quiz:
    qs = draw(st.lists(questions(kinds), min_size=1, max_size=5))
    unique = draw(st.lists(ids, min_size=len(qs), max_size=len(qs), unique=True))
    qs = [Question(**{**q.__dict__, "id": i}) for q, i in zip(qs, unique, strict=True)]
    graded = sum(1 for q in qs if question_type(q).graded)
    closes = draw(
        st.sampled_from([None, "2025-06-30", "2025-06-30T18:00", "2026-01-01T09:30:00+01:00"])
    )
    times = [t for t in REVIEW_TIMES if closes or t != "after_close"]
    review = draw(
        st.one_of(
            st.just(Review()),
            st.builds(
                Review, st.sampled_from(times), st.sampled_from(times), st.sampled_from(times)
            ),
        )
    )
    return Quiz(
        slug=SLUG,
        title=draw(texts()),
        questions=tuple(qs),
        pass_mark=draw(st.one_of(st.sampled_from([70, 80, 0, 100]), st.floats(0, 100))),
        time_limit=draw(st.one_of(st.none(), st.sampled_from([15, 0.5]), st.floats(0.01, 600))),
        max_attempts=draw(st.one_of(st.none(), st.integers(1, 10))),
        shuffle=draw(st.booleans()),
        grading=draw(st.sampled_from(GRADING_METHODS)),
        draw=draw(st.one_of(st.none(), st.integers(1, graded))) if graded else None,
        closes=closes,
        review=review,
        summary=draw(maybe_text),
    )


def _gift(text: str):
    return parse_gift_quiz(text, path="q.gift", slug=SLUG)


def _native(text: str):
    return parse_native_quiz(text, path="q.md", slug=SLUG)


def _same(parsed, quiz: Quiz, source: str) -> None:
    assert parsed.warnings == (), source
    assert parsed.quiz == quiz, source


@FAST
@given(quizzes())
def test_gift_round_trip(quiz: Quiz) -> None:
    source = to_gift(quiz)
    _same(_gift(source), quiz, source)


@FAST
@given(quizzes(ALL_KINDS))
def test_native_round_trip(quiz: Quiz) -> None:
    source = to_native(quiz)
    _same(_native(source), quiz, source)


@FAST
@given(quizzes(ALL_KINDS))
def test_json_round_trip(quiz: Quiz) -> None:
    assert quiz_from_dict(json.loads(to_json(quiz))) == quiz


@FAST
@given(quizzes())
def test_cross_format_round_trip(quiz: Quiz) -> None:
    """A GIFT file exported as native (and back) is the same quiz, and vice versa."""
    from_gift = _gift(to_gift(quiz)).quiz
    assert _native(to_native(from_gift)).quiz == quiz
    from_native = _native(to_native(quiz)).quiz
    assert _gift(to_gift(from_native)).quiz == quiz


@FAST
@given(quizzes())
def test_exports_are_stable(quiz: Quiz) -> None:
    """Exporting what an export parses to gives the same text: no drift on re-export."""
    gift = to_gift(quiz)
    native = to_native(quiz)
    assert to_gift(_gift(gift).quiz) == gift
    assert to_native(_native(native).quiz) == native


@FAST
@given(quizzes(ALL_KINDS))
def test_native_exports_are_stable(quiz: Quiz) -> None:
    native = to_native(quiz)
    assert to_native(_native(native).quiz) == native


def test_gift_export_refuses_an_ordering_question_by_name() -> None:
    quiz = Quiz(
        slug=SLUG,
        title="Steps",
        questions=(
            Question(id="steps", type="ordering", stem="?", choices=(Choice("a"), Choice("b"))),
        ),
    )
    with pytest.raises(Unwritable, match=r"question 'steps' is an ordering question.*md or json"):
        to_gift(quiz)


# --- fuzz: any text is a quiz or a list of problems, never a crash -------------------------

FUZZ_PIECES = st.one_of(
    st.text(max_size=6),
    st.sampled_from(
        [*SPECIAL, "\n", "\n\n", "---\n", "{", "}", "// quiz: ", "// id: ", "draw: 9\n"]
    ),
)


def _fuzz_text(prefix: str) -> st.SearchStrategy[str]:
    return st.lists(FUZZ_PIECES, max_size=30).map(lambda parts: prefix + "".join(parts))


def _either_parses_or_reports(parse, text: str) -> None:
    try:
        result = parse(text)
    except ContentError as exc:
        assert exc.problems
        assert all(p.line >= 1 for p in exc.problems)
    else:
        assert all(p.line >= 1 for p in result.warnings)
        assert result.quiz.questions


@FAST
@given(st.one_of(st.text(), _fuzz_text(""), _fuzz_text("// quiz: title: T\n\n::t::")))
def test_gift_fuzz(text: str) -> None:
    _either_parses_or_reports(_gift, text)


@FAST
@given(st.one_of(st.text(), _fuzz_text("---\n"), _fuzz_text("---\ntitle: T\n---\n## ")))
def test_native_fuzz(text: str) -> None:
    _either_parses_or_reports(_native, text)


@FAST
@given(quizzes(ALL_KINDS), st.integers(0, 10_000), st.sampled_from([*SPECIAL, "\n", "\n\n", ""]))
def test_fuzz_mutated_exports(quiz: Quiz, at: int, insert: str) -> None:
    """Near-valid files: an export with something inserted somewhere."""
    exports = [(_native, to_native(quiz))]
    if all(q.type in GIFT_KINDS for q in quiz.questions):
        exports.append((_gift, to_gift(quiz)))
    for parse, text in exports:
        i = at % (len(text) + 1)
        _either_parses_or_reports(parse, text[:i] + insert + text[i:])


# --- files --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".md", ".gift"])
def test_exported_files_parse_from_disk(tmp_path: Path, suffix: str) -> None:
    quiz = Quiz(
        slug=SLUG,
        title="Disk",
        questions=(Question(id="q", type="true_false", stem="Yes?", answer=True),),
    )
    path = tmp_path / f"{SLUG}{suffix}"
    path.write_text(to_native(quiz) if suffix == ".md" else to_gift(quiz), encoding="utf-8")
    assert parse_quiz_file(path).quiz == quiz
