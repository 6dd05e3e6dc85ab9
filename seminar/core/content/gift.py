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
from seminar.core.questions import Answer, Choice, Pair, question_type
from seminar.core.questions.choices import MultipleChoice, SingleChoice
from seminar.core.questions.gift import FORMAT_TAGS, TAG_RE
from seminar.core.questions.syntax import (
    NEGATIVE_WEIGHT,
    check_answer_weights,
    clean,
    normalize_newlines,
    read_number,
    split_weight,
)

ESCAPES = {
    "\\": "\\",
    "~": "~",
    "=": "=",
    "#": "#",
    "{": "{",
    "}": "}",
    ":": ":",
    "n": "\n",
    ">": ">",
}
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
META_RE = re.compile(r"^\s*//\s*(quiz|id|points)\s*:(.*)$")
SETTING_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*:(.*)$")
CATEGORY = "$CATEGORY:"
BLANK = "_____"  # where a missing-word question's answers were
PHP_SPACE = " \t\x0b\x00"  # what Moodle's trim() takes off each line


# --- text with escapes resolved -----------------------------------------------------------


@dataclass
class _Text:
    """A question's text with GIFT escapes resolved, remembering which characters were escaped
    (an escaped '=' is text, never syntax) and the file line of every character."""

    s: str
    special: list[bool]
    lines: list[int]

    @classmethod
    def of(cls, lines: list[tuple[int, str]]) -> _Text:
        chars: list[str] = []
        special: list[bool] = []
        numbers: list[int] = []
        for k, (number, line) in enumerate(lines):
            if k:
                chars.append("\n")
                special.append(True)
                numbers.append(number)
            line = line.strip(PHP_SPACE)  # as Moodle does, so indentation is not Markdown
            i = 0
            while i < len(line):
                if line[i] == "\\" and line[i + 1 : i + 2] in ESCAPES:
                    chars.append(ESCAPES[line[i + 1]])
                    special.append(False)
                    i += 2
                else:
                    chars.append(line[i])
                    special.append(True)
                    i += 1
                numbers.append(number)
        return cls("".join(chars), special, numbers)

    def find(self, sub: str, start: int = 0, end: int | None = None) -> int:
        """The first unescaped occurrence of `sub` in [start, end), or -1."""
        end = len(self.s) if end is None else end
        i = self.s.find(sub, start, end)
        while i != -1 and not all(self.special[i : i + len(sub)]):
            i = self.s.find(sub, i + 1, end)
        return i

    def find_any(self, chars: str, start: int, end: int) -> list[int]:
        return [i for i in range(start, end) if self.s[i] in chars and self.special[i]]

    def line(self, i: int) -> int:
        if not self.lines:
            return 1
        return self.lines[min(max(i, 0), len(self.lines) - 1)]

    def skip_space(self, start: int, end: int) -> int:
        while start < end and self.s[start].isspace():
            start += 1
        return start

    def is_blank(self, start: int, end: int) -> bool:
        return not self.s[start:end].strip()


def _strip_tag(text: str, line: int, report: Report) -> str:
    """Drop a leading format tag: our text is Markdown (or HTML, sanitised later) either way."""
    text = text.lstrip()
    m = TAG_RE.match(text)
    if m and m.group(1) in FORMAT_TAGS:
        return text[m.end() :]
    if m and m.group(1).lower() in FORMAT_TAGS:
        report.warn(
            line, f"'{m.group(0)}' is kept as text: format tags are lower case, like [html]"
        )
    return text


def _field(t: _Text, start: int, end: int, report: Report, *, tags: bool = True) -> str:
    text = t.s[start:end]
    return clean(_strip_tag(text, t.line(start), report) if tags else text)


# --- answers ------------------------------------------------------------------------------


@dataclass
class _Item:
    marker: str  # '=', '~' or '' (a numeric answer written without '=')
    start: int
    end: int


def _items(
    t: _Text, start: int, end: int, markers: str, report: Report, *, bare_first: bool = False
) -> list[_Item]:
    positions = t.find_any(markers, start, end)
    items: list[_Item] = []
    first = positions[0] if positions else end
    if not t.is_blank(start, first):
        if bare_first:
            items.append(_Item("", start, first))
        else:
            report.error(t.line(start), f"an answer must start with {' or '.join(markers)}")
    for k, p in enumerate(positions):
        if p > start and not t.s[p - 1].isspace():
            # Moodle starts a new answer here too; an author usually meant the character.
            report.warn(
                t.line(p),
                f"'{t.s[p]}' straight after text starts a new answer; "
                f"write \\{t.s[p]} for the character",
            )
        items.append(_Item(t.s[p], p + 1, positions[k + 1] if k + 1 < len(positions) else end))
    return items


def _weight(t: _Text, item: _Item, report: Report) -> tuple[float | None, int]:
    """The answer's '%N%' weight and where its text starts."""
    begin = t.skip_space(item.start, item.end)
    raw = t.s[begin : item.end]
    weight, rest, error = split_weight(raw)
    if error:
        report.error(t.line(begin), error)
    return weight, begin + len(raw) - len(rest)


