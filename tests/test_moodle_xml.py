"""Pure tests: Moodle XML question files, read and written.

The import cases of Moodle's own tests of its XML format (`question/format/xml/tests/
xmlformat_test.php` in moodle/moodle), each written again in our own words and data:
`test_import_description`, `_essay_20`, `_essay_21`, `_match_19`, `_multichoice_19`,
`_numerical_19`, `_shortanswer_19`, `_truefalse_19` and `_truefalse_with_idnumber` (`CASES`),
`_multianswer` (a Cloze question: skipped by name here, as the platform has no such type),
`_truefalse_wih_files` and `_import_files_as_draft` (files stored in the question: reported
as left out). One case is handled differently on purpose: `_multichoice_19` gives two right
answers 100% each with `<single>false</single>`, which Moodle imports with a notice and its
editor refuses; here it is an error at the question's line (the weights of a multiple-choice
question's right answers add up to 100), so the rest of the file still loads on request.

Then what a Moodle bank brings that this platform keeps or reports: categories, tags, ID
numbers, penalties, shuffle, hints and units (reported), unknown types (skipped by name),
CDATA and entities, and files that are not Moodle XML (refused with a line, never a crash).
"""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from seminar.core.content.moodle_xml import parse_moodle_xml
from seminar.core.content.moodle_xml_export import to_moodle_xml
from seminar.core.content.problems import ContentError
from seminar.core.content.quiz_model import Answer, Choice, Pair, Question, Quiz
from seminar.core.content.quizzes import QuizParse
from tests.test_gift import q


def bank(*questions: str, partial: bool = False) -> QuizParse:
    body = "\n".join(textwrap.dedent(q).strip("\n") for q in questions)
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{body}\n</quiz>\n'
    return parse_moodle_xml(text, path="bank.xml", slug="bank", partial=partial)


def only(question: str) -> Question:
    [q] = bank(question).quiz.questions
    return q


def problems(*questions: str) -> list[str]:
    with pytest.raises(ContentError) as info:
        bank(*questions)
    return [f"{p.line}: {p.message}" for p in info.value.problems if p.severity == "error"]


def warnings(*questions: str) -> list[str]:
    return [f"{w.line}: {w.message}" for w in bank(*questions).warnings]


ESSAY = """
<question type="essay">
  <name><text>A case</text></name>
  <questiontext format="moodle_auto_format"><text>Describe the case.</text></questiontext>
  <generalfeedback><text>Name the category first.</text></generalfeedback>
  <defaultgrade>1</defaultgrade>
  <penalty>0</penalty>
  <hidden>0</hidden>
  {more}
</question>
"""
ESSAY_SETTINGS = """<responseformat>monospaced</responseformat>
  <responsefieldlines>20</responsefieldlines>
  <graderinfo format="html"><text><![CDATA[<p>Look for the <b>indicators</b>.</p>]]></text>
  </graderinfo>
  <responsetemplate format="html"><text><![CDATA[<p>Category: </p>]]></text></responsetemplate>"""
CASE_ESSAY = q(
    "essay",
    "Describe the case.",
    id="a-case",
    title="A case",
    format="moodle",
    feedback="Name the category first.",
    penalty=0.0,
)

TRUE_FALSE = """
<question type="truefalse">
  <name><text>Skull</text></name>
  <questiontext format="html"><text>The occiput is a skull bone.</text></questiontext>
  <generalfeedback><text>It is.</text></generalfeedback>
  <defaultgrade>1</defaultgrade>
  <penalty>1</penalty>
  <hidden>0</hidden>
  {idnumber}
  <answer fraction="100"><text>true</text><feedback><text>Right.</text></feedback></answer>
  <answer fraction="0"><text>false</text><feedback><text>It is one.</text></feedback></answer>
</question>
"""
SKULL = q(
    "true_false",
    "The occiput is a skull bone.",
    id="skull",
    title="Skull",
    format="html",
    feedback="It is.",
    answer=True,
    feedback_if_true="Right.",
    feedback_if_false="It is one.",
)

