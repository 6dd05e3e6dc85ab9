"""Completion records: who may get one, issuing (one or a cohort at once), revoking, reissuing.

A record freezes its evidence when issued. Every change writes an audit entry and queues an
email in the same transaction; the signed credential is made once, at issue, and its status
(revoked or not) is published separately in the status list, so revocation never needs the
holder's copy to change.
"""

from __future__ import annotations

import calendar
import secrets
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from joserfc.jwk import ECKey
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from seminar import credentials, record_ids
from seminar.certification import State
from seminar.content.programs import Program as ProgramSpec
from seminar.db import db, now_utc
from seminar.errors import SeminarError
from seminar.models import (
    Attempt,
    AttemptState,
    Attendance,
    AttendanceCredit,
    Cohort,
    Quiz,
    Record,
    RecordKind,
    SeminarSession,
    User,
)
from seminar.progress import StudentStatus, cohort_statuses, program_of
from seminar.services import audit, notifications
from seminar.services.sessions import cohort_instructors

_KEY_CACHE = "seminar_issuer_key"


class RecordError(SeminarError):
    pass


class RecordStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"


def status_of(record: Record, today: date | None = None) -> RecordStatus:
    if record.revoked_at is not None:
        return RecordStatus.REVOKED
    if record.superseded_by_id is not None:
        return RecordStatus.SUPERSEDED
    if record.expires_on is not None and record.expires_on < (today or today_utc()):
        return RecordStatus.EXPIRED
    return RecordStatus.VALID


# --- the issuer ---------------------------------------------------------------------------


def base_url(app: Flask | None = None) -> str:
    return str((app or current_app).config["BASE_URL"]).rstrip("/")


def issuer() -> credentials.Issuer:
    config = current_app.config
    base = base_url()
    return credentials.Issuer(
        id=f"{base}/issuer",
        name=config["ISSUER_NAME"],
        url=config.get("ISSUER_URL") or base,
        email=config.get("ISSUER_EMAIL") or "",
    )


def signing_key() -> ECKey:
    """The issuer key: `ISSUER_KEY` (PEM) if configured, else `instance/issuer_key.pem`."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = app.extensions.get(_KEY_CACHE)
    if key is None:
        path = Path(app.config.get("ISSUER_KEY_FILE") or Path(app.instance_path) / "issuer_key.pem")
        key = credentials.load_or_create_key(path, app.config.get("ISSUER_KEY"))
        app.extensions[_KEY_CACHE] = key
    return key


def verify_url(public_id: str) -> str:
    return f"{base_url()}/verify/{record_ids.display(public_id)}"


def status_list_url() -> str:
    return f"{base_url()}/status/1"


def revoked_indexes() -> list[int]:
    """Status-list positions of every record that is no longer current."""
    return list(
        db.session.scalars(
            select(Record.status_index).where(
                or_(Record.revoked_at.is_not(None), Record.superseded_by_id.is_not(None))
            )
        )
    )


def status_list_jwt() -> str:
    credential = credentials.status_list_credential(
        list_url=status_list_url(), issuer=issuer(), revoked=revoked_indexes(), now=now_utc()
    )
    return credentials.sign_credential(credential, signing_key())


# --- who gets what ------------------------------------------------------------------------


@dataclass
class Candidate:
    """One student of a cohort, as a possible holder of a record of one kind."""

    user_id: int
    name: str
    email: str
    eligible: bool
    missing: list[str]
    hours: float
    existing: Record | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    completed_on: date | None = None


def active_key(kind: RecordKind, cohort: Cohort, user_id: int, session_id: int | None) -> str:
    scope = f"session:{session_id}" if session_id is not None else f"cohort:{cohort.id}"
    return f"{kind.value}:{scope}:user:{user_id}"


def candidates(
    cohort: Cohort,
    kind: RecordKind,
    *,
    session: SeminarSession | None = None,
    user_ids: Iterable[int] | None = None,
) -> list[Candidate]:
    """Every student of the cohort (or the given ones) with what they would be issued, in a
    fixed number of queries whatever the cohort's size."""
    if session is not None and (kind != RecordKind.ATTENDANCE or session.cohort_id != cohort.id):
        raise RecordError("A session certificate is a CE attendance certificate of its cohort.")
    statuses = cohort_statuses(cohort, None if user_ids is None else list(user_ids))
    ids = [s.user_id for s in statuses]
    attended = _attendance(cohort, ids, session)
    existing = {
        r.active_key: r
        for r in db.session.scalars(
            select(Record).where(
                Record.active_key.in_(
                    [active_key(kind, cohort, i, session and session.id) for i in ids]
                )
            )
        )
    }
    program = program_of(cohort)
    if kind == RecordKind.COMPLETION:
        passed_on = _quiz_dates(program, ids)
        credited = _credited_hours(cohort, ids)
    instructors = [u.name for u in cohort_instructors(cohort)]
    out = []
    for status in statuses:
        sessions = attended.get(status.user_id, [])
        hours = round(sum(s["hours"] for s in sessions), 2)
        if kind == RecordKind.COMPLETION:
            # Every credited hour counts towards the program, sessions or otherwise.
            hours = round(credited.get(status.user_id, 0.0), 2)
            eligible = status.eligibility.eligible
            missing = [
                f"{r.label}: {r.missing}"
                for r in status.eligibility.requirements
                if r.state is not State.DONE
            ]
            evidence = _completion_evidence(
                cohort, program, status, sessions, passed_on.get(status.user_id, {})
            )
        else:
            eligible = hours > 0
            missing = [] if eligible else ["No attended hours"]
            evidence = {"sessions": sessions}
        evidence.update(
            cohort={"slug": cohort.slug, "title": cohort.title},
            hours=hours,
            instructors=instructors,
        )
        dates = [date.fromisoformat(s["date"]) for s in sessions]
        dates += [date.fromisoformat(q["passed_on"]) for q in evidence.get("quizzes", [])]
        if practical := evidence.get("practical"):
            dates.append(date.fromisoformat(practical["assessed_on"]))
        out.append(
            Candidate(
                user_id=status.user_id,
                name=status.name,
                email=status.email,
                eligible=eligible,
                missing=missing,
                hours=hours,
                existing=existing.get(
                    active_key(kind, cohort, status.user_id, session and session.id)
                ),
                evidence=evidence,
                completed_on=max(dates) if dates and eligible else None,
            )
        )
    return out


