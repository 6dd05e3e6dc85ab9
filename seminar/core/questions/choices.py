"""Single and multiple choice, and the reader of choice lines `- [x] text`.

Which type choice lines make follows from them: exactly the choices True and False make a
true/false question; one `[x]` a single choice; several `[x]` a multiple choice with
partial credit and a penalty for wrong picks (never below zero).
"""

from __future__ import annotations

import random
from typing import Any

from seminar.core.questions import gift
from seminar.core.questions.base import (
    BLANK,
    BLANK_LABEL,
    FormData,
    GiftBody,
    Grade,
    LiveDraft,
    QuestionType,
    Render,
    Response,
    clamp,
    digit_index,
    index_in,
    values_of,
)
from seminar.core.questions.choice_lines import (
    CHOICE_RE,
    ChoiceLine,
    choice_line,
    is_true_false,
    read_choice_lines,
)
from seminar.core.questions.model import Choice, Question, choice_from_dict, choice_to_dict
from seminar.core.questions.native import AnswerLine, Fields, LineSyntax, with_feedback
from seminar.core.questions.syntax import NEGATIVE_WEIGHT, Report, close_to, fmt_number
from seminar.core.questions.true_false import TrueFalse


def _read_choice_lines(lines: list[AnswerLine], report: Report, line: int) -> Fields | None:
    errors = len(report.errors)
    parsed = read_choice_lines(lines, report)
    if is_true_false(parsed):
        return TrueFalse.from_lines(parsed, report)
    checked = sum(1 for p in parsed if p.checked)
    if checked == 0:
        report.error(line, "no choice is checked: mark the right one with [x]")
        return None
    kind: ChoiceType = SingleChoice() if checked == 1 else MultipleChoice()
    weights = [kind.line_weight(p, checked, report) for p in parsed]
    if len(report.errors) == errors and (problem := kind.weight_problem(weights)):
        report.error(line, problem)
    choices = tuple(
        Choice(p.text, w, p.line.feedback_text) for p, w in zip(parsed, weights, strict=True)
    )
    return {"type": kind.name, "choices": choices}


CHOICE_LINES = LineSyntax("choice", CHOICE_RE, "choices", "'- [x] …'", _read_choice_lines)


class ChoiceType(QuestionType):
    """What single and multiple choice share: options shown in a per-attempt order."""

    right_label = ""  # how review marks a right option

    @property
    def review_template(self) -> str:
        return "questions/choices/review.html"

    def display_order(self, q: Question, shuffle: bool, rng: random.Random) -> list[int]:
        order = list(range(len(q.choices)))
        if shuffle:
            rng.shuffle(order)
        return order

    def rendered(self, q: Question, block: Render, inline: Render) -> dict[str, Any]:
        return super().rendered(q, block, inline) | {
            "choices": [inline(c.text) for c in q.choices],
            "choice_feedback": [block(c.feedback) for c in q.choices],
        }

    def feedback_html(self, q: Question, rendered: dict[str, Any]) -> dict[str, str]:
        return {c.feedback: h for c, h in zip(q.choices, rendered["choice_feedback"], strict=True)}

    def outline(self, q: Question) -> list[str]:
        return [
            f"{c.text} ({c.weight:g}%)" + (f" — {c.feedback}" if c.feedback else "")
            for c in q.choices
        ]

    def to_live(self, q: Question, *, poll: bool = False) -> LiveDraft | None:
        texts = [c.text for c in q.choices]
        if poll:
            return LiveDraft(q.stem, texts, [], "poll")
        # Asked as it is graded: several right choices are picked together, then submitted.
        return LiveDraft(
            q.stem, texts, [i for i, c in enumerate(q.choices) if c.weight > 0], self.name
        )

    def options(self, q: Question) -> list[str]:
        return [str(i) for i in range(len(q.choices))] + [BLANK]

    def option_label(self, q: Question, key: str) -> str:
        if key.isdigit():
            index = int(key)
            return q.choices[index].text if index < len(q.choices) else key
        return BLANK_LABEL if key == BLANK else key

    def to_json(self, q: Question) -> dict[str, Any]:
        return {"choices": [choice_to_dict(c) for c in q.choices]}

    def from_json(self, d: dict[str, Any]) -> dict[str, Any]:
        return {"choices": tuple(choice_from_dict(c) for c in d.get("choices", []))}

    def to_gift(self, q: Question) -> GiftBody | None:
        return GiftBody(
            [
                self.gift_marker(q, i)
                + gift.text(c.text, starts=("%",))
                + gift.feedback(c.feedback)
                for i, c in enumerate(q.choices)
            ]
        )

    def gift_marker(self, q: Question, i: int) -> str:
        return gift.weighted("~", q.choices[i].weight, 0)

    def line_weight(self, p: ChoiceLine, checked: int, report: Report) -> float:
        """A choice line's weight: explicit, or this type's default."""
        raise NotImplementedError

    def weight_problem(self, weights: list[float]) -> str | None:
        """The question-level rule for the choices' weights, or None when they are fine."""
        raise NotImplementedError


