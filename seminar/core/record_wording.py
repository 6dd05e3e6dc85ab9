"""The words of a record and of its credential: its kind, its title, the holder's licence as
printed, what its program asks, the public account of what was met (and, for a record issued
by exception, that not everything was), the achievement it awards, the certificate's heading
and statement, and the dates it lapses.

Pure: the PDF, the verify page, the signed badge and the holder's e-mail take their words from
here, so they agree. A record never says more than is true of its holder: a Certificate of
Completion lists the requirements met and never carries CE hours; CE hours are stated only by
a CE attendance certificate, from the attendance it credits.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from seminar.core import ce
from seminar.core.certification import EXAM_PASSED, RequirementStatus, State
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
    def issued_at(self) -> datetime: ...
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


def day_words(day: date) -> str:
    """'3 May 2026': the date as a record prints it."""
    return f"{day.day} {day:%B %Y}"


def hours_words(hours: float) -> str:
    return f"{hours:g} hour{'' if hours == 1 else 's'}"


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
    if program.exam is not None:
        who = "two examiners" if program.exam.examiners == 2 else "an examiner"
        parts.append(
            f"Pass a practical exam marked by {who} ({program.exam.pass_percent:g}% or more, "
            "and every critical item)."
        )
    elif program.practical:
        parts.append("Have practical skills assessed and signed off by an instructor.")
    return " ".join(parts)


# --- what a record states publicly --------------------------------------------------------


def requirement_evidence(
    status: RequirementStatus, program: Program, quiz_titles: Mapping[str, str]
) -> dict[str, Any]:
    """A requirement as a record freezes it: the issuer's detail (which may hold a grade) and
    the public words, which never do."""
    met = status.state is State.DONE
    if status.kind == "lessons":
        public = f"Lessons: {status.detail} completed"
    elif status.kind == "quiz":
        name = quiz_titles.get(status.key) or status.key
        public = f"Quiz '{name}': {'passed' if met else 'not passed'}"
    elif status.kind == "attendance":
        attended = (
            f"at least {hours_words(program.attendance_hours)}" if met else status.detail
        )  # the detail reads "1.5 of 12 hours"
        public = f"Seminar attendance: {attended} present in person"
    elif status.kind == "practical" and status.detail.startswith(EXAM_PASSED):
        # Passed, and nothing more: the score, the rubric and the examiners stay private.
        public = "Practical skills: practical exam passed"
    elif status.kind == "practical" and program.exam is not None and not met:
        public = "Practical skills: practical exam not passed"
    elif status.kind == "practical":
        public = "Practical skills: " + ("signed off by an instructor" if met else "not signed off")
    else:
        public = f"{status.label}: {'met' if met else 'not met'}"
    return {
        "kind": status.kind,
        "key": status.key,
        "label": status.label,
        "detail": status.detail,
        "met": met,
        "public": public,
    }


def is_exception(record: IssuedRecord) -> bool:
    """Issued by the issuer's decision to someone who had not met every requirement. (A reason
    given only because an earlier record was revoked is no exception: everything was met.)"""
    return bool(record.override_reason) and not record.evidence.get("eligible", True)


def exception_words(record: IssuedRecord, issuer_name: str) -> str:
    """The public account of an exception, without its private reason."""
    by = record.evidence.get("issuer") or issuer_name
    on = record.evidence.get("issued_on")
    day = date.fromisoformat(on) if on else record.issued_at.date()
    return f"Issued by decision of {by} on {day_words(day)}; not every requirement was met."


@dataclass(frozen=True)
class PublicAccount:
    """What a record says to anyone, the same on the PDF, the verify page, the credential and
    the holder's e-mail."""

    summary: str  # one sentence: what the record attests
    exception: str  # "" or that it was issued by decision, and not every requirement was met
    met: tuple[str, ...]  # requirements met, in words
    not_met: tuple[str, ...]  # requirements not met (only a record issued by exception has any)
    details: tuple[str, ...]  # the public evidence: reading and quizzes, or sessions and CE


