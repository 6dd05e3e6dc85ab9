"""GIFT text as the parser reads it: escapes resolved, with the line of every character.

`GiftText` is a question's text with Moodle's backslash escapes undone (an escaped character
is text, never syntax); `Texts` reads each of its texts with its format tag; the helpers
split the text between a question's braces into answers, weights and feedback.

A line's indentation is kept in HTML, plain and Moodle-format texts (a `<pre>` block keeps
its layout, as in Moodle's own test of it) and dropped from Markdown ones, where four
spaces would start a code block.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from seminar.core.content.quiz_common import Report
from seminar.core.questions.gift import FORMAT_TAGS, TAG_RE
from seminar.core.questions.model import MARKDOWN
from seminar.core.questions.syntax import clean, split_weight

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
PHP_SPACE = " \t\x0b\x00"  # what Moodle's trim() takes off each line


@dataclass
class GiftText:
    """A question's text with GIFT escapes resolved, remembering which characters were escaped
    (an escaped '=' is text, never syntax) and the file line of every character."""

    s: str
    special: list[bool]
    lines: list[int]
    indent: set[int] = field(default_factory=set)  # where a line's indentation is

    @classmethod
    def of(cls, lines: list[tuple[int, str]]) -> GiftText:
        chars: list[str] = []
        special: list[bool] = []
        numbers: list[int] = []
        indent: set[int] = set()
        for k, (number, line) in enumerate(lines):
            if k:
                chars.append("\n")
                special.append(True)
                numbers.append(number)
            line = line.rstrip(PHP_SPACE)
            body = line.lstrip(PHP_SPACE)
            indent.update(range(len(chars), len(chars) + len(line) - len(body)))
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
        return cls("".join(chars), special, numbers, indent)

    def span(self, start: int, end: int, *, dedent: bool) -> str:
        """The text of [start, end), without the lines' indentation if `dedent`."""
        if not dedent or not self.indent:
            return self.s[start:end]
        return "".join(self.s[i] for i in range(start, end) if i not in self.indent)

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


def read_tag(text: str, line: int, report: Report) -> tuple[str | None, int]:
    """A leading format tag's format (None: no tag) and where the text after it starts."""
    begin = len(text) - len(text.lstrip())
    m = TAG_RE.match(text[begin:])
    if m and m.group(1) in FORMAT_TAGS:
        return m.group(1), begin + m.end()
    if m and m.group(1).lower() in FORMAT_TAGS:
        report.warn(
            line, f"'{m.group(0)}' is kept as text: format tags are lower case, like [html]"
        )
    return None, 0


@dataclass
class Texts:
    """The texts of one GIFT question, each read with its format: a leading tag, else the
    question's own (its stem's), as Moodle reads them. Formats are kept by text name."""

    t: GiftText
    report: Report
    default: str = MARKDOWN
    formats: dict[str, str] = field(default_factory=dict)

    def read(self, start: int, end: int, name: str | None = None, *, tags: bool = True) -> str:
        raw = self.t.s[start:end]
        fmt, after = read_tag(raw, self.t.line(start), self.report) if tags else (None, 0)
        fmt = fmt or self.default
        if name:
            self.formats[name] = fmt
        return clean(self.t.span(start + after, end, dedent=fmt == MARKDOWN))

    def answer_and_feedback(self, start: int, end: int, name: str) -> tuple[str, str]:
        """`text#feedback`: the text under `name`, its feedback under `name.feedback`."""
        hash_at = self.t.find("#", start, end)
        if hash_at == -1:
            return self.read(start, end, name), ""
        return self.read(start, hash_at, name), self.read(hash_at + 1, end, f"{name}.feedback")


@dataclass
class GiftItem:
    marker: str  # '=', '~' or '' (a numeric answer written without '=')
    start: int
    end: int


def answer_items(
    t: GiftText, start: int, end: int, markers: str, report: Report, *, bare_first: bool = False
) -> list[GiftItem]:
    positions = t.find_any(markers, start, end)
    items: list[GiftItem] = []
    first = positions[0] if positions else end
    if not t.is_blank(start, first):
        if bare_first:
            items.append(GiftItem("", start, first))
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
        items.append(GiftItem(t.s[p], p + 1, positions[k + 1] if k + 1 < len(positions) else end))
    return items


def weight_of(t: GiftText, item: GiftItem, report: Report) -> tuple[float | None, int]:
    """The answer's '%N%' weight and where its text starts."""
    begin = t.skip_space(item.start, item.end)
    raw = t.s[begin : item.end]
    weight, rest, error = split_weight(raw)
    if error:
        report.error(t.line(begin), error)
    return weight, begin + len(raw) - len(rest)
