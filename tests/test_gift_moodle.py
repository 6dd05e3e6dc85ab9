"""Pure tests: GIFT read as Moodle reads it, case by case of Moodle's own import tests.

Moodle's unit tests of its GIFT importer (`question/format/gift/tests/giftformat_test.php` in
moodle/moodle) have 23 import cases; each test here writes the same construct in our own
words and data and checks that the platform gets Moodle's result (question type, texts,
weights, feedback, tolerances, names, categories, ID numbers, tags, text formats):

- `test_import_essay`, `_match` (a distractor `= -> ...` and four format tags),
  `_multichoice`, `_multichoice_multi`, `_multichoice_multi_tricky` (one right answer and
  penalties, without `=`: check boxes), `_numerical`, `_shortanswer`,
  `_shortanswer_with_general_feedback`, `_truefalse`, `_truefalse_true_answer1` and `2`,
  `_backslash`, `_pre_content` (HTML keeps its indentation), `_question_with_tags`: the 14
  cases of `CASES` below;
- the 9 cases of `extract_idnumber_and_tags_from_comment_testcases`: `MARKERS` below.

One deliberate difference, documented in the README ("Writing a quiz") and quizzes/README.md:
a text without a format tag is Moodle's "auto-format" (FORMAT_MOODLE) in Moodle and Markdown
here, so that hand-written GIFT can use Markdown; `[moodle]` asks for Moodle's auto-format.
It shows in the format of 12 of the 14 question cases (all but the two whose question text
is tagged `[html]`); every other field is Moodle's. An ID number that cannot be a question id
here (Moodle's `i]d`) is read exactly as Moodle reads it (`MARKERS`), then the question gets an
id derived from it with a warning (`test_an_id_number_that_cannot_be_an_id`).

Also mirrored: Moodle's Behat fixtures `questions.gift.txt` (nine questions, imported from a
`.txt` file) and `questions_in_category.gift.txt` (a `$CATEGORY:` and HTML with escapes).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from seminar.core.content.gift import parse_gift_quiz
from seminar.core.content.gift_meta import comment_markers
from seminar.core.content.problems import ContentError
from seminar.core.content.quiz_model import Answer, Choice, Pair, Question
from seminar.core.content.quizzes import parse_quiz_file
from seminar.core.questions import question_type
from tests.test_gift import only, q

BONE = """
// question: 12  name: Bone
::Bone::Which bone sits between the hips?{{
    =sacrum#Right!
    =%50%coccyx#Close: that one is below it.
    =%0%*#Not that one.{general}
}}
"""
BONES = (
    Answer(text="sacrum", weight=100, feedback="Right!"),
    Answer(text="coccyx", weight=50, feedback="Close: that one is below it."),
    Answer(text="*", weight=0, feedback="Not that one."),
)

CASES = [
    pytest.param(
        """
        // a written answer
        ::W1:: Describe how you screen a new patient. {}
        """,
        q("essay", "Describe how you screen a new patient.", id="w1", title="W1"),
        id="import_essay",
    ),
    pytest.param(
        """
        // question: 7  name: Regions
        ::Regions::[html]Match the <b>bone</b> to its region.{
            =[html]The bone at the base of the skull. -> Head
            =[moodle]The bone at the base of the spine. -> Pelvis
            =[plain]The first cervical vertebra. -> Neck
            =[markdown]The *shoulder blade*. -> Back
            = -> Foot
        }
        """,
        q(
            "matching",
            "Match the <b>bone</b> to its region.",
            id="regions",
            title="Regions",
            format="html",
            pairs=(
                Pair("The bone at the base of the skull.", "Head"),
                Pair("The bone at the base of the spine.", "Pelvis"),
                Pair("The first cervical vertebra.", "Neck"),
                Pair("The *shoulder blade*.", "Back"),
                Pair("", "Foot"),  # a distractor: matches no item
            ),
            formats=(("pairs.1", "moodle"), ("pairs.2", "plain"), ("pairs.3", "markdown")),
        ),
        id="import_match",
    ),
    pytest.param(
        """
        // one right answer, feedback on each
        ::C2:: Which category is the weight-bearing one?
        {
            =Category II # right; well done!
            ~Category I # [html]no, <i>that</i> is the pelvic one
            ~[plain]Category III # no, it is Category II
        }
        """,
        q(
            "single",
            "Which category is the weight-bearing one?",
            id="c2",
            title="C2",
            choices=(
                Choice("Category II", 100, "right; well done!"),
                Choice("Category I", 0, "no, <i>that</i> is the pelvic one"),
                Choice("Category III", 0, "no, it is Category II"),
            ),
            formats=(("choices.1.feedback", "html"), ("choices.2", "plain")),
        ),
        id="import_multichoice",
    ),
    pytest.param(
        """
        // several right answers, penalties for the wrong ones
        ::indicators:: Which are Category I indicators?
        {
            ~%50%a short leg that changes # yes
            ~%-100%a fixed short leg # [html]no
            ~%50%pelvic torsion # yes
            ~%-100%[plain]a rib fixation # no
        }
        """,
        q(
            "multiple",
            "Which are Category I indicators?",
            id="indicators",
            title="indicators",
            choices=(
                Choice("a short leg that changes", 50, "yes"),
                Choice("a fixed short leg", -100, "no"),
                Choice("pelvic torsion", 50, "yes"),
                Choice("a rib fixation", -100, "no"),
            ),
            formats=(("choices.1.feedback", "html"), ("choices.3", "plain")),
        ),
        id="import_multichoice_multi",
    ),
    pytest.param(
        """
        // one right answer without '=', and penalties: check boxes
        ::blocks:: Which block goes under the short-leg side in Category II?
        {
            ~%100%the upper block # right
            ~%-50%the lower block # no
            ~%-50%no block # no
        }
        """,
        q(
            "multiple",
            "Which block goes under the short-leg side in Category II?",
            id="blocks",
            title="blocks",
            choices=(
                Choice("the upper block", 100, "right"),
                Choice("the lower block", -50, "no"),
                Choice("no block", -50, "no"),
            ),
        ),
        id="import_multichoice_multi_tricky",
    ),
    pytest.param(
        """
        // a number and its margin, and feedback on any other
        ::N5:: Name a number of sacral segments from 3 to 7. {#5:2~#Count again}
        """,
        q(
            "numeric",
            "Name a number of sacral segments from 3 to 7.",
            id="n5",
            title="N5",
            answers=(
                Answer(value=5, tolerance=2, weight=100),
                Answer(text="*", weight=0, feedback="Count again"),
            ),
        ),
        id="import_numerical",
    ),
    pytest.param(
        BONE.format(general=""),
        q("short", "Which bone sits between the hips?", id="bone", title="Bone", answers=BONES),
        id="import_shortanswer",
    ),
    pytest.param(
        BONE.format(general="\n    ####[html]It is the <b>sacrum</b>."),
        q(
            "short",
            "Which bone sits between the hips?",
            id="bone",
            title="Bone",
            feedback="It is the <b>sacrum</b>.",
            formats=(("feedback", "html"),),
            answers=BONES,
        ),
        id="import_shortanswer_with_general_feedback",
    ),
    pytest.param(
        """
        // true or false
        ::T1:: The sacrum pumps cerebrospinal fluid, as measured.{
        FALSE#No measurement shows it.#Right: it is a model, not a finding.}
        """,
        q(
            "true_false",
            "The sacrum pumps cerebrospinal fluid, as measured.",
            id="t1",
            title="T1",
            answer=False,
            # Moodle: after {F} the first feedback is for True (wrong), the second for False.
            feedback_if_true="No measurement shows it.",
            feedback_if_false="Right: it is a model, not a finding.",
        ),
        id="import_truefalse",
    ),
    pytest.param(
        "// name 3-1\n::3-1 OCC::The occiput is a skull bone.{T}\n",
        q("true_false", "The occiput is a skull bone.", id="3-1-occ", title="3-1 OCC", answer=True),
        id="import_truefalse_true_answer1",
    ),
    pytest.param(
        "// name 3-1\n::3-1 OCC::The occiput is a skull bone.{TRUE}\n",
        q("true_false", "The occiput is a skull bone.", id="3-1-occ", title="3-1 OCC", answer=True),
        id="import_truefalse_true_answer2",
    ),
    pytest.param(
        "// a written answer\n::two backslashes:: X \\\\ Y \\\\\\\\ Z{}\n",
        q("essay", "X \\ Y \\\\ Z", id="two-backslashes", title="two backslashes"),
        id="import_backslash",
    ),
    pytest.param(
        "::P1::[html]<p>What does this print?</p>\n<pre>\n    if (block) \\{\n"
        "        adjust();\n    \\}\n</pre>\n{}\n",
        q(
            "essay",
            "<p>What does this print?</p>\n<pre>\n    if (block) {\n"
            "        adjust();\n    }\n</pre>",
            id="p1",
            title="P1",
            format="html",
        ),
        id="import_pre_content",
    ),
    pytest.param(
        """
        // Tags for the bank: [tag:cranial] [tag:year-2].
        // Its ID number: [id:csf-1].
        ::CSF:: What moves the CSF? {}
        """,
        q(
            "essay",
            "What moves the CSF?",
            id="csf-1",
            title="CSF",
            tags=("cranial", "year-2"),
        ),
        id="import_question_with_tags",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_moodle_import_cases(text: str, expected: Question) -> None:
    question = only(text)
    assert question == expected
    # Moodle's default mark and penalty: 1, and a third (a true/false question: the whole).
    assert question.points == 1 and question.penalty is None
    assert question_type(question).moodle_penalty == (
        1.0 if question.type == "true_false" else 0.3333333
    )


MARKERS = [
    pytest.param("", "", [], id="blank comment"),
    pytest.param("// Just a comment.", "", [], id="nothing in comment"),
    pytest.param("// It has [id:sot-4] as its number.", "sot-4", [], id="idnumber only"),
    pytest.param("// Tagged [tag:pelvis] [tag:skull].", "", ["pelvis", "skull"], id="tags only"),
    pytest.param("// [tag:cat-1] [tag:blocks] [id:c1]", "c1", ["cat-1", "blocks"], id="everything"),
    pytest.param(
        "// [tag:  blocks] A question  \n// on [id:   c1   ] cate[tag:cat-2   ]gories.",
        "c1",
        ["blocks", "cat-2"],
        id="everything mixed up",
    ),
    pytest.param("// Not a tag: [tag:\n\\ pelvis].", "", [], id="split over line"),
    pytest.param("// [id:a\\]b].", "a]b", [], id="escape ] idnumber"),
    pytest.param("// [tag:a\\]b].", "", ["a]b"], id="escape ] tag"),
]


@pytest.mark.parametrize(("comment", "idnumber", "tags"), MARKERS)
def test_moodle_comment_markers(comment: str, idnumber: str, tags: list[str]) -> None:
    assert comment_markers(comment) == (idnumber, tags)


@pytest.mark.parametrize(
    ("comment", "derived"), [("// [id:a\\]b]", "a-b"), ("// [id:C1 (old)]", "c1-old")]
)
def test_an_id_number_that_cannot_be_an_id(comment: str, derived: str) -> None:
    parsed = parse_gift_quiz(f"{comment}\n::T:: Yes? {{T}}\n", path="b.txt", slug="b")
    assert parsed.quiz.questions[0].id == derived
    idnumber, _ = comment_markers(comment)
    [warning] = parsed.warnings
    assert warning.line == 1
    assert f"from the ID number '{idnumber}', which may only use letters" in warning.message


def test_our_id_comment_and_an_id_number_must_agree() -> None:
    text = "// id: a\n// [id:b]\nQ {T}\n"
    with pytest.raises(ContentError, match="'// id: a' and the ID number \\[id:b\\] disagree"):
        parse_gift_quiz(text, path="b.txt", slug="b")
    same = parse_gift_quiz("// id: a\n// [id:a] [tag:x]\nQ {T}\n", path="b.txt", slug="b")
    assert (same.quiz.questions[0].id, same.quiz.questions[0].tags) == ("a", ("x",))


# A file like Moodle's Behat fixture `questions.gift.txt`: nine questions of every kind, two
# of them after stray text that follows their braces (Moodle keeps it, with a blank), and
# two with the same name.
def _case(name: str) -> str:
    text = next(str(case.values[0]) for case in CASES if case.id == name)
    return textwrap.dedent(text).strip("\n")


BEHAT_LIKE = "\n\n".join(
    [
        _case("import_essay"),
        _case("import_match"),
        _case("import_multichoice"),
        _case("import_multichoice_multi"),
        _case("import_numerical") + '";',
        _case("import_shortanswer"),
        _case("import_truefalse").replace(
            "finding.}", "finding.\n####Imaging shows CSF moved by the heartbeat and breathing.}"
        )
        + '";',
        _case("import_truefalse_true_answer1"),
        _case("import_truefalse_true_answer2"),
    ]
)


def test_a_file_like_moodles_behat_fixture_imports_whole(tmp_path: Path) -> None:
    path = tmp_path / "questions.gift.txt"  # Moodle's own name for it
    path.write_text(BEHAT_LIKE)
    parsed = parse_quiz_file(path)
    quiz = parsed.quiz
    assert quiz.slug == "questions"
    assert [x.type for x in quiz.questions] == [
        "essay", "matching", "single", "multiple", "numeric", "short", "true_false",
        "true_false", "true_false",
    ]  # fmt: skip
    numeric, tf = quiz.questions[4], quiz.questions[6]
    # Text after the braces stays, with Moodle's blank where the answers were.
    assert numeric.stem == 'Name a number of sacral segments from 3 to 7. _____";'
    assert tf.feedback == "Imaging shows CSF moved by the heartbeat and breathing."
    assert [x.id for x in quiz.questions[-2:]] == ["3-1-occ", "3-1-occ-2"]
    second = BEHAT_LIKE.splitlines().index("::3-1 OCC::The occiput is a skull bone.{TRUE}") + 1
    assert [w.line for w in parsed.warnings] == [second]  # the second id is derived: warned


BEHAT_CATEGORY_LIKE = """\
// question: 0  name: switch category to $course$/S.O.T. basics
$CATEGORY: $course$/S.O.T. basics

// question: 44  name: Greeting
::Greeting::[html]<a href\\="http\\://example.org/a.mp3">Listen\\:</a><br />Which language?{
\t~English#Listen again.
\t=French#Yes.
}

// question: 46  name: Blocks
::Blocks::[html]Blocks are used in ...{
\t=%100%Category II#
}

// question: 45  name: SOT
::SOT::[html]S.O.T. is <span style\\="font-style\\: italic;">Sacro-Occipital Technique</span>.{TRUE}
"""


def test_a_file_like_moodles_category_fixture() -> None:
    quiz = parse_gift_quiz(BEHAT_CATEGORY_LIKE, path="c.txt", slug="c").quiz
    assert {x.category for x in quiz.questions} == {"$course$/S.O.T. basics"}
    greeting, blocks, sot = quiz.questions
    assert greeting.stem == '<a href="http://example.org/a.mp3">Listen:</a><br />Which language?'
    assert greeting.format == "html" and greeting.choices[1] == Choice("French", 100, "Yes.")
    assert blocks.answers == (Answer(text="Category II", weight=100),)
    assert sot.answer is True and 'style="font-style: italic;"' in sot.stem


PARTLY_BROKEN = """// quiz: title: Partly broken
// quiz: pass_mark: 80

// [id:a]
A? {T}

// [id:b]
B? {~x ~y}

// [id:a]
A again? {F}

C? {=c ~d}
"""


def test_a_partial_read_loads_what_has_no_errors() -> None:
    parsed = parse_gift_quiz(PARTLY_BROKEN, path="p.txt", slug="p", partial=True)
    assert [q.id for q in parsed.quiz.questions] == ["a", "c"]
    assert parsed.quiz.pass_mark == 80
    assert [(r.line, r.id, r.type, r.imported) for r in parsed.questions] == [
        (5, "a", "true_false", True),
        (8, "b", "", False),
        (11, "a", "true_false", False),  # a duplicate id: the first keeps it
        (13, "c", "single", True),
    ]
    assert [str(p) for r in parsed.failed for p in r.problems] == [
        "p.txt:8: no choice is right: mark the right answer with '=' (or give ~%N%)",
        "p.txt:10: duplicate question id 'a' (first at line 4)",
    ]
    assert [w.line for w in parsed.warnings] == [13]  # c's derived id; not the skipped ones'
    with pytest.raises(ContentError):
        parse_gift_quiz(PARTLY_BROKEN, path="p.txt", slug="p")  # a sync: all or nothing


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("// quiz: pass_mark: 80", "'pass_mark' must be a number from 0 to 100"),
        ("// quiz: title: Partly broken", "'draw: 3' is more than the 2 graded questions"),
    ],
)
def test_a_partial_read_still_refuses_a_file_with_errors_of_its_own(
    change: str, message: str
) -> None:
    broken = PARTLY_BROKEN.replace(
        change, "// quiz: pass_mark: 800" if "pass" in change else change + "\n// quiz: draw: 3"
    )
    with pytest.raises(ContentError) as info:
        parse_gift_quiz(broken, path="p.txt", slug="p", partial=True)
    assert any(p.message.startswith(message) for p in info.value.problems)