def _answer_and_feedback(t: _Text, start: int, end: int, report: Report) -> tuple[str, str]:
    hash_at = t.find("#", start, end)
    if hash_at == -1:
        return _field(t, start, end, report), ""
    return _field(t, start, hash_at, report), _field(t, hash_at + 1, end, report)


def _choices(t: _Text, start: int, end: int, line: int, report: Report) -> dict[str, Any] | None:
    errors = len(report.errors)
    choices: list[Choice] = []
    has_equals = False
    for item in _items(t, start, end, "~=", report):
        weight, text_at = _weight(t, item, report)
        if item.marker == "=":
            has_equals = True
            if weight is not None:
                report.error(
                    t.line(item.start), "Moodle ignores a weight after '=': write ~%N% instead"
                )
            weight = 100
        text, feedback = _answer_and_feedback(t, text_at, item.end, report)
        if not text:
            report.error(t.line(item.start), "a choice with no text")
        choices.append(Choice(text, weight or 0, feedback))
    if len(report.errors) > errors:
        return None
    weights = [c.weight for c in choices]
    # Moodle: an '=' answer makes radio buttons. Without one, several right answers or a
    # penalty make it multiple-answer; a lone right answer is still a single choice.
    positive = sum(1 for w in weights if w > 0)
    multiple = not has_equals and (positive > 1 or any(w < 0 for w in weights))
    kind = MultipleChoice() if multiple else SingleChoice()
    if problem := kind.weight_problem(weights):
        if not multiple and not has_equals and positive == 1:
            problem += ": mark the right answer with '='"
        report.error(line, problem)
        return None
    return {"type": kind.name, "choices": tuple(choices)}


def _short(t: _Text, start: int, end: int, line: int, report: Report) -> dict[str, Any] | None:
    errors = len(report.errors)
    answers: list[Answer] = []
    for item in _items(t, start, end, "=", report):
        weight, text_at = _weight(t, item, report)
        text, feedback = _answer_and_feedback(t, text_at, item.end, report)
        if not text:
            report.error(t.line(item.start), "an '=' answer with no text")
        answers.append(
            Answer(text=text, weight=100 if weight is None else weight, feedback=feedback)
        )
    if len(report.errors) > errors:
        return None
    if problem := check_answer_weights(answers):
        report.error(line, problem)
        return None
    return {"type": "short", "answers": tuple(answers)}


def _matching(t: _Text, start: int, end: int, line: int, report: Report) -> dict[str, Any] | None:
    errors = len(report.errors)
    pairs: list[Pair] = []
    seen: dict[str, int] = {}
    items = _items(t, start, end, "=", report)
    for item in items:
        at = t.line(item.start)
        arrow = t.find("->", item.start, item.end)
        if arrow == -1:
            report.error(at, "every answer of a matching question is '=left -> right'")
            continue
        left = _field(t, item.start, arrow, report)
        right = _field(t, arrow + 2, item.end, report, tags=False)  # Moodle: no tag on the right
        if split_weight(t.s[item.start : arrow].lstrip())[0] is not None:
            report.error(at, "matching pairs have no weights")
        if t.find("#", arrow + 2, item.end) != -1:
            report.error(at, "matching pairs have no feedback: write \\# for the character")
        if not left or not right:
            report.error(at, "a pair needs text on both sides of '->'")
        elif left in seen:
            report.error(at, f"'{left}' is already matched at line {seen[left]}")
        else:
            seen[left] = at
        pairs.append(Pair(left, right))
    if len(items) < 2:
        report.error(line, "a matching question needs at least two pairs")
    if len(report.errors) > errors:
        return None
    return {"type": "matching", "pairs": tuple(pairs)}


def _true_false(t: _Text, start: int, end: int, report: Report) -> dict[str, Any] | None:
    hashes = t.find_any("#", start, end)
    token = t.s[start : hashes[0] if hashes else end].strip()
    if len(hashes) > 2:
        report.error(
            t.line(hashes[2]),
            "true/false takes at most '#wrong#right' feedback: write \\# for the character",
        )
        return None
    bounds = [*hashes, end]
    parts = [_field(t, bounds[k] + 1, bounds[k + 1], report) for k in range(len(hashes))]
    wrong, right = [*parts, "", ""][:2]
    answer = TRUE_FALSE[token]
    # Moodle: the first feedback is for the wrong choice, the second for the right one.
    return {
        "type": "true_false",
        "answer": answer,
        "feedback_if_true": right if answer else wrong,
        "feedback_if_false": wrong if answer else right,
    }


def _numeric(t: _Text, start: int, end: int, line: int, report: Report) -> dict[str, Any] | None:
    errors = len(report.errors)
    start += 1  # the '#' that makes it numeric
    tilde = t.find("~", start, end)
    answers = [
        _numeric_answer(t, item, report)
        for item in _items(t, start, tilde if tilde != -1 else end, "=", report, bare_first=True)
    ]
    if tilde != -1:
        answers.append(_catch_all(t, tilde, end, report))
    if not any(a is not None and a.text is None for a in answers) and len(report.errors) == errors:
        report.error(line, "a numeric question needs at least one number")
    if len(report.errors) > errors:
        return None
    complete = [a for a in answers if a is not None]
    if problem := check_answer_weights(complete):
        report.error(line, problem)
        return None
    return {"type": "numeric", "answers": tuple(complete)}


