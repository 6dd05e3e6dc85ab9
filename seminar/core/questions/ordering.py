"""Ordering: put the items in their right order; credit for each item in its right place.

Native: an ordered list, its items written in the right order and numbered 1, 2, 3, ...

    ## Put the steps in order {#steps}
    1. Screen for red flags
    2. Assess the category
    3. Block

JSON: `"items": [...]`, in the right order. GIFT has no syntax for it. The items are shown
shuffled for each attempt (never in their right order), each with a choice of its place;
the response keeps each item's place, by the item's index: `{"positions": [p, ...]}`.
"""

from __future__ import annotations

import random
import re
from typing import Any

from seminar.core.questions import moodle_xml as xml
from seminar.core.questions.base import (
    FormData,
    GiftBody,
    Grade,
    QuestionType,
    Render,
    Response,
    Unwritable,
    digit_index,
    index_in,
    values_of,
)
from seminar.core.questions.model import Choice, Question
from seminar.core.questions.native import (
    AnswerLine,
    Fields,
    LineSyntax,
    first_fitting,
    inline_forms,
    read_inline,
)
from seminar.core.questions.syntax import Report

ITEM_RE = re.compile(r"^(?P<number>\d{1,9})[.)](?=[ \t]|$)(?P<body>.*)$")


def _read_item_lines(
    lines: list[AnswerLine], report: Report, line: int, declared: str | None
) -> Fields | None:
    items: list[Choice] = []
    for place, item in enumerate(lines, start=1):
        if item.feedback:
            report.error(item.feedback_line, "ordering items have no feedback")
        if int(item.match.group("number")) != place:
            report.error(
                item.line,
                f"item {place} is numbered {item.match.group('number')}: "
                "number the items 1, 2, 3, … in their right order",
            )
        items.append(Choice(read_inline(item.body)[0]))
    _check_items([c.text for c in items], [item.line for item in lines], line, report)
    return {"type": "ordering", "choices": tuple(items)}


def _check_items(texts: list[str], lines: list[int], line: int, report: Report) -> None:
    """Every format's rules for the items, each reported at its item's line."""
    seen: dict[str, int] = {}
    for text, at in zip(texts, lines, strict=True):
        if not text:
            report.error(at, "an item with no text")
        elif text in seen:
            report.error(at, f"'{text}' is already an item at line {seen[text]}")
        else:
            seen[text] = at
    if len(texts) < 2:
        report.error(line, "an ordering question needs at least two items")


ITEM_LINES = LineSyntax("item", ITEM_RE, "numbered items", "'1. …'", _read_item_lines)


def _item_line(place: int, text: str) -> str:
    def reads_back(line: str) -> bool:
        m = ITEM_RE.match(line)
        return bool(m) and read_inline(m.group("body"))[0] == text

    return first_fitting([f"{place}. {form}" for form in inline_forms(text)], reads_back)


class Ordering(QuestionType):
    name = "ordering"
    native_syntax = (ITEM_LINES,)
    moodle_type = "ordering"

    def display_order(self, q: Question, shuffle: bool, rng: random.Random) -> list[int]:
        order = list(range(len(q.choices)))
        while len(order) > 1 and order == sorted(order):  # the right order gives the key away
            rng.shuffle(order)
        return order

    def read_form(self, form: FormData, name: str, order: list[int]) -> Any:
        return {"positions": [form.get(f"{name}-{row}", "") for row in range(len(order))]}

    def from_positions(self, q: Question, order: list[int], raw: dict[str, Any]) -> Any:
        """The page lists the items shuffled; a place chosen in row k is item order[k]'s."""
        positions: list[Any] = [None] * len(order)
        for row, place in enumerate(values_of(raw, "positions")[: len(order)]):
            positions[order[row]] = place
        return {"positions": positions}

    def clean(self, q: Question, raw: Any) -> Response:
        if not isinstance(raw, dict):
            return None
        size = len(q.choices)
        places = [digit_index(p, size) for p in values_of(raw, "positions")[:size]]
        places += [None] * (size - len(places))
        return {"positions": places} if any(p is not None for p in places) else None

    def grade(self, q: Question, response: Response) -> Grade:
        size = len(q.choices)
        places = values_of(response or {}, "positions")
        right = sum(1 for i, p in enumerate(places[:size]) if index_in(p, size) == i)
        return Grade(right / size if size else 0.0)  # credit per item in its place

    def correct(self, q: Question) -> Response:
        return {"positions": list(range(len(q.choices)))}

    def example_response(self, q: Question, right: bool, rng: random.Random) -> Response:
        return self.correct(q) if right else {"positions": list(reversed(range(len(q.choices))))}

    def rendered(self, q: Question, block: Render, inline: Render) -> dict[str, Any]:
        return super().rendered(q, block, inline) | {
            "items": [inline(c.text, q.format_of(f"choices.{i}")) for i, c in enumerate(q.choices)]
        }

    def texts(self, q: Question) -> dict[str, str]:
        return super().texts(q) | {f"choices.{i}": c.text for i, c in enumerate(q.choices)}

    def outline(self, q: Question) -> list[str]:
        return [f"{place}. {c.text}" for place, c in enumerate(q.choices, start=1)]

    def to_json(self, q: Question) -> dict[str, Any]:
        return {"items": [c.text for c in q.choices]}

    def from_json(self, d: dict[str, Any]) -> dict[str, Any]:
        return {"choices": tuple(Choice(text) for text in d.get("items", []))}

    def to_gift(self, q: Question) -> GiftBody | None:
        raise Unwritable(
            f"question '{q.id}' is an ordering question, which GIFT has no syntax for: "
            "export the quiz as md or json"
        )

    def to_xml(self, q: Question) -> list[str]:
        # Moodle's ordering question, set to grade as here: each item in its place.
        lines = [
            xml.value("layouttype", "VERTICAL", 2),
            xml.value("selecttype", "ALL", 2),
            xml.value("selectcount", "0", 2),
            xml.value("gradingtype", "ABSOLUTE_POSITION", 2),
            xml.value("showgrading", "SHOW", 2),
        ]
        for place, c in enumerate(q.choices, start=1):
            fmt = q.format_of(f"choices.{place - 1}")
            lines += xml.text_element("answer", c.text, 2, fmt=fmt, attrs={"fraction": str(place)})
        return lines

    def from_xml(self, x: xml.XmlRead) -> dict[str, Any] | None:
        if x.value("gradingtype", "0").upper() not in ("0", "ABSOLUTE_POSITION", "ABSOLUTE", "ABS"):
            x.warn(x.el.find("gradingtype"), "graded here by each item in its right place")
        if x.value("selecttype", "0").upper() not in ("0", "ALL"):
            x.warn(x.el.find("selecttype"), "every item is shown here, not a selection")
        answers = sorted(x.el.findall("answer"), key=lambda a: x.fraction(a) or 0)  # the place
        items: list[Choice] = []
        for answer in answers:
            if xml.child_text(answer.find("feedback"), "text"):
                x.warn(answer, "an item's feedback is left out: items have none here")
            items.append(Choice(x.text(answer, f"choices.{len(items)}")))
        errors = len(x.report.errors)
        lines = [xml.line_of(a, x.line) for a in answers]
        _check_items([c.text for c in items], lines, x.line, x.report)
        if len(x.report.errors) > errors:
            return None
        return {"type": self.name, "choices": tuple(items)}

    def to_native(self, q: Question) -> list[str]:
        return [_item_line(place, c.text) for place, c in enumerate(q.choices, start=1)]