def _attendance(
    cohort: Cohort, ids: list[int], session: SeminarSession | None
) -> dict[int, list[dict[str, Any]]]:
    query = (
        select(Attendance.user_id, SeminarSession.title, SeminarSession.starts_at, Attendance.hours)
        .join(SeminarSession, Attendance.session_id == SeminarSession.id)
        .where(
            SeminarSession.cohort_id == cohort.id,
            Attendance.user_id.in_(ids),
            Attendance.hours > 0,
        )
        .order_by(SeminarSession.starts_at)
    )
    if session is not None:
        query = query.where(SeminarSession.id == session.id)
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for user_id, title, starts_at, hours in db.session.execute(query):
        out[user_id].append(
            {"title": title, "date": starts_at.date().isoformat(), "hours": float(hours)}
        )
    return out


def _credited_hours(cohort: Cohort, ids: list[int]) -> dict[int, float]:
    return {
        user_id: float(hours or 0)
        for user_id, hours in db.session.execute(
            select(AttendanceCredit.user_id, func.sum(AttendanceCredit.hours))
            .where(AttendanceCredit.cohort_id == cohort.id, AttendanceCredit.user_id.in_(ids))
            .group_by(AttendanceCredit.user_id)
        )
    }


def _quiz_dates(program: ProgramSpec, ids: list[int]) -> dict[int, dict[str, date]]:
    """When each student last submitted each of the program's quizzes."""
    slugs = [q.slug for q in program.quizzes]
    out: dict[int, dict[str, date]] = defaultdict(dict)
    for user_id, slug, when in db.session.execute(
        select(Attempt.user_id, Quiz.slug, func.max(Attempt.submitted_at))
        .join(Quiz, Attempt.quiz_id == Quiz.id)
        .where(
            Attempt.user_id.in_(ids),
            Quiz.slug.in_(slugs),
            Attempt.state == AttemptState.SUBMITTED,
        )
        .group_by(Attempt.user_id, Quiz.slug)
    ):
        if when is not None:
            moment = when if isinstance(when, datetime) else datetime.fromisoformat(str(when))
            out[user_id][slug] = moment.date()
    return out


