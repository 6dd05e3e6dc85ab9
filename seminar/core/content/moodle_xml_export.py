"""Write a quiz as Moodle XML, the file Moodle's question bank imports.

Each question type writes its own elements (`QuestionType.to_xml`); here are what every
question has, in Moodle's order: name, question text, general feedback, default grade,
penalty, ID number (the question's id), then the type's elements and the tags, with a
category question wherever the category changes. What Moodle has no place for rides in
comments, which Moodle ignores and the platform reads back: the quiz settings, a numeric
range, and a name that is not a title. Parsing the export gives the same quiz.
"""

from __future__ import annotations

from seminar.core.content.moodle_xml import FROM_TEXT, default_name
from seminar.core.content.quiz_export import settings_of
from seminar.core.content.quiz_model import Question, Quiz
from seminar.core.questions import Unwritable, question_type
from seminar.core.questions.moodle_xml import NotXml, text_element, value, xml_text
from seminar.core.questions.syntax import fmt_number


def _comment_safe(text: str) -> str:
    """A setting's YAML value inside an XML comment, which cannot hold '--': in a quoted YAML
    string the second '-' can be written as an escape."""
    return text.replace("--", "-\\x2D") if text.startswith('"') else text


def _category(category: str) -> list[str]:
    return [
        '  <question type="category">',
        *text_element("category", category, 2),
        "  </question>",
    ]


def _name(q: Question) -> list[str]:
    if q.title:
        return text_element("name", q.title, 2)
    # Moodle needs a name: the text's first words, marked as not a title.
    name = default_name(q.stem) or q.id
    return text_element("name", name, 2, children=[f"      <!-- {FROM_TEXT} -->"])


def _question(q: Question) -> list[str]:
    kind = question_type(q)
    penalty = q.penalty if q.penalty is not None else kind.moodle_penalty
    lines = [
        f'  <question type="{kind.moodle_type}">',
        *_name(q),
        *text_element("questiontext", q.stem, 2, fmt=q.format),
        *text_element(
            "generalfeedback", q.feedback if kind.graded else "", 2, fmt=q.format_of("feedback")
        ),
        value("defaultgrade", fmt_number(q.points) if kind.graded else "0", 2),
        value("penalty", fmt_number(penalty), 2),
        value("hidden", "0", 2),
        value("idnumber", q.id, 2),
        *kind.to_xml(q),
    ]
    if q.tags:
        lines += [
            "    <tags>",
            *(f"      <tag><text>{xml_text(tag)}</text></tag>" for tag in q.tags),
            "    </tags>",
        ]
    return [*lines, "  </question>"]


def to_moodle_xml(quiz: Quiz) -> str:
    """The quiz as Moodle XML; raises Unwritable for a text XML cannot hold."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    lines += [f"<!-- quiz: {key}: {_comment_safe(v)} -->" for key, v in settings_of(quiz)]
    category = ""
    for q in quiz.questions:
        try:
            if q.category != category:
                category = q.category
                lines += _category(category)
            lines += _question(q)
        except NotXml as exc:
            raise Unwritable(f"question '{q.id}': {exc.message}") from None
    return "\n".join([*lines, "</quiz>"]) + "\n"
