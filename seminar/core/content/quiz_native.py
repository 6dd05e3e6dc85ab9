"""Parse a native quiz file (FORMATS.md, "The native format") into the question model.

A file is YAML front matter (the quiz settings) and Markdown questions, each starting at a
level-2 heading `## stem {#id}` (the line syntax is in `native_syntax`). Each question's
answer lines go to the reader of the question type that claims their kind. Every problem is
reported at its 1-based line.

Beyond FORMATS.md (all optional, used by the exporter so any quiz round-trips):

- heading attributes `{#id type=essay|description title="..." category="..." points=2}`;
  quoted values are JSON strings. `stem="..."` holds a stem that cannot be written as
  Markdown under the heading (e.g. one with a line that reads as an answer).
- a weight right after the checkbox or `=`: `- [ ] %50% half right`, `= %50% 4..6`.
- an answer text written entirely as a JSON string (`- [x] "True"`, `= "5"`) is taken
  literally: for texts with line breaks, or that would otherwise read as syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from seminar.core.content.frontmatter import split_front_matter
from seminar.core.content.native_syntax import (
    ANSWER_KINDS,
    ANSWER_SYNTAXES,
    ATTR_KEYS,
    HEADING_RE,
    HEADING_TYPES,
    NO_ANSWERS,
    classify,
    match_line,
    split_heading,
)
from seminar.core.content.problems import ContentError
from seminar.core.content.quiz_common import (
    ID_HELP,
    ID_RE,
    PendingId,
    QuizParse,
    Report,
    assign_ids,
    check_draw,
    read_settings,
    slugify,
)
from seminar.core.content.quiz_model import Question, Quiz
from seminar.core.questions import question_type
from seminar.core.questions.native import AnswerLine, quote_content
from seminar.core.questions.syntax import clean, normalize_newlines, read_number

# --- the file, split into questions -------------------------------------------------------


@dataclass
class _Chunk:
    line: int
    heading: str
    body: list[tuple[int, str]] = field(default_factory=list)


def _chunks(lines: list[str], first_line: int, report: Report) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    stray_reported = False
    for offset, line in enumerate(lines):
        number = first_line + offset
        if m := HEADING_RE.match(line):
            chunks.append(_Chunk(number, m.group(1)))
        elif chunks:
            chunks[-1].body.append((number, line))
        elif line.strip(" \t") and not stray_reported:
            report.error(number, "text before the first question: start a question with '## '")
            stray_reported = True
    return chunks


def _split_body(
    body: list[tuple[int, str]],
) -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[tuple[int, str]]]:
    """(stem lines, answer block, trailing general-feedback lines) of a question's body."""
    kinds = [classify(line) for _, line in body]
    first_answer = next((i for i, k in enumerate(kinds) if k in ANSWER_KINDS), None)
    if first_answer is not None:
        return body[:first_answer], body[first_answer:], []
    # No answers: a quote at column 0 that ends the question is its general feedback.
    end = len(body)
    while end and kinds[end - 1] == "blank":
        end -= 1
    start = end
    while start and kinds[start - 1] in ("top_quote", "blank"):
        start -= 1
    while start < end and kinds[start] == "blank":
        start += 1
    if start == end:
        return body, [], []
    return body[:start], [], body[start:]


EXPECTED = (
    f"expected an answer ({', '.join(s.example for s in ANSWER_SYNTAXES.values())}), "
    "an indented '>' feedback or the next '## ' question"
)


def _read_answer_block(
    block: list[tuple[int, str]], report: Report
) -> tuple[list[AnswerLine], list[tuple[int, str]], bool]:
    """The answer items with their feedback, the general-feedback lines after them, and
    whether the block was read to its end (else the items are not all there to check)."""
    items: list[AnswerLine] = []
    general: list[tuple[int, str]] = []
    for number, line in block:
        kind, m = match_line(line)
        if general:
            if kind in ("top_quote", "blank"):
                general.append((number, line))
            else:
                where = "answers" if kind in ANSWER_KINDS else "text"
                report.error(number, f"{where} after the general feedback ('>' at column 0)")
                return items, general, False
        elif m and kind in ANSWER_KINDS:
            items.append(AnswerLine(kind, number, m))
        elif m and kind == "quote":
            items[-1].add_feedback(quote_content(m.group(1)), number)
        elif kind == "top_quote":
            general.append((number, line))
        elif kind == "blank":
            items[-1].blanks += 1
        else:
            report.error(number, EXPECTED)
    return items, general, True


