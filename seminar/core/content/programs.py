"""Parse lessons/program.yml (FORMATS.md) into certification programs, with every problem found.

Pure: no Flask, no database. Values are read from the YAML node tree (`yaml.compose`) rather
than from `yaml.safe_load`, so that every problem names the line of the key or list item at
fault, and so that duplicate keys (which `safe_load` silently overwrites) can be reported.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from seminar.core.ce import Approval, Delivery
from seminar.core.content.problems import ContentError, Problem
from seminar.core.content.program_ce import parse_ce
from seminar.core.content.program_exam import parse_exam
from seminar.core.content.program_levels import (
    LevelTerms,
    check_level_references,
    parse_levels,
)
from seminar.core.content.program_requires import QuizRequirement, parse_requires
from seminar.core.content.yaml_tree import (
    BOOL,
    NULL,
    Entry,
    Reader,
    compose,
    entries_of,
    line_of,
    slug_of,
    whole_number,
)
from seminar.core.levels import Admission, Maintenance
from seminar.core.rubric import ExamSpec

PROGRAM_KEYS = (
    "slug",
    "title",
    "credential",
    "ce_hours",
    "ce",
    "validity_months",
    "recertify_months",
    "attendance_rounding",
    "requires",
    "admission",
    "maintain",
    "table_instructor_after",
    "exam",
)
# Months are added to issue dates downstream; a cap keeps that arithmetic in range.
MAX_MONTHS = 1200

# A completion record is a Certificate of Completion of this platform's program, never a
# certification by an outside body (see the header of lessons/program.yml), so neither the
# program's title nor the credential printed on it may speak of certifying ("Certified",
# "Certification"); "Certificate" is the document, and stays.
CERTIFYING = re.compile(r"\bcertif(?!icate)\w*", re.IGNORECASE)


@dataclass(frozen=True)
class Program:
    slug: str
    title: str
    credential: str  # name printed on the Certificate of Completion
    lessons: tuple[str, ...] | None = None  # None means "all" (every live lesson)
    quizzes: tuple[QuizRequirement, ...] = ()
    attendance_hours: float = 0
    practical: bool = False
    validity_months: int | None = None  # a record expires this many months after issue
    recertify_months: int | None = None  # recertification due this many months after issue
    attendance_rounding: int = 15  # minutes: time present is credited in whole steps of this
    delivery: Delivery = Delivery.IN_PERSON  # how its sessions are given, unless one differs
    evaluation: bool = False  # its CE certificates need the student's course evaluation
    approvals: tuple[Approval, ...] = ()  # course approvals, one per jurisdiction
    admission: Admission = field(
        default_factory=Admission
    )  # what joining one of its cohorts needs (core/levels.py)
    maintain: Maintenance | None = None  # what renews its record before it lapses
    table_instructor_after: tuple[str, ...] = ()  # holders of these records may assist
    exam: ExamSpec | None = None  # the practical exam that meets `practical` (else a sign-off)


@dataclass(frozen=True)
class ParsedPrograms:
    programs: tuple[Program, ...]  # in file order
    lines: Mapping[str, int]  # program slug -> 1-based line of its `slug:` key


def parse_programs(text: str, *, path: str) -> tuple[Program, ...]:
    """The programs of a program.yml text, in file order; raise ContentError otherwise."""
    return parse_programs_with_lines(text, path=path).programs


def parse_programs_with_lines(text: str, *, path: str) -> ParsedPrograms:
    """Like parse_programs, also giving the line of each program's `slug:` key."""
    reader = Reader(path)
    root = compose(text, path)
    programs: list[Program] = []
    lines: dict[str, int] = {}
    levels = []
    for item in _program_items(reader, root):
        parsed = _program(reader, item)
        if parsed is None:
            continue
        program, line, terms = parsed
        levels.append((program.slug, terms))
        if program.slug in lines:
            first = lines[program.slug]
            message = f"duplicate program slug '{program.slug}' (first at line {first})"
            reader.problems.append(Problem(path, line, message))
            continue
        programs.append(program)
        lines[program.slug] = line
    for slug, terms in levels:
        check_level_references(reader, slug, terms, set(lines))
    if reader.problems:
        raise ContentError(sorted(reader.problems, key=lambda p: p.line))
    return ParsedPrograms(programs=tuple(programs), lines=lines)


