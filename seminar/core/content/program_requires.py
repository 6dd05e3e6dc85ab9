"""The `requires:` block of a program in lessons/program.yml: which lessons, which quizzes (at
what pass mark), how many attendance hours, and whether a practical sign-off is needed. Pure;
values are read from the YAML node tree so that every problem names its line."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from seminar.core.content.yaml_tree import (
    BOOL,
    NULL,
    Entry,
    Reader,
    construct,
    entries_of,
    line_of,
    number_of,
    slug_of,
)

REQUIRES_KEYS = ("lessons", "quizzes", "attendance_hours", "practical")


@dataclass(frozen=True)
class QuizRequirement:
    slug: str
    pass_mark: float | None = None  # None: the quiz's own pass mark applies


def _hours(reader: Reader, entries: dict[str, Entry], key: str) -> float:
    if key not in entries:
        return 0.0
    key_node, value = entries[key]
    hours = number_of(value)
    if hours is None or hours < 0:
        reader.error(key_node, f"'{key}' must be a number of 0 or more")
        return 0.0
    return hours


@dataclass(frozen=True)
class Requires:
    lessons: tuple[str, ...] | None = None
    quizzes: tuple[QuizRequirement, ...] = ()
    attendance_hours: float = 0
    practical: bool = False


def parse_requires(reader: Reader, entry: Entry | None) -> Requires:
    """The `requires:` mapping; absent, it means what Program's defaults mean."""
    if entry is None:
        return Requires()
    key_node, value = entry
    if not isinstance(value, yaml.MappingNode):
        reader.error(key_node, "'requires' must be a mapping of requirements")
        return Requires()
    entries = entries_of(reader, value, REQUIRES_KEYS, "'requires'")
    return Requires(
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
