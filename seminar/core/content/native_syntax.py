"""The native quiz format's syntax line by line, shared by its parser and its exporter.

A question starts at a level-2 heading `## stem {#id key=value ...}`. Under it, answer lines
start at column 0, in kinds that the question types claim (`seminar.core.questions`:
choices `- [x] text`, accepted answers `= text`, matching pairs `- left -> right`, ...). A
`>` quote indented under an answer is its feedback; a `>` quote at column 0 ending the
question is its general feedback.
"""

from __future__ import annotations

import re

from seminar.core.questions import TYPES, native_syntaxes
from seminar.core.questions.native import decode_json_string

HEADING_RE = re.compile(r"^##(?=[ \t]|$)(.*)$")
TOP_QUOTE_RE = re.compile(r"^>(.*)$")
INDENTED_QUOTE_RE = re.compile(r"^[ \t]+>(.*)$")

ANSWER_SYNTAXES = {syntax.kind: syntax for syntax in native_syntaxes()}
ANSWER_KINDS = tuple(ANSWER_SYNTAXES)
LINE_KINDS = (
    *((kind, syntax.pattern) for kind, syntax in ANSWER_SYNTAXES.items()),
    ("top_quote", TOP_QUOTE_RE),
    ("quote", INDENTED_QUOTE_RE),
)

# Types without answer lines are named in the heading; with neither, a question is an essay.
HEADING_TYPES = tuple(name for name, t in TYPES.items() if t.named_in_heading)
NO_ANSWERS = "essay"
# Choice lines make a single choice (one [x]) or a multiple choice (several); the heading may
# say which, for a multiple choice with one right answer.
CHOICE_TYPES = ("single", "multiple")

_STRING = r'"(?:[^"\\]|\\.)*"'
_TOKEN = rf'(?:#[^\s"{{}}]+|[A-Za-z_][\w-]*=(?:{_STRING}|[^\s"{{}}]+))'
ATTRS_RE = re.compile(rf"\{{[ \t]*({_TOKEN}(?:[ \t]+{_TOKEN})*)[ \t]*\}}[ \t]*$")
TOKEN_RE = re.compile(_TOKEN)
ATTR_KEYS = (
    "type", "title", "category", "points", "stem", "tags", "format", "formats", "shuffle",
    "penalty",
)  # fmt: skip
BARE_KEYS = ("type", "points", "format", "shuffle", "penalty")  # written without quotes


def match_line(line: str) -> tuple[str, re.Match[str] | None]:
    """What a line of a question's body is (an answer kind, a quote, blank or text)."""
    for kind, pattern in LINE_KINDS:
        if m := pattern.match(line):
            return kind, m
    return ("blank" if not line.strip(" \t") else "text"), None


def classify(line: str) -> str:
    return match_line(line)[0]


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
            tokens.append((key, decode_json_string(value)))
    return raw[: m.start()].strip(), tokens