def public_account(record: IssuedRecord, *, issuer_name: str) -> PublicAccount:
    requirements = _requirements(record)
    met = tuple(r["public"] for r in requirements if r["met"])
    not_met = tuple(r["public"] for r in requirements if not r["met"])
    exception = exception_words(record, issuer_name) if is_exception(record) else ""
    if record.kind == RecordKind.COMPLETION:
        program = record.evidence.get("program", {})
        summary = (
            f"Every requirement of the {program.get('title', 'program')} (requirements version "
            f"{program.get('version', 1)}) was met."
        )
        details = _completion_details(record.evidence)
    else:
        summary = f"Attended in person for {hours_words(record.hours)} of CE, {PRESENCE}."
        details = _attendance_details(record.evidence)
    return PublicAccount(exception or summary, exception, met, not_met, details)


def _requirements(record: IssuedRecord) -> list[dict[str, Any]]:
    """The record's requirements with their public words; records issued before the words
    were frozen say what their label and outcome say (never a grade)."""
    out = []
    for r in record.evidence.get("requirements", []):
        public = r.get("public") or f"{r['label']}: {'met' if r['met'] else 'not met'}"
        out.append({"met": bool(r["met"]), "public": public})
    if not out and record.kind == RecordKind.ATTENDANCE and record.hours:
        out.append({"met": True, "public": _attended(record.hours)})
    return out


def _attended(hours: float) -> str:
    return f"Attendance: {hours_words(hours)} present in person, {PRESENCE}"


def attendance_requirements(hours: float, evaluation: bool | None) -> list[dict[str, Any]]:
    """What a CE attendance certificate asks: attended hours, and the course evaluation when
    the program requires one (None: it does not)."""
    out: list[dict[str, Any]] = [
        {
            "kind": "attendance",
            "key": "attendance",
            "label": "Attendance",
            "detail": hours_words(hours),
            "met": hours > 0,
            "public": _attended(hours) if hours > 0 else "Attendance: none recorded",
        }
    ]
    if evaluation is not None:
        out.append(
            {
                "kind": "evaluation",
                "key": "evaluation",
                "label": "Course evaluation",
                "detail": "submitted" if evaluation else "not submitted",
                "met": evaluation,
                "public": f"Course evaluation: {'submitted' if evaluation else 'not submitted'}",
            }
        )
    return out


def _completion_details(evidence: Mapping[str, Any]) -> tuple[str, ...]:
    lines = []
    reading = evidence.get("reading") or {}
    if minutes := int(reading.get("seconds", 0)) // 60:
        lines.append(f"Active reading time recorded: {_duration(minutes)}.")
    if quizzes := evidence.get("quizzes"):
        passed = ", ".join(
            f"{q['title']} ({day_words(date.fromisoformat(q['passed_on']))})" for q in quizzes
        )
        lines.append(f"Quizzes passed: {passed}.")
    return tuple(lines)


def _duration(minutes: int) -> str:
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _attendance_details(evidence: Mapping[str, Any]) -> tuple[str, ...]:
    lines = []
    if sessions := evidence.get("sessions"):
        attended = "; ".join(
            f"{s['title']}, {day_words(date.fromisoformat(s['date']))}: {s['hours']:g} h"
            for s in sessions
            if "date" in s
        )
        if attended:
            lines.append(f"Sessions attended: {attended}.")
    terms = evidence.get("ce")
    if terms:
        lines.append(f"Delivery: {terms['delivery']}.")
        provider = terms.get("provider") or {}
        numbers = "; ".join(
            f"{b['jurisdiction']} provider {b['number']}" for b in provider.get("numbers", [])
        )
        lines.append(
            f"CE provider: {provider.get('name', '')}" + (f" ({numbers})." if numbers else ".")
        )
        approvals = [ce.describe(ce.Approval.from_dict(a)) for a in terms.get("approvals", [])]
        if approvals:
            lines.append(f"Course approvals: {'; '.join(approvals)}.")
    return tuple(lines)


