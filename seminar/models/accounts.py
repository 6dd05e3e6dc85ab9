"""What lets a person in: login sessions (one per device), invitations, password resets, and
the CSV imports that invite people by the thousand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar.db import db, now_utc


class LoginSession(db.Model):
    """A logged-in device. The login cookie (and the remember-me cookie, which carries the
    same identifier) is only good while this row exists: logging out deletes it."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    verifier_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    remember: Mapped[bool] = mapped_column(default=False)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ip_address: Mapped[str] = mapped_column(String(64), default="")


class Invitation(db.Model):
    """An e-mailed, single-use link to set one's own password (and join a cohort).

    `active_key` (e-mail and cohort) is set while the invitation is pending, so the same person
    is never invited twice to the same place at once; it is cleared when the invitation is
    accepted or withdrawn.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # As on the licence, when the inviter knew them (a CSV with the columns); else split from
    # the name when the account is made.
    first_name: Mapped[str | None] = mapped_column(String(120))
    last_name: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))  # the account's role
    licence_number: Mapped[str | None] = mapped_column(String(60))
    licence_state: Mapped[str | None] = mapped_column(String(60))
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    member_role: Mapped[str] = mapped_column(String(20), default="student")
    selector: Mapped[str] = mapped_column(String(32), unique=True)
    verifier_hash: Mapped[str] = mapped_column(String(64))
    active_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    sent_at: Mapped[datetime] = mapped_column(default=now_utc)  # the latest link's
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    cohort: Mapped[Any] = relationship("Cohort")
    invited_by: Mapped[Any] = relationship("User", foreign_keys=[invited_by_id])

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None

    def expired(self, now: datetime) -> bool:
        return self.expires_at <= now


class PasswordReset(db.Model):
    """A single-use link, valid for an hour, to set a new password."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    selector: Mapped[str] = mapped_column(String(32), unique=True)
    verifier_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ImportJob(db.Model):
    """A previewed CSV of people for a cohort, enrolled in committed batches.

    The valid rows are stored at preview; each batch enrols or invites the rows from `done`
    on and moves `done` forward in the same transaction, so a batch is all or nothing and the
    job can be resumed after any interruption.
    """

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    state: Mapped[str] = mapped_column(String(20), default="previewed")  # running|done|cancelled
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    skipped: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # rows with errors
    total: Mapped[int]
    done: Mapped[int] = mapped_column(default=0)
    enrolled: Mapped[int] = mapped_column(default=0)
    invited: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")

    cohort: Mapped[Any] = relationship("Cohort")

    def planned(self, action: str) -> int:
        """Rows the preview found would be enrolled ("enrol"), invited ("invite")..."""
        return sum(1 for row in self.rows if row.get("action") == action)

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.done * 100 // self.total
