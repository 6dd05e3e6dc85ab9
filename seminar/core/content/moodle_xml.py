"""Read Moodle XML question files (docs.moodle.org/en/Moodle_XML_format) into the model.

A file is `<quiz>` holding `<question type="...">` elements: each type reads its own
elements (`QuestionType.from_xml`); here are what every question has (name, question text,
general feedback, default grade, penalty, ID number, tags), categories
(`<question type="category">`), and what cannot come over: a type this platform does not
have is skipped by name, and parts it does not keep (hints, combined feedback, pictures
stored in the file, units) are reported as warnings, never dropped in silence.

Parsing is safe: no DTD or entity declarations (defusedxml), a bounded size and nesting,
CDATA and the five XML entities read as text. Our quiz settings ride in comments
(`<!-- quiz: pass_mark: 80 -->`) and so does a numeric range, which Moodle ignores.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from seminar.core.content.limits import MAX_FILE_COST, markdown_cost, markdown_problems
from seminar.core.content.problems import Problem
from seminar.core.content.quiz_common import (
    ID_HELP,
    ID_RE,
    PendingId,
    QuestionReport,
    QuizParse,
    Report,
    finish_question,
    label_of,
    read_tags,
    slugify,
)
from seminar.core.content.quiz_model import Question
from seminar.core.content.quiz_settings import (
    SettingLines,
    finish_with_setting_lines,
    read_setting_line,
)
from seminar.core.questions import TYPES, question_type
from seminar.core.questions.model import MARKDOWN
from seminar.core.questions.moodle_xml import LinedElement, XmlRead, child_text, comments, line_of
from seminar.core.questions.syntax import clean, read_number

MAX_XML_CHARS = 5_000_000  # a bank of a few thousand questions, pictures included
MAX_XML_DEPTH = 30  # Moodle's files nest about six deep
MOODLE_TYPES = {t.moodle_type: t for t in reversed(TYPES.values()) if t.moodle_type}
MOODLE_TYPES["match"] = MOODLE_TYPES["matching"]  # Moodle reads both names
# Moodle's question types this platform has no type for, as Moodle's pages name them.
UNSUPPORTED = {
    "calculated": "calculated",
    "calculatedsimple": "simple calculated",
    "calculatedmulti": "calculated multichoice",
    "cloze": "embedded answers (Cloze)",
    "multianswer": "embedded answers (Cloze)",
    "ddwtos": "drag and drop into text",
    "gapselect": "select missing words",
    "ddimageortext": "drag and drop onto image",
    "ddmarker": "drag and drop markers",
    "randomsamatch": "random short-answer matching",
    "random": "random",
}
# What Moodle's editor puts in the combined feedback unless the author writes their own: the
# review here says as much, so nothing is lost when these are left out.
DEFAULT_COMBINED = {
    "",
    "Your answer is correct.",
    "Your answer is partially correct.",
    "Your answer is incorrect.",
}
FROM_TEXT = "name from the question text"  # our comment: the name is not a title
PLUGINFILE_RE = re.compile(r"@@PLUGINFILE@@/([^\"'\s<>)]+)")
_TAGS_RE = re.compile(r"<[^>]*>")


class _TooDeep(Exception):
    pass


class _Builder(ET.TreeBuilder):
    """Elements that know their line, comments kept, nesting bounded."""

    def __init__(self) -> None:
        super().__init__(
            element_factory=LinedElement, comment_factory=self._comment, insert_comments=True
        )
        self.where = lambda: 0
        self.depth = 0

    def _comment(self, text: str) -> ET.Element:
        element = LinedElement(ET.Comment)
        element.text, element.line = text, self.where()
        return element

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _TooDeep
        element = super().start(tag, attrs)
        element.line = self.where()
        return element

    def end(self, tag: str) -> ET.Element:
        self.depth -= 1
        return super().end(tag)


def xml_size_problems(text: str, path: str) -> list[Problem]:
    """The file is too large to read, checked before anything is parsed."""
    if len(text) <= MAX_XML_CHARS:
        return []
    return [
        Problem(
            path,
            1,
            f"the file has {len(text):,} characters; at most {MAX_XML_CHARS:,} can be loaded: "
            "export the questions in several files (one category each)",
        )
    ]


def _tree(text: str, report: Report) -> ET.Element | None:
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.where = lambda: parser.parser.CurrentLineNumber
    try:
        parser.feed(text)
        return parser.close()
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 1
        problem = str(exc).split(":")[0]
        if problem == "undefined entity":
            problem += " (HTML such as &nbsp; goes inside <![CDATA[ ... ]]>, as Moodle writes it)"
        report.error(line, f"not well-formed XML: {problem}")
    except DefusedXmlException:
        report.error(
            parser.parser.CurrentLineNumber,
            "a DOCTYPE or entity declaration: a Moodle question file has none, and they are "
            "not read (they can make a small file expand without end)",
        )
    except _TooDeep:
        report.error(
            parser.parser.CurrentLineNumber,
            f"elements are nested more than {MAX_XML_DEPTH} deep: "
            "this is not a Moodle question file",
        )
    return None


# --- one question -------------------------------------------------------------------------


def default_name(stem: str) -> str:
    """The name Moodle XML needs for a question without a title: its text's first words."""
    words = " ".join(_TAGS_RE.sub(" ", stem).split())
    return words if len(words) <= 80 else words[:80].rsplit(" ", 1)[0] + "…"


