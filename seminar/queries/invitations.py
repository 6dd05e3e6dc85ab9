"""Reads behind account links (invitations, password resets) and the pending invitations
staff see, with how their e-mail went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select

from seminar.core import tokens
from seminar.db import db, now_utc
from seminar.models import Cohort, Invitation, OutboxMessage, PasswordReset

Linked = TypeVar("Linked", Invitation, PasswordReset)


def _by_token(model: type[Linked], token: str) -> Linked | None:
    """The row a link names by its selector, if the link's secret matches (constant time)."""
    secret = tokens.split(token)
    if secret is None:
        return None
    row = db.session.execute(
        select(model).where(model.selector == secret.selector)
    ).scalar_one_or_none()
    if row is None or not tokens.matches(secret.verifier, row.verifier_hash):
        return None
    return row


def reset_for(token: str) -> PasswordReset | None:
    """The unused, unexpired password reset of a link."""
    reset = _by_token(PasswordReset, token)
    if reset is None or reset.used_at is not None or reset.expires_at <= now_utc():
        return None
    return reset


def invitation_for(token: str) -> Invitation | None:
    """The pending, unexpired invitation of a link."""
    invitation = _by_token(Invitation, token)
    if invitation is None or not invitation.pending or invitation.expired(now_utc()):
        return None
    return invitation


@dataclass(frozen=True)
class Pending:
    invitation: Invitation
    expired: bool
    mail: str  # "sent", "queued", "failed"
    mail_at: datetime | None
    mail_error: str


def pending(cohort: Cohort | None = None, *, limit: int = 200) -> list[Pending]:
    """Invitations not yet accepted or withdrawn (newest first), each with its latest e-mail."""
    query: Select[Any] = (
        select(Invitation)
        .where(Invitation.accepted_at.is_(None), Invitation.withdrawn_at.is_(None))
        .order_by(Invitation.sent_at.desc(), Invitation.id.desc())
        .limit(limit)
    )
    if cohort is not None:
        query = query.where(Invitation.cohort_id == cohort.id)
    invitations = db.session.scalars(query).all()
    latest = (
        select(func.max(OutboxMessage.id))
        .where(OutboxMessage.invitation_id.in_([i.id for i in invitations]))
        .group_by(OutboxMessage.invitation_id)
    )
    mails = {
        m.invitation_id: m
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(latest)))
    }
    now = now_utc()
    out = []
    for invitation in invitations:
        mail = mails.get(invitation.id)
        state = "queued"
        if mail is not None and mail.sent_at is not None:
            state = "sent"
        elif mail is not None and mail.last_error:
            state = "failed"
        out.append(
            Pending(
                invitation,
                invitation.expired(now),
                state,
                mail.sent_at if mail is not None else None,
                mail.last_error if mail is not None else "",
            )
        )
    return out


def count_pending(cohort: Cohort | None = None) -> int:
    query = (
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.accepted_at.is_(None), Invitation.withdrawn_at.is_(None))
    )
    if cohort is not None:
        query = query.where(Invitation.cohort_id == cohort.id)
    return int(db.session.scalar(query) or 0)