def check_program_references(
    program: Program, *, lesson_slugs: set[str], quiz_slugs: set[str], path: str, line: int
) -> list[Problem]:
    """Problems for lessons and quizzes the program requires that do not exist.

    The parser cannot see the lessons and quizzes folders, so the sync calls this once it
    has read them; `line` is the program's `slug:` line from parse_programs_with_lines.
    """
    problems = [
        Problem(
            path, line, f"program '{program.slug}' requires lesson '{slug}', which does not exist"
        )
        for slug in program.lessons or ()
        if slug not in lesson_slugs
    ]
    problems += [
        Problem(
            path,
            line,
            f"program '{program.slug}' requires quiz '{quiz.slug}', which does not exist",
        )
        for quiz in program.quizzes
        if quiz.slug not in quiz_slugs
    ]
    return problems


# --- The file, a program, its requirements -------------------------------------------------


def _program_items(reader: Reader, root: yaml.Node | None) -> list[yaml.Node]:
    """The items of the top-level `programs:` list, reporting a file of the wrong shape."""
    if root is None:
        reader.problems.append(Problem(reader.path, 1, "the file is empty: it needs 'programs:'"))
        return []
    if not isinstance(root, yaml.MappingNode):
        reader.error(root, "the file must be a mapping with the key 'programs:'")
        return []
    entries = entries_of(reader, root, ("programs",), "the file")
    if "programs" not in entries:
        reader.error(root, "'programs' is required")
        return []
    key_node, value = entries["programs"]
    if not isinstance(value, yaml.SequenceNode):
        reader.error(
            key_node, "'programs' must be a list of programs (write 'programs: []' for none)"
        )
        return []
    return list(value.value)


def _program(reader: Reader, node: yaml.Node) -> tuple[Program, int, LevelTerms] | None:
    """One program, the line of its `slug:` key and its level terms as read (with the lines
    of the programs they name); None when it has no usable slug."""
    if not isinstance(node, yaml.MappingNode):
        reader.error(node, "each program must be a mapping with slug, title and credential")
        return None
    entries = entries_of(reader, node, PROGRAM_KEYS, "a program")
    slug = _program_slug(reader, node, entries)
    title = _required_text(reader, node, entries, "title")
    credential = _required_text(reader, node, entries, "credential")
    for key, text in (("title", title), ("credential", credential)):
        if match := CERTIFYING.search(text):
            reader.error(
                entries[key][0],
                f"'{key}' must not say '{match.group()}': a completion record is a Certificate "
                "of Completion of this platform's program, not a certification",
            )
    if "ce_hours" in entries:
        reader.error(
            entries["ce_hours"][0],
            "'ce_hours' is no longer used: CE hours are credited from attendance; put course "
            "approvals and their hours by subject under 'ce: approvals:'",
        )
    # Every field is read before giving up on a bad slug, so all their problems are reported.
    ce = parse_ce(reader, entries.get("ce"))
    validity_months = _months(reader, entries, "validity_months")
    recertify_months = _months(reader, entries, "recertify_months")
    rounding = _rounding(reader, entries)
    requires = parse_requires(reader, entries.get("requires"))
    levels = parse_levels(reader, entries, validity_months=validity_months)
    exam = parse_exam(reader, entries.get("exam"))
    if exam is not None and not requires.practical:
        reader.error(
            entries["exam"][0],
            "an 'exam' is taken for the practical requirement: add 'practical: true' to 'requires'",
        )
    if slug is None:
        return None
    program = Program(
        slug=slug,
        title=title,
        credential=credential,
        lessons=requires.lessons,
        quizzes=requires.quizzes,
        attendance_hours=requires.attendance_hours,
        practical=requires.practical,
        validity_months=validity_months,
        recertify_months=recertify_months,
        attendance_rounding=rounding,
        delivery=ce.delivery,
        evaluation=ce.evaluation,
        approvals=ce.approvals,
        admission=levels.admission,
        maintain=levels.maintain,
        table_instructor_after=levels.table_instructor_after,
        exam=exam,
    )
    return program, line_of(entries["slug"][0]), levels