def _title(x: XmlRead, stem: str) -> str:
    name = x.el.find("name")
    if name is not None and any(c.strip() == FROM_TEXT for c in comments(name)):
        return ""  # our export's stand-in for a question without a title
    return clean(child_text(name, "text"))


def _pending(x: XmlRead, title: str, stem: str) -> PendingId:
    label = label_of(title, stem)
    idnumber = x.value("idnumber")
    at = line_of(x.el.find("idnumber"), x.line)
    if idnumber and ID_RE.match(idnumber):
        return PendingId(idnumber, at, label=label, start=x.line)
    if idnumber:
        why = f"(from the ID number '{idnumber}', which may only use {ID_HELP})"
        base = slugify(idnumber) or slugify(title or stem)
        return PendingId(None, at, base, True, why, label=label, start=x.line)
    if title and slugify(title):
        return PendingId(
            None, x.line, slugify(title), False, "(from the name)", label=label, start=x.line
        )
    return PendingId(
        None, x.line, slugify(stem), True, "(from the question text)", label=label, start=x.line
    )


def _common(x: XmlRead, kind: str) -> dict[str, Any]:
    """What every question has besides its type's fields."""
    out: dict[str, Any] = {}
    kind_type = question_type(kind)
    grade = x.value("defaultgrade", "1")
    points = read_number(grade)
    if points is None:
        x.error(x.el.find("defaultgrade"), f"defaultgrade '{grade}' is not a number")
    elif kind_type.graded and points <= 0:
        x.warn(x.el.find("defaultgrade"), "a question worth no marks in Moodle is worth 1 here")
    elif kind_type.graded:
        out["points"] = points
    penalty = x.value("penalty")
    if penalty:
        value = read_number(penalty)
        if value is None:
            x.error(x.el.find("penalty"), f"penalty '{penalty}' is not a number")
        else:
            out["penalty"] = value
    tags = [child_text(t, "text") for t in x.el.findall("tags/tag")]
    course = [child_text(t, "text") for t in x.el.findall("coursetags/tag")]
    if any(course):
        x.warn(x.el.find("coursetags"), "course tags are kept as the question's tags")
    out["tags"] = read_tags(tags + course, line_of(x.el.find("tags"), x.line), x.report)
    return out


def _left_out(x: XmlRead, texts: list[str]) -> None:
    """Warn of what Moodle keeps with a question that this platform does not."""
    if any(child_text(h, "text") for h in x.el.findall("hint")):
        x.warn(
            x.el.find("hint"), "hints are left out: they are for Moodle's tries within a question"
        )
    combined = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
    custom = [
        tag
        for tag in combined
        if _TAGS_RE.sub("", x.value(f"{tag}/text")).strip() not in DEFAULT_COMBINED
    ]
    if custom:
        x.warn(
            x.el.find(custom[0]),
            "the feedback for a right, partly right or wrong response as a whole is left out: "
            "put it in the general feedback or in each answer's",
        )
    files = [f.get("name", "") for f in x.el.iter("file")]
    files += [m.group(1) for text in texts for m in PLUGINFILE_RE.finditer(text)]
    if x.el.find("image") is not None or x.el.find("image_base64") is not None:
        files.append(x.value("image") or "image")
    if files:
        names = ", ".join(dict.fromkeys(f.rsplit("/", 1)[-1] for f in files if f))
        x.warn(
            x.el,
            f"the files stored inside the question ({names}) are left out: pictures here come "
            "from lessons/, linked by their path",
        )