def _completion_evidence(
    cohort: Cohort,
    program: ProgramSpec,
    status: StudentStatus,
    sessions: list[dict[str, Any]],
    passed_on: Mapping[str, date],
) -> dict[str, Any]:
    version = cohort.program_version
    quizzes = []
    for requirement in status.eligibility.requirements:
        if requirement.kind != "quiz":
            continue
        fact = status.quiz_results.get(requirement.key)
        when = passed_on.get(requirement.key)
        if fact is not None and fact.result is not None and when is not None:
            quizzes.append(
                {
                    "slug": requirement.key,
                    "title": requirement.label.removeprefix("Quiz: "),
                    "score": round(fact.result, 1),
                    "passed_on": when.isoformat(),
                }
            )
    practical = status.practical
    return {
        "program": {
            "slug": program.slug,
            "title": program.title,
            "credential": program.credential,
            "version": version.number,
        },
        "requirements": [
            {"label": r.label, "detail": r.detail, "met": r.state is State.DONE}
            for r in status.eligibility.requirements
        ],
        "quizzes": quizzes,
        "sessions": sessions,
        "practical": {
            "passed": practical.passed,
            "assessed_on": practical.assessed_on.isoformat(),
            "assessor": practical.assessor.name,
        }
        if practical is not None and practical.passed
        else None,
    }


# --- issuing ------------------------------------------------------------------------------


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
    wanted = list(dict.fromkeys(user_ids))
    for attempt in range(3):
        found = {c.user_id: c for c in candidates(cohort, kind, session=session, user_ids=wanted)}
        unknown = [i for i in wanted if i not in found]
        if unknown:
            raise RecordError("Only students of this cohort can be issued its records.")
        blocked = [found[i] for i in wanted if not found[i].eligible and not found[i].existing]
        if refused := [c for c in blocked if c.user_id not in overrides]:
            names = ", ".join(c.name for c in refused)
            raise RecordError(
                f"Not eligible: {names}. To issue anyway, give a reason for the override."
            )
        try:
            return _issue(
                cohort, kind, [found[i] for i in wanted], actor, session, overrides, today
            )
        except IntegrityError:
            # Someone issued the same record (or took the same status index) at this moment:
            # start again; the second pass finds their record and returns it.
            db.session.rollback()
            if attempt == 2:
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
    taken = set(db.session.scalars(select(Record.status_index)))
    who = audit.acting_user(actor)
    out: list[Issued] = []
    created: list[Record] = []
    for candidate in chosen:
        if candidate.existing is not None:
            out.append(Issued(candidate.existing, False))
            continue
        user = users[candidate.user_id]
        completed_on = candidate.completed_on or today or today_utc()
        record = Record(
            public_id=record_ids.new_public_id(),
            kind=kind,
            holder_id=user.id,
            cohort_id=cohort.id,
            session_id=session.id if session else None,
            active_key=active_key(kind, cohort, user.id, session and session.id),
            holder_name=user.name,
            holder_licence=_licence(user),
            title=_title(kind, program, cohort, session),
            hours=candidate.hours,
            completed_on=completed_on,
            issued_at=now_utc(),
            issued_by_id=who.id if who else None,
            override_reason=overrides.get(user.id) if not candidate.eligible else None,
            evidence={**candidate.evidence, "eligible": candidate.eligible},
            status_index=_free_index(taken),
        )
        if kind == RecordKind.COMPLETION:
            if program.validity_months:
                record.expires_on = add_months(completed_on, program.validity_months)
            if program.recertify_months:
                record.recertify_on = add_months(completed_on, program.recertify_months)
        record.credential_jwt = _sign(record, user, program, cohort, session)
        db.session.add(record)
        db.session.flush()
        audit.log(
            "record.issue",
            target_type="record",
            target_id=record.public_id,
            target_label=f"{record.title}: {user.name}",
            subject=user,
            after=_snapshot(record),
            reason=record.override_reason or "",
            actor=actor,
        )
        _notify(record, user, "issued")
        created.append(record)
        out.append(Issued(record, True))
    db.session.commit()
    if created:
        notifications.dispatch()
    return out


def _licence(user: User) -> str:
    if not user.licence_number:
        return ""
    return (
        f"{user.licence_number} ({user.licence_state})"
        if user.licence_state
        else user.licence_number
    )


def _title(
    kind: RecordKind, program: ProgramSpec, cohort: Cohort, session: SeminarSession | None
) -> str:
    if kind == RecordKind.COMPLETION:
        return program.credential
    return f"CE attendance: {session.title if session else cohort.title}"


