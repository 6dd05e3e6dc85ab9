"""Parse Moodle's GIFT format (docs.moodle.org/en/GIFT_format) into the question model.

Every question type Moodle documents is read with Moodle's meaning: multiple choice (with
`%N%` weights and `#feedback`), multiple answers, true/false (`#wrong#right` feedback),
short answer, missing word, matching, numeric (`value:tolerance`, `low..high`, weighted
answers, `~#feedback` catch-all), essay `{}`, description (no braces), `####` general
feedback, `::title::`, `$CATEGORY:`, `[html]`/`[moodle]`/`[plain]`/`[markdown]` format tags,
`//` comments and the escapes `\\ \\~ \\= \\# \\{ \\} \\: \\n`.

Our extensions live in comments, so Moodle still imports the file: `// quiz: key: value`
lines before the first question hold the quiz settings (as in native front matter, values are
YAML scalars); `// id: some-id` and `// points: 2` directly above a question (in its block)
give its id and mark. One escape is ours: `\\>` for a literal '>' in '->', which GIFT cannot
otherwise write in a short answer or on the left of a matching pair.

Where Moodle silently does what an author cannot have meant, we report an error or warning at
its line instead (see the messages below), never a silent guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import yaml

from seminar.core.content.gift_answers import read_answers
from seminar.core.content.gift_text import PHP_SPACE, GiftText, strip_tag
from seminar.core.content.limits import yaml_problems
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
    title_from_slug,
)
from seminar.core.content.quiz_model import Question, Quiz
from seminar.core.questions import question_type
from seminar.core.questions.syntax import clean, normalize_newlines, read_number

META_RE = re.compile(r"^\s*//\s*(quiz|id|points)\s*:(.*)$")
SETTING_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*:(.*)$")
CATEGORY = "$CATEGORY:"
BLANK = "_____"  # where a missing-word question's answers were


# --- one question -------------------------------------------------------------------------


# Our '// id:' and '// points:' comments above a question: key -> (value, line).
Meta = dict[str, tuple[str, int]]


def _braces(t: GiftText, start: int, report: Report) -> tuple[int, int] | None:
    """Where the answers' '{' and '}' are: (-1, -1) for none, None after an error.

    Moodle takes the first '{' and the first '}', whatever else there is; any other unescaped
    brace means the author wanted the character, so it is an error here.
    """
    open_, close = t.find("{", start), t.find("}", start)
    if open_ == -1 and close == -1:
        return -1, -1
    if open_ == -1 or (close != -1 and close < open_):
        report.error(t.line(close), "'}' without an opening '{': write \\} for the character")
        return None
    if close == -1:
        report.error(
            t.line(open_),
            "'{' is never closed with '}': close the answers with '}', or write \\{ for the "
            "character",
        )
        return None
    again = t.find("{", open_ + 1)
    if again != -1 and again < close:
        # The answers were left open and the next question's '{' came first (the usual slip:
        # a '}' forgotten): the mistake is where the first brace opens, not at the second.
        report.error(
            t.line(open_),
            f"'{{' is never closed with '}}' before the next '{{' (line {t.line(again)}): "
            "close the answers with '}', or write \\{ for the character",
        )
        return None
    stray = [i for i in (again, t.find("}", close + 1)) if i != -1]
    if stray:
        at = min(stray)
        report.error(t.line(at), f"a second '{t.s[at]}': write \\{t.s[at]} for the character")
        return None
    if t.s[close + 1 :].strip().startswith("//"):
        report.error(
            t.line(close), "a '//' comment must start its own line (Moodle keeps it as text)"
        )
        return None
    return open_, close


def _question(
    content: list[tuple[int, str]], meta: Meta, category: str, report: Report
) -> tuple[Question | None, PendingId]:
    errors = len(report.errors)
    line = content[0][0]
    t = GiftText.of(content)
    start = t.skip_space(0, len(t.s))
    title = ""
    if t.find("::", start, start + 2) == start:
        title_end = t.find("::", start + 2)
        if title_end == -1:
            report.error(line, "the '::title' is not closed with '::'")
            return None, PendingId(None, line, failed=True)
        title = clean(t.s[start + 2 : title_end])
        start = title_end + 2

    fields: dict[str, Any] | None = {"type": "description"}
    general = ""
    braces = _braces(t, start, report)
    if braces is None:
        fields, stem_text = None, ""
    elif braces == (-1, -1):
        stem_text = t.s[start:]
    else:
        open_, close = braces
        after = t.s[close + 1 :]
        # Answers inside the sentence leave a blank (Moodle's "missing word" format).
        stem_text = t.s[start:open_] + (BLANK + after if after.strip() else "")
        fields, general = read_answers(t, open_, close, line, report)
    stem = clean(strip_tag(stem_text, line, report))
    if not stem and braces is not None:
        report.error(line, "a question with no stem: write the question before '{'")

    pending = _pending_id(meta, title, stem, line, report)
    points = _points(meta, fields, report)
    if fields is None or len(report.errors) > errors:
        pending.failed = True
        return None, pending
    question = Question(
        id="", stem=stem, title=title, feedback=general, category=category, points=points, **fields
    )
    return question, pending


def _pending_id(meta: Meta, title: str, stem: str, line: int, report: Report) -> PendingId:
    if given := meta.get("id"):
        value, at = given
        if not ID_RE.match(value):
            report.error(at, f"question id '{value}' may only use {ID_HELP}")
            return PendingId(None, line, slugify(title or stem))
        return PendingId(value, at)
    if title and slugify(title):
        return PendingId(None, line, slugify(title), False, "(from the title)")
    return PendingId(None, line, slugify(stem), True, "(from the question text)")


def _points(meta: Meta, fields: dict[str, Any] | None, report: Report) -> float:
    given = meta.get("points")
    if given is None:
        return 1
    value, at = given
    points = read_number(value)
    if points is None or points <= 0:
        report.error(at, "'// points:' must be a number above 0")
        return 1
    if fields is not None and not question_type(fields["type"]).graded:
        report.error(at, f"a {fields['type']} has no points")
    return points


# --- the file -----------------------------------------------------------------------------


def _blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines: GIFT separates questions by blank lines."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip(PHP_SPACE):
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


@dataclass
class _Settings:
    data: dict[str, Any]
    lines: dict[str, int]


def _read_setting(rest: str, number: int, settings: _Settings, report: Report) -> None:
    m = SETTING_RE.match(rest)
    if not m:
        report.error(number, "write quiz settings as '// quiz: key: value'")
        return
    key, value_text = m.group(1), m.group(2)
    if key in settings.data:
        report.error(number, f"'{key}' is set twice (first at line {settings.lines[key]})")
        return
    if too_deep := yaml_problems(value_text, report.path, first_line=number):
        report.error(number, too_deep[0].message)
        return
    try:
        value = yaml.safe_load(value_text)
    except Exception as exc:
        # Besides YAMLError, PyYAML's constructors raise plain ValueError, KeyError, ... for
        # values such as '2025-13-45' or '!!int x'.
        problem = getattr(exc, "problem", None) or str(exc)
        report.error(number, f"invalid value for '{key}': {problem}")
        return
    settings.data[key] = value
    settings.lines[key] = number


def _split_comments(
    block: list[tuple[int, str]], settings: _Settings, started: bool, report: Report
) -> tuple[list[tuple[int, str]], Meta]:
    """A block's non-comment lines, and our '// id:' / '// points:' comments in it."""
    content: list[tuple[int, str]] = []
    meta: Meta = {}
    for number, line in block:
        if not line.lstrip().startswith("//"):
            content.append((number, line))
            continue
        m = META_RE.match(line)
        if not m:
            continue  # an ordinary comment
        key, rest = m.group(1), m.group(2).strip()
        if key == "quiz":
            if started or content:
                report.error(number, "'// quiz:' settings go before the first question")
            else:
                _read_setting(rest, number, settings, report)
        elif key in meta:
            report.error(number, f"'// {key}:' is given twice for one question")
        else:
            meta[key] = (rest, number)
    return content, meta


