"""Bounds on what a content file may make the parsers do, checked before any parsing.

Python-Markdown's inline patterns take time quadratic in the `[` and `<` of a paragraph
(5,000 `[` in one paragraph: 8 s; 20,000: more than a worker's timeout), and PyYAML recurses
once per level of nesting (5,000 levels: a RecursionError). Real lessons and quizzes stay far
inside these limits (the shipped ones: at most 7 `[` in a paragraph, 29 in a file), so each
limit is generous for authors and keeps the worst render of a file to about a second.
"""

from __future__ import annotations

import re

from seminar.core.content.problems import Problem

MAX_FILE_CHARS = 500_000  # a lesson or quiz file (about 250 pages of text)
MAX_UNIT_MARKS = 300  # `[` or `<` in one paragraph, list item or heading
# The renderer's cost grows with the square of each unit's marks: their squares, summed over
# the file, bound the whole render (3,000,000: about a second here, whatever the shape).
MAX_FILE_COST = 3_000_000
MAX_LIST_INDENT = 40  # columns of indentation before a list marker: about ten levels
MAX_YAML_CHARS = 50_000  # front matter or a settings value
MAX_YAML_DEPTH = 30  # nested lists and mappings

_OWN_UNIT = re.compile(r"^[ \t]*(?:[-+*][ \t]|\d{1,9}[.)][ \t]|#|>|\|)")
_LIST_ITEM = re.compile(r"^([ \t]*)(?:[-+*]|\d{1,9}[.)])[ \t]")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_MARKS = ("[", "<")


def _inline_units(text: str, first_line: int) -> list[tuple[int, str]]:
    """(line, text) of each run the renderer scans as one: a paragraph's lines together, a list
    item, heading, quote or table row alone. Fenced code is not scanned for links."""
    units: list[tuple[int, str]] = []
    paragraph: list[str] = []
    start, fenced = first_line, False
    rows = text.split("\n")
    skip = 0
    if rows and rows[0].strip() == "---":  # front matter is YAML, checked as YAML
        skip = next((i + 1 for i in range(1, len(rows)) if rows[i].strip() in ("---", "...")), 0)
    for number, row in enumerate(rows, start=first_line):
        if number - first_line < skip:
            continue
        if _FENCE.match(row):
            fenced = not fenced
        if fenced or not row.strip() or _OWN_UNIT.match(row):
            if paragraph:
                units.append((start, "\n".join(paragraph)))
                paragraph = []
            if not fenced and row.strip():
                units.append((number, row))
            continue
        if not paragraph:
            start = number
        paragraph.append(row)
    if paragraph:
        units.append((start, "\n".join(paragraph)))
    return units


def _unit_cost(unit: str) -> int:
    return sum(unit.count(mark) ** 2 for mark in _MARKS)


def markdown_cost(text: str) -> int:
    """What rendering this Markdown costs, in the units MAX_FILE_COST bounds."""
    return sum(_unit_cost(unit) for _, unit in _inline_units(text, 1))


def markdown_problems(text: str, path: str, first_line: int = 1) -> list[Problem]:
    """What in this Markdown would take the renderer too long, each at its line."""
    if len(text) > MAX_FILE_CHARS:
        return [
            Problem(
                path,
                first_line,
                f"the file has {len(text):,} characters; at most {MAX_FILE_CHARS:,} can be "
                "loaded: split it into several files",
            )
        ]
    problems: list[Problem] = []
    cost = 0
    for line, unit in _inline_units(text, first_line):
        cost += _unit_cost(unit)
        for mark in _MARKS:
            count = unit.count(mark)
            if count > MAX_UNIT_MARKS:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"this paragraph has {count:,} '{mark}' characters; at most "
                        f"{MAX_UNIT_MARKS} render in reasonable time: break it up",
                    )
                )
    if cost > MAX_FILE_COST and not problems:
        problems.append(
            Problem(
                path,
                first_line,
                "the file has too many '[' and '<' characters to render in reasonable time: "
                "look for unclosed links or stray brackets, or split it into several files",
            )
        )
    for number, row in enumerate(text.split("\n"), start=first_line):
        item = _LIST_ITEM.match(row)
        if item and len(item.group(1).expandtabs(4)) > MAX_LIST_INDENT:
            problems.append(
                Problem(path, number, "lists are nested too deeply here (at most ten levels)")
            )
            break
    return problems


def yaml_problems(text: str, path: str, first_line: int = 1) -> list[Problem]:
    """YAML too large or nested too deeply to parse safely, at the line where it starts."""
    if len(text) > MAX_YAML_CHARS:
        return [Problem(path, first_line, f"the YAML has more than {MAX_YAML_CHARS:,} characters")]
    depth, line = _yaml_depth(text)
    if depth > MAX_YAML_DEPTH:
        return [
            Problem(
                path,
                first_line + line,
                f"the YAML is nested {depth} levels deep; at most {MAX_YAML_DEPTH} are allowed",
            )
        ]
    return []


def _yaml_depth(text: str) -> tuple[int, int]:
    """The deepest nesting of flow brackets and block indentation, and the 0-based line where
    it is first reached. Quoted text is skipped; the count may be a little high, never low."""
    deepest, at, flow = 0, 0, 0  # flow collections may span lines: their depth carries on
    indents: list[int] = []
    for number, row in enumerate(text.split("\n")):
        stripped = row.lstrip(" ")
        if stripped and not stripped.startswith("#"):
            indent = len(row) - len(stripped)
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
        quote = ""
        for char in row:
            if quote:
                quote = "" if char == quote else quote
            elif char in "\"'":
                quote = char
            elif char in "[{":
                flow += 1
                if len(indents) + flow > deepest:
                    deepest, at = len(indents) + flow, number
            elif char in "]}":
                flow = max(0, flow - 1)
        if len(indents) > deepest:
            deepest, at = len(indents), number
    return deepest, at
