"""Levels: what a program asks of a student before they may join one of its cohorts, what keeps
its record alive, and where a person stands on the whole ladder. Pure: no Flask, no database.

The caller gathers a person's facts (`LevelFacts`); these functions say, in the words shown to
them, what is missing. The wording speaks to the student ("you have none") or about them to
staff ("they have none"), so both read the same reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

# Reminders before a record with a validity period lapses, in days, most urgent last.
REMINDER_DAYS = (90, 30)


@dataclass(frozen=True)
class Admission:
    """`admission:` in program.yml: what joining a cohort on the program needs."""

    records: tuple[str, ...] = ()  # program slugs whose current completion record is needed
    attended_hours: float = 0  # hours attended here plus declared hours approved elsewhere
    years_licensed: float = 0  # full years since the licence date on the person's profile

    @property
    def any(self) -> bool:
        return bool(self.records or self.attended_hours or self.years_licensed)


@dataclass(frozen=True)
class Maintenance:
    """`maintain:` in program.yml: what renews a record during its validity period. Every
    amount given is needed (CE hours attended and hours taught as a table instructor)."""

    attended_hours: float = 0
    taught_hours: float = 0

    @property
    def any(self) -> bool:
        return bool(self.attended_hours or self.taught_hours)


@dataclass(frozen=True)
class LevelFacts:
    held: frozenset[str]  # program slugs of which the person holds a current completion record
    hours_here: float = 0  # attendance credited on this platform
    hours_declared: float = 0  # declared from another organisation, approved by an admin
    licensed_on: date | None = None


def years_between(start: date, end: date) -> int:
    """Whole years from `start` to `end` (a birthday-style count; 29 February counts on 28)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return max(years, 0)


def missing(
    admission: Admission,
    facts: LevelFacts,
    *,
    titles: Mapping[str, str],
    today: date,
    you: bool = True,
) -> tuple[str, ...]:
    """Each admission requirement the person does not meet, as a sentence; () when admitted."""
    have = "you have" if you else "they have"
    reasons: list[str] = []
    for slug in admission.records:
        if slug not in facts.held:
            reasons.append(f"Needs a completion record of {titles.get(slug, slug)} ({have} none)")
    attended = facts.hours_here + facts.hours_declared
    if admission.attended_hours and attended < admission.attended_hours:
        reasons.append(
            f"Needs {hours(admission.attended_hours)} attended hours ({have} "
            f"{hours(attended)}: {hours(facts.hours_here)} here, "
            f"{hours(facts.hours_declared)} declared and approved)"
        )
    if admission.years_licensed:
        needed = f"Needs {hours(admission.years_licensed)} years since licensure"
        if facts.licensed_on is None:
            whose = "your" if you else "their"
            reasons.append(f"{needed} (no licence date on {whose} profile)")
        elif (years := years_between(facts.licensed_on, today)) < admission.years_licensed:
            reasons.append(f"{needed} ({have} {years}, licensed {facts.licensed_on.isoformat()})")
    return tuple(reasons)


def maintenance_missing(terms: Maintenance, *, attended: float, taught: float) -> tuple[str, ...]:
    """What is still needed to renew a record, in words; () when its maintenance is met."""
    reasons = []
    if terms.attended_hours and attended < terms.attended_hours:
        reasons.append(
            f"{hours(terms.attended_hours - attended)} more CE hours attended "
            f"({hours(attended)} of {hours(terms.attended_hours)})"
        )
    if terms.taught_hours and taught < terms.taught_hours:
        reasons.append(
            f"{hours(terms.taught_hours - taught)} more hours taught as a table instructor "
            f"({hours(taught)} of {hours(terms.taught_hours)})"
        )
    return tuple(reasons)


def maintenance_words(terms: Maintenance) -> str:
    """How the record is maintained, e.g. '12 CE hours attended and 8 hours taught ...'."""
    parts = []
    if terms.attended_hours:
        parts.append(f"{hours(terms.attended_hours)} CE hours attended")
    if terms.taught_hours:
        parts.append(f"{hours(terms.taught_hours)} hours taught as a table instructor")
    return " and ".join(parts)


def reminder_stage(expires_on: date, today: date) -> int | None:
    """The reminder due for a record lapsing on `expires_on`: 90 or 30 (days before), or None
    when none is due (too early, or lapsed). Only the most urgent stage is ever due, so a
    reminder job that did not run for weeks sends one message, not two at once."""
    left = (expires_on - today).days
    if left < 0:
        return None
    due = [days for days in REMINDER_DAYS if left <= days]
    return min(due) if due else None


@dataclass(frozen=True)
class Rung:
    slug: str
    title: str
    state: str  # "done" | "current" | "next" | "later"
    missing: tuple[str, ...] = ()  # for "next": what joining it still needs


def ladder(
    order: Sequence[tuple[str, str, Admission]],
    facts: LevelFacts,
    *,
    enrolled: frozenset[str],
    today: date,
) -> tuple[Rung, ...]:
    """Every program in file order (slug, title, admission) as done (a record held), current
    (in a cohort on it), next (the first of the others; with what joining it needs) or later."""
    titles = {slug: title for slug, title, _ in order}
    rungs: list[Rung] = []
    next_given = False
    for slug, title, admission in order:
        if slug in facts.held:
            rungs.append(Rung(slug, title, "done"))
        elif slug in enrolled:
            rungs.append(Rung(slug, title, "current"))
        elif not next_given:
            next_given = True
            reasons = missing(admission, facts, titles=titles, today=today)
            rungs.append(Rung(slug, title, "next", reasons))
        else:
            rungs.append(Rung(slug, title, "later"))
    return tuple(rungs)


def hours(value: float) -> str:
    """12, 12.5 or 12.25: hours as a person writes them."""
    rounded = round(value, 2)
    return f"{rounded:g}" if rounded != int(rounded) else str(int(rounded))
