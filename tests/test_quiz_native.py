"""Pure tests: the native quiz format (FORMATS.md) and reading a quizzes folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from seminar.core.content.problems import ContentError
from seminar.core.content.quiz_model import Answer, Choice, Pair, Question, Review
from seminar.core.content.quiz_native import parse_native_quiz
from seminar.core.content.quizzes import QuizParse, parse_quiz_file, scan_quizzes

FRONT = "---\ntitle: T\n---\n"  # the body's first line is line 4


def native(body: str, front: str = FRONT, slug: str = "quiz") -> QuizParse:
    return parse_native_quiz(front + textwrap.dedent(body).lstrip("\n"), path="q.md", slug=slug)


def only(body: str) -> Question:
    parsed = native(body)
    assert len(parsed.quiz.questions) == 1
    return parsed.quiz.questions[0]


def problems(body: str, front: str = FRONT) -> list[str]:
    with pytest.raises(ContentError) as info:
        native(body, front)
    return [f"{p.line}: {p.message}" for p in info.value.problems if p.severity == "error"]


def assert_problems(found: list[str], expected: list[str]) -> None:
    """Each expected 'line: start of message' is found, and nothing else."""
    assert len(found) == len(expected), found
    for want in expected:
        assert any(f.startswith(want) for f in found), (want, found)


FORMATS_EXAMPLE = """\
---
title: The category system
pass_mark: 80          # percent needed to pass; default 70
time_limit: 15         # minutes; absent = untimed
max_attempts: 3        # absent = unlimited
shuffle: true          # shuffle question order and choice order per attempt
---

## Which category does S.O.T. describe as sacroiliac weight-bearing instability? {#cat-2}

- [ ] Category I
- [x] Category II
  > Right: S.O.T. ties Category II to the weight-bearing sacroiliac joint.
- [ ] Category III

> General feedback, shown in the review after the attempt.

## Select every indicator that S.O.T. uses for Category I. {#cat-1-indicators}

- [x] one
- [x] two
- [ ] three

## True or false: the occiput is the base of the skull. {#occiput-tf}

- [x] True
- [ ] False

## Name the triangular bone at the base of the spine. {#sacrum-name}

= sacrum
= os sacrum

## How many segments fuse to form the adult sacrum? {#sacral-segments}

= 5

## Match each term to its region. {#regions}

- occiput -> skull
- sacrum -> pelvis

## In your own words, describe how you would explain blocking to a patient. {#blocking-essay}