CASES = [
    pytest.param(
        """
        <question type="description">
          <name><text>Before you start</text></name>
          <questiontext format="html"><text>Read the case first.</text></questiontext>
          <generalfeedback><text></text></generalfeedback>
          <defaultgrade>0</defaultgrade>
          <penalty>0</penalty>
          <hidden>0</hidden>
          <tags><tag><text>intro</text></tag><tag><text>year-1</text></tag></tags>
        </question>
        """,
        q(
            "description",
            "Read the case first.",
            id="before-you-start",
            title="Before you start",
            format="html",
            tags=("intro", "year-1"),
        ),
        id="import_description",
    ),
    pytest.param(
        ESSAY.format(more="<tags><tag><text>cases</text></tag></tags>"),
        dataclasses.replace(CASE_ESSAY, tags=("cases",)),
        id="import_essay_20",
    ),
    pytest.param(
        ESSAY.format(more=ESSAY_SETTINGS),
        CASE_ESSAY,
        id="import_essay_21",
    ),
    pytest.param(
        """
        <question type="matching">
          <name><text>Regions</text></name>
          <questiontext format="html"><text>Match each bone to its region.</text></questiontext>
          <generalfeedback><text>Occiput: head; sacrum: pelvis.</text></generalfeedback>
          <defaultgrade>1</defaultgrade>
          <penalty>0.3333333</penalty>
          <hidden>0</hidden>
          <shuffleanswers>false</shuffleanswers>
          <correctfeedback><text>All right.</text></correctfeedback>
          <subquestion><text>Occiput</text><answer><text>head</text></answer></subquestion>
          <subquestion><text>Sacrum</text><answer><text>pelvis</text></answer></subquestion>
          <subquestion><text>Atlas</text><answer><text>neck</text></answer></subquestion>
          <subquestion><text></text><answer><text>foot</text></answer></subquestion>
          <tags><tag><text>anatomy</text></tag></tags>
        </question>
        """,
        q(
            "matching",
            "Match each bone to its region.",
            id="regions",
            title="Regions",
            format="html",
            feedback="Occiput: head; sacrum: pelvis.",
            pairs=(
                Pair("Occiput", "head"),
                Pair("Sacrum", "pelvis"),
                Pair("Atlas", "neck"),
                Pair("", "foot"),
            ),
            shuffle=False,
            tags=("anatomy",),
        ),
        id="import_match_19",
    ),
    pytest.param(
        """
        <question type="numerical">
          <name><text>Segments</text></name>
          <questiontext format="html"><text>How many segments fuse into the sacrum?</text>
            </questiontext>
          <generalfeedback><text>Five, in the adult.</text></generalfeedback>
          <defaultgrade>1</defaultgrade>
          <penalty>0.1</penalty>
          <hidden>0</hidden>
          <answer fraction="100"><text>5</text><feedback><text>Yes.</text>
            </feedback><tolerance>0.001</tolerance></answer>
          <answer fraction="0"><text>4</text><feedback><text>One short.</text>
            </feedback><tolerance>1</tolerance></answer>
          <answer fraction="0"><text>*</text><feedback><text>Count again.</text>
            </feedback><tolerance></tolerance></answer>
        </question>
        """,
        q(
            "numeric",
            "How many segments fuse into the sacrum?",
            id="segments",
            title="Segments",
            format="html",
            feedback="Five, in the adult.",
            penalty=0.1,
            answers=(
                Answer(value=5, tolerance=0.001, weight=100, feedback="Yes."),
                Answer(value=4, tolerance=1, weight=0, feedback="One short."),
                Answer(text="*", weight=0, feedback="Count again."),
            ),
        ),
        id="import_numerical_19",
    ),
    pytest.param(
        """
        <question type="shortanswer">
          <name><text>Gap</text></name>
          <questiontext format="html"><text>Occiput, ________, coccyx.</text></questiontext>
          <generalfeedback><text>The sacrum sits between them.</text></generalfeedback>
          <defaultgrade>1</defaultgrade>
          <penalty>0.3333333</penalty>
          <hidden>0</hidden>
          <usecase>0</usecase>
          <answer fraction="100" format="plain_text"><text>sacrum</text><feedback>
            <text>Yes!</text></feedback></answer>
          <answer fraction="0" format="plain_text"><text>*</text><feedback><text>No.</text>
            </feedback></answer>
        </question>
        """,
        q(
            "short",
            "Occiput, ________, coccyx.",
            id="gap",
            title="Gap",
            format="html",
            feedback="The sacrum sits between them.",
            answers=(
                Answer(text="sacrum", weight=100, feedback="Yes!"),
                Answer(text="*", weight=0, feedback="No."),
            ),
        ),
        id="import_shortanswer_19",
    ),
    pytest.param(TRUE_FALSE.format(idnumber=""), SKULL, id="import_truefalse_19"),
    pytest.param(
        TRUE_FALSE.format(idnumber="<idnumber>Occ-1</idnumber>"),
        dataclasses.replace(SKULL, id="Occ-1"),
        id="import_truefalse_with_idnumber",
    ),
]


