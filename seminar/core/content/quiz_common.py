"""What the quiz parsers (native, GIFT, Moodle XML) share: the report, question ids, what any
question may carry (tags, text formats), and putting the quiz together, whole or partial.

Both formats parse into the frozen model of `quiz_model`; everything here is format-neutral so
the parsers accept exactly the same questions. Settings are in `quiz_settings`; what they
share within one answer (numbers, weights) is in `seminar.core.questions.syntax`.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from seminar.core.content.problems import ContentError, Problem
from seminar.core.content.quiz_model import Quiz
from seminar.core.questions import Question, question_type
from seminar.core.questions.model import TEXT_FORMATS, canonical_formats

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A question id: also a Moodle ID number, which may be up to 100 characters.
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
ID_HELP = "letters, digits, '.', '-' and '_' (at most 100)"
MAX_TAG_LENGTH = 100
PENALTY_SLACK = 0.005
SHUFFLED_TYPES = ("single", "multiple", "matching")  # Moodle's "shuffle the choices"
MAX_ID_LENGTH = 60


@dataclass(frozen=True)
class QuestionReport:
    """One question of a file as the parser found it: where, what, and whether it loads."""

    line: int
    label: str  # its title, or the start of its text
    type: str  # "" when it could not be read
    id: str
    imported: bool
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class QuizParse:
    """A parsed quiz file: the quiz, warnings that do not stop it loading, and each question
    of the file (a partial parse leaves out the questions with errors, listed here)."""

    quiz: Quiz
    warnings: tuple[Problem, ...] = ()
    questions: tuple[QuestionReport, ...] = ()

    @property
    def skipped(self) -> list[QuestionReport]:
        """The questions left out: with errors, or of a type the platform does not have."""
        return [q for q in self.questions if not q.imported]

    @property
    def failed(self) -> list[QuestionReport]:
        """The questions left out because of their errors."""
        return [q for q in self.skipped if any(p.severity == "error" for p in q.problems)]


class Report:
    """Collects the problems of one file, errors and warnings, each at its 1-based line, and
    the question each belongs to (`owner`, set while a question is read; None: the file)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.owners: list[int | None] = []
        self.owner: int | None = None

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, max(1, line), message))
        self.owners.append(self.owner)

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, max(1, line), message, "warning"))
        self.owners.append(self.owner)

    def owned(self, owner: int | None) -> list[Problem]:
        return [p for p, o in zip(self.problems, self.owners, strict=True) if o == owner]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity != "error")

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: p.line)


# --- ids ----------------------------------------------------------------------------------


def slugify(text: str) -> str:
    """'Which *category*, I or II?' -> 'which-category-i-or-ii' (ASCII, at most 60 chars)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_ID_LENGTH:
        cut = slug.rfind("-", 0, MAX_ID_LENGTH + 1)
        slug = slug[: cut if cut > 0 else MAX_ID_LENGTH]
    return slug


def title_from_slug(slug: str) -> str:
    return " ".join(word.capitalize() for word in slug.split("-"))


@dataclass
class PendingId:
    """A question's id before the whole quiz is known: explicit, or a text to derive it from."""

    explicit: str | None
    line: int
    base: str = ""  # slug to derive from when there is no explicit id
    warn_if_derived: bool = True
    why: str = ""  # for the warning: what the id was derived from
    failed: bool = False  # the question has errors: no warning about its id on top
    label: str = ""  # how the question is listed: its title, or the start of its text
    start: int = 0  # the question's own line, when `line` is where its id is given


def assign_ids(pending: list[PendingId], report: Report) -> list[str]:
    """Explicit ids must be unique; derived ids avoid every explicit one and each other.

    Two passes, because a derived id must not take an id that a later question names.
    """
    taken: dict[str, int] = {}
    for owner, p in enumerate(pending):
        report.owner = owner
        if p.explicit is None:
            continue
        if p.explicit in taken:
            report.error(
                p.line, f"duplicate question id '{p.explicit}' (first at line {taken[p.explicit]})"
            )
        else:
            taken[p.explicit] = p.line
    ids: list[str] = []
    for owner, p in enumerate(pending):
        report.owner = owner
        if p.explicit is not None:
            ids.append(p.explicit)
            continue
        base = p.base or "question"
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken[candidate] = p.line
        ids.append(candidate)
        if (p.warn_if_derived or n > 1) and not p.failed:
            report.warn(
                p.line,
                f"no id: using '{candidate}' {p.why}; "
                "an id keeps a question's identity across versions",
            )
    report.owner = None
    return ids


def finish_question(
    fields: dict[str, Any] | None,
    pending: PendingId,
    *,
    line: int,
    errors: int,
    report: Report,
    **common: Any,
) -> tuple[Question | None, PendingId]:
    """A question from what every format reads (`common`) and its type's `fields`, settled;
    or None (its id marked failed) when reading it reported more than `errors` errors."""
    if fields is not None and len(report.errors) == errors:
        question = settled(Question(id="", **common, **fields), line, report)
        if len(report.errors) == errors:
            return question, pending
    pending.failed = True
    return None, pending


