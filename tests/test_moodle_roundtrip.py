"""Round trips through Moodle XML, over the generated quizzes of test_quiz_roundtrip.

- platform -> Moodle XML -> platform gives the same quiz, every field (texts and their
  formats, tags, ids, penalties, shuffle, categories, numeric ranges, quiz settings);
- Moodle XML -> platform -> Moodle XML keeps every field: a file shaped as Moodle itself
  writes its exports (every text's format spelled out, Moodle's default combined feedback,
  names for every question, ranges as value and tolerance, `<!-- question: N -->` comments)
  reads into the quiz it describes, and the platform's export of it reads back the same;
- XML and GIFT agree: a quiz read from XML, written as GIFT and read again is the same.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from hypothesis import given
from hypothesis import strategies as st

from seminar.core.content.gift import parse_gift_quiz
from seminar.core.content.moodle_xml import parse_moodle_xml
from seminar.core.content.moodle_xml_export import to_moodle_xml
from seminar.core.content.problems import ContentError
from seminar.core.content.quiz_export import to_gift
from seminar.core.content.quiz_model import Answer, Question, Quiz
from seminar.core.questions import question_type
from seminar.core.questions.moodle_xml import FORMAT_NAMES
from seminar.core.questions.syntax import fmt_number
from tests.test_quiz_roundtrip import ALL_KINDS, FAST, GIFT_KINDS, SLUG, quizzes


def _xml(text: str) -> Quiz:
    parsed = parse_moodle_xml(text, path="bank.xml", slug=SLUG)
    assert parsed.warnings == (), text
    return parsed.quiz


@FAST
@given(quizzes(ALL_KINDS))
def test_platform_to_moodle_xml_and_back(quiz: Quiz) -> None:
    text = to_moodle_xml(quiz)
    assert _xml(text) == quiz, text


@FAST
@given(quizzes(ALL_KINDS))
def test_moodle_xml_exports_are_stable(quiz: Quiz) -> None:
    text = to_moodle_xml(quiz)
    assert to_moodle_xml(_xml(text)) == text


@FAST
@given(quizzes(GIFT_KINDS))
def test_moodle_xml_and_gift_agree(quiz: Quiz) -> None:
    from_xml = _xml(to_moodle_xml(quiz))
    assert parse_gift_quiz(to_gift(from_xml), path="q.gift", slug=SLUG).quiz == quiz


# --- a file as Moodle writes it -----------------------------------------------------------


def _text(tag: str, text: str, fmt: str | None, extra: str = "", attrs: str = "") -> str:
    format_attr = f' format="{FORMAT_NAMES[fmt]}"' if fmt else ""
    body = f"<![CDATA[{text}]]>" if escape(text) != text else text
    return f"<{tag}{attrs}{format_attr}><text>{body}</text>{extra}</{tag}>"


def _feedback(q: Question, name: str, text: str) -> str:
    return _text("feedback", text, q.format_of(name))


def _answers(q: Question) -> str:
    """The type's elements as Moodle writes them, every format spelled out."""
    out: list[str] = []
    if q.type in ("single", "multiple"):
        out.append(f"<single>{'true' if q.type == 'single' else 'false'}</single>")
        out.append(f"<shuffleanswers>{'true' if q.shuffle else 'false'}</shuffleanswers>")
        out.append("<answernumbering>abc</answernumbering>")
        for tag, words in (("correct", "correct"), ("partiallycorrect", "partially correct"),
                           ("incorrect", "incorrect")):  # fmt: skip
            out.append(_text(f"{tag}feedback", f"<p>Your answer is {words}.</p>", "html"))
        out.append("<shownumcorrect/>")
        for i, c in enumerate(q.choices):
            extra = _feedback(q, f"choices.{i}.feedback", c.feedback)
            fraction = f' fraction="{fmt_number(c.weight)}"'
            out.append(_text("answer", c.text, q.format_of(f"choices.{i}"), extra, fraction))
    elif q.type == "true_false":
        for value, name in ((True, "feedback_if_true"), (False, "feedback_if_false")):
            fraction = f' fraction="{100 if q.answer == value else 0}"'
            extra = _feedback(q, name, getattr(q, name))
            out.append(_text("answer", str(value).lower(), "moodle", extra, fraction))
    elif q.type in ("short", "numeric"):
        if q.type == "short":
            out.append("<usecase>0</usecase>")
        for i, a in enumerate(q.answers):
            extra = _feedback(q, f"answers.{i}.feedback", a.feedback)
            if q.type == "numeric":
                extra += f"<tolerance>{fmt_number(a.tolerance)}</tolerance>"
            text = a.text if a.text is not None else fmt_number(a.value or 0)
            fraction = f' fraction="{fmt_number(a.weight)}"'
            out.append(_text("answer", text, "moodle", extra, fraction))
    elif q.type == "matching":
        out.append(f"<shuffleanswers>{'true' if q.shuffle else 'false'}</shuffleanswers>")
        for i, p in enumerate(q.pairs):
            right = f"<answer><text>{escape(p.right)}</text></answer>"
            out.append(_text("subquestion", p.left, q.format_of(f"pairs.{i}"), right))
    elif q.type == "essay":
        out.append("<responseformat>editor</responseformat><responserequired>1</responserequired>")
        out.append('<graderinfo format="html"><text></text></graderinfo>')
        out.append('<responsetemplate format="html"><text></text></responsetemplate>')
    elif q.type == "ordering":
        out.append("<layouttype>VERTICAL</layouttype><selecttype>ALL</selecttype>")
        out.append("<gradingtype>ABSOLUTE_POSITION</gradingtype><showgrading>SHOW</showgrading>")
        for place, c in enumerate(q.choices, start=1):
            fmt = q.format_of(f"choices.{place - 1}")
            out.append(_text("answer", c.text, fmt, attrs=f' fraction="{place}.0000000"'))
    return "\n".join(out)


