"""The answers between a GIFT question's braces, read into the question model.

GIFT decides a question's type by the syntax of its answers, tested in Moodle's order
(`kind`); each reader checks the answers with the same rules as the native format.
"""

from __future__ import annotations

from typing import Any

from seminar.core.content.gift_text import (
    GiftItem,
    GiftText,
    answer_and_feedback,
    answer_items,
    text_field,
    weight_of,
)
from seminar.core.content.quiz_common import Report
from seminar.core.questions import Answer, Choice, Pair
from seminar.core.questions.choices import MultipleChoice, SingleChoice
from seminar.core.questions.syntax import (
    NEGATIVE_WEIGHT,
    check_answer_weights,
    read_number,
    split_weight,
)

TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def _choices(t: GiftText, start: int, end: int, line: int, report: Report) -> dict[str, Any] | None:
    errors = len(report.errors)
    choices: list[Choice] = []
    has_equals = False
    for item in answer_items(t, start, end, "~=", report):
        weight, text_at = weight_of(t, item, report)
        if item.marker == "=":
            has_equals = True
            if weight is not None:
                report.error(
                    t.line(item.start), "Moodle ignores a weight after '=': write ~%N% instead"
                )
            weight = 100
        text, feedback = answer_and_feedback(t, text_at, item.end, report)
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


def _short(t: GiftText, start: int, end: int, line: int, report: Report) -> dict[str, Any] | None:
    errors = len(report.errors)
    answers: list[Answer] = []
    for item in answer_items(t, start, end, "=", report):
        weight, text_at = weight_of(t, item, report)
        text, feedback = answer_and_feedback(t, text_at, item.end, report)
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


def _matching(
    t: GiftText, start: int, end: int, line: int, report: Report
) -> dict[str, Any] | None:
    errors = len(report.errors)
    pairs: list[Pair] = []
    seen: dict[str, int] = {}
    items = answer_items(t, start, end, "=", report)
    for item in items:
        at = t.line(item.start)
        arrow = t.find("->", item.start, item.end)
        if arrow == -1:
            report.error(at, "every answer of a matching question is '=left -> right'")
            continue
        left = text_field(t, item.start, arrow, report)
        right = text_field(
            t, arrow + 2, item.end, report, tags=False
        )  # Moodle: no tag on the right
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


def _true_false(t: GiftText, start: int, end: int, report: Report) -> dict[str, Any] | None:
    hashes = t.find_any("#", start, end)
    token = t.s[start : hashes[0] if hashes else end].strip()
    if len(hashes) > 2:
        report.error(
            t.line(hashes[2]),
            "true/false takes at most '#wrong#right' feedback: write \\# for the character",
        )
        return None
    bounds = [*hashes, end]
    parts = [text_field(t, bounds[k] + 1, bounds[k + 1], report) for k in range(len(hashes))]
    wrong, right = [*parts, "", ""][:2]
    answer = TRUE_FALSE[token]
    # Moodle: the first feedback is for the wrong choice, the second for the right one.
    return {
        "type": "true_false",
        "answer": answer,
        "feedback_if_true": right if answer else wrong,
        "feedback_if_false": wrong if answer else right,
    }


def _numeric(t: GiftText, start: int, end: int, line: int, report: Report) -> dict[str, Any] | None:
    errors = len(report.errors)
    start += 1  # the '#' that makes it numeric
    tilde = t.find("~", start, end)
    answers = [
        _numeric_answer(t, item, report)
        for item in answer_items(
            t, start, tilde if tilde != -1 else end, "=", report, bare_first=True
        )
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


def _numeric_answer(t: GiftText, item: GiftItem, report: Report) -> Answer | None:
    weight, text_at = weight_of(t, item, report)
    hash_at = t.find("#", text_at, item.end)
    spec = t.s[text_at : hash_at if hash_at != -1 else item.end].strip()
    feedback = text_field(t, hash_at + 1, item.end, report) if hash_at != -1 else ""
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


def _catch_all(t: GiftText, tilde: int, end: int, report: Report) -> Answer | None:
    begin = t.skip_space(tilde + 1, end)
    if t.find("#", begin, begin + 1) != begin:
        report.error(
            t.line(tilde), "in a numeric question '~' is only for '~#feedback' on other answers"
        )
        return None
    if t.find_any("=~", begin, end):
        report.error(t.line(tilde), "the '~#feedback' for other answers must come last")
        return None
    return Answer(text="*", weight=0, feedback=text_field(t, begin + 1, end, report))


def _kind(t: GiftText, start: int, end: int, report: Report) -> str | None:
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


def read_answers(
    t: GiftText, open_: int, close: int, line: int, report: Report
) -> tuple[dict[str, Any] | None, str]:
    """The type-specific fields and the general feedback of the text between the braces."""
    end = close
    general = ""
    separator = t.find("####", open_ + 1, close)
    if separator != -1:
        if t.find("####", separator + 4, close) != -1:
            report.error(t.line(separator), "more than one '####' general feedback")
            return None, ""
        general = text_field(t, separator + 4, close, report)
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