(an essay question has no answer lines; an instructor grades it)
"""


def test_the_formats_example() -> None:
    parsed = parse_native_quiz(FORMATS_EXAMPLE, path="q.md", slug="category-system")
    quiz = parsed.quiz
    assert parsed.warnings == ()
    assert (quiz.slug, quiz.title, quiz.pass_mark, quiz.time_limit) == (
        "category-system",
        "The category system",
        80,
        15,
    )
    assert (quiz.max_attempts, quiz.shuffle) == (3, True)
    q = {q.id: q for q in quiz.questions}
    assert [x.id for x in quiz.questions] == [
        "cat-2",
        "cat-1-indicators",
        "occiput-tf",
        "sacrum-name",
        "sacral-segments",
        "regions",
        "blocking-essay",
    ]
    assert q["cat-2"].type == "single"
    assert q["cat-2"].choices[1] == Choice(
        "Category II", 100, "Right: S.O.T. ties Category II to the weight-bearing sacroiliac joint."
    )
    assert q["cat-2"].feedback == "General feedback, shown in the review after the attempt."
    assert [c.weight for c in q["cat-1-indicators"].choices] == [50, 50, -50]
    assert (q["occiput-tf"].type, q["occiput-tf"].answer) == ("true_false", True)
    assert [a.text for a in q["sacrum-name"].answers] == ["sacrum", "os sacrum"]
    assert q["sacral-segments"].answers == (Answer(value=5, tolerance=0),)
    assert q["regions"].pairs == (Pair("occiput", "skull"), Pair("sacrum", "pelvis"))
    assert q["blocking-essay"].type == "essay"
    assert q["blocking-essay"].stem.endswith(
        "\n\n(an essay question has no answer lines; an instructor grades it)"
    )


# --- every rule ---------------------------------------------------------------------------

SINGLE = Question(
    id="a",
    type="single",
    stem="Pick",
    choices=(Choice("one", 0, "no"), Choice("two", 100, "yes\n\nreally")),
    feedback="General.",
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            """
            ## Pick {#a}

            - [ ] one
              > no
            - [x] two
              > yes
              >
              > really

            > General.
            """,
            SINGLE,
            id="single with choice and general feedback",
        ),
        pytest.param(
            "## Pick {#a}\n- [ ] one\n\n  > no\n- [X] two\n  > yes\n\n  > really\n> General.\n",
            SINGLE,
            id="capital X, blank lines inside feedback",
        ),
        pytest.param(
            "## Pick {#a}\n- [x] a\n- [x] b\n- [x] c\n- [ ] d\n",
            Question(
                id="a",
                type="multiple",
                stem="Pick",
                choices=(
                    Choice("a", 100 / 3),
                    Choice("b", 100 / 3),
                    Choice("c", 100 / 3),
                    Choice("d", -100 / 3),
                ),
            ),
            id="multiple: each right 100/k, each wrong -100/k",
        ),
        pytest.param(
            "## Pick {#a}\n- [x] %60% a\n- [x] %40% b\n- [ ] %0% c\n- [ ] %-100% d\n",
            Question(
                id="a",
                type="multiple",
                stem="Pick",
                choices=(Choice("a", 60), Choice("b", 40), Choice("c", 0), Choice("d", -100)),
            ),
            id="multiple: explicit weights",
        ),
        pytest.param(
            "## Pick {#a}\n- [x] %33.33333% a\n- [x] %33.33333% b\n- [x] %33.33334% c\n",
            Question(
                id="a",
                type="multiple",
                stem="Pick",
                choices=(Choice("a", 33.33333), Choice("b", 33.33333), Choice("c", 33.33334)),
            ),
            id="multiple: decimal weights",
        ),
        pytest.param(
            "## Pick {#a}\n- [ ] %50% half\n- [x] %100% full\n- [ ] none\n",
            Question(
                id="a",
                type="single",
                stem="Pick",
                choices=(Choice("half", 50), Choice("full", 100), Choice("none", 0)),
            ),
            id="single: partial credit",
        ),
        pytest.param(
            "## Sky is blue {#a}\n- [x] True\n  > yes\n- [ ] False\n  > no\n",
            Question(
                id="a",
                type="true_false",
                stem="Sky is blue",
                answer=True,
                feedback_if_true="yes",
                feedback_if_false="no",
            ),
            id="true/false: feedback under each",
        ),
        pytest.param(
            "## Sky is green {#a}\n- [x] False\n  > right\n- [ ] True\n  > wrong\n",
            Question(
                id="a",
                type="true_false",
                stem="Sky is green",
                answer=False,
                feedback_if_true="wrong",
                feedback_if_false="right",
            ),
            id="true/false: either order",
        ),
        pytest.param(
            '## Pick {#a}\n- [x] "True"\n- [ ] "False"\n',
            Question(
                id="a", type="single", stem="Pick", choices=(Choice("True", 100), Choice("False"))
            ),
            id="quoted True/False are plain choices",
        ),
        pytest.param(
            "## Name it {#a}\n= sacrum\n  > good\n= %50% sacral bone\n",
            Question(
                id="a",
                type="short",
                stem="Name it",
                answers=(
                    Answer(text="sacrum", feedback="good"),
                    Answer(text="sacral bone", weight=50),
                ),
            ),
            id="short answers with weight and feedback",
        ),
        pytest.param(
            '## Name it {#a}\n= "5"\n= five\n= *\n= "line\\ntwo"\n',
            Question(
                id="a",
                type="short",
                stem="Name it",
                answers=(
                    Answer(text="5"),
                    Answer(text="five"),
                    Answer(text="*"),
                    Answer(text="line\ntwo"),
                ),
            ),
            id="short: quoted numbers and JSON line breaks",
        ),
        pytest.param(
            "## How many? {#a}\n= 5\n= 5 ± 0.5\n= %50% 4..6\n  > close\n"
            "= 5 +- 1\n= -2 +/- 1\n= *\n  > no\n",
            Question(
                id="a",
                type="numeric",
                stem="How many?",
                answers=(
                    Answer(value=5),
                    Answer(value=5, tolerance=0.5),
                    Answer(min=4, max=6, weight=50, feedback="close"),
                    Answer(value=5, tolerance=1),
                    Answer(value=-2, tolerance=1),
                    Answer(text="*", weight=0, feedback="no"),
                ),
            ),
            id="numeric: value, tolerance, range, catch-all",
        ),
        pytest.param(
            "## Small {#a}\n= 1.5e-3\n= -.5..0.25\n",
            Question(
                id="a",
                type="numeric",
                stem="Small",
                answers=(Answer(value=0.0015), Answer(min=-0.5, max=0.25)),
            ),
            id="numeric: exponents and leading dots",
        ),
        pytest.param(
            '## Match {#a}\n- occiput -> skull\n- sacrum->pelvis -> bottom\n- "a -> b" -> "c"\n',
            Question(
                id="a",
                type="matching",
                stem="Match",
                pairs=(
                    Pair("occiput", "skull"),
                    Pair("sacrum", "pelvis -> bottom"),
                    Pair("a -> b", "c"),
                ),
            ),
            id="matching: split at the first arrow, quoted left side",
        ),
        pytest.param(
            "## Explain {#a}\n\nIn **your** words.\n\n- a list\n- in the stem\n\n> Model answer.\n",
            Question(
                id="a",
                type="essay",
                stem="Explain\n\nIn **your** words.\n\n- a list\n- in the stem",
                feedback="Model answer.",
            ),
            id="essay: no answer lines, Markdown stem, general feedback",
        ),
        pytest.param(
            "## Explain {#a type=essay}\n> quote in the stem\n\nmore\n",
            Question(id="a", type="essay", stem="Explain\n> quote in the stem\n\nmore"),
            id="a quote not at the end stays in the stem",
        ),
        pytest.param(
            "## Read this first {#a type=description}\n\nLong text.\n",
            Question(id="a", type="description", stem="Read this first\n\nLong text."),
            id="description",
        ),
        pytest.param(
            '## Stem {#a title="Q1: \\"the\\" start" category=top/S.O.T. points=2.5}\n'
            "- [x] a\n- [ ] b\n",
            Question(
                id="a",
                type="single",
                stem="Stem",
                title='Q1: "the" start',
                category="top/S.O.T.",
                points=2.5,
                choices=(Choice("a", 100), Choice("b")),
            ),
            id="heading attributes",
        ),
        pytest.param(
            '## {#a stem="= not an answer\\n- [x] nor this"}\n- [x] a\n- [ ] b\n',
            Question(
                id="a",
                type="single",
                stem="= not an answer\n- [x] nor this",
                choices=(Choice("a", 100), Choice("b")),
            ),
            id="stem attribute",
        ),
        pytest.param(
            "## What is {x}? {#a}\n= %25% %2\n= x\n",
            Question(
                id="a",
                type="short",
                stem="What is {x}?",
                answers=(Answer(text="%2", weight=25), Answer(text="x")),
            ),
            id="braces in the stem, a % after the weight",
        ),
        pytest.param(
            "## Solve  {#a}  \n= 1..1\n",
            Question(id="a", type="numeric", stem="Solve", answers=(Answer(min=1, max=1),)),
            id="spaces around the attributes",
        ),
    ],
)
def test_rules(body: str, expected: Question) -> None:
    parsed = native(body)
    assert parsed.warnings == ()
    assert parsed.quiz.questions == (expected,)


def test_derived_ids_warn_at_their_line_and_stay_unique() -> None:
    parsed = native(
        """
        ## Which *bone*?
        = sacrum

        ## Which *bone*?
        = sacrum

        ## Third {#which-bone-3}
        = sacrum

        ## Which bone?
        = occiput
        """
    )
    assert [q.id for q in parsed.quiz.questions] == [
        "which-bone",
        "which-bone-2",
        "which-bone-3",
        "which-bone-4",
    ]
    assert [(w.line, w.severity) for w in parsed.warnings] == [
        (4, "warning"),
        (7, "warning"),
        (13, "warning"),
    ]
    assert "which-bone-2" in parsed.warnings[1].message


def test_derived_id_from_a_long_heading_is_cut_at_a_word() -> None:
    q = native("## " + "word " * 30 + "\n= x\n").quiz.questions[0]
    assert q.id == "-".join(["word"] * 12)


def test_settings() -> None:
    front = textwrap.dedent(
        """\
        ---
        title: "  Trimmed  "
        summary: Checks the categories.
        pass_mark: 85.5
        time_limit: 0.5
        max_attempts: 2
        shuffle: false
        grading: average
        draw: 1
        closes: 2025-06-30
        review:
          score: after_close
          answers: never
        ---
        """
    )
    quiz = native("## Q {#a}\n= x\n\n## R {#b type=description}\n", front=front).quiz
    assert (quiz.title, quiz.summary, quiz.pass_mark, quiz.time_limit) == (
        "Trimmed",
        "Checks the categories.",
        85.5,
        0.5,
    )
    assert (quiz.max_attempts, quiz.shuffle, quiz.grading, quiz.draw) == (2, False, "average", 1)
    assert quiz.closes == "2025-06-30"  # YAML reads a date; the model keeps the ISO text
    assert quiz.review == Review(score="after_close", answers="never", feedback="immediately")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("never", Review("never", "never", "never")),
        ("{feedback: after_last_attempt}", Review(feedback="after_last_attempt")),
    ],
)
def test_review_setting(value: str, expected: Review) -> None:
    front = f"---\ntitle: T\nreview: {value}\n---\n"
    assert native("## Q {#a}\n= x\n", front=front).quiz.review == expected


@pytest.mark.parametrize(
    "closes", ["2025-06-30T18:00", "'2025-06-30T18:00:00+02:00'", "2025-06-30 18:00:00"]
)
def test_closes_keeps_iso_text(closes: str) -> None:
    front = f"---\ntitle: T\ncloses: {closes}\n---\n"
    value = native("## Q {#a}\n= x\n", front=front).quiz.closes
    assert value is not None and value[:10] == "2025-06-30"


# --- every error, at its line -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("## {#a}\n- [x] a\n- [ ] b\n", ["4: a question with no stem"]),
        ("##\n", ["4: a question with no stem"]),
        ("## Q {#a}\n- [x] a\n= b\n", ["6: mixed answer kinds"]),
        ("## Q {#a}\n= b\n- x -> y\n- z -> w\n", ["6: mixed answer kinds"]),
        ("## Q {#a}\n- [ ] a\n- [ ] b\n", ["4: no choice is checked"]),
        ("## Q {#a}\n- [x] True\n- [x] False\n", ["5: a true/false question has exactly"]),
        ("## Q {#a}\n- [x] true\n- [ ] false\n", ["5: a true/false question has exactly"]),
        ("## Q {#a}\n- [x] True\n", ["5: a true/false question has exactly"]),
        ("## Q {#a}\n- [x] True\n- [ ] %0% False\n", ["6: true/false choices have no weights"]),
        ("## Q {#a}\n= 5\n= 5 ± x\n", ["6: '5 ± x' is not a number"]),
        ("## Q {#a}\n= 1..2\n= five\n", ["6: 'five' is not a number"]),
        ("## Q {#a}\n= 5 ± -1\n", ["5: tolerance -1 is negative"]),
        ("## Q {#a}\n= 6..4\n", ["5: range 6..4: the minimum is above the maximum"]),
        ("## Q {#a}\n= 1e999\n", ["5: '1e999' is too large a number"]),
        ("## Q {#a}\n- [ ] %150% a\n- [x] b\n", ["5: weight %150% is outside -100..100"]),
        ("## Q {#a}\n- [x] a\n- [ ] %-101% b\n", ["6: weight %-101% is outside"]),
        ("## Q {#a}\n- [ ] %abc% a\n- [x] b\n", ["5: '%abc%' is not a weight"]),
        ("## Q {#a}\n= %101% a\n", ["5: weight %101% is outside"]),
        ("## Q {#a}\n= %-50% b\n", ["5: negative weights are only allowed in choice"]),
        ("## Q {#a}\n- [x] %50% a\n- [ ] b\n", ["5: the [x] choice of a single-choice"]),
        ("## Q {#a}\n- [x] a\n", ["4: a choice question needs at least two choices"]),
        ("## Q {#a}\n- [x] %-10% a\n- [x] b\n", ["5: a checked [x] choice needs a positive"]),
        ("## Q {#a}\n- [x] a\n- [x] b\n- [ ] %10% c\n", ["7: an unchecked [ ] choice cannot"]),
        ("## Q {#a}\n- [x] %50% a\n- [x] %30% b\n", ["4: the right choices' weights add up to 80"]),
        ("## Q {#a}\n- [x]\n- [ ] b\n", ["5: a choice with no text"]),
        ("## Q {#a}\n=\n", ["5: an '=' answer with no text"]),
        ("## Q {#a}\n= %50% a\n", ["4: no answer is worth 100%"]),
        ("## Q {#a}\n= %-5% a\n= b\n", ["5: negative weights are only allowed"]),
        ("## Q {#a}\n= *\n= 5\n", ["5: the catch-all '= *' must be the last answer"]),
        ("## Q {#a}\n= 5\n= %10% *\n", ["6: the catch-all '= *' is worth nothing"]),
        ("## Q {#a}\n- a -> b\n", ["4: a matching question needs at least two pairs"]),
        ("## Q {#a}\n- a -> b\n- a -> c\n", ["6: 'a' is already matched at line 5"]),
        ("## Q {#a}\n- a -> b\n  > no\n- c -> d\n", ["6: matching pairs have no feedback"]),
        ("## Q {#a}\n- -> b\n- c -> d\n", ["4: a matching question needs at least two pairs"]),
        ("## Q {#a}\n- a -> \n- c -> d\n", ["5: a pair needs a right-hand answer"]),
        ("## Q {#a}\n- [x] a\n- [ ] b\nstray\n", ["7: expected an answer"]),
        ("## Q {#a}\n- [x] a\n- [ ] b\n\n> feedback\n\nafter\n", ["10: text after the general"]),
        ("## Q {#a}\n- [x] a\n> general\n- [ ] b\n", ["7: answers after the general"]),
        ("## Q {#a}\n- [x] a\n  more text\n- [ ] b\n", ["6: expected an answer"]),
        ("Intro text\n\n## Q {#a}\n= x\n", ["4: text before the first question"]),
        ("\n\n", ["4: the quiz has no questions"]),
        ("## Q {#a}\n= x\n## R {#a}\n= y\n", ["6: duplicate question id 'a' (first at line 4)"]),
        ("## Q {#a:b}\n= x\n", ["4: question id '#a:b' may only use"]),
        ("## Q {#a color=red}\n= x\n", ["4: unknown attribute 'color'"]),
        ("## Q {#a #b}\n= x\n", ["4: 'id' is given twice"]),
        ("## Q {#a type=short}\n= x\n", ["4: type= must be essay or description or single"]),
        ("## Q {#a type=multiple}\n= x\n", ["4: type=multiple needs choice lines"]),
        ("## Q {#a type=single}\n", ["4: type=single needs choice lines"]),
        ("## Q {#a format=rtf}\n= x\n", ["4: unknown text format 'rtf'"]),
        ('## Q {#a formats="choices.0=html"}\n= x\n', ["4: a format is given for 'choices.0'"]),
        ('## Q {#a formats="html"}\n= x\n', ["4: formats= lists text=format pairs"]),
        ("## Q {#a shuffle=false}\n= x\n", ["4: only single, multiple, matching questions"]),
        ("## Q {#a shuffle=no}\n- [x] a\n- [ ] b\n", ["4: shuffle= must be true or false"]),
        ("## Q {#a penalty=2}\n= x\n", ["4: a penalty is a fraction of the mark, from 0 to 1"]),
        ('## Q {#a tags="a, <b>"}\n= x\n', ["4: tag '<b>' has '<', '>', '`'"]),
        ("## Q {#a points=0}\n= x\n", ["4: points= must be a number above 0"]),
        ('## Q {#a title="bad \\q"}\n= x\n', ["4: title=... is not a valid quoted string"]),
        ("## Q {#a type=essay}\n= x\n", ["5: a question marked type=essay has no answer"]),
        ("## Q {#a type=description}\n\n> no\n", ["6: a description has no feedback"]),
        ("## Q {#a type=description points=2}\n", ["4: a description has no points"]),
        ('## Q {#a stem="S"}\n= x\n', ["4: write the stem under the heading or as stem"]),
    ],
)
def test_errors(body: str, expected: list[str]) -> None:
    assert_problems(problems(body), expected)


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("summary: s\n", ["3: 'title' is required"]),  # the closing '---'
        ("title: ''\n", ["2: 'title' must be non-empty text"]),
        ("title: [a]\n", ["2: 'title' must be non-empty text"]),
        ("title: T\ntitel: typo\n", ["3: unknown key 'titel'"]),
        ("title: T\nsummary: [a]\n", ["3: 'summary' must be text"]),
        ("title: T\npass_mark: 101\n", ["3: 'pass_mark' must be a number from 0 to 100"]),
        ("title: T\npass_mark: yes\n", ["3: 'pass_mark' must be a number"]),
        ("title: T\npass_mark: .nan\n", ["3: 'pass_mark' must be a number"]),
        ("title: T\ntime_limit: 0\n", ["3: 'time_limit' must be a number of minutes above 0"]),
        ("title: T\nmax_attempts: 0\n", ["3: 'max_attempts' must be a whole number"]),
        ("title: T\nmax_attempts: 1.5\n", ["3: 'max_attempts' must be a whole number"]),
        ("title: T\nshuffle: maybe\n", ["3: 'shuffle' must be true or false"]),
        ("title: T\ngrading: best\n", ["3: 'grading' must be one of"]),
        ("title: T\ndraw: 0\n", ["3: 'draw' must be a whole number"]),
        ("title: T\ndraw: 2\n", ["3: 'draw: 2' is more than the 1 graded questions"]),
        ("title: T\ncloses: soon\n", ["3: 'closes' must be an ISO date"]),
        ("title: T\ncloses: 2025-13-45\n", ["3: invalid YAML value"]),
        ("title: T\nreview: later\n", ["3: 'review' must be one of"]),
        ("title: T\nreview: [never]\n", ["3: 'review' must be one of"]),
        ("title: T\nreview: {marks: never}\n", ["3: unknown 'review' key 'marks'"]),
        ("title: T\nreview: {score: soon}\n", ["3: 'review: score' must be one of"]),
        ("title: T\nreview: after_close\n", ["3: 'review: after_close' needs a 'closes' date"]),
        ("title: T\n  bad: indent\n", ["3: invalid YAML"]),
    ],
)
def test_settings_errors(front: str, expected: list[str]) -> None:
    assert_problems(problems("## Q {#a}\n= x\n", front=f"---\n{front}---\n"), expected)


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    found = problems(
        "## Q {#a}\n- [ ] a\n- [ ] b\n\n## {#b}\n= x\n\n## R {#a}\n= 6..4\n",
        front="---\ntitle: T\npass_mark: 200\n---\n",
    )
    assert [f.split(":")[0] for f in found] == ["3", "5", "9", "12", "13"]


def test_missing_front_matter() -> None:
    with pytest.raises(ContentError) as info:
        parse_native_quiz("## Q {#a}\n= x\n", path="q.md", slug="q")
    assert [p.line for p in info.value.problems] == [1]


def test_windows_line_endings_and_bom() -> None:
    text = "\ufeff---\r\ntitle: T\r\n---\r\n## Q {#a}\r\n= x\r\n  > fine\r\n"
    q = parse_native_quiz(text, path="q.md", slug="q").quiz.questions[0]
    assert q.answers == (Answer(text="x", feedback="fine"),)


# --- files --------------------------------------------------------------------------------

GOOD_MD = "---\ntitle: T\n---\n## Q {#a}\n= x\n"
GOOD_GIFT = "// id: a\nQ {=x}\n"


def test_parse_quiz_file_dispatches_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "one.md").write_text(GOOD_MD, encoding="utf-8")
    (tmp_path / "two.gift").write_text("\ufeff" + GOOD_GIFT, encoding="utf-8")
    assert parse_quiz_file(tmp_path / "one.md").quiz.slug == "one"
    two = parse_quiz_file(tmp_path / "two.gift", display_path="quizzes/two.gift").quiz
    assert (two.slug, two.title, two.questions[0].type) == ("two", "Two", "short")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("Bad_Name.md", GOOD_MD.encode(), "the file name is the quiz's slug"),
        ("quiz.rst", GOOD_MD.encode(), "a quiz file ends in .md, .gift, .txt (GIFT) or .xml"),
        ("latin.md", "---\ntitle: Caf\xe9\n---\n".encode("latin-1"), "not UTF-8 text"),
    ],
)
def test_parse_quiz_file_errors(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ContentError) as info:
        parse_quiz_file(tmp_path / name, display_path=f"quizzes/{name}")
    [problem] = info.value.problems
    assert (problem.path, problem.line) == (f"quizzes/{name}", 1)
    assert problem.message.startswith(message)


def test_scan_quizzes(tmp_path: Path) -> None:
    files = {
        "README.md": "notes, not a quiz",
        "good.md": GOOD_MD,
        "also-good.gift": "// quiz: title: Also\n\nQ {=x}\n",  # id derived: a warning
        "same.md": GOOD_MD,
        "same.gift": GOOD_GIFT,
        "broken.md": "---\ntitle: T\n---\n## Q {#a}\n",
        "Not-A-Slug.md": GOOD_MD,
        "notes.rst": "ignored",
        "from-moodle.gift.txt": "// [id:q1]\nQ {T}\n",  # Moodle's name for a GIFT export
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "latin.gift").write_bytes("Caf\xe9 {T}".encode("latin-1"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.md").write_text(GOOD_MD, encoding="utf-8")

    tree = scan_quizzes(tmp_path)
    assert sorted(q.slug for q in tree.quizzes) == ["also-good", "broken", "from-moodle", "good"]
    assert tree.broken == {"same.md", "same.gift", "latin.gift", "Not-A-Slug.md"}
    messages = {Path(p.path).name: p.message for p in tree.problems}
    assert messages["same.md"] == "quiz slug 'same' is also used by same.gift"
    assert messages["same.gift"] == "quiz slug 'same' is also used by same.md"
    assert messages["latin.gift"].startswith("not UTF-8 text")
    assert [(Path(w.path).name, w.line) for w in tree.warnings] == [("also-good.gift", 3)]


def test_scan_quizzes_reports_a_broken_file_and_keeps_going(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text(
        "---\ntitle: T\n---\n## Q\n- [ ] a\n- [ ] b\n", encoding="utf-8"
    )
    (tmp_path / "good.gift").write_text(GOOD_GIFT, encoding="utf-8")
    tree = scan_quizzes(tmp_path)
    assert [q.slug for q in tree.quizzes] == ["good"]
    assert tree.broken == {"bad.md"}
    assert [(p.line, p.message) for p in tree.problems] == [
        (4, "no choice is checked: mark the right one with [x]")
    ]


def test_scan_quizzes_without_folder(tmp_path: Path) -> None:
    tree = scan_quizzes(tmp_path / "missing")
    assert [p.message for p in tree.problems] == ["quizzes folder not found"]


def test_what_a_moodle_question_carries_in_the_heading() -> None:
    question = only(
        '## Which? {#a type=multiple tags="anatomy, year 1" format=html '
        'formats="choices.1=plain feedback=markdown" shuffle=false penalty=0.1}\n\n'
        "- [x] <b>sacrum</b>\n- [ ] %-50% a <rib>\n\n> *Right*\n"
    )
    assert question == Question(
        id="a",
        type="multiple",
        stem="Which?",
        choices=(Choice("<b>sacrum</b>", 100), Choice("a <rib>", -50)),
        feedback="*Right*",
        tags=("anatomy", "year 1"),
        format="html",
        formats=(("choices.1", "plain"), ("feedback", "markdown")),
        shuffle=False,
        penalty=0.1,
    )


def test_a_negative_weight_in_a_single_choice_is_a_warning() -> None:
    parsed = native("## Q {#a}\n- [x] a\n- [ ] %-50% b\n")
    assert parsed.quiz.questions[0].choices[1].weight == -50
    assert [(w.line, w.message[:40]) for w in parsed.warnings] == [
        (4, "'b' is worth -50%, but a single-choice q")
    ]
