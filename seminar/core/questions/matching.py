"""Matching: each left-hand item to its right-hand answer, credit per pair.

Native: `- left -> right` lines; GIFT: `=left -> right`. A pair with an empty left is a
distractor (Moodle's `= -> Chat`): a right-hand answer that matches nothing, offered with the
others. The right-hand answers are always shown shuffled: in the author's order they would
give the key away. Credit is per item, distractors aside.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

from seminar.core.questions import gift
from seminar.core.questions import moodle_xml as xml
from seminar.core.questions.base import (
    FormData,
    GiftBody,
    Grade,
    QuestionType,
    Render,
    Response,
    digit_index,
    index_in,
    values_of,
)
from seminar.core.questions.model import Pair, Question
from seminar.core.questions.native import (
    AnswerLine,
    Fields,
    LineSyntax,
    first_fitting,
    inline_forms,
    read_inline,
)
from seminar.core.questions.syntax import Report, clean

# Not a choice line: '- [x] a -> b' is a choice whose text has an arrow in it.
PAIR_RE = re.compile(r"^-(?![ \t]+\[[ xX]\](?:[ \t]|$))[ \t]+(?P<body>.*->.*)$")


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


def _read_pair_lines(
    lines: list[AnswerLine], report: Report, line: int, declared: str | None
) -> Fields | None:
    pairs: list[Pair] = []
    for item in lines:
        if item.feedback:
            report.error(item.feedback_line, "matching pairs have no feedback")
        left, right, _ = read_pair(item.body)
        pairs.append(Pair(left, right))
    check_pairs(pairs, [item.line for item in lines], line, report)
    return {"type": "matching", "pairs": tuple(pairs)}


def check_pairs(pairs: list[Pair], lines: list[int], line: int, report: Report) -> None:
    """Every format's rules for matching pairs, each reported at its pair's line."""
    seen: dict[str, int] = {}
    errors = len(report.errors)
    for pair, at in zip(pairs, lines, strict=True):
        if not pair.right:
            report.error(at, "a pair needs a right-hand answer after '->'")
        elif not pair.left:
            continue  # a distractor: an answer that matches no item
        elif pair.left in seen:
            report.error(at, f"'{pair.left}' is already matched at line {seen[pair.left]}")
        else:
            seen[pair.left] = at
    if len(report.errors) == errors and len(seen) < 2:
        report.error(
            line, "a matching question needs at least two pairs with text on both sides of '->'"
        )


PAIR_LINES = LineSyntax("pair", PAIR_RE, "'->' pairs", "'- a -> b'", _read_pair_lines)


def _pair_line(left: str, right: str) -> str:
    def reads_back(line: str) -> bool:
        m = PAIR_RE.match(line)
        return bool(m) and read_pair(m.group("body"))[:2] == (left, right)

    lefts = inline_forms(left) if left else [""]
    candidates = [
        f"- {lf} -> {rf}".replace("-  ->", "- ->") for lf in lefts for rf in inline_forms(right)
    ]
    return first_fitting(candidates, reads_back)


class Matching(QuestionType):
    name = "matching"
    native_syntax = (PAIR_LINES,)
    moodle_type = "matching"

    def display_order(self, q: Question, shuffle: bool, rng: random.Random) -> list[int]:
        order = list(range(len(q.pairs)))
        rng.shuffle(order)  # whatever the quiz's setting
        return order

    def read_form(self, form: FormData, name: str, order: list[int]) -> Any:
        return {"matches": [form.get(f"{name}-{i}", "") for i in range(len(order))]}

    @staticmethod
    def items(q: Question) -> list[int]:
        """The pairs a student matches: all but the distractors."""
        return [i for i, p in enumerate(q.pairs) if p.left]

    def from_positions(self, q: Question, order: list[int], raw: dict[str, Any]) -> Any:
        chosen = (digit_index(v, len(order)) for v in values_of(raw, "matches"))
        return {"matches": [None if j is None else order[j] for j in chosen]}

    def clean(self, q: Question, raw: Any) -> Response:
        if not isinstance(raw, dict):
            return None
        matches = raw.get("matches") or []
        if not isinstance(matches, list):
            return None
        cleaned = [digit_index(m, len(q.pairs)) for m in matches[: len(q.pairs)]]
        cleaned += [None] * (len(q.pairs) - len(cleaned))
        return {"matches": cleaned} if any(m is not None for m in cleaned) else None

    def grade(self, q: Question, response: Response) -> Grade:
        chosen = (response or {}).get("matches") or []
        items = self.items(q)
        if not items:
            return Grade(0.0)
        right = 0
        for i in items:
            j = index_in(chosen[i], len(q.pairs)) if i < len(chosen) else None
            # Two pairs may share a right-hand text: credit the text, not the index.
            if j is not None and q.pairs[j].right == q.pairs[i].right:
                right += 1
        return Grade(right / len(items))  # credit per item

    def correct(self, q: Question) -> Response:
        return {"matches": list(range(len(q.pairs)))}

    def example_response(self, q: Question, right: bool, rng: random.Random) -> Response:
        return self.correct(q) if right else {"matches": list(reversed(range(len(q.pairs))))}

    def rendered(self, q: Question, block: Render, inline: Render) -> dict[str, Any]:
        # An empty left renders empty: the pages leave a distractor's row out.
        return super().rendered(q, block, inline) | {
            "lefts": [inline(p.left, q.format_of(f"pairs.{i}")) for i, p in enumerate(q.pairs)],
            # Moodle's right-hand answers are plain text; in a Markdown question, Markdown.
            "rights": [
                inline(p.right, "markdown" if q.format == "markdown" else "plain") for p in q.pairs
            ],
        }

    def texts(self, q: Question) -> dict[str, str]:
        return super().texts(q) | {f"pairs.{i}": p.left for i, p in enumerate(q.pairs)}

    def outline(self, q: Question) -> list[str]:
        return [f"{p.left} → {p.right}" if p.left else f"(no item) → {p.right}" for p in q.pairs]

    def to_json(self, q: Question) -> dict[str, Any]:
        return {"pairs": [{"left": p.left, "right": p.right} for p in q.pairs]}

    def from_json(self, d: dict[str, Any]) -> dict[str, Any]:
        return {"pairs": tuple(Pair(p["left"], p["right"]) for p in d.get("pairs", []))}

    def to_gift(self, q: Question) -> GiftBody | None:
        return GiftBody(
            [
                "="
                + gift.part(q, f"pairs.{i}", p.left, starts=("%",), arrow=True)
                + " -> "
                + gift.escape(p.right)
                for i, p in enumerate(q.pairs)
            ]
        )

    def to_native(self, q: Question) -> list[str]:
        return [_pair_line(p.left, p.right) for p in q.pairs]

    def to_xml(self, q: Question) -> list[str]:
        lines = [xml.value("shuffleanswers", "true" if q.shuffle else "false", 2)]
        for i, p in enumerate(q.pairs):
            answer = [
                "      <answer>",
                f"        <text>{xml.xml_text(p.right)}</text>",
                "      </answer>",
            ]
            lines += xml.text_element(
                "subquestion", p.left, 2, fmt=q.format_of(f"pairs.{i}"), children=answer
            )
        return lines

    def from_xml(self, x: xml.XmlRead) -> dict[str, Any] | None:
        errors = len(x.report.errors)
        pairs: list[Pair] = []
        lines: list[int] = []
        for i, sub in enumerate(x.el.findall("subquestion")):
            left = x.text(sub, f"pairs.{i}")  # empty: a distractor
            pairs.append(Pair(left, xml.child_text(sub.find("answer"), "text")))
            lines.append(xml.line_of(sub, x.line))
        check_pairs(pairs, lines, x.line, x.report)
        if len(x.report.errors) > errors:
            return None
        shuffle = xml.flag(x.el.findtext("shuffleanswers"), True)
        return {"type": self.name, "pairs": tuple(pairs), "shuffle": shuffle}
