"""Completion records, the issuer's public keys, the audit log and the notification outbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar.core.record_ids import display
from seminar.core.record_wording import RecordKind
from seminar.db import db, now_utc
from seminar.models.content import enum_column


class Record(db.Model):
    """An issued record. What it attests is frozen in `evidence` when it is issued."""

    __tablename__ = "records"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 80 random bits in Crockford base32, without hyphens: the public identifier.
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[RecordKind] = mapped_column(enum_column(RecordKind))
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("seminar_sessions.id"))
    # Who and what the record is for (holder, kind, cohort or session); kept for good.
    scope_key: Mapped[str] = mapped_column(String(120), index=True)
    # The scope key while the record is current: one current record per holder and subject,
    # enforced by the unique index, so issuing twice (or two admins at once) cannot duplicate it.
    active_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    holder_name: Mapped[str] = mapped_column(String(120))
    holder_licence: Mapped[str] = mapped_column(String(130), default="")
    title: Mapped[str] = mapped_column(String(300))  # what was completed
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    completed_on: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(default=now_utc)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_on: Mapped[date | None]
    recertify_on: Mapped[date | None]
    override_reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Position in the revocation status list (random, unique: see services/issuing.py).
    status_index: Mapped[int] = mapped_column(unique=True)
    credential_jwt: Mapped[str] = mapped_column(Text)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    superseded_at: Mapped[datetime | None]

    holder: Mapped[Any] = relationship("User", foreign_keys=[holder_id])
    issued_by: Mapped[Any] = relationship("User", foreign_keys=[issued_by_id])
    cohort: Mapped[Any] = relationship("Cohort")
    superseded_by: Mapped[Record | None] = relationship(
        remote_side=[id], foreign_keys=[superseded_by_id]
    )

    @property
    def display_id(self) -> str:
        return display(self.public_id)


class AuditEntry(db.Model):
    """Who changed what, when, from what to what. Rows are only ever added."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(300))  # kept if the account goes
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. "record.issue"
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(60))
    target_label: Mapped[str] = mapped_column(String(300), default="")
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")


class OutboxMessage(db.Model):
    """An email to send. Written in the same transaction as what it announces, delivered
    afterwards, so a mail server that is down never blocks or loses anything."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    to_email: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(120), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text, default="", server_default="")  # the HTML part
    kind: Mapped[str] = mapped_column(String(40), default="", server_default="")  # its template
    # Holds a link that lets its reader in (invitation, reset): its text is not shown to admins.
    private: Mapped[bool] = mapped_column(default=False, server_default="0")
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL"), index=True
    )
    sent_at: Mapped[datetime | None]
    tries: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # After a failure, no new try before this (the wait doubles with each failure).
    next_attempt_at: Mapped[datetime | None]


class IssuerKey(db.Model):
    """A public key the issuer has signed records with. The key set publishes every one of
    them, current and retired, so that a credential signed before a rotation keeps verifying;
    the private keys are never here (the current one is in its file or the configuration)."""

    __tablename__ = "issuer_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    thumbprint: Mapped[str] = mapped_column(String(64), unique=True)  # RFC 7638
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)  # kty, crv, x, y
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    retired_at: Mapped[datetime | None]  # replaced by a newer key; still published
