"""Issuing completion records: to chosen students of a cohort, all or nothing. Each record
freezes its evidence, is signed once as an Open Badges 3.0 credential, and is audited and
announced to its holder in the caller's transaction.

One current record per holder and scope is the database's to keep (the unique `active_key`),
not this code's: two admins issuing at once cannot both succeed, whatever either has read.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from seminar.core import credentials, record_ids
from seminar.core import record_wording as wording
from seminar.core.content.programs import Program as ProgramSpec
from seminar.core.errors import RecordError
from seminar.db import db, now_utc
from seminar.models import Cohort, Record, RecordKind, SeminarSession, User
from seminar.queries import issuer
from seminar.queries.eligibility import Candidate, candidates, scope_key
from seminar.queries.records import local_today
from seminar.queries.standing import program_of
from seminar.services import audit, keys, record_mail

MAX_REASON = 500
# Passes at issuing before a race is reported: each lost race means another admin's record
# now exists, which the next pass finds and returns, so a second pass almost always suffices.
PASSES = 3


class OverrideNeeded(RecordError):
    """Some chosen students need a reason before they can be issued the record."""

    def __init__(self, needing: list[Candidate]) -> None:
        self.user_ids = [c.user_id for c in needing]
        groups = (
            ("Not eligible", [c.name for c in needing if not c.eligible]),
            ("Revoked before", [c.name for c in needing if c.eligible]),  # hence the reason
        )
        who = " ".join(f"{label}: {', '.join(names)}." for label, names in groups if names)
        super().__init__(f"{who} To issue anyway, give a reason for the override.")


@dataclass(frozen=True)
class Issued:
    record: Record
    created: bool  # False: the holder already had this record (nothing was issued twice)


def issue(
    cohort: Cohort,
    kind: RecordKind,
    user_ids: Iterable[int],
    *,
    actor: User | None = None,
    session: SeminarSession | None = None,
    overrides: Mapping[int, str] | None = None,
    today: date | None = None,
) -> list[Issued]:
    """Issue records to these students of the cohort, all or nothing.

    A student who does not meet the requirements needs an override reason in `overrides`;
    a student who already holds the record gets that same record back.
    """
    overrides = {k: v.strip() for k, v in (overrides or {}).items() if v and v.strip()}
    if any(len(v) > MAX_REASON for v in overrides.values()):
        raise RecordError(f"Keep an override reason under {MAX_REASON} characters.")
    wanted = list(dict.fromkeys(user_ids))
    for attempt in range(PASSES):
        found = {c.user_id: c for c in candidates(cohort, kind, session=session, user_ids=wanted)}
        if any(i not in found for i in wanted):
            raise RecordError("Only students of this cohort can be issued its records.")
        needing = [found[i] for i in wanted if found[i].needs_reason and i not in overrides]
        if needing:
            raise OverrideNeeded(needing)
        try:
            return _issue(
                cohort, kind, [found[i] for i in wanted], actor, session, overrides, today
            )
        except IntegrityError:
            # Someone issued the same record (unique active_key) or took the same status index
            # (unique status_index) at this moment. This race is ours to settle: undo this
            # pass and read again; the next one finds their record and returns it.
            db.session.rollback()
            if attempt == PASSES - 1:
                raise
    raise AssertionError("unreachable")


def _issue(
    cohort: Cohort,
    kind: RecordKind,
    chosen: list[Candidate],
    actor: User | None,
    session: SeminarSession | None,
    overrides: Mapping[int, str],
    today: date | None,
) -> list[Issued]:
    program = program_of(cohort)
    users = {
        u.id: u
        for u in db.session.scalars(select(User).where(User.id.in_([c.user_id for c in chosen])))
    }
    taken = taken_status_indexes()
    who = audit.acting_user(actor)
    today = today or local_today()
    issued_by = issuer.issuer().name
    out: list[Issued] = []
    for candidate in chosen:
        if candidate.existing is not None:
            out.append(Issued(candidate.existing, False))
            continue
        user = users[candidate.user_id]
        key = scope_key(kind, cohort, user.id, session and session.id)
        if candidate.renews is not None:
            # The expired record gives way to its renewal. Conditional on it still holding the
            # key: if a racing issue renewed it first, this frees nothing and the insert below
            # fails on the unique active_key, which `issue` settles.
            db.session.execute(
                update(Record)
                .where(Record.id == candidate.renews.id, Record.active_key == key)
                .values(active_key=None)
            )
        completed_on = candidate.completed_on or today
        record = new_record(
            user,
            who=who,
            taken=taken,
            kind=kind,
            cohort_id=cohort.id,
            session_id=session.id if session else None,
            scope_key=key,
            title=wording.title(
                kind,
                credential=program.credential,
                place=session.title if session else cohort.title,
            ),
            # A Certificate of Completion states requirements met, never CE hours: those are
            # a CE attendance certificate's, credited from attendance.
            hours=candidate.hours if kind == RecordKind.ATTENDANCE else 0.0,
            completed_on=completed_on,
            override_reason=overrides.get(user.id) if candidate.needs_reason else None,
            evidence={
                **candidate.evidence,
                "eligible": candidate.eligible,
                # Who decided, and when, as an exception is worded publicly (frozen: a later
                # change of the issuer's name does not rewrite what was issued).
                "issuer": issued_by,
                "issued_on": today.isoformat(),
            },
        )
        if kind == RecordKind.COMPLETION:
            if program.validity_months:
                record.expires_on = wording.add_months(completed_on, program.validity_months)
            if program.recertify_months:
                record.recertify_on = wording.add_months(completed_on, program.recertify_months)
        add_signed(record, user, program)
        log_change(
            "record.issue",
            record,
            user.name,
            subject=user,
            after=snapshot(record),
            reason=record.override_reason or "",
            actor=actor,
        )
        record_mail.issued(record, user)
        out.append(Issued(record, True))
    db.session.flush()  # a record issued at this moment by someone else shows here
    return out


# --- what issuing and reissuing share ------------------------------------------------------


def new_record(holder: User, *, who: User | None, taken: set[int], **facts: Any) -> Record:
    """A current record (holding its scope key) for `holder`, in their name and licence as
    they are now, issued now by `who`, with a fresh identifier and status-list position;
    `facts` is what it attests (kind, scope, title, hours, dates, evidence)."""
    return Record(
        public_id=record_ids.new_public_id(),
        holder_id=holder.id,
        holder_name=holder.name,
        holder_licence=wording.licence(holder.licence_number, holder.licence_state),
        active_key=facts["scope_key"],
        issued_at=now_utc(),
        issued_by_id=who.id if who else None,
        status_index=free_status_index(taken),
        **facts,
    )


def add_signed(record: Record, holder: User, program: ProgramSpec | None) -> None:
    """Sign the record's credential (once: its status is published apart, in the status list)
    and add it; a duplicate current record or status index fails here, on the unique keys."""
    iss = issuer.issuer()
    key = issuer.signing_key()
    keys.remember(key)  # published for good, even if the key file is later replaced by hand
    account = wording.public_account(record, issuer_name=iss.name)
    award = credentials.Award(
        id=issuer.verify_url(record.public_id),
        subject_id=issuer.holder_urn(holder.id),
        holder_name=record.holder_name,
        holder_email=holder.email,
        email_salt=secrets.token_hex(8),
        achievement=wording.achievement(
            record, iss, program, image=issuer.badge_image_url(record.kind.value)
        ),
        hours=record.hours,
        issued_at=record.issued_at,
        expires_on=record.expires_on,
        evidence=wording.narrative(record, issuer_name=iss.name),
        status_list_url=issuer.status_list_url(),
        status_index=record.status_index,
        summary=account.summary,
        achievement_type=(
            "CertificateOfCompletion" if record.kind == RecordKind.COMPLETION else "Achievement"
        ),
    )
    record.credential_jwt = credentials.sign_credential(
        credentials.open_badge(award, iss), key, kid=issuer.key_id(key.thumbprint())
    )
    db.session.add(record)
    db.session.flush()


def taken_status_indexes() -> set[int]:
    return set(db.session.scalars(select(Record.status_index)))


def free_status_index(taken: set[int]) -> int:
    """A random free position: sequential positions would let a verifier who sees one
    record's index guess its neighbours' (the status list recommends random). Two issuers
    picking the same one at once collide on the unique status_index, and the loser retries."""
    if len(taken) >= credentials.STATUS_LIST_BITS:
        raise RecordError("The status list is full; no more records can be issued.")
    while True:
        index = secrets.randbelow(credentials.STATUS_LIST_BITS)
        if index not in taken:
            taken.add(index)
            return index


def snapshot(record: Record) -> dict[str, Any]:
    """A record as the audit log keeps it, before and after a change."""
    return {
        "id": record.display_id,
        "kind": record.kind.value,
        "holder": record.holder_name,
        "licence": record.holder_licence,
        "title": record.title,
        "hours": record.hours,
        "completed_on": record.completed_on,
        "expires_on": record.expires_on,
        "revoked": record.revoked_at is not None,
        "superseded_by": record.superseded_by.display_id if record.superseded_by else None,
        "override_reason": record.override_reason,
    }


def log_change(
    action: str,
    record: Record,
    holder_name: str,
    *,
    subject: User | int,
    after: dict[str, Any],
    reason: str,
    actor: User | None,
    before: dict[str, Any] | None = None,
) -> None:
    audit.log(
        action,
        target_type="record",
        target_id=record.public_id,
        target_label=f"{record.title}: {holder_name}",
        subject=subject,
        before=before,
        after=after,
        reason=reason,
        actor=actor,
    )
