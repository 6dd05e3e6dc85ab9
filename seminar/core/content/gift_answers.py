"""The answers between a GIFT question's braces, read into the question model.

GIFT decides a question's type by the syntax of its answers, tested in Moodle's order
(`kind`); each reader checks the answers with the same rules as the native format. Every
text is read with its format (`Texts`), named as `Question.formats` names it.
"""

from __future__ import annotations

from typing import Any

from seminar.core.content.gift_text import GiftItem, Texts, answer_items, weight_of
from seminar.core.questions import Answer, Choice, Pair
from seminar.core.questions.choices import MultipleChoice, SingleChoice
from seminar.core.questions.matching import check_pairs
from seminar.core.questions.syntax import (
    NEGATIVE_WEIGHT,
    check_answer_weights,
    read_number,
    split_weight,
)

TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def _choices(x: Texts, start: int, end: int, line: int) -> dict[str, Any] | None:
    t, report = x.t, x.report
    errors = len(report.errors)
    choices: list[Choice] = []
    for i, item in enumerate(answer_items(t, start, end, "~=", report)):
        weight, text_at = weight_of(t, item, report)
        if item.marker == "=":
            if weight is not None:
                report.error(
                    t.line(item.start), "Moodle ignores a weight after '=': write ~%N% instead"
                )
            weight = 100
        text, feedback = x.answer_and_feedback(text_at, item.end, f"choices.{i}")
        if not text:
            report.error(t.line(item.start), "a choice with no text")
        choices.append(Choice(text, weight or 0, feedback))
    if len(report.errors) > errors:
        return None
    # Moodle: an '=' answer makes radio buttons (one answer), and without one, check boxes
    # (several answers), however many answers are right.
    has_equals = t.find("=", start, end) != -1
    kind = SingleChoice() if has_equals else MultipleChoice()
    if not has_equals and not any(c.weight > 0 for c in choices):
        report.error(line, "no choice is right: mark the right answer with '=' (or give ~%N%)")
        return None
    if not kind.check_choices(tuple(choices), line, report):
        return None
    return {"type": kind.name, "choices": tuple(choices)}


def _short(x: Texts, start: int, end: int, line: int) -> dict[str, Any] | None:
    t, report = x.t, x.report
    errors = len(report.errors)
    answers: list[Answer] = []
    for i, item in enumerate(answer_items(t, start, end, "=", report)):
        weight, text_at = weight_of(t, item, report)
        # Moodle keeps an answer's text as plain text, whatever its tag.
        text, feedback = x.answer_and_feedback(text_at, item.end, f"answers.{i}")
        x.formats.pop(f"answers.{i}", None)
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


def _matching(x: Texts, start: int, end: int, line: int) -> dict[str, Any] | None:
    t, report = x.t, x.report
    errors = len(report.errors)
    pairs: list[Pair] = []
    lines: list[int] = []
    for i, item in enumerate(answer_items(t, start, end, "=", report)):
        at = t.line(item.start)
        arrow = t.find("->", item.start, item.end)
        if arrow == -1:
            report.error(at, "every answer of a matching question is '=left -> right'")
            continue
        left = x.read(item.start, arrow, f"pairs.{i}")
        right = x.read(arrow + 2, item.end, tags=False)  # Moodle: no tag on the right
        if split_weight(t.s[item.start : arrow].lstrip())[0] is not None:
            report.error(at, "matching pairs have no weights")
        if t.find("#", arrow + 2, item.end) != -1:
            report.error(at, "matching pairs have no feedback: write \\# for the character")
        pairs.append(Pair(left, right))
        lines.append(at)
    if len(report.errors) == errors:
        check_pairs(pairs, lines, line, report)
    if len(report.errors) > errors:
        return None
    return {"type": "matching", "pairs": tuple(pairs)}


