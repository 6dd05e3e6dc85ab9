"""Single and multiple choice, and the reader of choice lines `- [x] text`.

Which type choice lines make follows from them: exactly the choices True and False make a
true/false question; one `[x]` a single choice; several `[x]` a multiple choice with
partial credit and a penalty for wrong picks (never below zero).
"""

from __future__ import annotations

import random
from typing import Any

from seminar.core.questions import gift
from seminar.core.questions import moodle_xml as xml
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
    as_text,
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
from seminar.core.questions.syntax import Report, close_to, fmt_number
from seminar.core.questions.true_false import TrueFalse


def _read_choice_lines(
    lines: list[AnswerLine], report: Report, line: int, declared: str | None
) -> Fields | None:
    errors = len(report.errors)
    parsed = read_choice_lines(lines, report)
    if is_true_false(parsed) and declared is None:
        return TrueFalse.from_lines(parsed, report)
    checked = sum(1 for p in parsed if p.checked)
    if checked == 0:
        report.error(line, "no choice is checked: mark the right one with [x]")
        return None
    # One [x] makes a single choice, several a multiple choice, unless the heading says.
    multiple = declared == "multiple" if declared in CHOICE_TYPES else checked > 1
    kind: ChoiceType = MultipleChoice() if multiple else SingleChoice()
    weights = [kind.line_weight(p, checked, report) for p in parsed]
    choices = tuple(
        Choice(p.text, w, p.line.feedback_text) for p, w in zip(parsed, weights, strict=True)
    )
    if len(report.errors) == errors:
        kind.check_choices(choices, line, report)
    return {"type": kind.name, "choices": choices}


CHOICE_LINES = LineSyntax("choice", CHOICE_RE, "choices", "'- [x] …'", _read_choice_lines)
CHOICE_TYPES = ("single", "multiple")


