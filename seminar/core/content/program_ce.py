"""The `ce:` block of a program in lessons/program.yml: how its sessions are delivered, whether
students evaluate the course before a CE certificate is issued, and the course approvals the
program holds in each jurisdiction (with the hours approved by subject category). Pure.

    ce:
      delivery: in person          # in person | online (a session may differ)
      evaluation: required         # required | optional (default optional)
      approvals:
        - jurisdiction: FL
          number: 20-123456
          hours: {General: 10, Laws and rules: 2}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import yaml

from seminar.core.ce import Approval, Delivery, SubjectHours, same
from seminar.core.content.yaml_tree import NULL, Entry, Reader, entries_of, number_of

CE_KEYS = ("delivery", "evaluation", "approvals")
APPROVAL_KEYS = ("jurisdiction", "number", "hours")
DELIVERIES = {"in person": Delivery.IN_PERSON, "online": Delivery.ONLINE}
EVALUATIONS = {"required": True, "optional": False}
T = TypeVar("T")


@dataclass(frozen=True)
class CeTerms:
    delivery: Delivery = Delivery.IN_PERSON
    evaluation: bool = False  # a CE certificate needs the student's course evaluation
    approvals: tuple[Approval, ...] = ()


def parse_ce(reader: Reader, entry: Entry | None) -> CeTerms:
    if entry is None:
        return CeTerms()
    key_node, value = entry
    if not isinstance(value, yaml.MappingNode):
        reader.error(key_node, "'ce' must be a mapping with delivery, evaluation and approvals")
        return CeTerms()
    entries = entries_of(reader, value, CE_KEYS, "'ce'")
    return CeTerms(
        delivery=_choice(reader, entries.get("delivery"), DELIVERIES, Delivery.IN_PERSON),
        evaluation=_choice(reader, entries.get("evaluation"), EVALUATIONS, False),
        approvals=_approvals(reader, entries.get("approvals")),
    )


def _text(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.ScalarNode) and node.tag != NULL and node.value.strip():
        return " ".join(node.value.split())
    return None


def _choice(reader: Reader, entry: Entry | None, choices: dict[str, T], default: T) -> T:
    if entry is None:
        return default
    key_node, value = entry
    text = (_text(value) or "").lower().replace("_", " ")
    if text not in choices:
        reader.error(key_node, f"'{key_node.value}' must be one of: {', '.join(choices)}")
        return default
    return choices[text]


def _approvals(reader: Reader, entry: Entry | None) -> tuple[Approval, ...]:
    if entry is None:
        return ()
    key_node, value = entry
    if not isinstance(value, yaml.SequenceNode):
        reader.error(key_node, "'approvals' must be a list of approvals")
        return ()
    out: list[Approval] = []
    for item in value.value:
        approval = _approval(reader, item)
        if approval is None:
            continue
        if any(same(a.jurisdiction) == same(approval.jurisdiction) for a in out):
            reader.error(item, f"jurisdiction '{approval.jurisdiction}' has two approvals")
            continue
        out.append(approval)
    return tuple(out)


def _approval(reader: Reader, item: yaml.Node) -> Approval | None:
    if not isinstance(item, yaml.MappingNode):
        reader.error(item, "an approval is a mapping with jurisdiction, number and hours")
        return None
    entries = entries_of(reader, item, APPROVAL_KEYS, "an approval")
    texts = {key: _text(entries[key][1]) if key in entries else None for key in APPROVAL_KEYS}
    if not texts["jurisdiction"] or not texts["number"]:
        reader.error(item, "an approval needs a 'jurisdiction' and a course 'number'")
        return None
    return Approval(texts["jurisdiction"], texts["number"], _hours(reader, entries.get("hours")))


def _hours(reader: Reader, entry: Entry | None) -> tuple[SubjectHours, ...]:
    if entry is None:
        return ()
    key_node, value = entry
    if not isinstance(value, yaml.MappingNode):
        reader.error(key_node, "'hours' maps each subject category to its hours")
        return ()
    out = []
    for category, hours in value.value:
        name, number = _text(category), number_of(hours)
        if not name or number is None or not 0 < number <= 100:
            reader.error(category, "each subject category needs its hours, above 0")
            continue
        out.append(SubjectHours(name, number))
    return tuple(out)
