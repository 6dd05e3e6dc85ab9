"""Write a quiz model as JSON, GIFT or the native format.

Round trip: for every quiz the parsers produce, parsing the GIFT or native export (with the
same slug) gives back an equal Quiz. Each question type writes its own answers (see
`seminar.core.questions`); here are the quiz settings and what every question has: its id,
title, stem, points, category and general feedback. Where plain text would read as syntax,
the writers choose the escape the parser undoes: GIFT backslash escapes and a `[markdown]`
tag, and in the native format `stem="..."` for a stem that cannot sit under a heading.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from typing import Any

from seminar.core.content.native_syntax import (
    ANSWER_KINDS,
    BARE_KEYS,
    HEADING_RE,
    NO_ANSWERS,
    classify,
    split_heading,
)
from seminar.core.content.quiz_model import Question, Quiz, Review, quiz_to_dict
from seminar.core.content.quiz_settings import SETTING_KEYS, yaml_scalar
from seminar.core.questions import gift, question_type
from seminar.core.questions.model import MARKDOWN
from seminar.core.questions.native import quote_lines
from seminar.core.questions.syntax import fmt_number


def _quiz_defaults() -> dict[str, Any]:
    """The model's own defaults, so an export only spells out what differs from them."""
    return {
        f.name: f.default_factory() if f.default_factory is not MISSING else f.default
        for f in fields(Quiz)
        if f.default is not MISSING or f.default_factory is not MISSING
    }


DEFAULTS = _quiz_defaults()


def to_json(quiz: Quiz) -> str:
    return json.dumps(quiz_to_dict(quiz), indent=2, ensure_ascii=False)


# --- settings, shared ---------------------------------------------------------------------


def _review_yaml(review: Review) -> str:
    if review.score == review.answers == review.feedback:
        return review.score
    return f"{{score: {review.score}, answers: {review.answers}, feedback: {review.feedback}}}"


def settings_of(quiz: Quiz) -> list[tuple[str, str]]:
    """(key, one-line YAML value) for the title and every setting that is not the default."""
    out: list[tuple[str, str]] = []
    for key in SETTING_KEYS:
        value = getattr(quiz, key)
        if key != "title" and value == DEFAULTS[key]:
            continue
        out.append((key, _review_yaml(value) if key == "review" else yaml_scalar(value)))
    return out


# --- GIFT ---------------------------------------------------------------------------------


def _gift_markers(q: Question) -> str:
    """Moodle's ID number and tags, as Moodle 4 writes them in a comment."""
    tags = "".join(f" [tag:{tag.replace(']', chr(92) + ']')}]" for tag in q.tags)
    return f"// [id:{q.id}]{tags}"


def _gift_question(q: Question) -> list[str]:
    """A question in GIFT; raises Unwritable for a type GIFT has no syntax for."""
    lines = [_gift_markers(q)]
    if q.points != 1:
        lines.append(f"// points: {fmt_number(q.points)}")
    if q.penalty is not None:
        lines.append(f"// penalty: {fmt_number(q.penalty)}")
    if not q.shuffle:
        lines.append("// shuffle: false")
    stem = gift.text(q.stem, starts=("//",), fmt=q.format)
    head = (f"::{gift.escape(q.title)}:: " if q.title else "") + stem
    body = question_type(q).to_gift(q)
    if body is None:
        return [*lines, head]
    general = "####" + gift.part(q, "feedback", q.feedback, arrow=body.arrow) if q.feedback else ""
    if body.inline:
        return [*lines, f"{head} {body.opener}{''.join(body.answers)}{general}}}"]
    inner = ["\t" + line for line in body.answers] + (["\t" + general] if general else [])
    return [*lines, f"{head} {body.opener}", *inner, "}"]


def to_gift(quiz: Quiz) -> str:
    lines = [f"// quiz: {key}: {value}" for key, value in settings_of(quiz)]
    category = ""
    for q in quiz.questions:
        if q.category != category:
            category = q.category
            escaped = category.replace("\\", "\\\\").replace("\n", "\\n")
            lines += ["", f"$CATEGORY: {escaped}".rstrip()]
        lines += ["", *_gift_question(q)]
    return "\n".join(lines) + "\n"


# --- native -------------------------------------------------------------------------------


def _attr_block(tokens: list[tuple[str, str]]) -> str:
    parts = []
    for key, value in tokens:
        if key == "#":
            parts.append("#" + value)
        elif key in BARE_KEYS:
            parts.append(f"{key}={value}")
        else:
            parts.append(f"{key}={json.dumps(value, ensure_ascii=False)}")
    return "{" + " ".join(parts) + "}"


def _extras(q: Question) -> list[tuple[str, str]]:
    """Heading attributes for what a question carries besides its type's fields."""
    tokens = []
    if q.tags:
        tokens.append(("tags", ", ".join(q.tags)))
    if q.format != MARKDOWN:
        tokens.append(("format", q.format))
    if q.formats:
        tokens.append(("formats", " ".join(f"{name}={fmt}" for name, fmt in q.formats)))
    if not q.shuffle:
        tokens.append(("shuffle", "false"))
    if q.penalty is not None:
        tokens.append(("penalty", fmt_number(q.penalty)))
    return tokens


def _stem_fits(q: Question, tokens: list[tuple[str, str]], has_answers: bool) -> bool:
    """Whether the parser reads the stem back from a heading and the lines under it."""
    first, *rest = q.stem.split("\n")
    line = f"## {first} {_attr_block(tokens)}"
    heading = HEADING_RE.match(line)
    if not heading or split_heading(heading.group(1)) != (first, tokens):
        return False
    if any(classify(x) in ANSWER_KINDS or HEADING_RE.match(x) for x in rest):
        return False
    # Without answer lines, a quote ending the question is its general feedback.
    return has_answers or not rest or classify(rest[-1]) != "top_quote"


def _native_heading(q: Question, has_answers: bool) -> list[str]:
    tokens = [("#", q.id)]
    declared = question_type(q).native_heading_type(q)
    if declared and declared != NO_ANSWERS:
        tokens.append(("type", declared))
    if q.title:
        tokens.append(("title", q.title))
    if q.category:
        tokens.append(("category", q.category))
    if q.points != 1:
        tokens.append(("points", fmt_number(q.points)))
    tokens += _extras(q)
    if _stem_fits(q, tokens, has_answers):
        first, *rest = q.stem.split("\n")
        return [f"## {first} {_attr_block(tokens)}", *rest]
    return [f"## {_attr_block([*tokens, ('stem', q.stem)])}"]


def _native_question(q: Question) -> list[str]:
    answers = question_type(q).to_native(q)
    lines = _native_heading(q, bool(answers))
    if answers:
        lines += ["", *answers]
    if q.feedback and question_type(q).graded:
        lines += ["", *quote_lines(q.feedback, "")]
    return lines


def to_native(quiz: Quiz) -> str:
    lines = ["---", *(f"{key}: {value}" for key, value in settings_of(quiz)), "---"]
    for q in quiz.questions:
        lines += ["", *_native_question(q)]
    return "\n".join(lines) + "\n"