def _numeric_answer(t: _Text, item: _Item, report: Report) -> Answer | None:
    weight, text_at = _weight(t, item, report)
    hash_at = t.find("#", text_at, item.end)
    spec = t.s[text_at : hash_at if hash_at != -1 else item.end].strip()
    feedback = _field(t, hash_at + 1, item.end, report) if hash_at != -1 else ""
    fields, error = _numeric_spec(spec)
    if fields is None:
        report.error(t.line(text_at), error)
        return None
    if weight is not None and weight < 0:
        report.error(t.line(text_at), NEGATIVE_WEIGHT)
    return Answer(weight=100 if weight is None else weight, feedback=feedback, **fields)


def _numeric_spec(spec: str) -> tuple[dict[str, float] | None, str]:
    """Moodle's forms: 'low..high', 'value:tolerance' or 'value'."""
    not_number = f"'{spec}' is not a number (Moodle would silently accept it)"
    if spec == "*":
        return None, "'*' is not a number: write '~#feedback' for a catch-all"
    if ".." in spec:
        low_text, _, high_text = spec.partition("..")
        low, high = read_number(low_text), read_number(high_text)
        if low is None or high is None:
            return None, not_number
        if low > high:
            return None, f"range {spec}: the minimum is above the maximum"
        return {"min": low, "max": high}, ""
    value_text, colon, tolerance_text = spec.partition(":")
    value = read_number(value_text)
    tolerance = read_number(tolerance_text) if colon else 0.0
    if value is None or tolerance is None:
        return None, not_number
    if tolerance < 0:
        return None, f"tolerance {tolerance_text.strip()} is negative"
    return {"value": value, "tolerance": tolerance}, ""


def _catch_all(t: _Text, tilde: int, end: int, report: Report) -> Answer | None:
    begin = t.skip_space(tilde + 1, end)
    if t.find("#", begin, begin + 1) != begin:
        report.error(
            t.line(tilde), "in a numeric question '~' is only for '~#feedback' on other answers"
        )
        return None
    if t.find_any("=~", begin, end):
        report.error(t.line(tilde), "the '~#feedback' for other answers must come last")
        return None
    return Answer(text="*", weight=0, feedback=_field(t, begin + 1, end, report))


# --- one question -------------------------------------------------------------------------


# Our '// id:' and '// points:' comments above a question: key -> (value, line).
Meta = dict[str, tuple[str, int]]


def _braces(t: _Text, start: int, report: Report) -> tuple[int, int] | None:
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
        report.error(t.line(open_), "'{' is never closed with '}': write \\{ for the character")
        return None
    stray = [i for i in (t.find("{", open_ + 1), t.find("}", close + 1)) if i != -1]
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


def _kind(t: _Text, start: int, end: int, report: Report) -> str | None:
    """The question type from its answers, in Moodle's order of tests."""
    if t.is_blank(start, end):
        return "essay"
    if t.s[start] == "#" and t.special[start]:
        return "numeric"
    if t.find("~", start, end) != -1:
        return "choice"
    if t.find("=", start, end) != -1 and t.find("->", start, end) != -1:
        return "matching"
    hash_at = t.find("#", start, end)
    token = t.s[start : hash_at if hash_at != -1 else end].strip()
    if token in TRUE_FALSE:
        return "true_false"
    if token.upper() in TRUE_FALSE:
        report.error(
            t.line(start),
            f"write {{{token.upper()}}}: Moodle reads {{{token}}} as a short answer '{token}'",
        )
        return None
    return "short"


def _answers(
    t: _Text, open_: int, close: int, line: int, report: Report
) -> tuple[dict[str, Any] | None, str]:
    """The type-specific fields and the general feedback of the text between the braces."""
    end = close
    general = ""
    separator = t.find("####", open_ + 1, close)
    if separator != -1:
        if t.find("####", separator + 4, close) != -1:
            report.error(t.line(separator), "more than one '####' general feedback")
            return None, ""
        general = _field(t, separator + 4, close, report)
        end = separator
    start = t.skip_space(open_ + 1, end)
    while end > start and t.s[end - 1].isspace():
        end -= 1
    kind = _kind(t, start, end, report)
    if kind is None:
        return None, general
    if kind == "essay":
        return {"type": "essay"}, general
    if kind == "true_false":
        return _true_false(t, start, end, report), general
    readers = {"numeric": _numeric, "choice": _choices, "matching": _matching, "short": _short}
    return readers[kind](t, start, end, line, report), general


def _question(
    content: list[tuple[int, str]], meta: Meta, category: str, report: Report
) -> tuple[Question | None, PendingId]:
    errors = len(report.errors)
    line = content[0][0]
    t = _Text.of(content)
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
        fields, general = _answers(t, open_, close, line, report)
    stem = clean(_strip_tag(stem_text, line, report))
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
            category = _Text.of([(number, first.lstrip()[len(CATEGORY) :])]).s.strip()
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
