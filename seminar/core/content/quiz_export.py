"""Write a quiz model as JSON, GIFT or the native format.

Round trip: for every quiz the parsers produce, parsing the GIFT or native export (with the
same slug) gives back an equal Quiz. Where plain text would read as syntax, the exporters
choose the escape the parser undoes: GIFT backslash escapes and a `[markdown]` tag in front
of text that starts like a format tag, a weight or a comment; in the native format a JSON
string for an answer and `stem="..."` for a stem that cannot sit under a heading. Each native
line is checked against the parser's own reading before the plain form is used.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import MISSING, fields
from typing import Any

from seminar.core.content.gift import FORMAT_TAGS, TAG_RE
from seminar.core.content.quiz_common import SETTING_KEYS, fmt_number, split_weight, yaml_scalar
from seminar.core.content.quiz_model import Answer, Question, Quiz, Review, quiz_to_dict
from seminar.core.content.quiz_native import (
    ANSWER_KINDS,
    CATCH_ALL,
    CHOICE_RE,
    EQ_RE,
    HEADING_RE,
    PAIR_RE,
    classify,
    read_inline,
    read_numeric,
    read_pair,
    split_heading,
)


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


def _settings(quiz: Quiz) -> list[tuple[str, str]]:
    """(key, one-line YAML value) for the title and every setting that is not the default."""
    out: list[tuple[str, str]] = []
    for key in SETTING_KEYS:
        value = getattr(quiz, key)
        if key != "title" and value == DEFAULTS[key]:
            continue
        out.append((key, _review_yaml(value) if key == "review" else yaml_scalar(value)))
    return out


# --- GIFT ---------------------------------------------------------------------------------

GIFT_SPECIAL = "\\~=#{}:"


def _gift_escape(text: str, *, arrow: bool = False) -> str:
    escaped = "".join(
        "\\n" if ch == "\n" else "\\" + ch if ch in GIFT_SPECIAL else ch for ch in text
    )
    # '->' makes Moodle read answers as matching pairs; '\>' is our escape for it.
    return escaped.replace("->", "-\\>") if arrow else escaped


def _gift_text(text: str, *, starts: tuple[str, ...] = (), arrow: bool = False) -> str:
    """Escaped text, behind a [markdown] tag when its start would read as syntax."""
    tag = TAG_RE.match(text)
    needs_tag = bool(tag and tag.group(1).lower() in FORMAT_TAGS) or text.startswith(starts)
    return ("[markdown]" if needs_tag else "") + _gift_escape(text, arrow=arrow)


def _gift_feedback(text: str, *, arrow: bool = False) -> str:
    return "#" + _gift_text(text, arrow=arrow) if text else ""


def _gift_number_spec(a: Answer) -> str:
    if a.min is not None and a.max is not None:
        return f"{fmt_number(a.min)}..{fmt_number(a.max)}"
    spec = fmt_number(a.value if a.value is not None else 0)
    return f"{spec}:{fmt_number(a.tolerance)}" if a.tolerance else spec


def _gift_weight(marker: str, weight: float, default: float) -> str:
    return marker if weight == default else f"{marker}%{fmt_number(weight)}%"


def _gift_answers(q: Question) -> list[str]:
    """The lines between '{' and '}' (the general feedback excluded)."""
    if q.type in ("single", "multiple"):
        right = next((i for i, c in enumerate(q.choices) if c.weight == 100), None)
        lines = []
        for i, c in enumerate(q.choices):
            marker = "=" if q.type == "single" and i == right else _gift_weight("~", c.weight, 0)
            lines.append(marker + _gift_text(c.text, starts=("%",)) + _gift_feedback(c.feedback))
        return lines
    if q.type == "short":
        return [
            _gift_weight("=", a.weight, 100)
            + _gift_text(a.text or "", starts=("%",), arrow=True)
            + _gift_feedback(a.feedback, arrow=True)
            for a in q.answers
        ]
    if q.type == "numeric":
        numbers = [a for a in q.answers if a.text != CATCH_ALL]
        catch_all = [a for a in q.answers if a.text == CATCH_ALL]
        lines = [
            _gift_weight("=", a.weight, 100) + _gift_number_spec(a) + _gift_feedback(a.feedback)
            for a in numbers
        ]
        return lines + ["~#" + _gift_text(a.feedback) for a in catch_all]
    if q.type == "matching":
        return [
            "=" + _gift_text(p.left, starts=("%",), arrow=True) + " -> " + _gift_escape(p.right)
            for p in q.pairs
        ]
    return []


def _gift_true_false(q: Question) -> str:
    # Moodle: '#' feedback for the wrong choice first, then for the right one.
    right = q.feedback_if_true if q.answer else q.feedback_if_false
    wrong = q.feedback_if_false if q.answer else q.feedback_if_true
    out = "TRUE" if q.answer else "FALSE"
    if wrong or right:
        out += "#" + _gift_text(wrong)
    if right:
        out += "#" + _gift_text(right)
    return out


def _gift_question(q: Question) -> list[str]:
    lines = [f"// id: {q.id}"]
    if q.points != 1:
        lines.append(f"// points: {fmt_number(q.points)}")
    head = (f"::{_gift_escape(q.title)}:: " if q.title else "") + _gift_text(q.stem, starts=("//",))
    if q.type == "description":
        return [*lines, head]
    general = "####" + _gift_text(q.feedback, arrow=q.type == "short") if q.feedback else ""
    if q.type == "essay":
        return [*lines, head + " {" + general + "}"]
    if q.type == "true_false":
        return [*lines, head + " {" + _gift_true_false(q) + general + "}"]
    body = ["\t" + line for line in _gift_answers(q)]
    if general:
        body.append("\t" + general)
    opener = " {#" if q.type == "numeric" else " {"
    return [*lines, head + opener, *body, "}"]


def to_gift(quiz: Quiz) -> str:
    lines = [f"// quiz: {key}: {value}" for key, value in _settings(quiz)]
    category = ""
    for q in quiz.questions:
        if q.category != category:
            category = q.category
            escaped = category.replace("\\", "\\\\").replace("\n", "\\n")
            lines += ["", f"$CATEGORY: {escaped}".rstrip()]
        lines += ["", *_gift_question(q)]
    return "\n".join(lines) + "\n"


# --- native -------------------------------------------------------------------------------


def _quote_lines(text: str, indent: str) -> list[str]:
    return [f"{indent}> {line}" if line else f"{indent}>" for line in text.split("\n")]


def _attr_block(tokens: list[tuple[str, str]]) -> str:
    parts = []
    for key, value in tokens:
        if key == "#":
            parts.append("#" + value)
        elif key in ("points", "type"):
            parts.append(f"{key}={value}")
        else:
            parts.append(f"{key}={json.dumps(value, ensure_ascii=False)}")
    return "{" + " ".join(parts) + "}"


def _stem_fits(q: Question, tokens: list[tuple[str, str]]) -> bool:
    """Whether the parser reads the stem back from a heading and the lines under it."""
    first, *rest = q.stem.split("\n")
    line = f"## {first} {_attr_block(tokens)}"
    heading = HEADING_RE.match(line)
    if not heading or split_heading(heading.group(1)) != (first, tokens):
        return False
    if any(classify(x) in ANSWER_KINDS or HEADING_RE.match(x) for x in rest):
        return False
    # Without answer lines, a quote ending the question is its general feedback.
    has_answers = q.type not in ("essay", "description")
    return has_answers or not rest or classify(rest[-1]) != "top_quote"


def _native_heading(q: Question) -> list[str]:
    tokens = [("#", q.id)]
    if q.type == "description":
        tokens.append(("type", "description"))
    if q.title:
        tokens.append(("title", q.title))
    if q.category:
        tokens.append(("category", q.category))
    if q.points != 1:
        tokens.append(("points", fmt_number(q.points)))
    if _stem_fits(q, tokens):
        first, *rest = q.stem.split("\n")
        return [f"## {first} {_attr_block(tokens)}", *rest]
    return [f"## {_attr_block([*tokens, ('stem', q.stem)])}"]


def _first_fitting(candidates: list[str], reads_back: Callable[[str], bool]) -> str:
    """The first candidate line the parser reads back as meant; the last is always safe."""
    return next((line for line in candidates if reads_back(line)), candidates[-1])


def _inline_forms(text: str) -> list[str]:
    return [text, json.dumps(text, ensure_ascii=False)]


def _choice_line(checked: bool, weight: float | None, text: str) -> str:
    box = "[x]" if checked else "[ ]"
    prefix = f"%{fmt_number(weight)}% " if weight is not None else ""

    def reads_back(line: str) -> bool:
        m = CHOICE_RE.match(line)
        if not m or classify(line) != "choice":
            return False
        parsed_weight, rest, error = split_weight(m.group(2).strip())
        parsed, quoted = read_inline(rest)
        # Unquoted True/False choices would make it a true/false question.
        tf_like = not quoted and parsed.lower() in ("true", "false")
        return not error and parsed_weight == weight and parsed == text and not tf_like

    return _first_fitting([f"- {box} {prefix}{form}" for form in _inline_forms(text)], reads_back)


def _eq_line(weight: float | None, text: str, *, numeric: bool) -> str:
    prefix = f"%{fmt_number(weight)}% " if weight is not None else ""
    if numeric:
        return f"= {prefix}{text}"

    def reads_back(line: str) -> bool:
        m = EQ_RE.match(line)
        if not m or classify(line) != "eq":
            return False
        parsed_weight, rest, error = split_weight(m.group(1).strip())
        parsed, quoted = read_inline(rest)
        # Unquoted, a number would make the question numeric.
        looks_numeric = not quoted and read_numeric(parsed) != (None, None)
        return not error and parsed_weight == weight and parsed == text and not looks_numeric

    return _first_fitting([f"= {prefix}{form}" for form in _inline_forms(text)], reads_back)


def _pair_line(left: str, right: str) -> str:
    def reads_back(line: str) -> bool:
        m = PAIR_RE.match(line)
        return bool(m) and classify(line) == "pair" and read_pair(m.group(1))[:2] == (left, right)

    candidates = [f"- {lf} -> {rf}" for lf in _inline_forms(left) for rf in _inline_forms(right)]
    return _first_fitting(candidates, reads_back)


def _native_number(a: Answer) -> str:
    if a.text == CATCH_ALL:
        return CATCH_ALL
    if a.min is not None and a.max is not None:
        return f"{fmt_number(a.min)}..{fmt_number(a.max)}"
    value = fmt_number(a.value if a.value is not None else 0)
    return f"{value} ± {fmt_number(a.tolerance)}" if a.tolerance else value


def _native_answers(q: Question) -> list[str]:
    lines: list[str] = []

    def add(line: str, feedback: str = "") -> None:
        lines.append(line)
        if feedback:
            lines.extend(_quote_lines(feedback, "  "))

    if q.type == "single":
        right = next((i for i, c in enumerate(q.choices) if c.weight == 100), 0)
        for i, c in enumerate(q.choices):
            weight = None if i == right or c.weight == 0 else c.weight
            add(_choice_line(i == right, weight, c.text), c.feedback)
    elif q.type == "multiple":
        k = sum(1 for c in q.choices if c.weight > 0) or 1
        for c in q.choices:
            default = 100 / k if c.weight > 0 else -100 / k
            add(
                _choice_line(c.weight > 0, None if c.weight == default else c.weight, c.text),
                c.feedback,
            )
    elif q.type == "true_false":
        add(f"- {'[x]' if q.answer else '[ ]'} True", q.feedback_if_true)
        add(f"- {'[ ]' if q.answer else '[x]'} False", q.feedback_if_false)
    elif q.type in ("short", "numeric"):
        numeric = q.type == "numeric"
        for a in q.answers:
            catch_all = numeric and a.text == CATCH_ALL
            weight = None if a.weight == 100 or catch_all else a.weight
            text = _native_number(a) if numeric else a.text or ""
            add(_eq_line(weight, text, numeric=numeric), a.feedback)
    elif q.type == "matching":
        for p in q.pairs:
            add(_pair_line(p.left, p.right))
    return lines


def _native_question(q: Question) -> list[str]:
    lines = _native_heading(q)
    answers = _native_answers(q)
    if answers:
        lines += ["", *answers]
    if q.feedback and q.type != "description":
        lines += ["", *_quote_lines(q.feedback, "")]
    return lines


def to_native(quiz: Quiz) -> str:
    lines = ["---", *(f"{key}: {value}" for key, value in _settings(quiz)), "---"]
    for q in quiz.questions:
        lines += ["", *_native_question(q)]
    return "\n".join(lines) + "\n"
