"""A program's place on the ladder of levels in lessons/program.yml: what joining one of its
cohorts needs (`admission:`), how its record is kept alive (`maintain:`), and whose record
makes a person eligible to be a table instructor on its cohorts (`table_instructor_after:`).
Pure; values are read from the YAML node tree so that every problem names its line.

    admission:
      records: [sot-basic]       # a current completion record of each of these programs
      attended_hours: 60         # attended here, plus declared hours an admin approved
      years_licensed: 1          # whole years since the licence date on the profile
    maintain:                    # renews the record before it lapses (needs validity_months)
      attended_hours: 12         # CE hours attended during the validity period
      taught_hours: 8            # hours taught as a table instructor in that period
    table_instructor_after: sot-advanced   # holders of its record may assist on these cohorts
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from seminar.core.content.problems import Problem
from seminar.core.content.yaml_tree import Entry, Reader, entries_of, line_of, number_of, slug_of
from seminar.core.levels import Admission, Maintenance

ADMISSION_KEYS = ("records", "attended_hours", "years_licensed")
MAINTAIN_KEYS = ("attended_hours", "taught_hours")
MAX_HOURS = 10_000
MAX_YEARS = 80


@dataclass(frozen=True)
class LevelTerms:
    admission: Admission = field(default_factory=Admission)
    maintain: Maintenance | None = None
    table_instructor_after: tuple[str, ...] = ()
    # (program slug, line) of every program named, checked once the whole file is read.
    references: tuple[tuple[str, int], ...] = field(default=(), compare=False)


def parse_levels(
    reader: Reader,
    entries: dict[str, Entry],
    *,
    validity_months: int | None,
) -> LevelTerms:
    admission, refs = _admission(reader, entries.get("admission"))
    maintain = _maintain(reader, entries.get("maintain"))
    if maintain is not None and validity_months is None and "maintain" in entries:
        reader.error(
            entries["maintain"][0],
            "'maintain' renews a record before it lapses: give the program 'validity_months'",
        )
    after = _slugs(reader, entries.get("table_instructor_after"), "table_instructor_after")
    return LevelTerms(admission, maintain, tuple(s for s, _ in after), (*refs, *after))


def check_level_references(reader: Reader, slug: str, terms: LevelTerms, known: set[str]) -> None:
    """A program named in `admission: records:` or `table_instructor_after:` must exist in the
    file, and a program cannot require its own record to be joined."""
    for name, line in terms.references:
        if name not in known:
            reader.problems.append(
                Problem(
                    reader.path,
                    line,
                    f"program '{slug}' names program '{name}', which is not in this file",
                )
            )
        elif name == slug and name in terms.admission.records:
            reader.problems.append(
                Problem(reader.path, line, f"program '{slug}' cannot require its own record")
            )


def _admission(reader: Reader, entry: Entry | None) -> tuple[Admission, list[tuple[str, int]]]:
    if entry is None:
        return Admission(), []
    key_node, value = entry
    if not isinstance(value, yaml.MappingNode):
        reader.error(key_node, "'admission' must be a mapping of records, hours and years")
        return Admission(), []
    entries = entries_of(reader, value, ADMISSION_KEYS, "'admission'")
    records = _slugs(reader, entries.get("records"), "records")
    admission = Admission(
        records=tuple(s for s, _ in records),
        attended_hours=_amount(reader, entries, "attended_hours", MAX_HOURS),
        years_licensed=_amount(reader, entries, "years_licensed", MAX_YEARS),
    )
    return admission, records


def _maintain(reader: Reader, entry: Entry | None) -> Maintenance | None:
    if entry is None:
        return None
    key_node, value = entry
    if not isinstance(value, yaml.MappingNode):
        reader.error(key_node, "'maintain' must be a mapping: attended_hours, taught_hours")
        return None
    entries = entries_of(reader, value, MAINTAIN_KEYS, "'maintain'")
    terms = Maintenance(
        attended_hours=_amount(reader, entries, "attended_hours", MAX_HOURS),
        taught_hours=_amount(reader, entries, "taught_hours", MAX_HOURS),
    )
    if not terms.any:
        reader.error(key_node, "'maintain' needs attended_hours or taught_hours above 0")
        return None
    return terms


def _slugs(reader: Reader, entry: Entry | None, key: str) -> list[tuple[str, int]]:
    """A program slug or a list of them, each with its line."""
    if entry is None:
        return []
    _, value = entry
    items = value.value if isinstance(value, yaml.SequenceNode) else [value]
    found: list[tuple[str, int]] = []
    for item in items:
        slug = slug_of(item)
        if slug is None:
            reader.error(item, f"'{key}' takes program slugs like 'sot-basic'")
        elif any(slug == s for s, _ in found):
            reader.error(item, f"program '{slug}' is listed twice in '{key}'")
        else:
            found.append((slug, line_of(item)))
    return found


def _amount(reader: Reader, entries: dict[str, Entry], key: str, most: int) -> float:
    if key not in entries:
        return 0.0
    key_node, value = entries[key]
    amount = number_of(value)
    if amount is None or not 0 <= amount <= most:
        reader.error(key_node, f"'{key}' must be a number from 0 to {most}")
        return 0.0
    return amount