def _unused_meta(meta: Meta, report: Report) -> None:
    for key, (_, number) in meta.items():
        report.warn(number, f"'// {key}:' belongs to no question: put it directly above one")


def parse_gift_quiz(text: str, *, path: str, slug: str) -> QuizParse:
    """Parse a GIFT quiz file; raise ContentError with every problem found."""
    report = Report(path)
    settings = _Settings({}, {})
    category = ""
    started = False
    swallowed = False  # a question read into a $CATEGORY line is still a question written
    built: list[tuple[Question | None, PendingId]] = []
    for block in _blocks(normalize_newlines(text).split("\n")):
        content, meta = _split_comments(block, settings, started, report)
        if not content:
            _unused_meta(meta, report)
            continue
        number, first = content[0]
        if first.lstrip().startswith(CATEGORY):
            category = GiftText.of([(number, first.lstrip()[len(CATEGORY) :])]).s.strip()
            _unused_meta(meta, report)
            if len(content) > 1:
                swallowed = True
                report.error(
                    content[1][0],
                    "put a blank line after '$CATEGORY:' "
                    "(Moodle would read this line as part of the category)",
                )
            continue
        if first.lstrip().lower().startswith(CATEGORY.lower()):
            report.error(number, "write '$CATEGORY:' in capitals")
            continue
        started = True
        built.append(_question(content, meta, category, report))

    quiz_settings = read_settings(
        settings.data, settings.lines, report, fallback_line=1, default_title=title_from_slug(slug)
    )
    if not built and not swallowed:
        report.error(1, "the quiz has no questions")
    ids = assign_ids([pending for _, pending in built], report)
    questions = [replace(q, id=i) for (q, _), i in zip(built, ids, strict=True) if q is not None]
    check_draw(quiz_settings, questions, settings.lines.get("draw", 1), report)
    if report.errors:
        raise ContentError(report.sorted())
    return QuizParse(Quiz(slug=slug, questions=tuple(questions), **quiz_settings), report.warnings)
