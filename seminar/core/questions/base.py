"""The base class of every question type, with the defaults most types share.

A type is a stateless object, registered by its name in `seminar.core.questions`. It knows
one kind of question through every stage: how a student answers it (a form read into a
response, display positions mapped back, the response cleaned), how it is graded and
reviewed, how it is rendered and shown, whether the live quiz can ask it, how statistics
count its answers, and how it is written in each file format.

A response is the JSON a student's answer is stored as, always in terms of the question's
own indices (never the shuffled display order), or None for no answer.
"""

from __future__ import annotations

import html
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import nh3

from seminar.core.errors import SeminarError
from seminar.core.questions.model import Question
from seminar.core.questions.moodle_xml import XmlRead
from seminar.core.questions.native import LineSyntax
from seminar.core.text import small_int

Response = dict[str, Any] | None
Render = Callable[[str, str], str]  # a text in its format (model.TEXT_FORMATS) to sanitised HTML
OUTCOME_OPTIONS = ("right", "partial", "wrong", "blank")
OUTCOME_LABELS = {"right": "Right", "partial": "Partly right", "wrong": "Wrong"}
BLANK = "blank"
BLANK_LABEL = "No answer"
MAX_TEXT = 20_000  # characters kept of a typed answer


@dataclass(frozen=True)
class Grade:
    """fraction is 0..1 of the question's points; None means a person must grade it."""

    fraction: float | None
    feedback: tuple[str, ...] = field(default_factory=tuple)  # feedback texts for this answer

    @property
    def pending(self) -> bool:
        return self.fraction is None


# How the live quiz asks a question: one tap (single, true/false), several taps and a submit
# (multiple), or one tap with no right answer and no points (poll).
LIVE_KINDS = ("single", "multiple", "true_false", "poll")


@dataclass(frozen=True)
class LiveDraft:
    """A question as the live quiz asks it: choices, of which those at `correct` are right
    (none in a poll), and how it is answered and scored (`kind`, one of LIVE_KINDS)."""

    stem: str
    choices: list[str]
    correct: list[int]
    kind: str = "single"


@dataclass(frozen=True)
class GiftBody:
    """What a type writes between a GIFT question's braces (general feedback aside)."""

    answers: list[str]  # one line each, or the text written inline
    opener: str = "{"  # '{#' makes a numeric question
    inline: bool = False  # on the question's own line: '{TRUE#...}', '{}'
    arrow: bool = False  # escape '->' in the general feedback too


