"""The words of a record and of its credential: its kind, its title, the holder's licence as
printed, what its program asks, the public account of its evidence, the achievement it awards,
the certificate's heading and statement, and the dates it lapses.

Pure: the page, the PDF and the signed badge take their words from here, so they agree.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from seminar.core.content.programs import Program
from seminar.core.credentials import Achievement, Issuer

ATTENDANCE_TITLE = "CE attendance: "
PRESENCE = "presence verified at check-in and check-out"


class RecordKind(enum.StrEnum):
    COMPLETION = "completion"  # every requirement of a program met
    ATTENDANCE = "attendance"  # CE hours attended at a session or a cohort's sessions

    @property
    def label(self) -> str:
        return {
            RecordKind.COMPLETION: "Certificate of Completion",
            RecordKind.ATTENDANCE: "CE attendance certificate",
        }[self]


class IssuedRecord(Protocol):
    """What the wording reads of an issued record (a `models.Record`; a plain stand-in in
    tests): its frozen facts, never the live holder or cohort."""

    @property
    def kind(self) -> RecordKind: ...
    @property
    def title(self) -> str: ...
    @property
    def hours(self) -> float: ...
    @property
    def override_reason(self) -> str | None: ...
    @property
    def session_id(self) -> int | None: ...
    @property
    def evidence(self) -> Mapping[str, Any]: ...


def title(kind: RecordKind, *, credential: str, place: str) -> str:
    """A completion record bears the program's credential; a CE certificate names the session
    (or the cohort) attended."""
    if kind == RecordKind.COMPLETION:
        return credential
    return f"{ATTENDANCE_TITLE}{place}"


def licence(number: str | None, state: str | None) -> str:
    """The holder's licence as printed: number, then where it was granted."""
    if not number:
        return ""
    return f"{number} ({state})" if state else number


def add_months(day: date, months: int) -> date:
    """The same day so many months on, or the month's last day when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def program_criteria(program: Program) -> str:
    """What the program asks, in words: the same for every holder of its achievement."""
    parts = []
    if program.lessons is None:
        parts.append("Complete every lesson of the course.")
    elif program.lessons:
        parts.append(f"Complete the program's {len(program.lessons)} lessons.")
    for quiz in program.quizzes:
        mark = f"with at least {quiz.pass_mark:g}%" if quiz.pass_mark else "at its pass mark"
        parts.append(f"Pass the quiz '{quiz.slug}' {mark}.")
    if program.attendance_hours:
        parts.append(
            f"Attend at least {program.attendance_hours:g} hours of seminar sessions in person, "
            f"{PRESENCE}."
        )
    if program.practical:
        parts.append("Have practical skills assessed and signed off by an instructor.")
    return " ".join(parts)


def narrative(record: IssuedRecord) -> str:
    """The public account of the evidence: nothing a verifier should not read (no scores, no
    override reasons; those stay with the issuer)."""
    if record.override_reason:
        return "Issued at the issuer's discretion; the issuer holds the reasons and the evidence."
    if record.kind == RecordKind.COMPLETION:
        return "Every requirement of the program was met; the issuer holds the evidence."
    sessions = len(record.evidence.get("sessions", []))
    return (
        f"Attended {sessions} session{'s' if sessions != 1 else ''} in person for "
        f"{record.hours:g} CE hours, {PRESENCE}."
    )


def achievement(record: IssuedRecord, issuer: Issuer, program: Program | None) -> Achievement:
    """What the credential awards. A completion record awards its program's achievement at the
    requirements version it was issued under (`program`, as it stood then); a CE certificate,
    the attendance of its session or cohort."""
    if record.kind == RecordKind.COMPLETION:
        assert program is not None
        version = record.evidence["program"]["version"]
        return Achievement(
            id=f"{issuer.id}#program-{program.slug}-v{version}",
            name=program.credential,
            description=(
                f"Awarded by {issuer.name} for meeting every requirement of its {program.title} "
                f"(requirements version {version})."
            ),
            criteria=program_criteria(program),
            hours=float(program.ce_hours or 0),
        )
    scope = (
        f"session-{record.session_id}"
        if record.session_id
        else f"cohort-{record.evidence['cohort']['slug']}"
    )
    return Achievement(
        id=f"{issuer.id}#ce-{scope}",
        name=record.title,
        description=(
            "Continuing-education hours attended in person at "
            f"{record.title.removeprefix(ATTENDANCE_TITLE)}, taught by {issuer.name}."
        ),
        criteria="Attend in person; presence is verified at check-in and check-out and hours "
        "are credited for the time present within each session.",
        hours=0.0,
    )


@dataclass(frozen=True)
class CertificateWords:
    heading: str  # across the top of the printed certificate
    statement: str  # what the holder, named above it, did


def certificate_words(record: IssuedRecord) -> CertificateWords:
    if record.kind == RecordKind.COMPLETION:
        program = record.evidence.get("program", {})
        return CertificateWords(
            "Certificate of Completion",
            f"has met every requirement of the {program.get('title', 'program')} program"
            f" (requirements version {program.get('version', 1)}):",
        )
    return CertificateWords("CE Attendance Certificate", f"attended in person, with {PRESENCE}:")
