"""What a GIFT question's comment lines say about it.

Moodle 4 reads `[id:...]` (the question's ID number) and `[tag:...]` (a tag, as often as
wanted) anywhere in the `//` comment lines of a question, a `]` in them written `\\]`; the ID
number becomes the question's id here, the tags its `tags`. Our own extensions are comments
too, so Moodle still imports the file: `// quiz: key: value` lines before the first question
(the quiz settings), and `// id:`, `// points:`, `// penalty:` and `// shuffle:` in a
question's block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from seminar.core.content.quiz_common import (
    ID_HELP,
    ID_RE,
    PendingId,
    Report,
    label_of,
    read_tags,
    slugify,
)
from seminar.core.content.quiz_settings import SettingLines, read_setting_line
from seminar.core.questions import question_type
from seminar.core.questions.syntax import read_number

META_RE = re.compile(r"^\s*//\s*(quiz|id|points|penalty|shuffle)\s*:(.*)$")
# Moodle's markers: an ID number of any characters but ']' (written '\]') and control
# characters; a tag of any but ']', '<', '>', '`' and control characters.
ID_MARKER = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
TAG_MARKER = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])*)\]")

# Our comments in a question's block: key -> (value, line).
Meta = dict[str, tuple[str, int]]


def comment_markers(comment: str) -> tuple[str, list[str]]:
    """The ID number ('' when none; the first, if several) and the tags that Moodle reads in
    a question's comment lines (joined by line breaks)."""
    found = ID_MARKER.search(comment)
    idnumber = found.group(1).strip().replace("\\]", "]") if found else ""
    tags = [m.group(1).strip().replace("\\]", "]") for m in TAG_MARKER.finditer(comment)]
    return idnumber, [tag for tag in tags if tag]


@dataclass
class Comments:
    """A question block's comment lines: ours (`meta`) and all of them (for Moodle's
    markers), each with its line."""

    meta: Meta = field(default_factory=dict)
    lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.strip() for _, line in self.lines)

    def unused(self, report: Report) -> None:
        """Comments in a block with no question: ours are reported."""
        for key, (_, number) in self.meta.items():
            report.warn(number, f"'// {key}:' belongs to no question: put it directly above one")


def split_comments(
    block: list[tuple[int, str]], settings: SettingLines, started: bool, report: Report
) -> tuple[list[tuple[int, str]], Comments]:
    """A block's non-comment lines, and its comments."""
    content: list[tuple[int, str]] = []
    comments = Comments()
    for number, line in block:
        if not line.lstrip().startswith("//"):
            content.append((number, line))
            continue
        comments.lines.append((number, line))
        m = META_RE.match(line)
        if not m:
            continue  # an ordinary comment
        key, rest = m.group(1), m.group(2).strip()
        if key == "quiz":
            if started or content:
                report.error(number, "'// quiz:' settings go before the first question")
            else:
                read_setting_line(rest, number, settings, report, how="// quiz: key: value")
        elif key in comments.meta:
            report.error(number, f"'// {key}:' is given twice for one question")
        else:
            comments.meta[key] = (rest, number)
    return content, comments


def pending_id(comments: Comments, title: str, stem: str, line: int, report: Report) -> PendingId:
    """The question's id: ours (`// id:`), else Moodle's ID number, else one derived."""
    label = label_of(title, stem)
    idnumber, _ = comment_markers(comments.text)
    at = next((n for n, text in comments.lines if "[id:" in text), line)
    if given := comments.meta.get("id"):
        value, at = given
        if not ID_RE.match(value):
            report.error(at, f"question id '{value}' may only use {ID_HELP}")
            return PendingId(None, line, slugify(title or stem), label=label, start=line)
        if idnumber and idnumber != value:
            report.error(at, f"'// id: {value}' and the ID number [id:{idnumber}] disagree")
        return PendingId(value, at, label=label, start=line)
    if idnumber and ID_RE.match(idnumber):
        return PendingId(idnumber, at, label=label, start=line)
    if idnumber:
        why = f"(from the ID number '{idnumber}', which may only use {ID_HELP})"
        base = slugify(idnumber) or slugify(title or stem)
        return PendingId(None, at, base, True, why, label=label, start=line)
    if title and slugify(title):
        return PendingId(
            None, line, slugify(title), False, "(from the title)", label=label, start=line
        )
    return PendingId(
        None, line, slugify(stem), True, "(from the question text)", label=label, start=line
    )


def extras(comments: Comments, kind: str | None, line: int, report: Report) -> dict[str, Any]:
    """Question keyword arguments from the comments: points, penalty, shuffle and tags."""
    out: dict[str, Any] = {}
    _, tags = comment_markers(comments.text)
    at = next((n for n, text in comments.lines if "[tag:" in text), line)
    out["tags"] = read_tags(tags, at, report)
    if given := comments.meta.get("points"):
        value, at = given
        points = read_number(value)
        if points is None or points <= 0:
            report.error(at, "'// points:' must be a number above 0")
        elif kind is not None and not question_type(kind).graded:
            report.error(at, f"a {kind} has no points")
        else:
            out["points"] = points
    if given := comments.meta.get("penalty"):
        value, at = given
        penalty = read_number(value)
        if penalty is None:
            report.error(at, "'// penalty:' must be a number from 0 to 1")
        else:
            out["penalty"] = penalty
    if given := comments.meta.get("shuffle"):
        value, at = given
        if value not in ("true", "false"):
            report.error(at, "'// shuffle:' must be true or false")
        else:
            out["shuffle"] = value == "true"
    return out