def _free_index(taken: set[int]) -> int:
    """A random free position: sequential positions would let a verifier who sees one
    record's index guess its neighbours' (the status list recommends random)."""
    if len(taken) >= credentials.STATUS_LIST_BITS:
        raise RecordError("The status list is full; no more records can be issued.")
    while True:
        index = secrets.randbelow(credentials.STATUS_LIST_BITS)
        if index not in taken:
            taken.add(index)
            return index


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _achievement(
    record: Record, program: ProgramSpec, cohort: Cohort, session: SeminarSession | None
) -> credentials.Achievement:
    iss = issuer()
    evidence = record.evidence
    if record.kind == RecordKind.COMPLETION:
        version = evidence["program"]["version"]
        criteria = "; ".join(
            f"{r['label']}: {r['detail']}" for r in evidence.get("requirements", [])
        )
        return credentials.Achievement(
            id=f"{iss.id}#program-{program.slug}-v{version}",
            name=program.credential,
            description=(
                f"Completion of every requirement of the {program.title} program "
                f"(version {version}) taught by {iss.name}."
            ),
            criteria=f"Every requirement of the program met. {criteria}.",
            hours=float(program.ce_hours or 0),
        )
    scope = f"session-{session.id}" if session else f"cohort-{cohort.slug}"
    where = session.title if session else cohort.title
    return credentials.Achievement(
        id=f"{iss.id}#ce-{scope}",
        name=record.title,
        description=f"Continuing-education hours attended in person at {where}.",
        criteria="Presence verified at check-in and check-out; hours credited for time present.",
        hours=0.0,
    )


def _sign(
    record: Record,
    user: User,
    program: ProgramSpec,
    cohort: Cohort,
    session: SeminarSession | None,
) -> str:
    iss = issuer()
    award = credentials.Award(
        id=verify_url(record.public_id),
        subject_id=holder_urn(iss, user.id),
        holder_name=record.holder_name,
        holder_email=user.email,
        email_salt=secrets.token_hex(8),
        achievement=_achievement(record, program, cohort, session),
        hours=record.hours,
        issued_at=record.issued_at,
        expires_on=record.expires_on,
        evidence=narrative(record),
        status_list_url=status_list_url(),
        status_index=record.status_index,
    )
    return credentials.sign_credential(credentials.open_badge(award, iss), signing_key())