def _true_false(x: Texts, start: int, end: int) -> dict[str, Any] | None:
    t, report = x.t, x.report
    hashes = t.find_any("#", start, end)
    token = t.s[start : hashes[0] if hashes else end].strip()
    if len(hashes) > 2:
        report.error(
            t.line(hashes[2]),
            "true/false takes at most '#wrong#right' feedback: write \\# for the character",
        )
        return None
    answer = TRUE_FALSE[token]
    # Moodle: the first feedback is for the wrong choice, the second for the right one.
    names = ["feedback_if_false", "feedback_if_true"][:: 1 if answer else -1]
    bounds = [*hashes, end]
    texts = {name: "" for name in names}
    for k, name in zip(range(len(hashes)), names, strict=False):
        texts[name] = x.read(bounds[k] + 1, bounds[k + 1], name)
    return {"type": "true_false", "answer": answer, **texts}


def _numeric(x: Texts, start: int, end: int, line: int) -> dict[str, Any] | None:
    t, report = x.t, x.report
    errors = len(report.errors)
    start += 1  # the '#' that makes it numeric
    tilde = t.find("~", start, end)
    items = answer_items(t, start, tilde if tilde != -1 else end, "=", report, bare_first=True)
    answers = [_numeric_answer(x, item, i) for i, item in enumerate(items)]
    if tilde != -1:
        answers.append(_catch_all(x, tilde, end, len(answers)))
    if not any(a is not None and a.text is None for a in answers) and len(report.errors) == errors:
        report.error(line, "a numeric question needs at least one number")
    if len(report.errors) > errors:
        return None
    complete = [a for a in answers if a is not None]
    if problem := check_answer_weights(complete):
        report.error(line, problem)
        return None
    return {"type": "numeric", "answers": tuple(complete)}


def _numeric_answer(x: Texts, item: GiftItem, i: int) -> Answer | None:
    t, report = x.t, x.report
    weight, text_at = weight_of(t, item, report)
    hash_at = t.find("#", text_at, item.end)
    spec = t.s[text_at : hash_at if hash_at != -1 else item.end].strip()
    feedback = x.read(hash_at + 1, item.end, f"answers.{i}.feedback") if hash_at != -1 else ""
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


def _catch_all(x: Texts, tilde: int, end: int, i: int) -> Answer | None:
    t, report = x.t, x.report
    begin = t.skip_space(tilde + 1, end)
    if t.find("#", begin, begin + 1) != begin:
        report.error(
            t.line(tilde), "in a numeric question '~' is only for '~#feedback' on other answers"
        )
        return None
    if t.find_any("=~", begin, end):
        report.error(t.line(tilde), "the '~#feedback' for other answers must come last")
        return None
    return Answer(text="*", weight=0, feedback=x.read(begin + 1, end, f"answers.{i}.feedback"))


def _kind(x: Texts, start: int, end: int) -> str | None:
    """The question type from its answers, in Moodle's order of tests."""
    t = x.t
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
        x.report.error(
            t.line(start),
            f"write {{{token.upper()}}}: Moodle reads {{{token}}} as a short answer '{token}'",
        )
        return None
    return "short"


def read_answers(x: Texts, open_: int, close: int, line: int) -> tuple[dict[str, Any] | None, str]:
    """The type-specific fields and the general feedback of the text between the braces."""
    t, report = x.t, x.report
    end = close
    general = ""
    separator = t.find("####", open_ + 1, close)
    if separator != -1:
        if t.find("####", separator + 4, close) != -1:
            report.error(t.line(separator), "more than one '####' general feedback")
            return None, ""
        general = x.read(separator + 4, close, "feedback")
        end = separator
    start = t.skip_space(open_ + 1, end)
    while end > start and t.s[end - 1].isspace():
        end -= 1
    kind = _kind(x, start, end)
    if kind is None:
        return None, general
    if kind == "essay":
        return {"type": "essay"}, general
    if kind == "true_false":
        return _true_false(x, start, end), general
    readers = {"numeric": _numeric, "choice": _choices, "matching": _matching, "short": _short}
    return readers[kind](x, start, end, line), general