def _program_slug(reader: Reader, node: yaml.Node, entries: dict[str, Entry]) -> str | None:
    if "slug" not in entries:
        reader.error(node, "'slug' is required")
        return None
    key_node, value = entries["slug"]
    slug = slug_of(value)
    if slug is None:
        reader.error(key_node, "'slug' must be lowercase words joined by hyphens, like 'sot-basic'")
    return slug


def _required_text(reader: Reader, node: yaml.Node, entries: dict[str, Entry], key: str) -> str:
    if key not in entries:
        reader.error(node, f"'{key}' is required")
        return ""
    key_node, value = entries[key]
    if not isinstance(value, yaml.ScalarNode) or value.tag == BOOL:
        reader.error(key_node, f"'{key}' must be text")
        return ""
    # Raw scalar text, so `title: 2025` stays as written; line breaks of a folded
    # value become single spaces because these are printed on one line.
    text = "" if value.tag == NULL else " ".join(value.value.split())
    if not text:
        reader.error(key_node, f"'{key}' must not be empty")
    return text


def _rounding(reader: Reader, entries: dict[str, Entry]) -> int:
    """Attendance is credited in whole steps of this many minutes (15: quarter-hours)."""
    if "attendance_rounding" not in entries:
        return 15
    key_node, value = entries["attendance_rounding"]
    minutes = whole_number(value)
    if minutes is None or not 1 <= minutes <= 60:
        reader.error(key_node, "'attendance_rounding' must be a whole number of minutes, 1 to 60")
        return 15
    return minutes


def _months(reader: Reader, entries: dict[str, Entry], key: str) -> int | None:
    if key not in entries:
        return None
    key_node, value = entries[key]
    months = whole_number(value)
    if months is None or not 1 <= months <= MAX_MONTHS:
        reader.error(key_node, f"'{key}' must be a whole number of months from 1 to {MAX_MONTHS}")
        return None
    return months


# --- the JSON form stored with each program version ---------------------------------------


def program_to_dict(program: Program) -> dict[str, Any]:
    data = dataclasses.asdict(program)
    data["lessons"] = list(program.lessons) if program.lessons is not None else None
    data["delivery"] = program.delivery.value
    data["approvals"] = [a.to_dict() for a in program.approvals]
    data["admission"]["records"] = list(program.admission.records)
    data["table_instructor_after"] = list(program.table_instructor_after)
    data["exam"] = program.exam.to_dict() if program.exam else None
    return data


_FIELDS = {f.name for f in dataclasses.fields(Program)}


def program_from_dict(data: dict[str, Any]) -> Program:
    """A stored program version; keys it no longer has (an older version's `ce_hours`) are
    left out."""
    lessons = data.get("lessons")
    return Program(
        **{
            **{k: v for k, v in data.items() if k in _FIELDS},
            "lessons": tuple(lessons) if lessons is not None else None,
            "quizzes": tuple(QuizRequirement(**q) for q in data.get("quizzes", [])),
            "delivery": Delivery(data.get("delivery") or Delivery.IN_PERSON),
            "approvals": tuple(Approval.from_dict(a) for a in data.get("approvals", [])),
            **levels_from_dict(data),
            "exam": ExamSpec.from_dict(data.get("exam")),
        }
    )


def levels_from_dict(data: dict[str, Any]) -> dict[str, Any]:
    """The level terms of a stored program version (absent from versions stored before)."""
    admission = data.get("admission") or {}
    maintain = data.get("maintain")
    return {
        "admission": Admission(
            records=tuple(admission.get("records") or ()),
            attended_hours=admission.get("attended_hours") or 0,
            years_licensed=admission.get("years_licensed") or 0,
        ),
        "maintain": Maintenance(**maintain) if maintain else None,
        "table_instructor_after": tuple(data.get("table_instructor_after") or ()),
    }
