"""Erasing a person: what CE rules require is kept, anonymised; everything else is deleted.

Kept: attendance and the hours credited from it (a licensing board may ask for them), issued
records (each is a frozen copy with the holder's name, which the verify page shows), and the
audit log (append-only). The account row stays, so those keep pointing somewhere, but without
e-mail, password, calendar secret or login: its name stays only where a record was issued to
it (as the records themselves do), else it becomes "Erased person N". Deleted: progress,
reading time, quiz attempts, live answers, accommodations, sign-offs, exam bookings (a seat in a
sitting still to come goes back), declared hours, memberships, logins,
links, reminders and the e-mail sent to the address. An audit entry says who erased whom.
"""

from __future__ import annotations

import secrets

from sqlalchemy import delete, func, or_, select
from werkzeug.security import generate_password_hash

from seminar.core.errors import NotAllowed
from seminar.db import db
from seminar.models import (
    Accommodation,
    Attempt,
    CohortMember,
    DeclaredHours,
    ExamBooking,
    ImportJob,
    Invitation,
    LessonCompletion,
    LessonReading,
    LiveAnswer,
    LiveParticipant,
    LoginSession,
    OutboxMessage,
    PasswordReset,
    PracticalSignoff,
    Record,
    Role,
    SessionReminder,
    StudentProgress,
    User,
)
from seminar.services import audit, exam_slots, standing

# What belongs to the person alone, deleted row by row: (model, its column naming the person).
DELETED = (
    (LessonCompletion, LessonCompletion.user_id),
    (LessonReading, LessonReading.user_id),
    (Attempt, Attempt.user_id),  # their questions and answers go with them (ON DELETE CASCADE)
    (Accommodation, Accommodation.user_id),
    (LiveAnswer, LiveAnswer.user_id),
    (LiveParticipant, LiveParticipant.user_id),
    (PracticalSignoff, PracticalSignoff.user_id),
    (ExamBooking, ExamBooking.user_id),  # the examiners' sheets go with it (ON DELETE CASCADE)
    (StudentProgress, StudentProgress.user_id),
    (CohortMember, CohortMember.user_id),
    (SessionReminder, SessionReminder.user_id),
    (LoginSession, LoginSession.user_id),
    (PasswordReset, PasswordReset.user_id),
    (DeclaredHours, DeclaredHours.user_id),  # with the certificates uploaded as evidence
)


def pseudonym(user_id: int) -> str:
    return f"Erased person {user_id}"


def erase(user: User, *, by: User, confirm: str) -> dict[str, int]:
    """Erase the person (the admin types their e-mail to confirm); counts of what went."""
    if confirm.strip().lower() != user.email:
        raise NotAllowed("Type the person's e-mail address exactly to confirm.", field="confirm")
    if user.id == by.id:
        raise NotAllowed("You cannot erase your own account; ask another admin.", field="confirm")
    if user.role == Role.ADMIN:
        raise NotAllowed("Make this admin a student first (People), then erase.", field="confirm")
    email = user.email
    exam_slots.release_seats_of(user.id)
    standing.shown_moved(  # their rows leave these dashboards
        db.session.scalars(
            select(StudentProgress.cohort_id).where(StudentProgress.user_id == user.id)
        )
    )
    deleted: dict[str, int] = {}
    for model, column in DELETED:
        deleted[model.__tablename__] = db.session.execute(
            delete(model).where(column == user.id)
        ).rowcount
    deleted["invitations"] = db.session.execute(
        delete(Invitation).where(or_(Invitation.user_id == user.id, Invitation.email == email))
    ).rowcount
    deleted["outbox"] = db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.to_email == email)
    ).rowcount
    _scrub_imports(email)
    holds_records = bool(
        db.session.scalar(
            select(func.count()).select_from(Record).where(Record.holder_id == user.id)
        )
    )
    user.email = f"erased-{user.id}@erased.invalid"
    if not holds_records:
        user.name = pseudonym(user.id)
        user.licence_number = user.licence_state = None
    user.password_hash = generate_password_hash(secrets.token_urlsafe(32), method="scrypt")
    user.active = False
    user.calendar_token = None
    user.last_login_at = None
    user.licensed_on = None
    audit.log(
        "user.erase",
        target_type="user",
        target_id=str(user.id),
        target_label=user.name if holds_records else pseudonym(user.id),
        before={k: v for k, v in deleted.items() if v},
        after={"name kept": holds_records},
        actor=by,
    )
    db.session.flush()
    return deleted


def _scrub_imports(email: str) -> None:
    """An unfinished CSV import keeps its rows until done, and every import the rows it could
    not take: blank the person's (in place: a running import counts rows by position)."""
    blank = {"email": "", "name": "", "licence_number": "", "licence_state": "", "erased": True}
    for job in db.session.scalars(select(ImportJob)):
        rows = [{**r, **blank} if r.get("email") == email else r for r in job.rows]
        skipped = [{**r, **blank} if r.get("email") == email else r for r in job.skipped]
        if rows != job.rows or skipped != job.skipped:
            job.rows, job.skipped = rows, skipped