class FormData(Protocol):
    """A submitted form: Werkzeug's MultiDict, or the fields autosave posts as JSON."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


class Unwritable(SeminarError):
    """A format has no way to write this question."""


def as_text(text: str, fmt: str) -> str:
    """A text as plain text, where only plain text can be shown (the live quiz's big screen):
    HTML's tags go, its entities are read."""
    if fmt not in ("html", "moodle"):
        return text
    return html.unescape(nh3.clean(text, tags=set())).strip()


def clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def index_in(value: Any, size: int) -> int | None:
    """An index stored in a response, if it is one (a bool is not)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value < size else None


def digit_index(value: Any, size: int) -> int | None:
    """An index as a form or a page sends it: an int or a string of digits, below `size`."""
    return small_int(value, below=size)


def values_of(raw: dict[str, Any], key: str) -> list[Any]:
    """A response's list under `key`; anything that is not a list is an empty one."""
    values = raw.get(key)
    return list(values) if isinstance(values, list | tuple) else []


def typed_text(raw: Any, key: str, limit: int = MAX_TEXT) -> Response:
    """A typed answer under `key`, cut to `limit` characters; blank is no answer."""
    if not isinstance(raw, dict):
        return None
    text = str(raw.get(key) or "")[:limit]
    return {key: text} if text.strip() else None


class QuestionType:
    """One kind of question. Subclasses set `name` and override what differs."""

    name: ClassVar[str]
    graded: ClassVar[bool] = True  # False: shown between questions, never scored
    # Answer-line kinds this type claims in the native format (its reader may decide on a
    # sibling type, as choice lines do for single, multiple and true/false).
    native_syntax: ClassVar[tuple[LineSyntax, ...]] = ()
    # No answer lines: the native format names it in the heading (`{type=essay}`).
    named_in_heading: ClassVar[bool] = False
    # Moodle's name for the type (`<question type="...">` in Moodle XML), and the penalty
    # per wrong try Moodle gives it unless told otherwise (`Question.penalty` None).
    moodle_type: ClassVar[str] = ""
    moodle_penalty: ClassVar[float] = 0.3333333

    # --- taking an attempt ----------------------------------------------------------------

    def display_order(self, q: Question, shuffle: bool, rng: random.Random) -> list[int]:
        """The order options are shown in for one attempt (kept with it, stable on reload)."""
        return []

    def read_form(self, form: FormData, name: str, order: list[int]) -> Any:
        """The raw response (in display positions) from the fields named after `name`."""
        return None

    def from_display(self, q: Question, order: list[int], raw: Any) -> Any:
        """Map a raw response in display positions to the question's own indices. Without a
        display order the response is in the question's own terms already."""
        if not isinstance(raw, dict) or not order:
            return raw
        return self.from_positions(q, order, raw)

    def from_positions(self, q: Question, order: list[int], raw: dict[str, Any]) -> Any:
        """`from_display` for a type shown in a per-attempt order (`display_order`)."""
        return raw

    def clean(self, q: Question, raw: Any) -> Response:
        """Keep only the shape this type accepts; anything else is 'no answer'."""
        return None

    def grade(self, q: Question, response: Response) -> Grade:
        """Side-effect free: the fraction of the points, and the feedback for this answer."""
        return Grade(0.0)

    def correct(self, q: Question) -> Response:
        """The best response, for showing the right answer in review."""
        return None

    def example_response(self, q: Question, right: bool, rng: random.Random) -> Response:
        """A plausible response, right or wrong (demo data and the benchmark)."""
        return self.correct(q) if right else None

    # --- pages ----------------------------------------------------------------------------

    @property
    def input_template(self) -> str:
        return f"questions/{self.name}/input.html"

    @property
    def review_template(self) -> str:
        return f"questions/{self.name}/review.html"

    def rendered(self, q: Question, block: Render, inline: Render) -> dict[str, Any]:
        """Every text as HTML, computed once when the question version is stored."""
        return {
            "stem": block(q.stem, q.format),
            "feedback": block(q.feedback, q.format_of("feedback")),
        }

    def texts(self, q: Question) -> dict[str, str]:
        """Each text besides the stem, by the name `Question.formats` gives it."""
        return {"feedback": q.feedback}

    def feedback_html(self, q: Question, rendered: dict[str, Any]) -> dict[str, str]:
        """The rendered HTML of each feedback text that `grade` may return."""
        return {}

    def outline(self, q: Question) -> list[str]:
        """What an author sees of the answers when checking a file before saving it."""
        return []

    # --- the live quiz --------------------------------------------------------------------

    def to_live(self, q: Question, *, poll: bool = False) -> LiveDraft | None:
        """The question as a live question, or None when the live quiz cannot ask it. As a
        poll (a warm-up or an evaluation) it keeps its choices and has no right answer."""
        return None

    # --- statistics -----------------------------------------------------------------------

    def options(self, q: Question) -> list[str]:
        """The keys under which answers are counted for the share of each option."""
        return list(OUTCOME_OPTIONS) if self.graded else []

    def options_chosen(self, response: Response, fraction: float | None) -> list[str]:
        if not response:
            return [BLANK]
        fraction = fraction or 0
        return ["right" if fraction >= 1 else "partial" if fraction > 0 else "wrong"]

    def option_label(self, q: Question, key: str) -> str:
        return BLANK_LABEL if key == BLANK else OUTCOME_LABELS.get(key, key)

    # --- file formats ---------------------------------------------------------------------

    def to_json(self, q: Question) -> dict[str, Any]:
        """The type's own fields of the question model's JSON."""
        return {}

    def from_json(self, d: dict[str, Any]) -> dict[str, Any]:
        """Question keyword arguments from the type's own JSON fields."""
        return {}

    def to_gift(self, q: Question) -> GiftBody | None:
        """The GIFT answers; None writes no braces (a description). Raise Unwritable when
        GIFT cannot express the question."""
        return GiftBody([], inline=True)

    def to_native(self, q: Question) -> list[str]:
        """The native format's answer lines (with their feedback), read back by the
        type's `native_syntax`."""
        return []

    def to_xml(self, q: Question) -> list[str]:
        """The type's own elements of a Moodle XML `<question>` (lines, inside it)."""
        return []

    def from_xml(self, x: XmlRead) -> dict[str, Any] | None:
        """Question keyword arguments ("type" included) from a Moodle XML `<question>` of
        this type's `moodle_type`; None after reporting why it cannot be read."""
        return {"type": self.name}

    def native_heading_type(self, q: Question) -> str | None:
        """The `type=` the native heading needs, for a question its lines alone do not say."""
        return self.name if self.named_in_heading else None
