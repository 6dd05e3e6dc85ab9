"""Keeping a record alive: reminders before it lapses, and renewal once its program's
`maintain:` terms are met.

Meant for cron through `flask seminar remind` (or `flask seminar recertify` alone):

- A completion record with a validity period (`validity_months`) gets an e-mail 90 days and
  30 days before it lapses. Each (record, stage) is a row with a unique key, inserted with
  insert_ignore before the message is queued in the same transaction: however often the job
  runs, on however many hosts at once, each stage is sent once. Only the most urgent stage
  that is due is sent (a job that did not run for months sends one message, not two).
- A record whose program says how to maintain it (CE hours attended, hours taught as a table
  instructor, within the record's validity period) is renewed as soon as both are met: a new
  record, valid `validity_months` longer, supersedes it (the reissue machinery of
  services/revocation.py), and says in its evidence what was maintained and when. An expired
  record is never renewed (the course is taken again), and a renewal never starts before the
  old record's end, so no day is counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from seminar.core import levels
from seminar.core.content.programs import Program as ProgramSpec
from seminar.core.errors import RecordError
from seminar.core.record_wording import add_months
from seminar.db import db, insert_ignore, now_utc
from seminar.models import Record, RecordKind, RecordReminder, User
from seminar.queries import issuer, ladder, links
from seminar.queries.records import local_today, program_at
from seminar.services import notifications, record_mail, revocation


@dataclass(frozen=True)
class Standing:
    """Where a record's holder stands against its program's maintenance terms."""

    since: date  # the start of the record's validity period
    attended: float
    taught: float
    missing: tuple[str, ...]


def _current_lapsing(today: date, until: date) -> list[Record]:
    return list(
        db.session.scalars(
            select(Record)
            .join(User, Record.holder_id == User.id)
            .where(
                Record.kind == RecordKind.COMPLETION,
                Record.revoked_at.is_(None),
                Record.superseded_by_id.is_(None),
                Record.expires_on.is_not(None),
                Record.expires_on >= today,
                Record.expires_on <= until,
                User.active,
            )
            .order_by(Record.expires_on, Record.id)
        )
    )


def period_start(record: Record) -> date:
    """A renewed record's period starts where the one it renewed ended; else at completion."""
    renewal = record.evidence.get("renewal") or {}
    return (
        date.fromisoformat(renewal["period_start"])
        if "period_start" in renewal
        else (record.completed_on)
    )


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def standing_of(record: Record, terms: levels.Maintenance) -> Standing:
    """Hours attended (here and declared, approved) and taught in the record's period."""
    assert record.expires_on is not None
    since, until = period_start(record), record.expires_on + timedelta(days=1)
    attended = ladder.attended_hours(record.holder_id, _moment(since), _moment(until))
    attended += ladder.declared_hours(record.holder_id, since, until)
    taught = ladder.taught_hours([record.holder_id], _moment(since), _moment(until))[
        record.holder_id
    ]
    return Standing(
        since,
        round(attended, 2),
        taught,
        levels.maintenance_missing(terms, attended=attended, taught=taught),
    )


def _terms(record: Record) -> tuple[ProgramSpec | None, levels.Maintenance | None]:
    program = program_at(record)
    return program, program.maintain if program is not None else None


def queue_reminders(today: date | None = None) -> int:
    """Queue the 90- and 30-day reminders that are due and not sent before; how many."""
    today = today or local_today()
    queued = 0
    for record in _current_lapsing(today, today + timedelta(days=max(levels.REMINDER_DAYS))):
        assert record.expires_on is not None
        stage = levels.reminder_stage(record.expires_on, today)
        if stage is None or not insert_ignore(
            RecordReminder,
            {"record_id": record.id, "days_before": stage, "queued_at": now_utc()},
            keys=("record_id", "days_before"),
        ):
            continue
        _, terms = _terms(record)
        standing = standing_of(record, terms) if terms else None
        holder = record.holder
        notifications.queue(
            "record_expiring",
            to_email=holder.email,
            to_name=holder.name,
            record_id=record.id,
            record=record,
            holder=holder,
            days=(record.expires_on - today).days,
            maintain=levels.maintenance_words(terms) if terms else "",
            since=standing.since if standing else record.completed_on,
            missing=standing.missing if standing else (),
            path_url=links.to("/path"),
            records_url=issuer.records_url(),
        )
        queued += 1
    return queued


def renew_maintained(today: date | None = None) -> list[Record]:
    """Renew every current record whose maintenance is met; the new records."""
    today = today or local_today()
    renewed = []
    for record in _current_lapsing(today, date.max):
        program, terms = _terms(record)
        if program is None or terms is None or not program.validity_months:
            continue
        standing = standing_of(record, terms)
        if standing.missing:
            continue
        try:
            renewed.append(renew(record, program, terms, standing, today))
        except RecordError:
            continue  # renewed or revoked by another run at this moment: theirs stands
    return renewed


def renew(
    record: Record,
    program: ProgramSpec,
    terms: levels.Maintenance,
    standing: Standing,
    today: date,
) -> Record:
    assert record.expires_on is not None and program.validity_months
    maintained = maintained_words(terms, standing, record.expires_on)
    expires_on = add_months(record.expires_on, program.validity_months)
    new = revocation.reissue(
        record,
        reason=f"Renewed: {maintained}",
        action="record.renew",
        changes={
            "expires_on": expires_on,
            "recertify_on": add_months(record.recertify_on, program.validity_months)
            if record.recertify_on
            else None,
            "evidence": {
                **record.evidence,
                "renewal": {
                    "renews": record.display_id,
                    "renewed_on": today.isoformat(),
                    "maintained": maintained,
                    "period_start": record.expires_on.isoformat(),
                },
            },
        },
    )
    record_mail.renewed(record, record.holder, new, maintained)
    return new


def maintained_words(terms: levels.Maintenance, standing: Standing, until: date) -> str:
    parts = []
    if terms.attended_hours:
        parts.append(f"{levels.hours(standing.attended)} CE hours attended")
    if terms.taught_hours:
        parts.append(f"{levels.hours(standing.taught)} hours taught as a table instructor")
    return f"{' and '.join(parts)} from {standing.since.isoformat()} to {until.isoformat()}"