@pytest.mark.parametrize(("xml", "expected"), CASES)
def test_moodle_xml_import_cases(xml: str, expected: Question) -> None:
    assert only(xml) == expected


def test_essay_settings_it_cannot_keep_are_reported() -> None:
    found = warnings(ESSAY.format(more=ESSAY_SETTINGS))
    assert [w.split(": ", 1)[1] for w in found] == [
        "the information for graders is left out",
        "the response template is left out",
    ]


MULTICHOICE_19 = """
<question type="multichoice">
  <name><text>Even</text></name>
  <questiontext format="html"><text>Which are even?</text></questiontext>
  <defaultgrade>2</defaultgrade>
  <single>false</single>
  <shuffleanswers>false</shuffleanswers>
  <correctfeedback><text><![CDATA[<p>Your answer is correct.</p>]]></text></correctfeedback>
  <answer fraction="0"><text>1</text><feedback><text></text></feedback></answer>
  <answer fraction="{w}"><text>2</text><feedback><text></text></feedback></answer>
  <answer fraction="0"><text>3</text><feedback><text></text></feedback></answer>
  <answer fraction="{w}"><text>4</text><feedback><text></text></feedback></answer>
  <hint><text>Hint 1.</text></hint>
</question>
"""


def test_import_multichoice_19_refuses_weights_that_add_up_to_200() -> None:
    assert problems(MULTICHOICE_19.format(w=100)) == [
        "3: the right choices' weights add up to 200, not 100"
    ]


def test_import_multichoice_with_weights_moodle_and_the_platform_accept() -> None:
    parsed = bank(MULTICHOICE_19.format(w=50))
    [question] = parsed.quiz.questions
    assert question == q(
        "multiple",
        "Which are even?",
        id="even",
        title="Even",
        format="html",
        points=2,
        shuffle=False,
        choices=(Choice("1"), Choice("2", 50), Choice("3"), Choice("4", 50)),
    )
    # Moodle's own default feedback for a right response is no loss; a hint is.
    assert [w.message for w in parsed.warnings] == [
        "hints are left out: they are for Moodle's tries within a question"
    ]


def test_a_single_choice_question_with_per_answer_formats() -> None:
    question = only(
        """
        <question type="multichoice">
          <name><text>Cat</text></name>
          <questiontext format="html"><text><![CDATA[Which is <b>Category II</b>?]]></text>
            </questiontext>
          <generalfeedback format="markdown"><text>*Weight-bearing*.</text></generalfeedback>
          <single>true</single>
          <shuffleanswers>1</shuffleanswers>
          <answer fraction="100" format="plain_text"><text>a &lt;b&gt; &amp; c</text>
            <feedback format="html"><text>Yes &amp; well done</text></feedback></answer>
          <answer fraction="-33.33333"><text>d</text><feedback><text></text></feedback></answer>
        </question>
        """
    )
    assert question.stem == "Which is <b>Category II</b>?" and question.format == "html"
    assert question.choices == (
        Choice("a <b> & c", 100, "Yes & well done"),
        Choice("d", -33.33333),
    )
    assert question.formats == (("choices.0", "plain"), ("feedback", "markdown"))
    assert question.shuffle is True


def test_a_single_choice_with_a_negative_weight_warns_that_it_scores_zero() -> None:
    found = warnings(
        """
        <question type="multichoice">
          <name><text>Cat</text></name>
          <questiontext><text>Which?</text></questiontext>
          <answer fraction="100"><text>a</text></answer>
          <answer fraction="-50"><text>b</text></answer>
        </question>
        """
    )
    assert found == [
        "3: 'b' is worth -50%, but a single-choice question never scores below 0 here: "
        "picking it scores 0 (Moodle would take marks off)"
    ]


