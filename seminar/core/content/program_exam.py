"""The `exam:` block of a program in lessons/program.yml: the practical exam that meets its
`practical` requirement, with its rubric, pass rule and examiners. Pure; every problem names
its line, and every size is bounded (core/rubric.py).

    exam:
      title: Practical examination   # optional
      minutes: 45
      pass_percent: 75               # and every critical item
      examiners: 2                   # 1 or 2, marking independently
      tolerance: 15                  # points two examiners' scores may differ by
      rubric:
        - item: Case history and screening for red flags
          weight: 2
          critical: true
"""

from __future__ import annotations

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
    whole_number,
)
from seminar.core.rubric import MAX_ITEM_CHARS, MAX_ITEMS, MAX_WEIGHT, ExamSpec, RubricItem

EXAM_KEYS = ("title", "minutes", "pass_percent", "examiners", "tolerance", "rubric")
ITEM_KEYS = ("item", "weight", "critical")


def parse_exam(reader: Reader, entry: Entry | None) -> ExamSpec | None:
    if entry is None:
        return None
    key_node, value = entry
    if not isinstance(value, yaml.MappingNode):
        reader.error(key_node, "'exam' must be a mapping with a rubric and a pass rule")
        return None
    entries = entries_of(reader, value, EXAM_KEYS, "'exam'")
    title = _title(reader, entries.get("title"))
    minutes = _whole(reader, entries, "minutes", 5, 480, 45)
    examiners = _whole(reader, entries, "examiners", 1, 2, 2)
    pass_percent = _percent(reader, entries, "pass_percent", 75, low=0)
    tolerance = _percent(reader, entries, "tolerance", 15, low=-1)
    rubric = _rubric(reader, key_node, entries.get("rubric"))
    if not rubric:
        return None
    return ExamSpec(rubric, title, minutes, pass_percent, examiners, tolerance)


def _title(reader: Reader, entry: Entry | None) -> str:
    if entry is None:
        return "Practical exam"
    key_node, value = entry
    text = _text(value)
    if text is None or len(text) > 120:
        reader.error(key_node, "the exam's 'title' must be text of up to 120 characters")
        return "Practical exam"
    return text


def _text(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.ScalarNode) and node.tag not in (NULL, BOOL):
        return " ".join(str(node.value).split()) or None
    return None


def _whole(
    reader: Reader, entries: dict[str, Entry], key: str, low: int, high: int, default: int
) -> int:
    if key not in entries:
        return default
    key_node, value = entries[key]
    number = whole_number(value)
    if number is None or not low <= number <= high:
        reader.error(key_node, f"'{key}' must be a whole number from {low} to {high}")
        return default
    return number


def _percent(
    reader: Reader, entries: dict[str, Entry], key: str, default: float, *, low: float
) -> float:
    """A percentage above `low` (0: above 0; -1: 0 or more), up to 100."""
    if key not in entries:
        return default
    key_node, value = entries[key]
    number = number_of(value)
    if number is None or not low < number <= 100:
        floor = "above 0" if low == 0 else "from 0"
        reader.error(key_node, f"'{key}' must be a number {floor}, up to 100")
        return default
    return number


def _rubric(reader: Reader, exam_key: yaml.Node, entry: Entry | None) -> tuple[RubricItem, ...]:
    if entry is None:
        reader.error(exam_key, "the exam needs a 'rubric': a list of items to mark")
        return ()
    key_node, value = entry
    if not isinstance(value, yaml.SequenceNode) or not value.value:
        reader.error(key_node, "'rubric' must be a list of items, each '- item: ...'")
        return ()
    if len(value.value) > MAX_ITEMS:
        reader.error(key_node, f"'rubric' has {len(value.value)} items; at most {MAX_ITEMS}")
        return ()
    items: list[RubricItem] = []
    seen: dict[str, int] = {}
    for node in value.value:
        item = _item(reader, node)
        if item is None:
            continue
        if item.text.lower() in seen:
            first = seen[item.text.lower()]
            reader.error(node, f"rubric item '{item.text}' is listed twice (first at line {first})")
            continue
        seen[item.text.lower()] = line_of(node)
        items.append(item)
    if items and len(items) == len(value.value):
        return tuple(items)
    return ()


def _item(reader: Reader, node: yaml.Node) -> RubricItem | None:
    if not isinstance(node, yaml.MappingNode):
        reader.error(node, "a rubric item is a mapping: '- item: ...', 'weight', 'critical'")
        return None
    entries = entries_of(reader, node, ITEM_KEYS, "a rubric item")
    weight = _whole(reader, entries, "weight", 1, MAX_WEIGHT, 1)
    critical = False
    if "critical" in entries:
        key_node, value = entries["critical"]
        if not (isinstance(value, yaml.ScalarNode) and value.tag == BOOL):
            reader.error(key_node, "'critical' must be true or false")
        else:
            critical = bool(construct(value))
    text = _text(entries["item"][1]) if "item" in entries else None
    if text is None or len(text) > MAX_ITEM_CHARS:
        reader.error(node, f"a rubric item needs 'item' text of up to {MAX_ITEM_CHARS} characters")
        return None
    return RubricItem(text, weight, critical)