class ChoiceType(QuestionType):
    """What single and multiple choice share: options shown in a per-attempt order."""

    right_label = ""  # how review marks a right option
    moodle_type = "multichoice"  # <single> says which of the two

    @property
    def review_template(self) -> str:
        return "questions/choices/review.html"

    def display_order(self, q: Question, shuffle: bool, rng: random.Random) -> list[int]:
        order = list(range(len(q.choices)))
        if shuffle and q.shuffle:  # a question may keep its choices in order (Moodle's setting)
            rng.shuffle(order)
        return order

    def rendered(self, q: Question, block: Render, inline: Render) -> dict[str, Any]:
        return super().rendered(q, block, inline) | {
            "choices": [
                inline(c.text, q.format_of(f"choices.{i}")) for i, c in enumerate(q.choices)
            ],
            "choice_feedback": [
                block(c.feedback, q.format_of(f"choices.{i}.feedback"))
                for i, c in enumerate(q.choices)
            ],
        }

    def texts(self, q: Question) -> dict[str, str]:
        named = super().texts(q)
        for i, c in enumerate(q.choices):
            named[f"choices.{i}"] = c.text
            named[f"choices.{i}.feedback"] = c.feedback
        return named

    def feedback_html(self, q: Question, rendered: dict[str, Any]) -> dict[str, str]:
        return {c.feedback: h for c, h in zip(q.choices, rendered["choice_feedback"], strict=True)}

    def outline(self, q: Question) -> list[str]:
        return [
            f"{c.text} ({c.weight:g}%)" + (f" — {c.feedback}" if c.feedback else "")
            for c in q.choices
        ]

    def to_live(self, q: Question, *, poll: bool = False) -> LiveDraft | None:
        stem = as_text(q.stem, q.format)
        texts = [as_text(c.text, q.format_of(f"choices.{i}")) for i, c in enumerate(q.choices)]
        if poll:
            return LiveDraft(stem, texts, [], "poll")
        # Asked as it is graded: several right choices are picked together, then submitted.
        return LiveDraft(
            stem, texts, [i for i, c in enumerate(q.choices) if c.weight > 0], self.name
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
                + gift.part(q, f"choices.{i}", c.text, starts=("%",))
                + gift.part_feedback(q, f"choices.{i}.feedback", c.feedback)
                for i, c in enumerate(q.choices)
            ]
        )

    def gift_marker(self, q: Question, i: int) -> str:
        return gift.weighted("~", q.choices[i].weight, 0)

    def to_xml(self, q: Question) -> list[str]:
        lines = [
            xml.value("single", "true" if self.name == "single" else "false", 2),
            xml.value("shuffleanswers", "true" if q.shuffle else "false", 2),
            xml.value("answernumbering", "abc", 2),
        ]
        for i, c in enumerate(q.choices):
            lines += xml.text_element(
                "answer",
                c.text,
                2,
                fmt=q.format_of(f"choices.{i}"),
                attrs={"fraction": fmt_number(c.weight)},
                children=xml.feedback(q, f"choices.{i}.feedback", c.feedback, 3),
            )
        return lines

    def from_xml(self, x: xml.XmlRead) -> dict[str, Any] | None:
        # Moodle: radio buttons unless <single> says false; choices in order unless shuffled.
        kind: ChoiceType = (
            SingleChoice() if xml.flag(x.el.findtext("single"), True) else MultipleChoice()
        )
        choices: list[Choice] = []
        errors = len(x.report.errors)
        for i, answer in enumerate(x.el.findall("answer")):
            weight = x.fraction(answer)
            text = x.text(answer, f"choices.{i}")
            if not text:
                x.error(answer, "a choice with no text")
            feedback = x.text(answer.find("feedback"), f"choices.{i}.feedback")
            choices.append(Choice(text, weight or 0, feedback))
        if len(x.report.errors) > errors or not kind.check_choices(
            tuple(choices), x.line, x.report
        ):
            return None
        shuffle = xml.flag(x.el.findtext("shuffleanswers"), False)
        return {"type": kind.name, "choices": tuple(choices), "shuffle": shuffle}

    def line_weight(self, p: ChoiceLine, checked: int, report: Report) -> float:
        """A choice line's weight: explicit, or this type's default."""
        raise NotImplementedError

    def weight_problem(self, weights: list[float]) -> str | None:
        """The question-level rule for the choices' weights, or None when they are fine."""
        raise NotImplementedError

    def weight_warnings(self, choices: tuple[Choice, ...]) -> list[str]:
        """What the weights mean here that an author may not expect."""
        return []

    def check_choices(self, choices: tuple[Choice, ...], line: int, report: Report) -> bool:
        """Every format's rule for a choice question's choices, reported at the question's
        line; whether they are fine."""
        if problem := self.weight_problem([c.weight for c in choices]):
            report.error(line, problem)
            return False
        for warning in self.weight_warnings(choices):
            report.warn(line, warning)
        return True


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
        if p.checked:
            return 100
        return p.weight if p.weight is not None else 0

    def weight_problem(self, weights: list[float]) -> str | None:
        if len(weights) < 2:
            return "a choice question needs at least two choices"
        if 100 not in weights:
            return "no choice is worth 100%"
        return None

    def weight_warnings(self, choices: tuple[Choice, ...]) -> list[str]:
        return [
            f"'{c.text}' is worth {fmt_number(c.weight)}%, but a single-choice question never "
            "scores below 0 here: picking it scores 0 (Moodle would take marks off)"
            for c in choices
            if c.weight < 0
        ]


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
        if len(weights) < 2:
            return "a choice question needs at least two choices"
        if not positive:
            return "a multiple-choice question needs a right choice (a positive weight)"
        if not close_to(sum(positive), 100):
            return f"the right choices' weights add up to {fmt_number(sum(positive))}, not 100"
        return None

    def native_heading_type(self, q: Question) -> str | None:
        # One [x] would read as a single choice: the heading says what it is.
        return self.name if sum(1 for c in q.choices if c.weight > 0) == 1 else None
