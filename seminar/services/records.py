"""Completion records: who may get one, issuing (one or a cohort at once), revoking, reissuing.

A record freezes its evidence when issued. Every change writes an audit entry and queues an
email in the same transaction; the signed credential is made once, at issue, and its status
(revoked or not) is published separately in the status list, so revocation never needs the
holder's copy to change.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from joserfc.jwk import ECKey
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from seminar.core import credentials, record_ids
from seminar.core import record_wording as wording
from seminar.core.certification import State
from seminar.core.content.programs import Program as ProgramSpec
from seminar.core.content.programs import program_from_dict
from seminar.core.errors import SeminarError
from seminar.db import db, now_utc
from seminar.models import (
    Attempt,
    AttemptState,
    Attendance,
    AttendanceCredit,
    Cohort,
    Program,
    ProgramVersion,
    Quiz,
    Record,
    RecordKind,
    SeminarSession,
    User,
)
from seminar.queries.cohorts import instructors as cohort_instructors
from seminar.queries.standing import StudentStatus, cohort_statuses, program_of
from seminar.services import audit, notifications

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
    if record.expires_on is not None and record.expires_on < (today or local_today()):
        return RecordStatus.EXPIRED
    return RecordStatus.VALID


# --- the issuer ---------------------------------------------------------------------------


def base_url() -> str:
    return str(current_app.config["BASE_URL"]).rstrip("/")


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


def base_url_is_local() -> bool:
    """Records carry their verification link for good: a loopback one works nowhere else."""
    host = urlsplit(base_url()).hostname or ""
    return host in ("127.0.0.1", "localhost", "::1") or host.endswith(".localhost")


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

MAX_REASON = 500


class OverrideNeeded(RecordError):
    """Some chosen students need a reason before they can be issued the record."""

    def __init__(self, needing: list[Candidate]) -> None:
        self.user_ids = [c.user_id for c in needing]
        names = ", ".join(c.name for c in needing)
        super().__init__(f"Not eligible: {names}. To issue anyway, give a reason for the override.")


@dataclass
class Candidate:
    """One student of a cohort, as a possible holder of a record of one kind."""

    user_id: int
    name: str
    email: str
    eligible: bool
    missing: list[str]
    hours: float
    existing: Record | None = None  # their current record of this kind and scope
    revoked: Record | None = None  # their last revoked one, when none is current
    renews: Record | None = None  # their current record, expired: issuing renews it
    evidence: dict[str, Any] = field(default_factory=dict)
    completed_on: date | None = None

    @property
    def needs_reason(self) -> bool:
        """Issuing needs an override reason: not eligible, or a record was revoked before."""
        return self.existing is None and (not self.eligible or self.revoked is not None)

    @property
    def ready(self) -> bool:
        """Eligible, holding nothing current, never revoked: what bulk issuing ticks."""
        return self.existing is None and not self.needs_reason


def scope_key(kind: RecordKind, cohort: Cohort, user_id: int, session_id: int | None) -> str:
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
    keys = {i: scope_key(kind, cohort, i, session and session.id) for i in ids}
    current: dict[str, Record] = {}
    revoked: dict[str, Record] = {}
    for record in db.session.scalars(
        select(Record).where(Record.scope_key.in_(list(keys.values()))).order_by(Record.id)
    ):
        if record.active_key is not None:
            current[record.scope_key] = record
        elif record.revoked_at is not None:
            revoked[record.scope_key] = record  # the latest wins
    program = program_of(cohort)
    if kind == RecordKind.COMPLETION:
        passed_on = _quiz_dates(program, ids)
        credited = _credited_hours(cohort, ids)
    instructors = [u.name for u in cohort_instructors(cohort)]
    today = local_today()
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
        key = keys[status.user_id]
        existing = renews = current.get(key)
        if existing is not None and status_of(existing, today) == RecordStatus.EXPIRED:
            existing = None  # an expired record is renewed by issuing again
        else:
            renews = None
        out.append(
            Candidate(
                user_id=status.user_id,
                name=status.name,
                email=status.email,
                eligible=eligible,
                missing=missing,
                hours=hours,
                existing=existing,
                revoked=None if key in current else revoked.get(key),
                renews=renews,
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
        day = starts_at.astimezone(local_zone()).date()  # the date where the session was
        out[user_id].append({"title": title, "date": day.isoformat(), "hours": float(hours)})
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
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            out[user_id][slug] = moment.astimezone(local_zone()).date()
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
    if any(len(v) > MAX_REASON for v in overrides.values()):
        raise RecordError(f"Keep an override reason under {MAX_REASON} characters.")
    wanted = list(dict.fromkeys(user_ids))
    for attempt in range(3):
        found = {c.user_id: c for c in candidates(cohort, kind, session=session, user_ids=wanted)}
        unknown = [i for i in wanted if i not in found]
        if unknown:
            raise RecordError("Only students of this cohort can be issued its records.")
        needing = [found[i] for i in wanted if found[i].needs_reason and i not in overrides]
        if needing:
            raise OverrideNeeded(needing)
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
    iss = issuer()
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
        key = scope_key(kind, cohort, user.id, session and session.id)
        if candidate.renews is not None:
            # The expired record gives way to its renewal (conditionally: a racing issue fails).
            db.session.execute(
                update(Record)
                .where(Record.id == candidate.renews.id, Record.active_key == key)
                .values(active_key=None)
            )
        completed_on = candidate.completed_on or today or local_today()
        record = Record(
            public_id=record_ids.new_public_id(),
            kind=kind,
            holder_id=user.id,
            cohort_id=cohort.id,
            session_id=session.id if session else None,
            scope_key=key,
            active_key=key,
            holder_name=user.name,
            holder_licence=wording.licence(user.licence_number, user.licence_state),
            title=wording.title(
                kind,
                credential=program.credential,
                place=session.title if session else cohort.title,
            ),
            hours=candidate.hours,
            completed_on=completed_on,
            issued_at=now_utc(),
            issued_by_id=who.id if who else None,
            override_reason=overrides.get(user.id) if candidate.needs_reason else None,
            evidence={**candidate.evidence, "eligible": candidate.eligible},
            status_index=_free_index(taken),
        )
        if kind == RecordKind.COMPLETION:
            if program.validity_months:
                record.expires_on = wording.add_months(completed_on, program.validity_months)
            if program.recertify_months:
                record.recertify_on = wording.add_months(completed_on, program.recertify_months)
        record.credential_jwt = _sign(record, user, iss, program)
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
    db.session.flush()  # a record issued at this moment by someone else shows here
    return out


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


def _program_at(record: Record) -> ProgramSpec | None:
    """The program as it stood for this record (its cohort may have moved on since)."""
    if record.kind != RecordKind.COMPLETION:
        return None
    info = record.evidence["program"]
    data = db.session.scalar(
        select(ProgramVersion.data)
        .join(Program, ProgramVersion.program_id == Program.id)
        .where(Program.slug == info["slug"], ProgramVersion.number == info["version"])
    )
    return program_from_dict(data)


def _sign(record: Record, user: User, iss: credentials.Issuer, program: ProgramSpec | None) -> str:
    award = credentials.Award(
        id=verify_url(record.public_id),
        subject_id=holder_urn(user.id),
        holder_name=record.holder_name,
        holder_email=user.email,
        email_salt=secrets.token_hex(8),
        achievement=wording.achievement(record, iss, program),
        hours=record.hours,
        issued_at=record.issued_at,
        expires_on=record.expires_on,
        evidence=wording.narrative(record),
        status_list_url=status_list_url(),
        status_index=record.status_index,
    )
    return credentials.sign_credential(credentials.open_badge(award, iss), signing_key())


def holder_urn(user_id: int) -> str:
    """Stable per holder at this issuer; keyed with the secret so that it reveals nothing
    (not even the order in which accounts were made)."""
    digest = hmac.new(
        str(current_app.config["SECRET_KEY"]).encode(), f"holder:{user_id}".encode(), "sha256"
    ).digest()
    return uuid.UUID(bytes=digest[:16], version=4).urn


def _snapshot(record: Record) -> dict[str, Any]:
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


def reissue(record: Record, *, reason: str, actor: User | None = None) -> Record:
    """A new record with the holder's current name and licence; the old one is superseded."""
    reason = reason.strip()
    if not reason:
        raise RecordError("Give a reason, e.g. 'name changed after marriage'.")
    status = status_of(record)
    if status == RecordStatus.EXPIRED:
        raise RecordError("This record has expired: issue a new one to renew it.")
    if status != RecordStatus.VALID:
        raise RecordError("Only a current record can be reissued.")
    holder = db.session.get(User, record.holder_id)
    before = _snapshot(record)
    who = audit.acting_user(actor)
    key = record.scope_key
    # Conditional: a revocation or another reissue at the same moment wins, and we say so.
    freed = db.session.execute(
        update(Record)
        .where(Record.id == record.id, Record.active_key == key, Record.revoked_at.is_(None))
        .values(active_key=None)
    ).rowcount
    if not freed:
        raise RecordError("This record was just revoked or reissued by someone else.")
    new = Record(
        public_id=record_ids.new_public_id(),
        kind=record.kind,
        holder_id=holder.id,
        cohort_id=record.cohort_id,
        session_id=record.session_id,
        scope_key=key,
        active_key=key,
        holder_name=holder.name,
        holder_licence=wording.licence(holder.licence_number, holder.licence_state),
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
    new.credential_jwt = _sign(new, holder, issuer(), _program_at(record))
    db.session.add(new)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise RecordError("This record was just reissued by someone else.") from None
    db.session.execute(
        update(Record)
        .where(Record.id == record.id)
        .values(superseded_by_id=new.id, superseded_at=now_utc())
    )
    db.session.refresh(record)
    for action, target, snapshot_before in (
        ("record.reissue", record, before),
        ("record.issue", new, None),
    ):
        audit.log(
            action,
            target_type="record",
            target_id=target.public_id,
            target_label=f"{target.title}: {holder.name}",
            subject=holder,
            before=snapshot_before,
            after=_snapshot(new),
            reason=reason,
            actor=actor,
        )
    _notify(record, holder, "superseded", new=new)
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
    iss = issuer()
    contact = f"contact {iss.email}" if iss.email else f"contact {iss.name}"
    if event == "issued":
        subject = f"Issued to you: {record.title}"
        body = (
            f"Dear {holder.name},\n\n{iss.name} has issued you a {record.kind.label.lower()}: "
            f"{record.title} (record {record.display_id}).\n\nAnyone can check it, without an "
            f"account, at:\n{link}\n\nDownload the PDF and the digital badge (Open Badges 3.0) "
            f"from your records page: {base_url()}/records/\n"
        )
    elif event == "revoked":
        subject = f"Record {record.display_id} was revoked"
        body = (
            f"Dear {holder.name},\n\n{record.title} (record {record.display_id}) was revoked "
            f"on {record.revoked_at:%d %B %Y}.\nReason: {record.revoked_reason}\n\nIts "
            f"verification page now says so:\n{link}\n\nIf you think this is a mistake, "
            f"{contact}.\n"
        )
    else:
        assert new is not None
        subject = f"Record {record.display_id} was replaced by {new.display_id}"
        body = (
            f"Dear {holder.name},\n\n{record.title} was reissued in the name {new.holder_name} "
            f"as record {new.display_id}:\n{verify_url(new.public_id)}\n\nThe old record "
            f"({record.display_id}) now shows as superseded; share the new link from now on.\n"
        )
    notifications.queue(
        to_email=holder.email,
        to_name=holder.name,
        subject=subject,
        body=body,
        record_id=record.id,
    )


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_today() -> date:
    """Today where the seminar happens: the date printed on what is issued now."""
    return datetime.now(local_zone()).date()
