"""Continuing education as licensing boards see it: the provider's profile (its name and its
provider number with each board), a course's approvals (the course number each jurisdiction
gave it, with the hours approved by subject category), how it is delivered, and when a roster
is due. Pure: the configuration, program.yml and the session form are read into these.

A session's approval is written on one line of the session form, e.g.
`FL 20-123456: General 2, Laws and rules 1` (jurisdiction, course number, then optionally the
hours approved by subject category).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any


class Delivery(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return {Delivery.IN_PERSON: "Live, in person", Delivery.ONLINE: "Live, online"}[self]


def delivery_label(values: Iterable[str]) -> str:
    """How a course (or several of its sessions) was delivered, in words."""
    kinds = [Delivery(v) for v in dict.fromkeys(values) if v in Delivery._value2member_map_]
    if not kinds:
        return Delivery.IN_PERSON.label
    if len(kinds) == 1:
        return kinds[0].label
    return "Live, in person and online"


@dataclass(frozen=True)
class SubjectHours:
    category: str  # the board's subject category, e.g. "General" or "Laws and rules"
    hours: float


@dataclass(frozen=True)
class Approval:
    """A course's approval in one jurisdiction (a state, or a programme such as PACE)."""

    jurisdiction: str
    number: str  # the course or approval number it gave
    hours: tuple[SubjectHours, ...] = ()  # hours approved, by subject category

    @property
    def total(self) -> float:
        return sum(h.hours for h in self.hours)

    def to_dict(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.jurisdiction,
            "number": self.number,
            "hours": [{"category": h.category, "hours": h.hours} for h in self.hours],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Approval:
        return cls(
            jurisdiction=str(data["jurisdiction"]),
            number=str(data["number"]),
            hours=tuple(
                SubjectHours(str(h["category"]), float(h["hours"])) for h in data.get("hours", [])
            ),
        )


@dataclass(frozen=True)
class Board:
    """The provider's standing with one board: its provider number there, and how rosters
    are reported to it."""

    jurisdiction: str  # matched against a licensee's licence state, e.g. "FL"
    name: str  # e.g. "Florida Board of Chiropractic Medicine"
    provider_number: str
    report_days: int | None = None  # a roster is due this many days after the course
    tracker: str = ""  # "cebroker" when the board takes rosters through CE Broker
    profession: str = ""  # the tracker's profession code for the licensees


@dataclass(frozen=True)
class Provider:
    name: str
    boards: tuple[Board, ...] = ()

    def board_for(self, jurisdiction: str | None) -> Board | None:
        key = same(jurisdiction)
        return next((b for b in self.boards if same(b.jurisdiction) == key), None) if key else None


TRACKERS = ("", "cebroker")
BOARD_KEYS = ("jurisdiction", "name", "provider_number", "report_days", "tracker", "profession")


class ProviderError(ValueError):
    """The CE provider profile in the configuration is not usable (said in words)."""


def provider_from_config(data: Mapping[str, Any] | None, *, default_name: str) -> Provider:
    """The `CE_PROVIDER` setting: {"name": ..., "boards": [{"jurisdiction": "FL", ...}]}."""
    if not data:
        return Provider(name=default_name)
    if not isinstance(data, Mapping):
        raise ProviderError("CE_PROVIDER must be a mapping with 'name' and 'boards'")
    unknown = set(data) - {"name", "boards"}
    if unknown:
        raise ProviderError(f"CE_PROVIDER has unknown keys: {', '.join(sorted(unknown))}")
    boards = []
    for n, item in enumerate(data.get("boards") or [], start=1):
        boards.append(_board(item, n))
    seen = [same(b.jurisdiction) for b in boards]
    if len(set(seen)) != len(seen):
        raise ProviderError("CE_PROVIDER lists a jurisdiction twice")
    return Provider(name=str(data.get("name") or default_name).strip(), boards=tuple(boards))


def _board(item: Any, n: int) -> Board:
    where = f"CE_PROVIDER board {n}"
    if not isinstance(item, Mapping):
        raise ProviderError(f"{where} must be a mapping")
    unknown = set(item) - set(BOARD_KEYS)
    if unknown:
        raise ProviderError(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
    jurisdiction = str(item.get("jurisdiction") or "").strip()
    number = str(item.get("provider_number") or "").strip()
    if not jurisdiction or not number:
        raise ProviderError(f"{where} needs a 'jurisdiction' and a 'provider_number'")
    days = item.get("report_days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days < 1):
        raise ProviderError(f"{where}: 'report_days' must be a whole number of days")
    tracker = str(item.get("tracker") or "").strip().lower()
    if tracker not in TRACKERS:
        raise ProviderError(f"{where}: 'tracker' must be 'cebroker' or left out")
    return Board(
        jurisdiction=jurisdiction,
        name=str(item.get("name") or jurisdiction).strip(),
        provider_number=number,
        report_days=days,
        tracker=tracker,
        profession=str(item.get("profession") or "").strip(),
    )


def same(jurisdiction: str | None) -> str:
    """Jurisdictions compare without case or surrounding space ("fl " is "FL")."""
    return (jurisdiction or "").strip().upper()


# --- approvals ----------------------------------------------------------------------------

MAX_APPROVALS = 20
_LINE = re.compile(r"^(?P<where>[^\s:]+)\s+(?P<number>[^\s:]+)\s*(?::\s*(?P<hours>.*))?$")
_SUBJECT = re.compile(r"^(?P<category>.*\S)\s+(?P<hours>\d+(?:\.\d+)?)$")


class ApprovalError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"Line {line}: {message}")
        self.line = line


def parse_approvals(text: str) -> tuple[Approval, ...]:
    """The session form's approvals, one per line: `FL 20-123456: General 2, Laws 1`."""
    approvals: list[Approval] = []
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)]
    for n, line in lines:
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            raise ApprovalError(
                n, "write the jurisdiction, the course number and optionally the hours by "
                "subject, like 'FL 20-123456: General 2, Laws and rules 1'"
            )  # fmt: skip
        hours = _subjects(n, match["hours"] or "")
        approval = Approval(match["where"], match["number"], hours)
        if any(same(a.jurisdiction) == same(approval.jurisdiction) for a in approvals):
            raise ApprovalError(n, f"{approval.jurisdiction} is listed twice")
        approvals.append(approval)
    if len(approvals) > MAX_APPROVALS:
        raise ApprovalError(lines[-1][0], f"list at most {MAX_APPROVALS} approvals")
    return tuple(approvals)


