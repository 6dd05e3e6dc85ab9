"""GIFT text as the parser reads it: escapes resolved, with the line of every character.

`GiftText` is a question's text with Moodle's backslash escapes undone (an escaped character
is text, never syntax); the helpers split the text between a question's braces into answers,
weights and feedback.
"""

from __future__ import annotations

from dataclasses import dataclass

from seminar.core.content.quiz_common import Report
from seminar.core.questions.gift import FORMAT_TAGS, TAG_RE
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

    @classmethod
    def of(cls, lines: list[tuple[int, str]]) -> GiftText:
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


def strip_tag(text: str, line: int, report: Report) -> str:
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


def text_field(t: GiftText, start: int, end: int, report: Report, *, tags: bool = True) -> str:
    text = t.s[start:end]
    return clean(strip_tag(text, t.line(start), report) if tags else text)


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


def answer_and_feedback(t: GiftText, start: int, end: int, report: Report) -> tuple[str, str]:
    hash_at = t.find("#", start, end)
    if hash_at == -1:
        return text_field(t, start, end, report), ""
    return text_field(t, start, hash_at, report), text_field(t, hash_at + 1, end, report)