class SingleChoice(ChoiceType):
    name = "single"
    native_syntax = (CHOICE_LINES,)
    right_label = "Correct answer"

    def read_form(self, form: FormData, name: str, order: list[int]) -> Any:
        return {"choice": form.get(name, "")}

    def from_positions(self, q: Question, order: list[int], raw: dict[str, Any]) -> Any:
        i = digit_index(raw.get("choice"), len(order))
        return {"choice": None if i is None else order[i]}

    def clean(self, q: Question, raw: Any) -> Response:
        if not isinstance(raw, dict):
            return None
        choice = digit_index(raw.get("choice"), len(q.choices))
        return {"choice": choice} if choice is not None else None

    def grade(self, q: Question, response: Response) -> Grade:
        i = index_in((response or {}).get("choice"), len(q.choices))
        if i is None:
            return Grade(0.0)
        choice = q.choices[i]
        return Grade(clamp(choice.weight / 100), (choice.feedback,) if choice.feedback else ())

    def correct(self, q: Question) -> Response:
        best = max(range(len(q.choices)), key=lambda i: q.choices[i].weight, default=None)
        return {"choice": best}

    def example_response(self, q: Question, right: bool, rng: random.Random) -> Response:
        if right:
            return self.correct(q)
        wrong = [i for i, c in enumerate(q.choices) if c.weight <= 0] or [0]
        return {"choice": rng.choice(wrong)}

    def options_chosen(self, response: Response, fraction: float | None) -> list[str]:
        response = response or {}
        return [str(response["choice"])] if "choice" in response else [BLANK]

    def gift_marker(self, q: Question, i: int) -> str:
        right = next((k for k, c in enumerate(q.choices) if c.weight == 100), None)
        return "=" if i == right else super().gift_marker(q, i)

    def to_native(self, q: Question) -> list[str]:
        right = next((i for i, c in enumerate(q.choices) if c.weight == 100), 0)
        lines: list[str] = []
        for i, c in enumerate(q.choices):
            weight = None if i == right or c.weight == 0 else c.weight
            lines += with_feedback(choice_line(i == right, weight, c.text), c.feedback)
        return lines

    def line_weight(self, p: ChoiceLine, checked: int, report: Report) -> float:
        if p.checked and p.weight is not None and p.weight != 100:
            report.error(p.line.line, "the [x] choice of a single-choice question is worth 100%")
        elif p.weight is not None and p.weight < 0:
            report.error(p.line.line, f"{NEGATIVE_WEIGHT} (several [x])")
        if p.checked:
            return 100
        return p.weight if p.weight is not None else 0

    def weight_problem(self, weights: list[float]) -> str | None:
        if len(weights) < 2:
            return "a choice question needs at least two choices"
        if 100 not in weights:
            return "no choice is worth 100%"
        if any(w < 0 for w in weights):
            return NEGATIVE_WEIGHT
        return None


class MultipleChoice(ChoiceType):
    name = "multiple"
    right_label = "A correct answer"

    def read_form(self, form: FormData, name: str, order: list[int]) -> Any:
        return {"choices": form.getlist(name)}

    def from_positions(self, q: Question, order: list[int], raw: dict[str, Any]) -> Any:
        picked = (digit_index(v, len(order)) for v in values_of(raw, "choices"))
        return {"choices": [order[i] for i in picked if i is not None]}

    def clean(self, q: Question, raw: Any) -> Response:
        if not isinstance(raw, dict):
            return None
        values = raw.get("choices") or []
        if not isinstance(values, list | tuple):
            return None
        indexes = (digit_index(v, len(q.choices)) for v in values)
        picked = sorted({i for i in indexes if i is not None})
        return {"choices": picked} if picked else None

    def grade(self, q: Question, response: Response) -> Grade:
        raw = (response or {}).get("choices") or []
        picked = sorted({i for i in (index_in(v, len(q.choices)) for v in raw) if i is not None})
        total = sum(q.choices[i].weight for i in picked) / 100
        feedback = tuple(q.choices[i].feedback for i in picked if q.choices[i].feedback)
        return Grade(clamp(total), feedback)  # wrong picks cost, but never below zero

    def correct(self, q: Question) -> Response:
        return {"choices": [i for i, c in enumerate(q.choices) if c.weight > 0]}

    def example_response(self, q: Question, right: bool, rng: random.Random) -> Response:
        return self.correct(q) if right else {"choices": [rng.randrange(len(q.choices))]}

    def options_chosen(self, response: Response, fraction: float | None) -> list[str]:
        return [str(i) for i in (response or {}).get("choices", [])] or [BLANK]

    def to_native(self, q: Question) -> list[str]:
        k = sum(1 for c in q.choices if c.weight > 0) or 1
        lines: list[str] = []
        for c in q.choices:
            default = 100 / k if c.weight > 0 else -100 / k
            weight = None if c.weight == default else c.weight
            lines += with_feedback(choice_line(c.weight > 0, weight, c.text), c.feedback)
        return lines

    def line_weight(self, p: ChoiceLine, checked: int, report: Report) -> float:
        if p.weight is None:
            return 100 / checked if p.checked else -100 / checked
        if p.checked and p.weight <= 0:
            report.error(p.line.line, "a checked [x] choice needs a positive weight")
        elif not p.checked and p.weight > 0:
            report.error(p.line.line, "an unchecked [ ] choice cannot have a positive weight")
        return p.weight

    def weight_problem(self, weights: list[float]) -> str | None:
        positive = [w for w in weights if w > 0]
        if len(positive) < 2:
            return "a multiple-choice question needs at least two right choices (positive weights)"
        if not close_to(sum(positive), 100):
            return f"the right choices' weights add up to {fmt_number(sum(positive))}, not 100"
        return None