def _subjects(n: int, text: str) -> tuple[SubjectHours, ...]:
    out = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _SUBJECT.match(part)
        if match is None:
            raise ApprovalError(n, f"'{part}' should be a subject and its hours, like 'General 2'")
        hours = float(match["hours"])
        if not 0 < hours <= 100:
            raise ApprovalError(n, f"the hours of '{match['category']}' must be above 0")
        out.append(SubjectHours(match["category"], hours))
    return tuple(out)


def approval_lines(approvals: Iterable[Approval]) -> str:
    """The inverse of parse_approvals, for the form."""
    return "\n".join(_line(a) for a in approvals)


def _line(approval: Approval) -> str:
    subjects = ", ".join(f"{h.category} {h.hours:g}" for h in approval.hours)
    return f"{approval.jurisdiction} {approval.number}" + (f": {subjects}" if subjects else "")


def describe(approval: Approval) -> str:
    """'FL course 20-123456 (General 2 h, Laws and rules 1 h)'."""
    subjects = ", ".join(f"{h.category} {h.hours:g} h" for h in approval.hours)
    return f"{approval.jurisdiction} course {approval.number}" + (
        f" ({subjects})" if subjects else ""
    )


def merge(program: Sequence[Approval], session: Sequence[Approval]) -> tuple[Approval, ...]:
    """A session's approvals: its own, and the program's for every other jurisdiction."""
    own = {same(a.jurisdiction) for a in session}
    return (*[a for a in program if same(a.jurisdiction) not in own], *session)


def union(groups: Iterable[Sequence[Approval]]) -> tuple[Approval, ...]:
    """The approvals of several sessions, each once (a cohort's certificate covers them all)."""
    return tuple(dict.fromkeys(a for group in groups for a in group))


def approval_for(approvals: Iterable[Approval], jurisdiction: str | None) -> Approval | None:
    key = same(jurisdiction)
    return next((a for a in approvals if same(a.jurisdiction) == key), None) if key else None


def subject_hours(approval: Approval | None, credited: float) -> tuple[SubjectHours, ...]:
    """Hours by subject for one attendee: the approval's, when they earned all of it; their
    hours under its one subject when it has one; else none (never an invented split)."""
    if approval is None or not approval.hours or credited <= 0:
        return ()
    if credited >= approval.total:
        return approval.hours
    if len(approval.hours) == 1:
        return (SubjectHours(approval.hours[0].category, credited),)
    return ()


def due_on(course_day: date, board: Board) -> date | None:
    return course_day + timedelta(days=board.report_days) if board.report_days else None
