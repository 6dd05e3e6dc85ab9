"""Parse a native quiz file (FORMATS.md, "The native format") into the question model.

A file is YAML front matter (the quiz settings) and Markdown questions, each starting at a
level-2 heading `## stem {#id}`. Answer lines start at column 0: task-list choices
`- [x] text`, accepted answers `= text` and matching pairs `- left -> right`. A `>` quote
indented under an answer is its feedback; a `>` quote at column 0 ending the question is its
general feedback. Every problem is reported at its 1-based line.

Beyond FORMATS.md (all optional, used by the exporter so any quiz round-trips):

- heading attributes `{#id type=essay|description title="..." category="..." points=2}`;
  quoted values are JSON strings. `stem="..."` holds a stem that cannot be written as
  Markdown under the heading (e.g. one with a line that reads as an answer).
- a weight right after the checkbox or `=`: `- [ ] %50% half right`, `= %50% 4..6`.
- an answer text written entirely as a JSON string (`- [x] "True"`, `= "5"`) is taken
  literally: for texts with line breaks, or that would otherwise read as syntax.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from seminar.core.content.frontmatter import split_front_matter
from seminar.core.content.problems import ContentError
from seminar.core.content.quiz_common import (
    ID_HELP,
    ID_RE,
    NUMBER,
    PendingId,
    QuizParse,
    Report,
    assign_ids,
    check_choice_weights,
    check_draw,
    clean,
    normalize_newlines,
    parse_number,
    read_settings,
    slugify,
    split_weight,
)
from seminar.core.content.quiz_model import Answer, Choice, Pair, Question, Quiz

HEADING_RE = re.compile(r"^##(?=[ \t]|$)(.*)$")
CHOICE_RE = re.compile(r"^-[ \t]+\[([ xX])\](?=[ \t]|$)(.*)$")
EQ_RE = re.compile(r"^=(?=[ \t]|$)(.*)$")
PAIR_RE = re.compile(r"^-[ \t]+(.*->.*)$")
TOP_QUOTE_RE = re.compile(r"^>(.*)$")
INDENTED_QUOTE_RE = re.compile(r"^[ \t]+>(.*)$")
ANSWER_KINDS = ("choice", "eq", "pair")
KIND_NAMES = {"choice": "choices", "eq": "'=' answers", "pair": "'->' pairs"}

_STRING = r'"(?:[^"\\]|\\.)*"'
_TOKEN = rf'(?:#[^\s"{{}}]+|[A-Za-z_][\w-]*=(?:{_STRING}|[^\s"{{}}]+))'
ATTRS_RE = re.compile(rf"\{{[ \t]*({_TOKEN}(?:[ \t]+{_TOKEN})*)[ \t]*\}}[ \t]*$")
TOKEN_RE = re.compile(_TOKEN)
ATTR_KEYS = ("type", "title", "category", "points", "stem")
HEADING_TYPES = ("essay", "description")

VALUE_SPEC_RE = re.compile(rf"^({NUMBER})$")
TOLERANCE_SPEC_RE = re.compile(rf"^({NUMBER})\s*(?:±|\+-|\+/-)\s*({NUMBER})$")
RANGE_SPEC_RE = re.compile(rf"^({NUMBER})\s*\.\.\s*({NUMBER})$")
# Starts like a numeric answer, so a typo in it is an error, not a short answer.
NUMERIC_ISH_RE = re.compile(rf"^{NUMBER}\s*(?:±|\+-|\+/-|\.\.)")
CATCH_ALL = "*"


# --- line-level syntax, shared with the exporter ------------------------------------------


LINE_KINDS = (
    ("choice", CHOICE_RE),  # before "pair": '- [x] a -> b' is a choice
    ("eq", EQ_RE),
    ("pair", PAIR_RE),
    ("top_quote", TOP_QUOTE_RE),
    ("quote", INDENTED_QUOTE_RE),
)


def match_line(line: str) -> tuple[str, re.Match[str] | None]:
    """What a line of a question's body is (an answer kind, a quote, blank or text)."""
    for kind, pattern in LINE_KINDS:
        if m := pattern.match(line):
            return kind, m
    return ("blank" if not line.strip(" \t") else "text"), None


