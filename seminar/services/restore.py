"""Restore a backup made by `backup`: check the document and the schema revision, then load
every table in one transaction, so a failed restore leaves the database as it was.

A restore is a whole command's work (`flask seminar restore`), so it owns its transaction:
it commits when every row is in and rolls back on any failure.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Column, Connection, Table, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session

from seminar.queries import content_cache
from seminar.services.backup import (
    BATCH,
    FORMAT,
    VERSION,
    BackupError,
    Codec,
    codec,
    schema_revision,
    tables,
)


def restore(
    session: Session | scoped_session[Session], document: dict[str, Any], *, force: bool = False
) -> dict[str, int]:
    """Load a backup into this database, in one transaction; returns rows per table.

    Refuses a database at another schema revision, and one that has rows unless `force`, which
    empties every table first.
    """
    ordered = tables()
    try:
        conn = session.connection()
        _check_document(document, ordered)
        _check_revision(document, schema_revision(conn))
        occupied = [
            t.name for t in ordered if conn.execute(select(1).select_from(t).limit(1)).first()
        ]
        if occupied and not force:
            raise BackupError(
                f"The database is not empty (rows in {', '.join(occupied)}). Restore into an "
                "empty database, or use --force to delete everything in this one first."
            )
        deferred = _deferred_columns(ordered)
        if occupied:
            _empty(conn, ordered, deferred)
        counts: dict[str, int] = {}
        links: list[tuple[Table, list[dict[str, Any]]]] = []
        for table in ordered:
            counts[table.name], later = _load(conn, table, document["tables"][table.name], deferred)
            links.append((table, later))
        for table, later in links:  # every row exists now: the deferred links can be set
            _link(conn, table, deferred.get(table.name, []), later)
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn, ordered)
        content_cache.bump(session)  # every worker drops what it cached of the old content
        session.commit()
    except BackupError:
        session.rollback()
        raise
    except SQLAlchemyError as exc:
        session.rollback()
        reason = getattr(exc, "orig", None) or exc
        raise BackupError(f"The restore failed and nothing was changed: {reason}") from exc
    return counts


def _check_document(document: dict[str, Any], ordered: list[Table]) -> None:
    if document.get("format") != FORMAT:
        raise BackupError("Not a seminar backup: the format marker is missing.")
    version = document.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise BackupError(
            f"This backup is format version {version}; this version of seminar reads up to "
            f"{VERSION}. Restore it with the version of seminar that made it, or a newer one."
        )
    found = document.get("tables")
    if not isinstance(found, dict):
        raise BackupError("Not a seminar backup: it has no tables.")
    known = {t.name for t in ordered}
    if unknown := sorted(set(found) - known):
        raise BackupError(f"The backup has tables this database does not: {', '.join(unknown)}.")
    if missing := sorted(known - set(found)):
        raise BackupError(f"The backup is incomplete: no {', '.join(missing)}.")
    for table in ordered:
        entry = found[table.name]
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("columns"), list)
            and isinstance(entry.get("rows"), list)
        ):
            raise BackupError(f"The backup's table {table.name} has no columns and rows.")
        if sorted(entry["columns"]) != sorted(c.name for c in table.columns):
            raise BackupError(
                f"The backup's table {table.name} has columns {', '.join(entry['columns'])}; "
                f"this database's has {', '.join(c.name for c in table.columns)}."
            )


def _check_revision(document: dict[str, Any], current: str | None) -> None:
    wanted = document.get("alembic_revision")
    if current is None:
        raise BackupError(
            "This database has no schema yet: run `flask db upgrade` first, then restore."
        )
    if wanted != current:
        raise BackupError(
            f"The backup was made at schema revision {wanted}; this database is at {current}. "
            f"Restore into a database at the backup's revision (`flask db upgrade {wanted}` "
            "on an empty database), then run `flask db upgrade`."
        )


def _deferred_columns(ordered: list[Table]) -> dict[str, list[Column[Any]]]:
    """Foreign keys to a table loaded at the same time or later (the current-version links
    that close a cycle, a row pointing at another of its table): loaded as NULL first, set
    once every row exists."""
    position = {t.name: i for i, t in enumerate(ordered)}
    deferred: dict[str, list[Column[Any]]] = {}
    for table in ordered:
        for fk in table.foreign_keys:
            if position[fk.column.table.name] >= position[table.name] and fk.parent.nullable:
                deferred.setdefault(table.name, []).append(fk.parent)
    return deferred


def _empty(conn: Connection, ordered: list[Table], deferred: dict[str, list[Column[Any]]]) -> None:
    for table in ordered:
        if columns := deferred.get(table.name):
            conn.execute(sa.update(table).values(dict.fromkeys((c.name for c in columns), None)))
    for table in reversed(ordered):
        conn.execute(sa.delete(table))


def _load(
    conn: Connection,
    table: Table,
    entry: dict[str, Any],
    deferred: dict[str, list[Column[Any]]],
) -> tuple[int, list[dict[str, Any]]]:
    """Insert the table's rows with deferred links left NULL; returns the count, and the
    links to set once every table is loaded."""
    names: list[str] = entry["columns"]
    codecs = [codec(table.columns[name]) for name in names]
    later = [c.name for c in deferred.get(table.name, [])]
    keys = [c.name for c in table.primary_key.columns]
    links: list[dict[str, Any]] = []
    rows = entry["rows"]
    for start in range(0, len(rows), BATCH):
        batch = []
        for number, row in enumerate(rows[start : start + BATCH], start=start + 1):
            values = _decode_row(table.name, number, codecs, row)
            if any(values[name] is not None for name in later):
                links.append(
                    {f"k_{k}": values[k] for k in keys}
                    | {f"v_{name}": values[name] for name in later}
                )
            batch.append(values | dict.fromkeys(later, None))
        conn.execute(sa.insert(table), batch)
    return len(rows), links


def _link(
    conn: Connection, table: Table, columns: list[Column[Any]], links: list[dict[str, Any]]
) -> None:
    if not links:
        return
    keys = table.primary_key.columns
    # Bind names differ from the column names: SQLAlchemy reserves those for VALUES and SET.
    statement = (
        sa.update(table)
        .where(*(k == bindparam(f"k_{k.name}", type_=k.type) for k in keys))
        .values({c.name: bindparam(f"v_{c.name}", type_=c.type) for c in columns})
    )
    conn.execute(statement, links)


def _decode_row(table: str, number: int, codecs: list[Codec], row: Any) -> dict[str, Any]:
    if not isinstance(row, list) or len(row) != len(codecs):
        raise BackupError(f"{table}, row {number}: expected {len(codecs)} values.")
    values = {}
    for c, value in zip(codecs, row, strict=True):
        try:
            values[c.name] = c.null if value is None else c.decode(value)
        except (TypeError, ValueError) as exc:  # binascii.Error is a ValueError
            raise BackupError(f"{table}, row {number}, {c.name}: {exc}") from None
    return values


def _reset_sequences(conn: Connection, ordered: list[Table]) -> None:
    """Restored ids were inserted explicitly: move each serial or identity sequence past them,
    so the next row the app adds does not collide."""
    by_name = {t.name: t for t in ordered}
    found = conn.execute(
        sa.text(
            "SELECT table_name, column_name,"
            " pg_get_serial_sequence(quote_ident(table_name), column_name) AS sequence"
            " FROM information_schema.columns WHERE table_schema = current_schema()"
        )
    ).all()
    for table_name, column_name, sequence in found:
        if sequence is None or table_name not in by_name:
            continue
        column = by_name[table_name].c[column_name]
        highest = select(func.max(column)).scalar_subquery()
        conn.execute(
            select(
                func.setval(
                    cast(sequence, REGCLASS), func.coalesce(highest, 1), highest.is_not(None)
                )
            )
        )