def moodle_style(quiz: Quiz) -> str:
    """The quiz as Moodle's own export would write it (no settings: Moodle has none)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    category = ""
    for number, q in enumerate(quiz.questions, start=1):
        q = as_moodle_keeps_it(q, number)
        if q.category != category:
            category = q.category
            out.append("<!-- question: 0  -->")
            out.append('<question type="category">' + _text("category", category, None))
            out.append('<info format="moodle_auto_format"><text></text></info></question>')
        kind = question_type(q)
        graded = kind.graded
        penalty = q.penalty if q.penalty is not None else kind.moodle_penalty
        out += [
            f"<!-- question: {number}  -->",
            f'<question type="{kind.moodle_type}">',
            _text("name", q.title, None),
            _text("questiontext", q.stem, q.format),
            _text("generalfeedback", q.feedback if graded else "", q.format_of("feedback")),
            f"<defaultgrade>{fmt_number(q.points) if graded else 0}.0000000</defaultgrade>"
            if float(q.points).is_integer() or not graded
            else f"<defaultgrade>{fmt_number(q.points)}</defaultgrade>",
            f"<penalty>{fmt_number(penalty)}</penalty><hidden>0</hidden>",
            f"<idnumber>{q.id}</idnumber>",
            _answers(q),
            "<tags>" + "".join(f"<tag><text>{escape(t)}</text></tag>" for t in q.tags) + "</tags>",
            "</question>",
        ]
    return "\n".join([*out, "</quiz>"]) + "\n"


def as_moodle_keeps_it(q: Question, number: int) -> Question:
    """What Moodle's bank holds of a question: a name always, ranges as value ± tolerance."""
    answers = tuple(
        Answer(
            value=(a.min + a.max) / 2,
            tolerance=(a.max - a.min) / 2,
            weight=a.weight,
            feedback=a.feedback,
        )
        if a.min is not None and a.max is not None
        else a
        for a in q.answers
    )
    return Question(**{**q.__dict__, "title": q.title or f"Question {number}", "answers": answers})


@FAST
@given(quizzes(ALL_KINDS))
def test_a_file_as_moodle_writes_it_keeps_every_field(quiz: Quiz) -> None:
    text = moodle_style(quiz)
    parsed = parse_moodle_xml(text, path="bank.xml", slug=SLUG)
    assert parsed.warnings == (), text
    expected = tuple(as_moodle_keeps_it(q, n) for n, q in enumerate(quiz.questions, start=1))
    assert parsed.quiz.questions == expected, text
    # ... and the platform's own export of it reads back the same, field by field.
    assert _xml(to_moodle_xml(parsed.quiz)) == parsed.quiz


# --- fuzz: any text is a quiz or a list of problems, never a crash -------------------------

XML_PIECES = [
    "<", ">", "&", "&amp;", "&lt;", "]]>", "<![CDATA[", "<!--", "-->", "</text>", "<text>",
    "</question>", '<question type="multichoice">', '<question type="category">',
    '<question type="cloze">', "<answer>", '<answer fraction="x">', "</answer>",
    '<answer fraction="100">', "<subquestion>", "<tolerance>-1</tolerance>", "<single>",
    'format="wiki_like"', "<!-- quiz: draw: 9 -->", "<!-- range: 5..1 -->", "<tags><tag>",
    "<name></name>", "<idnumber>a b</idnumber>", "@@PLUGINFILE@@/x.png", "<file>", "\n", "",
]  # fmt: skip


def _either_parses_or_reports(text: str) -> None:
    try:
        parsed = parse_moodle_xml(text, path="bank.xml", slug=SLUG, partial=True)
    except ContentError as exc:
        assert exc.problems and all(p.line >= 1 for p in exc.problems)
    else:
        assert parsed.quiz.questions
        assert all(p.line >= 1 for r in parsed.questions for p in r.problems)


@FAST
@given(quizzes(ALL_KINDS), st.integers(0, 100_000), st.sampled_from(XML_PIECES))
def test_fuzz_mutated_moodle_xml(quiz: Quiz, at: int, insert: str) -> None:
    text = to_moodle_xml(quiz)
    i = at % (len(text) + 1)
    _either_parses_or_reports(text[:i] + insert + text[i:])


@FAST
@given(st.lists(st.one_of(st.sampled_from(XML_PIECES), st.text(max_size=5)), max_size=40))
def test_fuzz_moodle_xml(pieces: list[str]) -> None:
    _either_parses_or_reports("<quiz>" + "".join(pieces) + "</quiz>")
