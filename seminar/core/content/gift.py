"""Parse Moodle's GIFT format (docs.moodle.org/en/GIFT_format) into the question model.

Every question type Moodle documents is read with Moodle's meaning: multiple choice (with
`%N%` weights and `#feedback`; without an `=` answer, Moodle's multiple-answer question),
true/false (`#wrong#right` feedback), short answer, missing word, matching (`= -> answer`
adds a distractor), numeric (`value:tolerance`, `low..high`, weighted answers, `~#feedback`
catch-all), essay `{}`, description (no braces), `####` general feedback, `::title::`,
`$CATEGORY:`, the `[html]`/`[moodle]`/`[plain]`/`[markdown]` format of each text (a tag, else
the question's own), `[id:...]` and `[tag:...]` in comments (`gift_meta`), and the escapes
`\\ \\~ \\= \\# \\{ \\} \\: \\n`. Untagged text is Markdown here (Moodle's own
"auto-format" otherwise).

Our extensions live in comments, so Moodle still imports the file (`gift_meta`). One escape
is ours: `\\>` for a literal '>' in '->', which GIFT cannot otherwise write in a short
answer or on the left of a matching pair.

Where Moodle silently does what an author cannot have meant, we report an error or warning at
its line instead (see the messages below), never a silent guess.
"""

from __future__ import annotations

from typing import Any

from seminar.core.content.gift_answers import read_answers
from seminar.core.content.gift_meta import Comments, extras, pending_id, split_comments
from seminar.core.content.gift_text import PHP_SPACE, GiftText, Texts, read_tag
from seminar.core.content.quiz_common import (
    PendingId,
    QuizParse,
    Report,
    finish_question,
    label_of,
)
from seminar.core.content.quiz_model import Question
from seminar.core.content.quiz_settings import SettingLines, finish_with_setting_lines
from seminar.core.questions.model import MARKDOWN
from seminar.core.questions.syntax import clean, normalize_newlines

CATEGORY = "$CATEGORY:"
BLANK = "_____"  # where a missing-word question's answers were


# --- one question -------------------------------------------------------------------------


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


def _stem(
    t: GiftText, start: int, braces: tuple[int, int], line: int, report: Report
) -> tuple[str, str]:
    """The question's text and its format (its tag, else Markdown); answers inside the
    sentence leave a blank (Moodle's "missing word" format)."""
    open_, close = braces
    end = open_ if open_ != -1 else len(t.s)
    fmt, after_tag = read_tag(t.s[start:end], line, report)
    fmt = fmt or MARKDOWN
    before = t.span(start + after_tag, end, dedent=fmt == MARKDOWN)
    after = t.span(close + 1, len(t.s), dedent=fmt == MARKDOWN) if open_ != -1 else ""
    return clean(before + (BLANK + after if after.strip() else "")), fmt


def _question(
    content: list[tuple[int, str]], comments: Comments, category: str, report: Report
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
            return None, PendingId(None, line, failed=True, label=label_of("", t.s))
        title = clean(t.s[start + 2 : title_end])
        start = title_end + 2

    fields: dict[str, Any] | None = {"type": "description"}
    general = ""
    braces = _braces(t, start, report)
    stem, fmt = _stem(t, start, braces or (-1, -1), line, report)
    texts = Texts(t, report, fmt)
    if braces is None:
        fields = None
    elif braces != (-1, -1):
        fields, general = read_answers(texts, *braces, line)
    if not stem and braces is not None:
        report.error(line, "a question with no stem: write the question before '{'")

    pending = pending_id(comments, title, stem, line, report)
    more = extras(comments, fields["type"] if fields else None, line, report)
    return finish_question(
        fields,
        pending,
        line=line,
        errors=errors,
        report=report,
        stem=stem,
        title=title,
        feedback=general,
        category=category,
        format=fmt,
        formats=tuple(texts.formats.items()),
        **more,
    )


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


def parse_gift_quiz(text: str, *, path: str, slug: str, partial: bool = False) -> QuizParse:
    """Parse a GIFT quiz file; raise ContentError with every problem found (`partial`: unless
    some questions load and the file itself has no errors)."""
    report = Report(path)
    settings = SettingLines({}, {})
    category = ""
    started = False
    swallowed = False  # a question read into a $CATEGORY line is still a question written
    built: list[tuple[Question | None, PendingId]] = []
    for block in _blocks(normalize_newlines(text).split("\n")):
        report.owner = len(built)  # a problem in the block is its question's
        content, comments = split_comments(block, settings, started, report)
        if not content:
            comments.unused(report)
            continue
        number, first = content[0]
        if first.lstrip().startswith(CATEGORY):
            report.owner = None
            category = GiftText.of([(number, first.lstrip()[len(CATEGORY) :])]).s.strip()
            comments.unused(report)
            if len(content) > 1:
                swallowed = True
                report.error(
                    content[1][0],
                    "put a blank line after '$CATEGORY:' "
                    "(Moodle would read this line as part of the category)",
                )
            continue
        if first.lstrip().lower().startswith(CATEGORY.lower()):
            report.owner = None
            report.error(number, "write '$CATEGORY:' in capitals")
            continue
        started = True
        built.append(_question(content, comments, category, report))
    report.owner = None

    if not built and not swallowed:
        report.error(1, "the quiz has no questions")
    return finish_with_setting_lines(built, settings, report, slug=slug, partial=partial)
