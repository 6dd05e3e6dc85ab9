"""Reads of completion records: find one by its identifier, a holder's records, the admins'
register and a cohort's current records, a record's status today, and its program as it stood
when it was issued."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, or_, select

from seminar.core import record_ids
from seminar.core.content.programs import Program as ProgramSpec
from seminar.core.content.programs import program_from_dict
from seminar.db import db
from seminar.models import Cohort, Program, ProgramVersion, Record, RecordKind


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


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_today() -> date:
    """Today where the seminar happens: the date printed on what is issued now."""
    return datetime.now(local_zone()).date()


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


def register(text: str = "", cohort_slug: str = "") -> Select[tuple[Record]]:
    """Every record, newest first; narrowed to a holder or title containing the text (or the
    record it identifies) and to one cohort (an unknown cohort: none)."""
    query = select(Record).order_by(Record.issued_at.desc(), Record.id.desc())
    if text:
        needle = f"%{text.lower()}%"
        query = query.where(
            or_(Record.holder_name.ilike(needle), Record.title.ilike(needle))
            | (Record.public_id == (record_ids.normalise(text) or ""))
        )
    if cohort_slug:
        query = query.where(
            Record.cohort_id.in_(select(Cohort.id).where(Cohort.slug == cohort_slug))
        )
    return query


def register_cohorts() -> list[Cohort]:
    """The register's cohort filter: every cohort, by title."""
    return list(db.session.scalars(select(Cohort).order_by(Cohort.title)))


def current_records(cohort: Cohort) -> list[Record]:
    """The cohort's current records (revoked, superseded and renewed ones left out; an expired
    one stays until it is renewed), by holder's name."""
    return list(
        db.session.scalars(
            select(Record)
            .where(Record.cohort_id == cohort.id, Record.active_key.is_not(None))
            .order_by(Record.holder_name, Record.id)
        )
    )


def program_at(record: Record) -> ProgramSpec | None:
    """The program as it stood for this completion record (its cohort may have moved on)."""
    if record.kind != RecordKind.COMPLETION:
        return None
    info = record.evidence["program"]
    data = db.session.scalar(
        select(ProgramVersion.data)
        .join(Program, ProgramVersion.program_id == Program.id)
        .where(Program.slug == info["slug"], ProgramVersion.number == info["version"])
    )
    return program_from_dict(data)