def label_of(title: str, text: str) -> str:
    """How a question is listed: its title, or the start of its text's first line."""
    if title:
        return title
    first = text.strip().split("\n", 1)[0]
    return first if len(first) <= 80 else first[:79] + "…"


def finish_quiz(
    built: list[tuple[Question | None, PendingId]],
    settings: dict[str, Any],
    report: Report,
    *,
    slug: str,
    draw_line: int,
    partial: bool,
    unsupported: tuple[QuestionReport, ...] = (),
) -> QuizParse:
    """The quiz from its questions as read (ids given, the draw checked); raise ContentError
    with every problem found. A partial parse loads the questions without errors when the
    file itself has none, and lists the others."""
    ids = assign_ids([pending for _, pending in built], report)
    kept: list[Question] = []
    loaded: set[int] = set()
    outcomes: list[QuestionReport] = list(unsupported)
    for owner, ((q, pending), qid) in enumerate(zip(built, ids, strict=True)):
        mine = report.owned(owner)
        ok = q is not None and not any(p.severity == "error" for p in mine)
        if q is not None and (ok or not partial):
            kept.append(dataclasses.replace(q, id=qid))
            loaded.add(owner)
        outcomes.append(
            QuestionReport(
                pending.start or pending.line,
                pending.label,
                q.type if q else "",
                qid,
                ok,
                tuple(mine),
            )
        )
    if not kept and not report.errors:
        report.error(1, "none of the file's questions can be loaded here")
    check_draw(settings, kept, draw_line, report)
    file_errors = [p for p in report.owned(None) if p.severity == "error"]
    if (report.errors and not partial) or file_errors or not kept:
        raise ContentError(report.sorted())
    warnings = tuple(
        sorted(
            (
                p
                for p, o in zip(report.problems, report.owners, strict=True)
                if p.severity != "error" and (o is None or o in loaded)
            ),
            key=lambda p: p.line,
        )
    )
    quiz = Quiz(slug=slug, questions=tuple(kept), **settings)
    return QuizParse(quiz, warnings, tuple(sorted(outcomes, key=lambda o: o.line)))


# --- what every question may carry besides its type's fields -----------------------------


def tag_problem(tag: str) -> str | None:
    """Why this cannot be a question's tag, or None."""
    if "," in tag:
        return f"tag '{tag}' has a ',': tags are listed with commas, so one cannot hold one"
    if any(ord(c) < 32 or ord(c) == 127 for c in tag):
        return f"tag '{tag}' has a control character"
    if any(c in tag for c in "<>`") or tag.endswith("\\"):
        return f"tag '{tag}' has '<', '>', '`' or a final '\\', which Moodle's tags cannot hold"
    if len(tag) > MAX_TAG_LENGTH:
        return f"a tag has at most {MAX_TAG_LENGTH} characters"
    return None


def read_tags(raw: list[str], line: int, report: Report) -> tuple[str, ...]:
    """Tags as written (each stripped), each once, in order; a bad one is reported."""
    tags: list[str] = []
    for tag in (t.strip() for t in raw):
        if not tag:
            continue
        if problem := tag_problem(tag):
            report.error(line, problem)
        elif tag not in tags:
            tags.append(tag)
    return tuple(tags)


def settled(q: Question, line: int, report: Report) -> Question:
    """The question with its text formats kept as the model keeps them; formats, shuffle and
    penalty that do not fit the question are reported at its line."""
    kind = question_type(q)
    texts = kind.texts(q)
    for name, fmt in [("stem", q.format), *q.formats]:
        if fmt not in TEXT_FORMATS:
            report.error(line, f"unknown text format '{fmt}' (known: {', '.join(TEXT_FORMATS)})")
        elif name != "stem" and name not in texts:
            report.error(line, f"a format is given for '{name}', which this question does not have")
    if not q.shuffle and q.type not in SHUFFLED_TYPES:
        report.error(line, f"only {', '.join(SHUFFLED_TYPES)} questions shuffle their choices")
    penalty = q.penalty
    if penalty is not None and not 0 <= penalty <= 1:
        report.error(line, "a penalty is a fraction of the mark, from 0 to 1")
    elif penalty is not None and abs(penalty - kind.moodle_penalty) < PENALTY_SLACK:
        penalty = None  # Moodle's own default, as Moodle rounds old files' 0.33 to it
    formats = canonical_formats(q.format, dict(q.formats), texts)
    if formats == q.formats and penalty == q.penalty:
        return q
    return dataclasses.replace(q, formats=formats, penalty=penalty)


def check_draw(
    settings: dict[str, Any], questions: list[Question], line: int, report: Report
) -> None:
    draw = settings.get("draw")
    graded = sum(1 for q in questions if question_type(q).graded)
    if draw is not None and draw > graded:
        report.error(line, f"'draw: {draw}' is more than the {graded} graded questions")
