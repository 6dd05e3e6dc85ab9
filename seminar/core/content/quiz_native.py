"""Parse a native quiz file (FORMATS.md, "The native format") into the question model.

A file is YAML front matter (the quiz settings) and Markdown questions, each starting at a
level-2 heading `## stem {#id}` (the line syntax is in `native_syntax`). Each question's
answer lines go to the reader of the question type that claims their kind. Every problem is
reported at its 1-based line.

Beyond FORMATS.md (all optional, used by the exporter so any quiz round-trips):

- heading attributes `{#id type=essay|description title="..." category="..." points=2}`;
  quoted values are JSON strings. `stem="..."` holds a stem that cannot be written as
  Markdown under the heading (e.g. one with a line that reads as an answer).
- what a Moodle question carries: `tags="a, b"`, `format=html` (the question's texts are
  HTML, `plain`, `moodle` or `markdown`), `formats="choices.1=plain feedback=markdown"` (a
  text in another format), `shuffle=false` (choices keep their order), `penalty=0.5`, and
  `type=multiple` for a multiple choice with one right answer (one `[x]`).
- a weight right after the checkbox or `=`: `- [ ] %50% half right`, `= %50% 4..6`.
- an answer text written entirely as a JSON string (`- [x] "True"`, `= "5"`) is taken
  literally: for texts with line breaks, or that would otherwise read as syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from seminar.core.content.frontmatter import split_front_matter
from seminar.core.content.native_syntax import (
    ANSWER_KINDS,
    ANSWER_SYNTAXES,
    ATTR_KEYS,
    CHOICE_TYPES,
    HEADING_RE,
    HEADING_TYPES,
    NO_ANSWERS,
    classify,
    match_line,
    split_heading,
)
from seminar.core.content.quiz_common import (
    ID_HELP,
    ID_RE,
    PendingId,
    QuizParse,
    Report,
    finish_question,
    finish_quiz,
    label_of,
    read_tags,
    slugify,
)
from seminar.core.content.quiz_model import Question
from seminar.core.content.quiz_settings import read_settings
from seminar.core.questions import question_type
from seminar.core.questions.model import MARKDOWN
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
        elif reader := _ATTR_READERS.get(key):
            read = reader(value)
            if isinstance(read, _Refused):
                report.error(line, read.message)
            else:
                attrs[key] = read
        else:
            attrs[key] = clean(value)
    return attrs


@dataclass(frozen=True)
class _Refused:
    message: str


def _type(value: str) -> str | _Refused:
    if value in HEADING_TYPES or value in CHOICE_TYPES:
        return value
    known = " or ".join((*HEADING_TYPES, *CHOICE_TYPES))
    return _Refused(f"type= must be {known} (other types follow from the answers)")


def _points(value: str) -> float | _Refused:
    points = read_number(value)
    return _Refused("points= must be a number above 0") if points is None or points <= 0 else points


def _penalty(value: str) -> float | _Refused:
    penalty = read_number(value)
    if penalty is None:
        return _Refused("penalty= must be a number from 0 to 1")
    return penalty


def _shuffle(value: str) -> bool | _Refused:
    if value not in ("true", "false"):
        return _Refused("shuffle= must be true or false")
    return value == "true"


def _formats(value: str) -> dict[str, str] | _Refused:
    out: dict[str, str] = {}
    for part in value.split():
        name, sep, fmt = part.partition("=")
        if not sep or not name or not fmt:
            return _Refused(
                f"formats= lists text=format pairs, e.g. \"feedback=html\", not '{part}'"
            )
        out[name] = fmt
    return out


_ATTR_READERS = {
    "type": _type,
    "points": _points,
    "penalty": _penalty,
    "shuffle": _shuffle,
    "formats": _formats,
    "format": lambda value: value,
    "tags": lambda value: value.split(","),
}


def _answers(
    items: list[AnswerLine], report: Report, line: int, declared: str | None
) -> dict[str, Any] | None:
    first = ANSWER_SYNTAXES[items[0].kind]
    other = next((item for item in items if item.kind != first.kind), None)
    if other is not None:
        report.error(
            other.line,
            f"mixed answer kinds in one question: {ANSWER_SYNTAXES[other.kind].plural} "
            f"after {first.plural}",
        )
        return None
    fields = first.read(items, report, line, declared)
    if fields is not None and declared is not None and fields["type"] != declared:
        report.error(line, f"type={declared} needs choice lines '- [x] …'")
        return None
    return fields


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
        attrs.get("id"),
        line,
        slugify(heading_text or stem),
        True,
        "(from the heading)",
        label=label_of(attrs.get("title", ""), stem),
    )

    kind = attrs.get("type")
    fields: dict[str, Any] | None = {"type": kind or NO_ANSWERS}
    if kind in CHOICE_TYPES:
        if not items:
            report.error(line, f"type={kind} needs choice lines '- [x] …'")
        fields = _answers(items, report, line, kind) if items and complete else None
    elif items and kind:
        report.error(items[0].line, f"a question marked type={kind} has no answer lines")
    elif items:
        fields = _answers(items, report, line, None) if complete else None
    if kind and kind not in CHOICE_TYPES and not question_type(kind).graded:
        if general:
            report.error(general_lines[0][0], f"a {kind} has no feedback")
        if "points" in attrs:
            report.error(line, f"a {kind} has no points")
    return finish_question(
        fields,
        pending,
        line=line,
        errors=errors,
        report=report,
        stem=stem,
        title=attrs.get("title", ""),
        feedback=general,
        category=attrs.get("category", ""),
        points=attrs.get("points", 1),
        tags=read_tags(attrs.get("tags", []), line, report),
        format=attrs.get("format", MARKDOWN),
        formats=tuple(attrs.get("formats", {}).items()),
        shuffle=attrs.get("shuffle", True),
        penalty=attrs.get("penalty"),
    )


def parse_native_quiz(text: str, *, path: str, slug: str, partial: bool = False) -> QuizParse:
    """Parse a native quiz file; raise ContentError with every problem found (`partial`:
    unless some questions load and the file itself has no errors)."""
    text = normalize_newlines(text)
    fm = split_front_matter(text, path)
    body_line = text.count("\n", 0, len(text) - len(fm.body)) + 1
    report = Report(path)
    settings = read_settings(fm.data, fm.key_lines, report, fallback_line=max(1, body_line - 1))
    chunks = _chunks(fm.body.split("\n"), body_line, report)
    if not chunks:
        report.error(body_line, "the quiz has no questions: start each one with '## '")
    built = []
    for owner, chunk in enumerate(chunks):
        report.owner = owner
        built.append(_question(chunk, report))
    report.owner = None
    return finish_quiz(
        built,
        settings,
        report,
        slug=slug,
        draw_line=fm.key_lines.get("draw", 1),
        partial=partial,
    )