def classify(line: str) -> str:
    return match_line(line)[0]


def quote_content(after_marker: str) -> str:
    """'> text' holds 'text': the marker and one space go, any further indentation stays."""
    return after_marker[1:] if after_marker.startswith(" ") else after_marker


def _decode_value(raw: str) -> str | None:
    if not raw.startswith('"'):
        return raw
    try:
        value = json.loads(raw, strict=False)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def split_heading(raw: str) -> tuple[str, list[tuple[str, str | None]]]:
    """Heading text and its trailing `{...}` attributes as (key, value); '#' is the id.

    A value is None when its quoted form is not a valid JSON string.
    """
    m = ATTRS_RE.search(raw)
    if not m:
        return raw.strip(), []
    tokens: list[tuple[str, str | None]] = []
    for t in TOKEN_RE.finditer(m.group(1)):
        token = t.group(0)
        if token.startswith("#"):
            tokens.append(("#", token[1:]))
        else:
            key, _, value = token.partition("=")
            tokens.append((key, _decode_value(value)))
    return raw[: m.start()].strip(), tokens


def read_inline(raw: str) -> tuple[str, bool]:
    """An answer's text and whether it was written as a JSON string."""
    raw = raw.strip()
    if raw.startswith('"'):
        value = _decode_value(raw)
        if value is not None:
            return clean(value), True
    return raw, False


def read_pair(raw: str) -> tuple[str, str, bool]:
    """(left, right, right_was_quoted) of `left -> right`; the left side may be quoted."""
    raw = raw.strip()
    if raw.startswith('"'):
        try:
            left, end = json.JSONDecoder(strict=False).raw_decode(raw)
        except ValueError:
            left, end = None, 0
        arrow = re.match(r"\s*->", raw[end:])
        if isinstance(left, str) and arrow:
            right, quoted = read_inline(raw[end + arrow.end() :])
            return clean(left), right, quoted
    left, _, right_raw = raw.partition("->")
    right, quoted = read_inline(right_raw)
    return left.strip(), right, quoted


def read_numeric(text: str) -> tuple[dict[str, float] | None, str | None]:
    """Answer fields of a numeric answer text, or an error; (None, None) if not numeric."""
    if m := VALUE_SPEC_RE.match(text):
        value = parse_number(m.group(1))
        if value is None:
            return None, f"'{text}' is too large a number"
        return {"value": value, "tolerance": 0}, None
    if m := TOLERANCE_SPEC_RE.match(text):
        value, tolerance = parse_number(m.group(1)), parse_number(m.group(2))
        if value is None or tolerance is None:
            return None, f"'{text}' is not a number"
        if tolerance < 0:
            return None, f"tolerance {m.group(2)} is negative"
        return {"value": value, "tolerance": tolerance}, None
    if m := RANGE_SPEC_RE.match(text):
        low, high = parse_number(m.group(1)), parse_number(m.group(2))
        if low is None or high is None:
            return None, f"'{text}' is not a number"
        if low > high:
            return None, f"range {text}: the minimum is above the maximum"
        return {"min": low, "max": high}, None
    if NUMERIC_ISH_RE.match(text):
        return None, f"'{text}' is not a number, a 'number ± tolerance' or a 'low..high' range"
    return None, None


# --- the file, split into questions -------------------------------------------------------


@dataclass
class _Chunk:
    line: int
    heading: str
    body: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Item:
    kind: str
    line: int
    body: str  # what follows the '- [x]', '=' or '-' marker
    checked: bool = False
    feedback: list[str] = field(default_factory=list)
    feedback_line: int = 0
    blanks: int = 0  # blank lines seen since its last feedback line

    @property
    def feedback_text(self) -> str:
        return clean("\n".join(self.feedback))

    def add_feedback(self, text: str, line: int) -> None:
        # Blank lines between '>' lines stay in the feedback; before the first one they go.
        if self.feedback:
            self.feedback += [""] * self.blanks
        else:
            self.feedback_line = line
        self.blanks = 0
        self.feedback.append(text)


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