def _quote_text(lines: list[tuple[int, str]]) -> str:
    return clean(
        "\n".join(quote_content(line[1:]) if line.startswith(">") else "" for _, line in lines)
    )


# --- one question -------------------------------------------------------------------------


def _read_attrs(tokens: list[tuple[str, str | None]], line: int, report: Report) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for key, value in tokens:
        name = "id" if key == "#" else key
        if name in attrs:
            report.error(line, f"'{name}' is given twice in the heading's {{...}}")
        elif value is None:
            report.error(line, f"{key}=... is not a valid quoted string")
        elif key == "#":
            if ID_RE.match(value):
                attrs["id"] = value
            else:
                report.error(line, f"question id '#{value}' may only use {ID_HELP}")
        elif key not in ATTR_KEYS:
            report.error(line, f"unknown attribute '{key}' (known: #id, {', '.join(ATTR_KEYS)})")
        elif key == "type" and value not in HEADING_TYPES:
            report.error(
                line,
                f"type= must be {' or '.join(HEADING_TYPES)} (other types follow from the answers)",
            )
        elif key == "points":
            points = read_number(value)
            if points is None or points <= 0:
                report.error(line, "points= must be a number above 0")
            else:
                attrs["points"] = points
        else:
            attrs[key] = value if key == "type" else clean(value)
    return attrs


def _answers(items: list[AnswerLine], report: Report, line: int) -> dict[str, Any] | None:
    first = ANSWER_SYNTAXES[items[0].kind]
    other = next((item for item in items if item.kind != first.kind), None)
    if other is not None:
        report.error(
            other.line,
            f"mixed answer kinds in one question: {ANSWER_SYNTAXES[other.kind].plural} "
            f"after {first.plural}",
        )
        return None
    return first.read(items, report, line)


def _question(chunk: _Chunk, report: Report) -> tuple[Question | None, PendingId]:
    errors = len(report.errors)
    line = chunk.line
    heading_text, tokens = split_heading(chunk.heading)
    attrs = _read_attrs(tokens, line, report)
    stem_lines, block, general_lines = _split_body(chunk.body)
    items, after, complete = _read_answer_block(block, report) if block else ([], [], True)
    general_lines = general_lines or after
    general = _quote_text(general_lines)

    stem = clean("\n".join([heading_text] + [text for _, text in stem_lines]))
    if "stem" in attrs:
        if stem:
            report.error(line, 'write the stem under the heading or as stem="...", not both')
        stem = attrs["stem"]
    if not stem:
        report.error(line, "a question with no stem: write it after '## '")
    pending = PendingId(
        attrs.get("id"), line, slugify(heading_text or stem), True, "(from the heading)"
    )

    kind = attrs.get("type")
    fields: dict[str, Any] | None = {"type": kind or NO_ANSWERS}
    if items and kind:
        report.error(items[0].line, f"a question marked type={kind} has no answer lines")
    elif items:
        fields = _answers(items, report, line) if complete else None
    if kind and not question_type(kind).graded:
        if general:
            report.error(general_lines[0][0], f"a {kind} has no feedback")
        if "points" in attrs:
            report.error(line, f"a {kind} has no points")
    if fields is None or len(report.errors) > errors:
        pending.failed = True
        return None, pending
    question = Question(
        id="",
        stem=stem,
        title=attrs.get("title", ""),
        feedback=general,
        category=attrs.get("category", ""),
        points=attrs.get("points", 1),
        **fields,
    )
    return question, pending


def parse_native_quiz(text: str, *, path: str, slug: str) -> QuizParse:
    """Parse a native quiz file; raise ContentError with every problem found."""
    text = normalize_newlines(text)
    fm = split_front_matter(text, path)
    body_line = text.count("\n", 0, len(text) - len(fm.body)) + 1
    report = Report(path)
    settings = read_settings(fm.data, fm.key_lines, report, fallback_line=max(1, body_line - 1))
    chunks = _chunks(fm.body.split("\n"), body_line, report)
    if not chunks:
        report.error(body_line, "the quiz has no questions: start each one with '## '")
    built = [_question(chunk, report) for chunk in chunks]
    ids = assign_ids([pending for _, pending in built], report)
    questions = [replace(q, id=i) for (q, _), i in zip(built, ids, strict=True) if q is not None]
    check_draw(settings, questions, fm.key_lines.get("draw", 1), report)
    if report.errors:
        raise ContentError(report.sorted())
    return QuizParse(Quiz(slug=slug, questions=tuple(questions), **settings), report.warnings)
