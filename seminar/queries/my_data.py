"""Everything the platform holds about one person, for them to download.

Generic over the tables: every row of every table with a column that points at the person
(or, for invitations and e-mail, holds their address), so a table added later is included
without code here. Secrets are left out: password and link hashes, calendar and signing data.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, or_, select

from seminar.db import db, now_utc
from seminar.models import User

# Columns never shown, in any table: they let someone in or are the platform's own secrets.
SECRET_COLUMNS = {
    "password_hash",
    "verifier_hash",
    "selector",
    "calendar_token",
    "active_key",
    "credential_jwt",
    "status_index",
    "checkin_code",
    "invite_code",
    "file_data",  # an uploaded certificate: downloaded from its own page, not inlined here
}
# The columns that make a row the person's own; others (issued_by_id, graded_by_id, actor_id,
# invited_by_id...) only say that they acted on someone else's, which is that person's data.
OWNER_COLUMNS = ("user_id", "holder_id", "subject_id")
# Rows that belong to one of the person's rows in another table: (column, that table).
CHILDREN = {
    "attempt_questions": ("attempt_id", "attempts"),
    "attendance_changes": ("attendance_id", "attendance"),
    "exam_marks": ("booking_id", "exam_bookings"),
}
TITLES = {
    "users": "Your account",
    "cohort_members": "Cohorts you belong to",
    "lesson_completions": "Lessons you completed",
    "lesson_readings": "Reading time",
    "attempts": "Quiz attempts",
    "accommodations": "Accommodations",
    "attendance": "Attendance at sessions",
    "attendance_credits": "Attendance hours credited",
    "attendance_changes": "Corrections to attendance",
    "practical_signoffs": "Practical assessments",
    "exam_bookings": "Practical exams booked, and their results",
    "exam_marks": "Examiners' marks of your practical exams",
    "student_progress": "Your standing on the dashboards",
    "live_participants": "Live quizzes joined",
    "live_answers": "Live quiz answers",
    "records": "Completion records",
    "audit_entries": "Audit log entries about you or by you",
    "login_sessions": "Devices logged in",
    "password_resets": "Password reset links (used or not)",
    "invitations": "Invitations",
    "outbox": "E-mail sent to you",
    "session_reminders": "Session reminders",
    "announcements": "Announcements you wrote",
    "declared_hours": "Hours you declared from other organisations",
    "attempt_questions": "Your answers in quiz attempts",
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _person_filter(table: Table, user: User) -> Any | None:
    if table.name == "users":
        return table.c.id == user.id
    if table.name in CHILDREN:
        column, parent_name = CHILDREN[table.name]
        parent = db.metadata.tables[parent_name]
        parents = select(parent.c.id).where(_person_filter(parent, user))
        return table.c[column].in_(parents)
    clauses = [table.c[name] == user.id for name in OWNER_COLUMNS if name in table.c]
    for name in ("email", "to_email"):  # invitations and e-mail name the address
        if name in table.c and table.name != "student_progress":
            clauses.append(table.c[name] == user.email)
    return or_(*clauses) if clauses else None


def export(user: User) -> dict[str, Any]:
    """{"exported_at", "tables": {name: {"title", "rows": [...]}}}: JSON-ready."""
    tables: dict[str, Any] = {}
    for table in db.metadata.sorted_tables:
        where = _person_filter(table, user)
        if where is None:
            continue
        shown = [c for c in table.columns if c.name not in SECRET_COLUMNS]
        rows = db.session.execute(select(*shown).where(where)).mappings().all()
        if rows:
            tables[table.name] = {
                "title": TITLES.get(table.name, table.name.replace("_", " ").capitalize()),
                "rows": [{k: _jsonable(v) for k, v in row.items()} for row in rows],
            }
    return {"exported_at": now_utc().isoformat(), "person": user.email, "tables": tables}