def _read_answer_block(
    block: list[tuple[int, str]], report: Report
) -> tuple[list[_Item], list[tuple[int, str]], bool]:
    """The answer items with their feedback, the general-feedback lines after them, and
    whether the block was read to its end (else the items are not all there to check)."""
    items: list[_Item] = []
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
        elif m and kind == "choice":
            items.append(_Item(kind, number, m.group(2), checked=m.group(1) != " "))
        elif m and kind in ("eq", "pair"):
            items.append(_Item(kind, number, m.group(1)))
        elif m and kind == "quote":
            items[-1].add_feedback(quote_content(m.group(1)), number)
        elif kind == "top_quote":
            general.append((number, line))
        elif kind == "blank":
            items[-1].blanks += 1
        else:
            report.error(
                number,
                "expected an answer ('- [x] …', '= …', '- a -> b'), an indented '>' feedback "
                "or the next '## ' question",
            )
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
                line, "type= must be essay or description (other types follow from the answers)"
            )
        elif key == "points":
            points = parse_number(value)
            if points is None or points <= 0:
                report.error(line, "points= must be a number above 0")
            else:
                attrs["points"] = points
        else:
            attrs[key] = value if key == "type" else clean(value)
    return attrs


def _choices(items: list[_Item], report: Report, line: int) -> dict[str, Any] | None:
    errors = len(report.errors)
    parsed: list[tuple[_Item, float | None, str, bool]] = []
    for item in items:
        weight, rest, error = split_weight(item.body.strip())
        if error:
            report.error(item.line, error)
            weight = None  # reported once: no second complaint about the same weight
        text, quoted = read_inline(rest)
        if not text:
            report.error(item.line, "a choice with no text")
        parsed.append((item, weight, text, quoted))

    if all(not quoted and text.lower() in ("true", "false") for _, _, text, quoted in parsed):
        return _true_false(parsed, report)
    checked = sum(1 for item in items if item.checked)
    if checked == 0:
        report.error(line, "no choice is checked: mark the right one with [x]")
        return None
    kind = "single" if checked == 1 else "multiple"
    weights: list[float] = []
    for item, weight, _, _ in parsed:
        weights.append(_choice_weight(kind, item, weight, checked, report))
    if len(report.errors) == errors and (problem := check_choice_weights(kind, weights)):
        report.error(line, problem)
    choices = tuple(
        Choice(text, w, item.feedback_text)
        for (item, _, text, _), w in zip(parsed, weights, strict=True)
    )
    return {"type": kind, "choices": choices}


def _choice_weight(
    kind: str, item: _Item, weight: float | None, checked: int, report: Report
) -> float:
    """A choice's weight: explicit, or the default (single: 100/0, multiple: ±100/k)."""
    if kind == "single":
        if item.checked and weight is not None and weight != 100:
            report.error(item.line, "the [x] choice of a single-choice question is worth 100%")
        elif weight is not None and weight < 0:
            report.error(
                item.line,
                "negative weights are only allowed in multiple-choice questions (several [x])",
            )
        if item.checked:
            return 100
        return weight if weight is not None else 0
    if weight is None:
        return 100 / checked if item.checked else -100 / checked
    if item.checked and weight <= 0:
        report.error(item.line, "a checked [x] choice needs a positive weight")
    elif not item.checked and weight > 0:
        report.error(item.line, "an unchecked [ ] choice cannot have a positive weight")
    return weight


def _true_false(
    parsed: list[tuple[_Item, float | None, str, bool]], report: Report
) -> dict[str, Any] | None:
    texts = sorted(text for _, _, text, _ in parsed)
    checked = [item for item, _, _, _ in parsed if item.checked]
    first = parsed[0][0].line
    if texts != ["False", "True"] or len(checked) != 1:
        report.error(
            first, "a true/false question has exactly the choices True and False, one checked"
        )
        return None
    for item, weight, _, _ in parsed:
        if weight is not None:
            report.error(item.line, "true/false choices have no weights")
    by_text = {text: item for item, _, text, _ in parsed}
    return {
        "type": "true_false",
        "answer": by_text["True"].checked,
        "feedback_if_true": by_text["True"].feedback_text,
        "feedback_if_false": by_text["False"].feedback_text,
    }


