"""Reads of the audit log: filters, newest first, and what each entry changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select

from seminar.models import AuditEntry, User

# What the filters offer, and how entries read.
ACTIONS = {
    "record.issue": "Record issued",
    "record.revoke": "Record revoked",
    "record.reissue": "Record reissued",
    "grade.essay": "Essay graded",
    "grade.accommodation": "Accommodation set",
    "practical.signoff": "Practical sign-off",
    "exam.slot": "Exam slot opened",
    "exam.book": "Exam booked",
    "exam.cancel": "Exam booking cancelled",
    "exam.marks": "Exam marked",
    "attendance.present": "Marked present",
    "attendance.correct": "Attendance corrected",
    "attendance.close": "Checked out at the close",
    "attendance.reopen": "Present again (check-in reopened)",
    "session.close": "Session closed",
    "session.reopen": "Session reopened for check-in",
    "roster.report": "Roster reported",
    "user.role": "Role changed",
    "user.invite": "Invited",
    "invitation.withdraw": "Invitation withdrawn",
    "user.erase": "Person erased",
    "enrolment.add": "Enrolled",
    "enrolment.remove": "Unenrolled",
    "declared_hours.add": "Hours declared",
    "declared_hours.approve": "Declared hours approved",
    "declared_hours.reject": "Declared hours rejected",
    "user.licensed_on": "Licence date set",
    "record.renew": "Record renewed",
}


# What each action reads as after the person who did it: "Ines revoked record WAWH-…".
_VERBS = {
    "record.issue": "issued record",
    "record.revoke": "revoked record",
    "record.reissue": "reissued record",
    "grade.essay": "graded an essay of",
    "grade.accommodation": "set an accommodation for",
    "practical.signoff": "signed off the practical of",
    "attendance.present": "marked present",
    "attendance.correct": "corrected the attendance of",
    "attendance.close": "closed",
    "roster.report": "reported the roster of",
    "user.role": "changed the role of",
    "user.invite": "invited",
    "invitation.withdraw": "withdrew the invitation of",
    "user.erase": "erased",
    "enrolment.add": "enrolled",
    "enrolment.remove": "unenrolled",
}


def sentence(entry: AuditEntry) -> str:
    """The entry as a sentence, without its time or reason: "Avery Admin revoked record
    P6NN-2T95-KY2B-5QRY (Certificate of Completion: …: Alex Fischer)"."""
    verb = _VERBS.get(entry.action, ACTIONS.get(entry.action, entry.action).lower())
    who = entry.actor_label.split(" <", 1)[0] or "Someone"
    who = who[:1].upper() + who[1:]  # "command line" starts a sentence too
    target = entry.target_label or f"{entry.target_type} {entry.target_id}"
    record = (entry.after or entry.before or {}).get("id") if verb.endswith("record") else None
    if record:
        return f"{who} {verb} {record} ({target})"
    if verb.endswith("record"):
        return f"{who} {verb}: {target}"
    return f"{who} {verb} {target}"


def changes(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field the entry changed, or set, or cleared."""
    before, after = entry.before or {}, entry.after or {}
    fields = list(dict.fromkeys([*before, *after]))
    if entry.before is not None and entry.after is not None:
        fields = [f for f in fields if before.get(f) != after.get(f)]
    return [(f, before.get(f), after.get(f)) for f in fields]


@dataclass(frozen=True)
class Filters:
    action: str = ""
    actor: str = ""  # part of the actor's name or email
    person: str = ""  # part of the name or email of whom it concerns
    since: date | None = None
    until: date | None = None


def query(filters: Filters) -> Select[tuple[AuditEntry]]:
    """Newest first, narrowed by the filters."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.actor:
        stmt = stmt.where(func.lower(AuditEntry.actor_label).contains(filters.actor.lower()))
    if filters.person:
        needle = f"%{filters.person.lower()}%"
        people = select(User.id).where(
            or_(func.lower(User.name).like(needle), func.lower(User.email).like(needle))
        )
        stmt = stmt.where(
            or_(AuditEntry.subject_id.in_(people), func.lower(AuditEntry.target_label).like(needle))
        )
    if filters.since:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(filters.since, time(), UTC))
    if filters.until and filters.until < date.max:  # through the last day there is
        next_day = datetime.combine(filters.until + timedelta(days=1), time(), UTC)
        stmt = stmt.where(AuditEntry.at < next_day)
    return stmt
