"""Hours a person declares from another organisation's seminar (another SOTO-International
organisation's, say), with a certificate of attendance as evidence, and an admin's decision.

Only approved hours count towards a program's `admission: attended_hours:`. The evidence is
kept in the database (so every host serves it), at most MAX_EVIDENCE_BYTES, and only as a
PDF, PNG or JPEG recognised by its first bytes, whatever the file is called. Declaring,
approving and rejecting are in the audit log; a decision is taken once (of two admins deciding
at once, one wins and the other is told).
"""

from __future__ import annotations

from datetime import date

from seminar.core.errors import SeminarError
from seminar.core.levels import hours as hours_words
from seminar.core.text import refuse_unsafe_lines
from seminar.db import db, now_utc, update_if
from seminar.models import Decision, DeclaredHours, User
from seminar.queries.records import local_today
from seminar.services import audit

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
MAX_HOURS = 200  # one declaration: a long symposium, not a career
MAX_REASON = 1000
# The first bytes of each kind of file taken, and the type it is served as.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class DeclarationError(SeminarError):
    pass


def file_type(data: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def declare(
    user: User,
    *,
    organisation: str,
    course: str,
    attended_on: date | None,
    hours: float | None,
    file_name: str,
    file_data: bytes,
) -> DeclaredHours:
    organisation, course = " ".join(organisation.split()), " ".join(course.split())
    if not organisation:
        raise DeclarationError("Name the organisation that gave the seminar.", field="organisation")
    if not course:
        raise DeclarationError("Name the seminar or course.", field="course")
    if len(organisation) > 200 or len(course) > 200:
        raise DeclarationError("Keep it under 200 characters.", field="course")
    refuse_unsafe_lines(organisation=organisation, course=course)
    if attended_on is None:
        raise DeclarationError("Give the date of the seminar.", field="attended_on")
    if attended_on > local_today():
        raise DeclarationError("Declare hours once you have attended.", field="attended_on")
    if hours is None or not 0 < hours <= MAX_HOURS:
        raise DeclarationError(f"Hours are a number above 0, up to {MAX_HOURS}.", field="hours")
    if not file_data:
        raise DeclarationError(
            "Attach your certificate of attendance (PDF, PNG or JPEG).", field="evidence"
        )
    if len(file_data) > MAX_EVIDENCE_BYTES:
        raise DeclarationError(
            f"The file is larger than {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB: scan it at a "
            "lower resolution, or save it as a PDF.",
            field="evidence",
        )
    kind = file_type(file_data)
    if kind is None:
        raise DeclarationError(
            "The file is not a PDF, PNG or JPEG: save your certificate as one of these.",
            field="evidence",
        )
    entry = DeclaredHours(
        user_id=user.id,
        organisation=organisation,
        course=course,
        attended_on=attended_on,
        hours=round(float(hours), 2),
        file_name=(file_name or "evidence").rsplit("/", 1)[-1][-200:],
        file_type=kind,
        file_data=file_data,
        state=Decision.PENDING,
        reason="",
    )
    db.session.add(entry)
    db.session.flush()
    _log("declared_hours.add", entry, user, after=_snapshot(entry), actor=user)
    return entry


def decide(entry: DeclaredHours, *, approve: bool, reason: str, by: User) -> None:
    """Approve or reject pending hours; a rejection needs a reason (the person sees it)."""
    reason = reason.strip()
    if not approve and not reason:
        raise DeclarationError(
            "Say why the hours are rejected: the person reads it.", field="reason"
        )
    if len(reason) > MAX_REASON:
        raise DeclarationError(f"Keep the reason under {MAX_REASON} characters.", field="reason")
    state = Decision.APPROVED if approve else Decision.REJECTED
    if not update_if(
        DeclaredHours,
        DeclaredHours.id == entry.id,
        DeclaredHours.state == Decision.PENDING,
        state=state,
        reason=reason,
        decided_by_id=by.id,
        decided_at=now_utc(),
    ):
        raise DeclarationError("These hours were already decided (by another admin).")
    db.session.refresh(entry)
    _log(
        f"declared_hours.{'approve' if approve else 'reject'}",
        entry,
        entry.user,
        before={"state": Decision.PENDING.value},
        after=_snapshot(entry),
        reason=reason,
        actor=by,
    )


def set_licensed_on(user: User, licensed_on: date | None) -> None:
    """The date of first licensure, counted for programs that ask for years in practice."""
    if licensed_on is not None and licensed_on > local_today():
        raise DeclarationError("The licence date cannot be in the future.", field="licensed_on")
    if licensed_on is not None and licensed_on.year < 1900:
        raise DeclarationError("Give the year in full, e.g. 2019.", field="licensed_on")
    if licensed_on == user.licensed_on:
        return
    before = {"licensed_on": user.licensed_on}
    user.licensed_on = licensed_on
    db.session.flush()
    audit.log(
        "user.licensed_on",
        target_type="user",
        target_id=user.id,
        target_label=user.name,
        subject=user,
        before=before,
        after={"licensed_on": licensed_on},
        actor=user,
    )


def _snapshot(entry: DeclaredHours) -> dict[str, object]:
    return {
        "organisation": entry.organisation,
        "course": entry.course,
        "attended_on": entry.attended_on,
        "hours": entry.hours,
        "file": f"{entry.file_name} ({entry.file_type})",
        "state": entry.state.value,
    }


def _log(action: str, entry: DeclaredHours, user: User, **kwargs: object) -> None:
    audit.log(
        action,
        target_type="declared_hours",
        target_id=entry.id,
        target_label=f"{hours_words(entry.hours)} h at {entry.organisation}: {user.name}",
        subject=user,
        **kwargs,  # type: ignore[arg-type]
    )
