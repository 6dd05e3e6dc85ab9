"""Parse lessons/program.yml (FORMATS.md) into certification programs, with every problem found.

Pure: no Flask, no database. Values are read from the YAML node tree (`yaml.compose`) rather
than from `yaml.safe_load`, so that every problem names the line of the key or list item at
fault, and so that duplicate keys (which `safe_load` silently overwrites) can be reported.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from seminar.core.content.problems import ContentError, Problem
from seminar.core.content.yaml_tree import (
    BOOL,
    NULL,
    Entry,
    Reader,
    compose,
    construct,
    entries_of,
    line_of,
    number_of,
    slug_of,
    whole_number,
)

PROGRAM_KEYS = (
    "slug",
    "title",
    "credential",
    "ce_hours",
    "validity_months",
    "recertify_months",
    "attendance_rounding",
    "requires",
)
REQUIRES_KEYS = ("lessons", "quizzes", "attendance_hours", "practical")
# Months are added to issue dates downstream; a cap keeps that arithmetic in range.
MAX_MONTHS = 1200

# A completion record is a Certificate of Completion of this platform's program, never a
# certification by an outside body (see the header of lessons/program.yml), so the credential
# printed on it must not call its holder "Certified".
_CERTIFIED = re.compile(r"\bcertified\b", re.IGNORECASE)


@dataclass(frozen=True)
class QuizRequirement:
    slug: str
    pass_mark: float | None = None  # None: the quiz's own pass mark applies


@dataclass(frozen=True)
class Program:
    slug: str
    title: str
    credential: str  # name printed on the Certificate of Completion
    ce_hours: float = 0
    lessons: tuple[str, ...] | None = None  # None means "all" (every live lesson)
    quizzes: tuple[QuizRequirement, ...] = ()
    attendance_hours: float = 0
    practical: bool = False
    validity_months: int | None = None  # a record expires this many months after issue
    recertify_months: int | None = None  # recertification due this many months after issue
    attendance_rounding: int = 15  # minutes: time present is credited in whole steps of this


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
    for item in _program_items(reader, root):
        parsed = _program(reader, item)
        if parsed is None:
            continue
        program, line = parsed
        if program.slug in lines:
            first = lines[program.slug]
            message = f"duplicate program slug '{program.slug}' (first at line {first})"
            reader.problems.append(Problem(path, line, message))
            continue
        programs.append(program)
        lines[program.slug] = line
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


def _program(reader: Reader, node: yaml.Node) -> tuple[Program, int] | None:
    """One program and the line of its `slug:` key; None when it has no usable slug."""
    if not isinstance(node, yaml.MappingNode):
        reader.error(node, "each program must be a mapping with slug, title and credential")
        return None
    entries = entries_of(reader, node, PROGRAM_KEYS, "a program")
    slug = _program_slug(reader, node, entries)
    title = _required_text(reader, node, entries, "title")
    credential = _required_text(reader, node, entries, "credential")
    if _CERTIFIED.search(credential):
        reader.error(
            entries["credential"][0],
            "'credential' must not contain the word 'Certified': a completion record is a "
            "Certificate of Completion of this platform's program, not a certification",
        )
    # Every field is read before giving up on a bad slug, so all their problems are reported.
    ce_hours = _hours(reader, entries, "ce_hours")
    validity_months = _months(reader, entries, "validity_months")
    recertify_months = _months(reader, entries, "recertify_months")
    rounding = _rounding(reader, entries)
    requires = _requires(reader, entries.get("requires"))
    if slug is None:
        return None
    program = Program(
        slug=slug,
        title=title,
        credential=credential,
        ce_hours=ce_hours,
        lessons=requires.lessons,
        quizzes=requires.quizzes,
        attendance_hours=requires.attendance_hours,
        practical=requires.practical,
        validity_months=validity_months,
        recertify_months=recertify_months,
        attendance_rounding=rounding,
    )
    return program, line_of(entries["slug"][0])


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


def _hours(reader: Reader, entries: dict[str, Entry], key: str) -> float:
    if key not in entries:
        return 0.0
    key_node, value = entries[key]
    hours = number_of(value)
    if hours is None or hours < 0:
        reader.error(key_node, f"'{key}' must be a number of 0 or more")
        return 0.0
    return hours


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


@dataclass(frozen=True)
class _Requires:
    lessons: tuple[str, ...] | None = None
    quizzes: tuple[QuizRequirement, ...] = ()
    attendance_hours: float = 0
    practical: bool = False


def _requires(reader: Reader, entry: Entry | None) -> _Requires:
    """The `requires:` mapping; absent, it means what Program's defaults mean."""
    if entry is None:
        return _Requires()
    key_node, value = entry
    if not isinstance(value, yaml.MappingNode):
        reader.error(key_node, "'requires' must be a mapping of requirements")
        return _Requires()
    entries = entries_of(reader, value, REQUIRES_KEYS, "'requires'")
    return _Requires(
        lessons=_lessons(reader, entries.get("lessons")),
        quizzes=_quizzes(reader, entries.get("quizzes")),
        attendance_hours=_hours(reader, entries, "attendance_hours"),
        practical=_practical(reader, entries.get("practical")),
    )


