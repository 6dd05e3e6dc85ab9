"""A practical exam's rubric: scoring one examiner's marks, and reconciling two examiners (and,
when they disagree, a third). Pure: no Flask, no database; table-tested like eligibility().

Each rubric item is marked on one fixed scale: 0 "Not shown", 1 "Partly", 2 "Competent". An
item marked "Not shown" is failed; failing a critical item fails the exam whatever the score.
The score is the weighted share of the full marks, in percent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

NOT_SHOWN, PARTLY, COMPETENT = 0, 1, 2
MARK_LABELS = {NOT_SHOWN: "Not shown", PARTLY: "Partly", COMPETENT: "Competent"}

# Bounds on what program.yml may ask (checked by the parser, relied on here).
MAX_ITEMS = 30
MAX_ITEM_CHARS = 200
MAX_WEIGHT = 10
MAX_COMMENT_CHARS = 2000


@dataclass(frozen=True)
class RubricItem:
    text: str
    weight: int = 1
    critical: bool = False


@dataclass(frozen=True)
class ExamSpec:
    """A program's practical exam, as program.yml defines it."""

    rubric: tuple[RubricItem, ...]
    title: str = "Practical exam"
    minutes: int = 45
    pass_percent: float = 75  # the score it needs, besides every critical item
    examiners: int = 2  # who mark each candidate independently: 1 or 2
    tolerance: float = 15  # percentage points two examiners' scores may differ by

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "minutes": self.minutes,
            "pass_percent": self.pass_percent,
            "examiners": self.examiners,
            "tolerance": self.tolerance,
            "rubric": [
                {"text": i.text, "weight": i.weight, "critical": i.critical} for i in self.rubric
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ExamSpec | None:
        if not data:
            return None
        return cls(
            rubric=tuple(RubricItem(**item) for item in data["rubric"]),
            **{k: data[k] for k in ("title", "minutes", "pass_percent", "examiners", "tolerance")},
        )


@dataclass(frozen=True)
class Scored:
    """One examiner's marks, scored."""

    percent: Fraction
    passed: bool
    failed_critical: tuple[int, ...]  # indexes of critical items marked "Not shown"


def score(spec: ExamSpec, marks: Sequence[int]) -> Scored:
    """The weighted score of one sheet of marks (one per rubric item) and whether it passes."""
    if len(marks) != len(spec.rubric):
        raise ValueError(f"expected {len(spec.rubric)} marks, got {len(marks)}")
    if any(m not in MARK_LABELS for m in marks):
        raise ValueError("each mark must be 0, 1 or 2")
    full = sum(item.weight for item in spec.rubric) * COMPETENT
    earned = sum(item.weight * mark for item, mark in zip(spec.rubric, marks, strict=True))
    percent = Fraction(earned * 100, full)
    failed = tuple(
        i for i, (item, mark) in enumerate(zip(spec.rubric, marks, strict=True))
        if item.critical and mark == NOT_SHOWN
    )  # fmt: skip
    return Scored(percent, percent >= Fraction(str(spec.pass_percent)) and not failed, failed)


class Verdict(StrEnum):
    AWAITING = "awaiting"  # marks still to come from the first (or second) examiner
    AGREED = "agreed"  # marked, and (with two) the examiners agree: the result stands
    FLAGGED = "flagged"  # two examiners disagree: a third examiner's marks will decide
    DECIDED = "decided"  # a third examiner's marks decided it


@dataclass(frozen=True)
class Reconciled:
    verdict: Verdict
    passed: bool | None  # None until there is a result
    percent: Fraction | None
    reasons: tuple[str, ...] = ()  # why two examiners' marks were flagged

    @property
    def final(self) -> bool:
        return self.verdict in (Verdict.AGREED, Verdict.DECIDED)


def reconcile(
    spec: ExamSpec,
    first: Sequence[int] | None,
    second: Sequence[int] | None = None,
    third: Sequence[int] | None = None,
) -> Reconciled:
    """The exam's result from its examiners' marks.

    With one examiner, their marks are the result. With two, agreeing sheets give the mean
    score and their shared outcome; a critical item failed by one and not the other, one
    passing and one failing, or scores further apart than the tolerance flag it, and then the
    third examiner's marks alone decide.
    """
    if first is None or (spec.examiners == 2 and second is None):
        return Reconciled(Verdict.AWAITING, None, None)
    one = score(spec, first)
    if spec.examiners == 1:
        return Reconciled(Verdict.AGREED, one.passed, one.percent)
    assert second is not None
    two = score(spec, second)
    reasons = disagreements(spec, one, two)
    if not reasons:
        return Reconciled(Verdict.AGREED, one.passed, (one.percent + two.percent) / 2)
    if third is None:
        return Reconciled(Verdict.FLAGGED, None, None, reasons)
    decider = score(spec, third)
    return Reconciled(Verdict.DECIDED, decider.passed, decider.percent, reasons)


def disagreements(spec: ExamSpec, one: Scored, two: Scored) -> tuple[str, ...]:
    """Why two examiners' marks cannot stand together, in words ('' when they can)."""
    reasons = [
        f"Critical item '{spec.rubric[i].text}': failed by one examiner, not by the other"
        for i in sorted(set(one.failed_critical) ^ set(two.failed_critical))
    ]
    if one.passed != two.passed:
        reasons.append("One examiner passes the candidate and the other fails them")
    apart = abs(one.percent - two.percent)
    if apart > Fraction(str(spec.tolerance)):
        reasons.append(
            f"Scores {percent_words(one.percent)} and {percent_words(two.percent)} are "
            f"{number(apart)} points apart (more than {number(spec.tolerance)})"
        )
    return tuple(reasons)


def number(value: Fraction | float) -> str:
    """A figure as people write it, rounded down to two decimals: 66.666 -> '66.66'."""
    hundredths = int(Fraction(value) * 100) if value >= 0 else -int(-Fraction(value) * 100)
    return f"{hundredths / 100:.2f}".rstrip("0").rstrip(".")


def percent_words(value: Fraction | float) -> str:
    """Rounded down, so a failing 74.999 never reads as the 75 it needs."""
    return f"{number(value)}%"