def _question(el: ET.Element, category: str, report: Report) -> tuple[Question | None, PendingId]:
    errors = len(report.errors)
    x = XmlRead(el, report, line_of(el, 1))
    stem = x.texts("questiontext", "stem")  # Moodle: HTML unless its format says otherwise
    x.default = x.formats.pop("stem", "html")  # and every other text's format by default
    title = _title(x, stem)
    kind_type = MOODLE_TYPES[el.get("type", "")]
    fields = kind_type.from_xml(x)
    kind = fields["type"] if fields else kind_type.name
    feedback = x.texts("generalfeedback", "feedback")
    if feedback and not question_type(kind).graded:
        x.warn(el.find("generalfeedback"), f"a {kind} has no feedback here: it is left out")
        feedback = ""
    if not stem:
        x.error(el.find("questiontext"), "a question with no text")
    pending = _pending(x, title, stem)
    question, pending = finish_question(
        fields,
        pending,
        line=x.line,
        errors=errors,
        report=report,
        stem=stem,
        title=title,
        feedback=feedback,
        category=category,
        format=x.default,
        formats=tuple(x.formats.items()),
        **_common(x, kind),
    )
    if question is not None:
        _left_out(x, [stem, *question_type(question).texts(question).values()])
        _check_markdown(question, x.line, report)
        if len(report.errors) > errors:
            pending.failed = True
            return None, pending
    return question, pending


def markdown_texts(q: Question) -> list[str]:
    """The question's texts that are rendered as Markdown."""
    named = question_type(q).texts(q)
    texts = [text for name, text in named.items() if q.format_of(name) == MARKDOWN]
    return [q.stem, *texts] if q.format == MARKDOWN else texts


def _check_markdown(q: Question, line: int, report: Report) -> None:
    """Markdown texts are bounded as a Markdown file is, at the question's line."""
    for text in markdown_texts(q):
        for problem in markdown_problems(text, report.path):
            report.error(line, problem.message)


def _skipped(el: ET.Element, report: Report) -> QuestionReport:
    moodle = el.get("type", "")
    name = clean(child_text(el.find("name"), "text"))
    what = UNSUPPORTED.get(moodle, moodle or "untyped")
    article = "an" if what[0] in "aeiou" else "a"
    message = (
        f"'{name or 'a question'}' is skipped: {article} {what} question, "
        "which this platform has no type for"
    )
    line = line_of(el, 1)
    report.warn(line, message)
    problem = report.problems[-1]
    return QuestionReport(line, name or what, moodle, "", False, (problem,))


# --- the file -----------------------------------------------------------------------------


def _settings_comment(comment: ET.Element, settings: SettingLines, report: Report) -> None:
    text = (comment.text or "").strip()
    if text.startswith("quiz:"):
        how = "<!-- quiz: key: value -->"
        read_setting_line(text[len("quiz:") :], line_of(comment, 1), settings, report, how=how)


def _category(el: ET.Element, report: Report) -> str:
    x = XmlRead(el, report, line_of(el, 1))
    if x.value("info/text"):
        x.warn(el.find("info"), "the category's description is left out")
    if x.value("idnumber"):
        x.warn(el.find("idnumber"), "the category's ID number is left out")
    return clean(x.value("category/text"))


def parse_moodle_xml(text: str, *, path: str, slug: str, partial: bool = False) -> QuizParse:
    """Parse a Moodle XML question file; raise ContentError with every problem found
    (`partial`: unless some questions load and the file itself has no errors)."""
    report = Report(path)
    root = _tree(text, report)
    if root is not None and root.tag != "quiz":
        report.error(
            line_of(root, 1), f"the file's root is <{root.tag}>: a Moodle question file's is <quiz>"
        )
        root = None
    settings = SettingLines({}, {})
    category = ""
    built: list[tuple[Question | None, PendingId]] = []
    skipped: list[QuestionReport] = []
    cost = 0
    for el in root if root is not None else []:
        if el.tag is ET.Comment:
            _settings_comment(el, settings, report)
        elif el.tag != "question":
            report.warn(line_of(el, 1), f"<{el.tag}> is not a question: left out")
        elif el.get("type") == "category":
            category = _category(el, report)
        elif el.get("type") not in MOODLE_TYPES:
            skipped.append(_skipped(el, report))
        else:
            report.owner = len(built)
            built.append(_question(el, category, report))
            report.owner = None
            cost += (
                sum(markdown_cost(t) for t in markdown_texts(built[-1][0])) if built[-1][0] else 0
            )
    if cost > MAX_FILE_COST:
        report.error(
            1,
            "the file's Markdown has too many '[' and '<' to render in reasonable time: "
            "split it into several files",
        )
    if root is not None and not built and not skipped:
        report.error(line_of(root, 1), "the file has no questions")
    return finish_with_setting_lines(
        built, settings, report, slug=slug, partial=partial, unsupported=tuple(skipped)
    )