def test_a_bank_with_categories_tags_and_skipped_types() -> None:
    parsed = bank(
        """
        <!-- question: 0  -->
        <question type="category">
          <category><text>$course$/top/S.O.T./Cranial</text></category>
          <info format="html"><text>Cranial concepts</text></info>
          <idnumber>cat-7</idnumber>
        </question>
        <question type="cloze">
          <name><text>Fill in</text></name>
          <questiontext format="html"><text>The {1:SHORTANSWER:=sacrum} is low.</text>
            </questiontext>
        </question>
        <question type="ddwtos"><name><text>Drag</text></name></question>
        <question type="truefalse">
          <name><text>Skull</text></name>
          <questiontext format="html"><text>Yes?</text></questiontext>
          <answer fraction="100"><text>true</text></answer>
          <answer fraction="0"><text>false</text></answer>
          <coursetags><tag><text>local</text></tag></coursetags>
        </question>
        """
    )
    [question] = parsed.quiz.questions
    assert question.category == "$course$/top/S.O.T./Cranial"
    assert question.tags == ("local",)
    assert [(r.line, r.label, r.type, r.imported) for r in parsed.questions] == [
        (9, "Fill in", "cloze", False),
        (14, "Drag", "ddwtos", False),
        (15, "Skull", "true_false", True),
    ]
    assert [f"{w.line}: {w.message}" for w in parsed.warnings] == [
        "6: the category's description is left out",
        "7: the category's ID number is left out",
        "9: 'Fill in' is skipped: an embedded answers (Cloze) question, which this platform "
        "has no type for",
        "14: 'Drag' is skipped: a drag and drop into text question, which this platform has no "
        "type for",
        "20: course tags are kept as the question's tags",
    ]


def test_units_are_left_out_with_a_warning() -> None:
    found = warnings(
        """
        <question type="numerical">
          <name><text>Height</text></name>
          <questiontext><text>How tall?</text></questiontext>
          <answer fraction="100"><text>1.8</text><tolerance>0.1</tolerance></answer>
          <units>
            <unit><multiplier>1</multiplier><unit_name>m</unit_name></unit>
            <unit><multiplier>100</multiplier><unit_name>cm</unit_name></unit>
          </units>
          <unitgradingtype>0</unitgradingtype>
        </question>
        """
    )
    assert found == ["7: units (m, cm) are left out: students type the number alone"]


def test_files_stored_in_a_question_are_reported_and_never_linked() -> None:
    parsed = bank(
        """
        <question type="truefalse">
          <name><text>Picture</text></name>
          <questiontext format="html">
            <text><![CDATA[<img src="@@PLUGINFILE@@/pics/sacrum.png" alt="Sacrum"> Yes?]]></text>
            <file name="sacrum.png" path="/pics/" encoding="base64">aGVsbG8=</file>
          </questiontext>
          <answer fraction="100"><text>true</text></answer>
          <answer fraction="0"><text>false</text></answer>
        </question>
        """
    )
    [warning] = parsed.warnings
    assert warning.message.startswith("the files stored inside the question (sacrum.png)")
    from seminar.core.content.quiz_render import render_question

    html = render_question(parsed.quiz.questions[0])["stem"]
    assert "PLUGINFILE" not in html and 'alt="Sacrum"' in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<quiz><question>", "1: not well-formed XML: no element found"),
        ("<quiz>\n<a></b></quiz>", "2: not well-formed XML: mismatched tag"),
        ("<quiz><q>&nbsp;</q></quiz>", "1: not well-formed XML: undefined entity (HTML such"),
        ('<!DOCTYPE quiz [<!ENTITY a "aa">]><quiz>&a;</quiz>', "1: a DOCTYPE or entity"),
        ("<quiz>" + "<a>" * 40, "1: elements are nested more than 30 deep"),
        ("<html><body/></html>", "1: the file's root is <html>: a Moodle question file's is"),
        ("<quiz>\n</quiz>", "1: the file has no questions"),
        ("not xml at all", "1: not well-formed XML: syntax error"),
        ("", "1: not well-formed XML: no element found"),
    ],
)
def test_a_file_that_is_not_a_moodle_question_file(text: str, expected: str) -> None:
    with pytest.raises(ContentError) as info:
        parse_moodle_xml(text, path="bank.xml", slug="bank")
    found = [f"{p.line}: {p.message}" for p in info.value.problems]
    assert len(found) == 1 and found[0].startswith(expected), found


