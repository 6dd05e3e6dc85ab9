"""The live quiz's rules, pure: points for an answer, places on the leaderboard, and a
question typed by the host on the spot (made through the question types' own live offer).

Scoring follows Kahoot's published rule (up to 1,000 points, falling to half over the time
allowed) for a right answer. A multiple question is scored right-minus-wrong: each right
choice picked earns 1/k of it (k right choices), each wrong one costs as much, never below
zero, so one right tap never scores more than its share and ticking everything earns nothing.
A poll has no right answer and gives no points.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from seminar.core.errors import SeminarError
from seminar.core.questions import LIVE_KINDS, Choice, LiveDraft, Question, question_type

MAX_POINTS = 1000
# Each choice is a tile with its own colour and shape, the same on the projector and the
# phones; there are this many.
MAX_CHOICES = 6
KIND_LABELS = {
    "single": "One right answer",
    "multiple": "Several right answers (select, then submit)",
    "true_false": "True or false",
    "poll": "Poll (opinions: no right answer, no points)",
}


def points_for(elapsed: float, allowed: float) -> int:
    """A right answer's points: 1,000 at once, falling to half at the end of the time."""
    fraction = min(max(elapsed / allowed, 0.0), 1.0) if allowed > 0 else 1.0
    return round(MAX_POINTS * (1 - fraction / 2))


@dataclass(frozen=True)
class Mark:
    """How right an answer is (None for a poll) and what it scores."""

    fraction: float | None
    points: int

    @property
    def correct(self) -> bool | None:
        """Wholly right; None when there is no right answer (a poll)."""
        return None if self.fraction is None else self.fraction >= 1

    @property
    def outcome(self) -> str:
        """What a phone shows: right, partly right, wrong, or counted (a poll)."""
        if self.fraction is None:
            return "counted"
        return "right" if self.fraction >= 1 else "partial" if self.fraction > 0 else "wrong"


def mark(
    kind: str, correct: Sequence[int], picked: Sequence[int], elapsed: float, allowed: float
) -> Mark:
    """Score the choices picked for a live question of this kind and these right choices."""
    if kind == "poll" or not correct:
        return Mark(None, 0)
    chosen, right = set(picked), set(correct)
    if kind == "multiple":
        hits, misses = len(chosen & right), len(chosen - right)
        fraction = max(0.0, (hits - misses) / len(right))
    else:
        fraction = 1.0 if len(chosen) == 1 and chosen <= right else 0.0
    return Mark(fraction, round(points_for(elapsed, allowed) * fraction))


def picked_choices(kind: str, values: Sequence[object], size: int) -> list[int]:
    """The choices an answer picks, as a sorted set of indices; one unless `multiple`.
    Anything else (no choice, an index out of range, two taps on a one-tap question) is
    refused, so nothing but a well-formed answer is ever stored."""
    indices: set[int] = set()
    for value in values:
        if isinstance(value, bool):
            raise SeminarError("Pick one of the choices.")
        try:
            index = int(str(value))
        except ValueError:
            raise SeminarError("Pick one of the choices.") from None
        if not 0 <= index < size:
            raise SeminarError("Pick one of the choices.")
        indices.add(index)
    if not indices:
        raise SeminarError(
            "Pick one of the choices." if kind != "multiple" else "Pick at least one."
        )
    if kind != "multiple" and len(indices) > 1:
        raise SeminarError("Pick one choice only.")
    return sorted(indices)


def places(scores: Sequence[int]) -> list[int]:
    """Competition places for scores in any order: ties share a place, and the next place
    skips as many (100, 90, 90, 80 are places 1, 2, 2, 4; two players on 0 are both 1st)."""
    ascending = sorted(scores)
    return [1 + len(ascending) - bisect_right(ascending, score) for score in scores]


# --- a question typed by the host ------------------------------------------------------------

TRUE_WORDS = {"1", "true", "t", "yes", "y"}
FALSE_WORDS = {"2", "false", "f", "no", "n"}


def _right_numbers(text: str, size: int) -> list[int]:
    """'2' or '1, 3' (choice numbers from 1) as indices; refused with the reason."""
    numbers: list[int] = []
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= size:
            raise SeminarError(
                f"Give the numbers of the right choices, from 1 to {size} (e.g. 2, or 1, 3).",
                field="correct",
            )
        numbers.append(int(part) - 1)
    return sorted(set(numbers))


def typed_draft(kind: str, stem: str, choices_text: str, right_text: str) -> LiveDraft:
    """A question typed on the spot: its kind, text, choices (one per line) and right ones
    (choice numbers; for true/false also the words). Each error names its form field."""
    if kind not in LIVE_KINDS:
        raise SeminarError("Choose what kind of question it is.", field="kind")
    stem = stem.strip()
    if not stem:
        raise SeminarError("Type the question.", field="stem")
    right_text = right_text.strip().lower()
    if kind == "true_false":
        if right_text not in TRUE_WORDS | FALSE_WORDS:
            raise SeminarError("Say which is right: 1 (True) or 2 (False).", field="correct")
        q = Question(id="typed", type="true_false", stem=stem, answer=right_text in TRUE_WORDS)
        return _offered(q)
    texts = [line.strip() for line in choices_text.splitlines() if line.strip()]
    if not 2 <= len(texts) <= MAX_CHOICES:
        raise SeminarError(
            f"Give between 2 and {MAX_CHOICES} choices, one per line.", field="choices"
        )
    if kind == "poll":  # opinions: any right numbers typed are not asked for, and ignored
        q = Question(id="typed", type="single", stem=stem, choices=tuple(map(Choice, texts)))
        return _offered(q, poll=True)
    right = _right_numbers(right_text, len(texts))
    if kind == "single" and len(right) != 1:
        raise SeminarError("Give the number of the one right choice.", field="correct")
    if kind == "multiple" and not right:
        raise SeminarError("Give the numbers of the right choices.", field="correct")
    if kind == "multiple" and len(right) == len(texts):
        raise SeminarError("At least one choice must be wrong.", field="correct")
    share = 100 / len(right)
    weights = [
        share if i in right else (0 if kind == "single" else -share) for i in range(len(texts))
    ]
    q = Question(
        id="typed",
        type=kind,
        stem=stem,
        choices=tuple(Choice(t, w) for t, w in zip(texts, weights, strict=True)),
    )
    return _offered(q)


def _offered(q: Question, *, poll: bool = False) -> LiveDraft:
    draft = question_type(q).to_live(q, poll=poll)
    assert draft is not None  # every type typed here has a live offer
    return draft


def askable(draft: LiveDraft) -> bool:
    """The live quiz asks questions of 2 to MAX_CHOICES choices (one tile each), with a
    right answer unless it is a poll."""
    return 2 <= len(draft.choices) <= MAX_CHOICES and (draft.kind == "poll" or bool(draft.correct))