def holder_urn(iss: credentials.Issuer, user_id: int) -> str:
    """Stable per holder at this issuer, and says nothing about who they are."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{iss.id}/holders/{user_id}").urn


def narrative(record: Record) -> str:
    evidence = record.evidence
    parts = [f"{r['label']}: {r['detail']}." for r in evidence.get("requirements", [])]
    if not parts:
        parts = [
            f"{s['title']} ({s['date']}): {s['hours']:g} hours."
            for s in evidence.get("sessions", [])
        ]
    if record.override_reason:
        parts.append(f"Issued by override: {record.override_reason}")
    return " ".join(parts)


def _snapshot(record: Record) -> dict[str, Any]:
    return {
        "id": record.display_id,
        "kind": record.kind.value,
        "holder": record.holder_name,
        "title": record.title,
        "hours": record.hours,
        "completed_on": record.completed_on,
        "expires_on": record.expires_on,
        "revoked": record.revoked_at is not None,
        "superseded_by": record.superseded_by.display_id if record.superseded_by else None,
    }


# --- revoking and reissuing ---------------------------------------------------------------


def revoke(record: Record, *, reason: str, actor: User | None = None) -> None:
    reason = reason.strip()
    if not reason:
        raise RecordError("Give a reason: it is shown on the verification page.")
    before = _snapshot(record)
    who = audit.acting_user(actor)
    # Conditional: of two admins revoking at once, one wins and the other is told.
    revoked = db.session.execute(
        update(Record)
        .where(Record.id == record.id, Record.revoked_at.is_(None))
        .values(
            revoked_at=now_utc(),
            revoked_reason=reason,
            revoked_by_id=who.id if who else None,
            active_key=None,
        )
    ).rowcount
    if not revoked:
        db.session.rollback()
        raise RecordError("This record is already revoked.")
    db.session.refresh(record)
    audit.log(
        "record.revoke",
        target_type="record",
        target_id=record.public_id,
        target_label=f"{record.title}: {record.holder_name}",
        subject=record.holder_id,
        before=before,
        after=_snapshot(record),
        reason=reason,
        actor=actor,
    )
    holder = db.session.get(User, record.holder_id)
    _notify(record, holder, "revoked")
    db.session.commit()
    notifications.dispatch()


def reissue(record: Record, *, reason: str, actor: User | None = None) -> Record:
    """A new record with the holder's current name and licence; the old one is superseded."""
    reason = reason.strip()
    if not reason:
        raise RecordError("Give a reason, e.g. 'name changed after marriage'.")
    if status_of(record) in (RecordStatus.REVOKED, RecordStatus.SUPERSEDED):
        raise RecordError("Only a current record can be reissued.")
    holder = db.session.get(User, record.holder_id)
    cohort = db.session.get(Cohort, record.cohort_id)
    session = db.session.get(SeminarSession, record.session_id) if record.session_id else None
    before = _snapshot(record)
    who = audit.acting_user(actor)
    key, record.active_key = record.active_key, None
    db.session.flush()  # free the one-current-record key for the new record
    new = Record(
        public_id=record_ids.new_public_id(),
        kind=record.kind,
        holder_id=holder.id,
        cohort_id=record.cohort_id,
        session_id=record.session_id,
        active_key=key,
        holder_name=holder.name,
        holder_licence=_licence(holder),
        title=record.title,
        hours=record.hours,
        completed_on=record.completed_on,
        issued_at=now_utc(),
        issued_by_id=who.id if who else None,
        expires_on=record.expires_on,
        recertify_on=record.recertify_on,
        override_reason=record.override_reason,
        evidence=record.evidence,
        status_index=_free_index(set(db.session.scalars(select(Record.status_index)))),
    )
    program = program_of(cohort)
    new.credential_jwt = _sign(new, holder, program, cohort, session)
    db.session.add(new)
    db.session.flush()
    record.superseded_by_id = new.id
    record.superseded_at = now_utc()
    db.session.flush()
    audit.log(
        "record.reissue",
        target_type="record",
        target_id=record.public_id,
        target_label=f"{record.title}: {holder.name}",
        subject=holder,
        before=before,
        after=_snapshot(new),
        reason=reason,
        actor=actor,
    )
    _notify(record, holder, "superseded", new=new)
    db.session.commit()
    notifications.dispatch()
    return new


# --- reading ------------------------------------------------------------------------------


def find(text: str) -> Record | None:
    public_id = record_ids.normalise(text)
    if public_id is None:
        return None
    return db.session.scalar(select(Record).where(Record.public_id == public_id))


def records_of(user_id: int) -> list[Record]:
    return list(
        db.session.scalars(
            select(Record).where(Record.holder_id == user_id).order_by(Record.issued_at.desc())
        )
    )


# --- notifications ------------------------------------------------------------------------


def _notify(record: Record, holder: User, event: str, *, new: Record | None = None) -> None:
    link = verify_url(record.public_id)
    if event == "issued":
        subject = f"Your {record.kind.label}: {record.title}"
        body = (
            f"Dear {holder.name},\n\n{record.kind.label} '{record.title}' has been issued to "
            f"you by {issuer().name}.\n\nAnyone can check it at:\n{link}\n\n"
            f"Record {record.display_id}. You can download the PDF and the digital badge "
            f"from your records page: {base_url()}/records/\n"
        )
    elif event == "revoked":
        subject = f"Your record {record.display_id} was revoked"
        body = (
            f"Dear {holder.name},\n\n'{record.title}' (record {record.display_id}) was revoked "
            f"on {record.revoked_at:%Y-%m-%d}.\nReason: {record.revoked_reason}\n\n"
            f"Its verification page now says so:\n{link}\n"
        )
    else:
        assert new is not None
        subject = f"Your record {record.display_id} was replaced"
        body = (
            f"Dear {holder.name},\n\n'{record.title}' was reissued as record "
            f"{new.display_id}, in the name {new.holder_name}.\nThe new record:\n"
            f"{verify_url(new.public_id)}\n\nThe old one ({record.display_id}) now shows as "
            f"superseded.\n"
        )
    notifications.queue(
        to_email=holder.email,
        to_name=holder.name,
        subject=subject,
        body=body,
        record_id=record.id,
    )


def today_utc() -> date:
    return datetime.now(UTC).date()