def test_a_billion_laughs_is_refused_before_it_expands() -> None:
    entities = "".join(f'<!ENTITY e{i} "&e{i - 1};&e{i - 1};">' for i in range(1, 30))
    text = f'<!DOCTYPE q [<!ENTITY e0 "ha">{entities}]><quiz>&e29;</quiz>'
    with pytest.raises(ContentError, match="DOCTYPE or entity"):
        parse_moodle_xml(text, path="bank.xml", slug="bank")


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (
            '<question type="multichoice"><name><text>M</text></name>'
            "<questiontext><text>Q</text></questiontext>"
            '<answer fraction="x"><text>a</text></answer></question>',
            "3: fraction 'x' is not a number",
        ),
        (
            '<question type="numerical"><name><text>N</text></name>'
            "<questiontext><text>Q</text></questiontext>"
            '<answer fraction="100"><text>five</text></answer></question>',
            "3: answer 'five' needs a number and a tolerance of 0 or more",
        ),
        (
            '<question type="numerical"><name><text>N</text></name>'
            "<questiontext><text>Q</text></questiontext>"
            '<answer fraction="100"><text>5</text></answer>'
            '<answer fraction="50"><text>*</text></answer></question>',
            "3: the catch-all '*' answer is worth nothing here: give it 0",
        ),
        (
            '<question type="truefalse"><name><text>T</text></name>'
            "<questiontext><text>Q</text></questiontext>"
            '<answer fraction="100"><text>true</text></answer></question>',
            "3: a true/false question has two answers, 'true' and 'false'",
        ),
        (
            '<question type="matching"><name><text>M</text></name>'
            "<questiontext><text>Q</text></questiontext>"
            "<subquestion><text>a</text><answer><text>b</text></answer></subquestion>"
            "</question>",
            "3: a matching question needs at least two pairs with text on both sides of '->'",
        ),
        (
            '<question type="essay"><name><text>E</text></name>'
            "<questiontext><text><p>Describe</p></text></questiontext></question>",
            "3: this text has markup outside <![CDATA[ ... ]]>",
        ),
        (
            '<question type="shortanswer"><name><text>S</text></name>'
            "<questiontext><text></text></questiontext>"
            '<answer fraction="100"><text>x</text></answer></question>',
            "3: a question with no text",
        ),
        (
            '<question type="shortanswer"><name><text>S</text></name>'
            "<questiontext><text>Q</text></questiontext>"
            '<answer fraction="50"><text>x</text></answer>'
            "<tags><tag><text>a,b</text></tag></tags></question>",
            "3: tag 'a,b' has a ','",
        ),
    ],
)
def test_question_errors_are_reported_at_the_question(xml: str, expected: str) -> None:
    assert any(found.startswith(expected) for found in problems(xml)), problems(xml)


def test_a_partial_read_loads_the_good_questions_and_lists_the_others() -> None:
    good = (
        '<question type="truefalse"><name><text>Good</text></name>'
        "<questiontext><text>Yes?</text></questiontext>"
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question>'
    )
    bad = good.replace("Good", "Bad").replace("<text>true</text>", "<text>maybe</text>")
    bad = bad.replace('<answer fraction="0"><text>false</text></answer>', "")
    parsed = bank(good, bad, partial=True)
    assert [x.title for x in parsed.quiz.questions] == ["Good"]
    assert [(r.label, r.imported) for r in parsed.questions] == [("Good", True), ("Bad", False)]
    [failed] = parsed.failed
    assert [p.message for p in failed.problems] == [
        "a true/false question has two answers, 'true' and 'false'"
    ]
    with pytest.raises(ContentError):
        bank(good, bad)  # all or nothing unless asked


def test_quiz_settings_ride_in_comments() -> None:
    quiz = Quiz(
        slug="bank",
        title='A -- "quoted" title',
        questions=(Question(id="t", type="true_false", stem="Yes?", answer=True),),
        pass_mark=85,
        shuffle=True,
    )
    text = to_moodle_xml(quiz)
    assert '<!-- quiz: title: "A -\\x2D \\"quoted\\" title" -->' in text
    assert parse_moodle_xml(text, path="bank.xml", slug="bank").quiz == quiz


def test_a_numeric_range_is_written_as_moodle_reads_it() -> None:
    quiz = Quiz(
        slug="bank",
        title="Bank",
        questions=(Question(id="n", type="numeric", stem="?", answers=(Answer(min=4, max=6),)),),
    )
    text = to_moodle_xml(quiz)
    assert "<text>5</text>" in text and "<tolerance>1</tolerance>" in text
    assert parse_moodle_xml(text, path="bank.xml", slug="bank").quiz == quiz
    edited = text.replace("<text>5</text>", "<text>7</text>")  # by hand, after export
    parsed = parse_moodle_xml(edited, path="bank.xml", slug="bank")
    assert parsed.quiz.questions[0].answers == (Answer(value=7, tolerance=1),)
    assert "does not match the answer: reading 7 ± 1" in parsed.warnings[0].message


def test_a_text_xml_cannot_hold_is_refused_by_name() -> None:
    from seminar.core.questions import Unwritable

    quiz = Quiz(
        slug="bank",
        title="Bank",
        questions=(Question(id="bell", type="essay", stem="Ring \x07 it"),),
    )
    with pytest.raises(Unwritable, match="question 'bell': the text 'Ring \x07 it' has a"):
        to_moodle_xml(quiz)