def _lessons(reader: Reader, entry: Entry | None) -> tuple[str, ...] | None:
    # Absent means "all", as in Program: a program that forgets the key cannot be
    # completed with fewer lessons than intended. `lessons: []` asks for none.
    if entry is None:
        return None
    key_node, value = entry
    if isinstance(value, yaml.ScalarNode) and value.tag != NULL and value.value == "all":
        return None
    if not isinstance(value, yaml.SequenceNode):
        reader.error(key_node, "'lessons' must be 'all' or a list of lesson slugs")
        return None
    slugs: dict[str, int] = {}
    for item in value.value:
        slug = slug_of(item)
        if slug is None:
            reader.error(item, "each lesson must be a lesson slug like 'sacrum-and-occiput'")
        elif slug in slugs:
            reader.error(item, f"lesson '{slug}' is listed twice (first at line {slugs[slug]})")
        else:
            slugs[slug] = line_of(item)
    return tuple(slugs)


def _quizzes(reader: Reader, entry: Entry | None) -> tuple[QuizRequirement, ...]:
    if entry is None:
        return ()
    key_node, value = entry
    if not isinstance(value, yaml.SequenceNode):
        reader.error(key_node, "'quizzes' must be a list of quiz slugs")
        return ()
    quizzes: dict[str, QuizRequirement] = {}
    first_lines: dict[str, int] = {}
    for item in value.value:
        quiz = _quiz(reader, item)
        if quiz is None:
            continue
        if quiz.slug in quizzes:
            first = first_lines[quiz.slug]
            reader.error(item, f"quiz '{quiz.slug}' is listed twice (first at line {first})")
            continue
        quizzes[quiz.slug] = quiz
        first_lines[quiz.slug] = line_of(item)
    return tuple(quizzes.values())


def _quiz(reader: Reader, item: yaml.Node) -> QuizRequirement | None:
    """`- slug` or `- slug: pass_mark`."""
    if isinstance(item, yaml.ScalarNode):
        slug = slug_of(item)
        if slug is None:
            reader.error(item, "each quiz must be a quiz slug like 'category-system'")
            return None
        return QuizRequirement(slug)
    if not (isinstance(item, yaml.MappingNode) and len(item.value) == 1):
        reader.error(item, "a quiz with its own pass mark is written '- category-system: 85'")
        return None
    key_node, value = item.value[0]
    slug = slug_of(key_node)
    if slug is None:
        reader.error(key_node, "each quiz must be a quiz slug like 'category-system'")
        return None
    pass_mark = number_of(value)
    if pass_mark is None or not 0 < pass_mark <= 100:
        reader.error(
            key_node, f"the pass mark of quiz '{slug}' must be a number above 0, up to 100"
        )
        return None
    return QuizRequirement(slug, pass_mark)


def _practical(reader: Reader, entry: Entry | None) -> bool:
    if entry is None:
        return False
    key_node, value = entry
    if not (isinstance(value, yaml.ScalarNode) and value.tag == BOOL):
        reader.error(key_node, "'practical' must be true or false")
        return False
    return bool(construct(value))


# --- the JSON form stored with each program version ---------------------------------------


def program_to_dict(program: Program) -> dict[str, Any]:
    data = dataclasses.asdict(program)
    data["lessons"] = list(program.lessons) if program.lessons is not None else None
    return data


def program_from_dict(data: dict[str, Any]) -> Program:
    lessons = data.get("lessons")
    return Program(
        **{
            **data,
            "lessons": tuple(lessons) if lessons is not None else None,
            "quizzes": tuple(QuizRequirement(**q) for q in data.get("quizzes", [])),
        }
    )