def narrative(record: IssuedRecord, *, issuer_name: str) -> str:
    """The credential's evidence narrative: the public account in a paragraph (no grades, no
    override reasons; those stay with the issuer)."""
    account = public_account(record, issuer_name=issuer_name)
    parts = [account.summary]
    if account.met:
        parts.append(f"Met: {'; '.join(account.met)}.")
    if account.not_met:
        parts.append(f"Not met: {'; '.join(account.not_met)}.")
    parts += account.details
    parts.append("The issuer holds the evidence.")
    return " ".join(parts)


# --- the credential's achievement -------------------------------------------------------


def achievement(
    record: IssuedRecord, issuer: Issuer, program: Program | None, *, image: str = ""
) -> Achievement:
    """What the credential awards. A completion record awards its program's achievement at the
    requirements version it was issued under (`program`, as it stood then), which carries no CE
    hours; a CE certificate, the attendance of its session or cohort, with the hours offered."""
    if record.kind == RecordKind.COMPLETION:
        assert program is not None
        version = record.evidence["program"]["version"]
        return Achievement(
            id=f"{issuer.id}#program-{program.slug}-v{version}",
            name=program.credential,
            description=(
                f"{program.title}, a course of {issuer.name} (requirements version {version}). "
                "The criteria say what it asks; each credential's evidence says what its holder "
                "met."
            ),
            criteria=program_criteria(program),
            hours=0.0,
            image=image,
        )
    scope = (
        f"session-{record.session_id}"
        if record.session_id
        else f"cohort-{record.evidence['cohort']['slug']}"
    )
    offered = sum(float(s.get("offered", 0)) for s in record.evidence.get("sessions", []))
    terms = record.evidence.get("ce") or {}
    delivery = f" ({terms['delivery'].lower()})" if terms.get("delivery") else ""
    return Achievement(
        id=f"{issuer.id}#ce-{scope}",
        name=record.title,
        description=(
            f"Continuing-education hours attended at {record.title.removeprefix(ATTENDANCE_TITLE)}"
            f"{delivery}, taught by {issuer.name}."
        ),
        criteria="Attend in person; presence is verified at check-in and check-out and hours "
        "are credited for the time present within each session.",
        hours=offered,
        image=image,
        approvals=tuple(ce.Approval.from_dict(a) for a in terms.get("approvals", [])),
    )


# --- the printed certificate --------------------------------------------------------------


@dataclass(frozen=True)
class CertificateWords:
    heading: str  # across the top of the printed certificate
    statement: str  # what the holder, named above it, did
    notice: str = ""  # a record issued by exception says so, in plain words
    lines: tuple[str, ...] = ()  # the small print: what was met, and the public evidence


def certificate_words(record: IssuedRecord, *, issuer_name: str) -> CertificateWords:
    account = public_account(record, issuer_name=issuer_name)
    lines: list[str] = []
    if account.met:
        lines.append(f"Requirements met: {'; '.join(account.met)}.")
    if account.not_met:
        lines.append(f"Not met: {'; '.join(account.not_met)}.")
    lines += account.details
    if record.kind == RecordKind.COMPLETION:
        program = record.evidence.get("program", {})
        course = f"the {program.get('title', 'program')} (requirements version " + (
            f"{program.get('version', 1)})"
        )
        statement = (
            f"was issued this record for {course}:"
            if account.exception
            else f"has met every requirement of {course}:"
        )
        return CertificateWords(
            "Certificate of Completion", statement, account.exception, tuple(lines)
        )
    statement = (
        "was issued this CE attendance record for:"
        if account.exception
        else f"attended in person, with {PRESENCE}:"
    )
    return CertificateWords("CE Attendance Certificate", statement, account.exception, tuple(lines))