def _eq_answers(items: list[_Item], report: Report, line: int) -> dict[str, Any] | None:
    errors = len(report.errors)
    entries: list[tuple[_Item, float | None, str, bool]] = []
    for item in items:
        weight, rest, error = split_weight(item.body.strip())
        if error:
            report.error(item.line, error)
        elif weight is not None and weight < 0:
            report.error(
                item.line, "negative weights are only allowed in multiple-choice questions"
            )
        text, quoted = read_inline(rest)
        if not text:
            report.error(item.line, "an '=' answer with no text")
        entries.append((item, weight, text, quoted))

    specs = [(None, None) if quoted else read_numeric(text) for _, _, text, quoted in entries]
    # Numeric when every line is a number or the catch-all, or when any line is written as a
    # tolerance or a range ('5 ± 1', '4..6'): then a typo is an error, not a short answer.
    valid = [fields is not None for fields, _ in specs]
    catch_all = [not quoted and text == CATCH_ALL for _, _, text, quoted in entries]
    ranged = any(not quoted and NUMERIC_ISH_RE.match(text) for _, _, text, quoted in entries)
    is_numeric = (
        ranged
        or any(error for _, error in specs)
        or (any(valid) and all(v or c for v, c in zip(valid, catch_all, strict=True)))
    )
    if is_numeric:
        answers = _numeric_answers(entries, specs, report)
    else:
        answers = [
            Answer(text=text, weight=100 if w is None else w, feedback=item.feedback_text)
            for item, w, text, _ in entries
        ]
    if len(report.errors) == errors and not any(a.weight == 100 for a in answers):
        report.error(line, "no answer is worth 100%")
    return {"type": "numeric" if is_numeric else "short", "answers": tuple(answers)}


def _numeric_answers(
    entries: list[tuple[_Item, float | None, str, bool]],
    specs: list[tuple[dict[str, float] | None, str | None]],
    report: Report,
) -> list[Answer]:
    answers: list[Answer] = []
    for index, ((item, weight, text, quoted), spec) in enumerate(zip(entries, specs, strict=True)):
        if not quoted and text == CATCH_ALL:
            if weight is not None:
                report.error(item.line, "the catch-all '= *' is worth nothing: remove its weight")
            if index != len(entries) - 1:
                report.error(item.line, "the catch-all '= *' must be the last answer")
            answers.append(Answer(text=CATCH_ALL, weight=0, feedback=item.feedback_text))
            continue
        fields, error = spec
        if fields is None:
            report.error(item.line, error or f"'{text}' is not a number (this question is numeric)")
            continue
        answers.append(
            Answer(weight=100 if weight is None else weight, feedback=item.feedback_text, **fields)
        )
    return answers


def _pairs(items: list[_Item], report: Report, line: int) -> dict[str, Any] | None:
    pairs: list[Pair] = []
    seen: dict[str, int] = {}
    for item in items:
        if item.feedback:
            report.error(item.feedback_line, "matching pairs have no feedback")
        left, right, _ = read_pair(item.body)
        if not left or not right:
            report.error(item.line, "a pair needs text on both sides of '->'")
        elif left in seen:
            report.error(item.line, f"'{left}' is already matched at line {seen[left]}")
        else:
            seen[left] = item.line
        pairs.append(Pair(left, right))
    if len(pairs) < 2:
        report.error(line, "a matching question needs at least two pairs")
    return {"type": "matching", "pairs": tuple(pairs)}


KIND_READERS = {"choice": _choices, "eq": _eq_answers, "pair": _pairs}


def _answers(items: list[_Item], report: Report, line: int) -> dict[str, Any] | None:
    kinds = {item.kind for item in items}
    if len(kinds) > 1:
        first = items[0].kind
        other = next(item for item in items if item.kind != first)
        report.error(
            other.line,
            f"mixed answer kinds in one question: {KIND_NAMES[other.kind]} "
            f"after {KIND_NAMES[first]}",
        )
        return None
    return KIND_READERS[items[0].kind](items, report, line)


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
    fields: dict[str, Any] | None = {"type": kind or "essay"}
    if items and kind:
        report.error(items[0].line, f"a question marked type={kind} has no answer lines")
    elif items:
        fields = _answers(items, report, line) if complete else None
    if kind == "description":
        if general:
            report.error(general_lines[0][0], "a description has no feedback")
        if "points" in attrs:
            report.error(line, "a description has no points")
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
