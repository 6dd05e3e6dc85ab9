"""Backups of the whole database as one JSON document, portable between SQLite and PostgreSQL.

Generic over `db.metadata.sorted_tables`, so a new table is backed up without code changes.
Each column is written in a form JSON keeps exactly (datetimes in ISO 8601 UTC, Decimals as
strings, bytes in base64) and read back as the same Python value. A restore checks that the
database is at the backup's schema revision and empty (or is told to empty it), then loads
every table in one transaction: a failed restore leaves the database as it was.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Connection, Table, cast, select, type_coerce
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.types import TypeDecorator

from seminar.core.errors import SeminarError
from seminar.db import db, now_utc

FORMAT = "seminar-backup"
VERSION = 1
BATCH = 1000  # rows per fetch and per executemany: bounded memory at any database size
# A JSON column can hold JSON null as well as SQL NULL; JSON null (and a literal object that
# looks like this wrapper) is written as {"$json": value} so the two stay apart.
JSON_WRAPPER = "$json"


class BackupError(SeminarError):
    pass


@dataclass(frozen=True)
class Codec:
    """How one column is read for the backup, written as JSON, and turned back into a value."""

    name: str
    read: Any  # the select expression
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]
    null: Any = None  # what SQL NULL is bound as


def _same(value: Any) -> Any:
    return value


def _checked(*kinds: type) -> Callable[[Any], Any]:
    """A decoder that refuses a value of the wrong JSON type (SQLite would store it as is)."""

    def decode(value: Any) -> Any:
        # bool is an int to Python, not to a database column.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise TypeError(f"expected {' or '.join(k.__name__ for k in kinds)}, got {value!r}")
        return value

    return decode


def _encode_datetime(value: datetime) -> str:
    return (value.astimezone(UTC) if value.tzinfo else value).isoformat()


def _encode_json(raw: str) -> Any:
    value = json.loads(raw)
    if value is None or (isinstance(value, dict) and value.keys() == {JSON_WRAPPER}):
        return {JSON_WRAPPER: value}
    return value


def _decode_json(value: Any) -> Any:
    if isinstance(value, dict) and value.keys() == {JSON_WRAPPER}:
        value = value[JSON_WRAPPER]
        return sa.JSON.NULL if value is None else value
    return value


def codec(column: Column[Any]) -> Codec:
    kind = column.type
    if isinstance(kind, TypeDecorator):  # e.g. UTCDateTime: stored as its implementation
        kind = kind.impl_instance
    name = column.name
    if isinstance(kind, sa.Enum):  # before String, its base: keep the stored value
        return Codec(name, type_coerce(column, sa.String()), _same, _checked(str))
    if isinstance(kind, sa.JSON):
        # The stored text, so that SQL NULL and JSON null can be told apart.
        return Codec(name, cast(column, sa.Text()), _encode_json, _decode_json, sa.null())
    if isinstance(kind, sa.DateTime):
        return Codec(name, column, _encode_datetime, datetime.fromisoformat)
    if isinstance(kind, sa.Date):
        return Codec(name, column, date.isoformat, date.fromisoformat)
    if isinstance(kind, sa.Time):
        return Codec(name, column, time.isoformat, time.fromisoformat)
    if isinstance(kind, sa.Numeric | sa.Float):  # Float is no Numeric in SQLAlchemy 2.1
        if kind.asdecimal:
            return Codec(name, column, str, Decimal)
        return Codec(name, column, _same, lambda v: float(_checked(int, float)(v)))
    if isinstance(kind, sa.LargeBinary):
        return Codec(name, column, lambda v: base64.b64encode(v).decode("ascii"), base64.b64decode)
    if isinstance(kind, sa.Uuid):
        return Codec(name, column, str, uuid.UUID if kind.as_uuid else _same)
    if isinstance(kind, sa.Boolean):
        return Codec(name, column, _same, _checked(bool))
    if isinstance(kind, sa.Integer):
        return Codec(name, column, _same, _checked(int))
    if isinstance(kind, sa.String):  # Text included
        return Codec(name, column, _same, _checked(str))
    raise BackupError(f"{column.table.name}.{name}: no backup format for {column.type!r}")


# Not data: the key of each worker's content cache. A restore writes a fresh one instead.
NOT_BACKED_UP = {"content_revision"}


def tables() -> list[Table]:
    return [t for t in db.metadata.sorted_tables if t.name not in NOT_BACKED_UP]


def schema_revision(conn: Connection) -> str | None:
    """The alembic revision the database is at (heads joined by commas if several)."""
    heads = MigrationContext.configure(conn).get_current_heads()
    return ",".join(sorted(heads)) or None


def header(conn: Connection) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": now_utc().isoformat(),
        "alembic_revision": schema_revision(conn),
        "database": conn.dialect.name,
    }


def table_rows(conn: Connection, table: Table) -> Iterator[list[Any]]:
    """The table's rows in primary-key order, encoded, fetched BATCH at a time."""
    codecs = [codec(c) for c in table.columns]
    query = select(*(c.read for c in codecs)).order_by(*table.primary_key.columns)
    for row in conn.execute(query.execution_options(yield_per=BATCH)):
        yield [None if v is None else c.encode(v) for c, v in zip(codecs, row, strict=True)]


def dump(session: Session | scoped_session[Session] | Connection) -> dict[str, Any]:
    """The whole database as one document, in memory (use write_backup for large ones)."""
    conn = session if isinstance(session, Connection) else session.connection()
    document = header(conn)
    document["tables"] = {
        t.name: {"columns": [c.name for c in t.columns], "rows": list(table_rows(conn, t))}
        for t in tables()
    }
    return document


def write_backup(target: Path | TextIO) -> dict[str, int]:
    """Stream a backup to a file (written aside, then moved into place) or an open stream.

    Read from one snapshot, so the backup is consistent while the app keeps writing.
    Returns the number of rows of each table.
    """
    with _snapshot() as conn:
        if not isinstance(target, Path):
            return _write(conn, target)
        partial = target.with_name(f".{target.name}.partial")
        # Password hashes and invite codes are in it: readable by this user only.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                counts = _write(conn, out)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return counts


@contextmanager
def _snapshot() -> Iterator[Connection]:
    """A connection that sees one moment of the database for all of its reads."""
    engine = db.engine
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        elif engine.dialect.name == "sqlite":
            # pysqlite starts no transaction for reads: without one, each SELECT would see
            # the database as of its own moment.
            conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            conn.rollback()


def _write(conn: Connection, out: TextIO) -> dict[str, int]:
    counts: dict[str, int] = {}
    out.write("{\n")
    for key, value in header(conn).items():
        out.write(f"{json.dumps(key)}: {json.dumps(value)},\n")
    out.write('"tables": {')
    for n, table in enumerate(tables()):
        columns = json.dumps([c.name for c in table.columns])
        out.write(
            f'{"," if n else ""}\n{json.dumps(table.name)}: {{"columns": {columns}, "rows": ['
        )
        count = 0
        for count, row in enumerate(table_rows(conn, table), start=1):
            out.write(f"{',' if count > 1 else ''}\n{json.dumps(row, ensure_ascii=False)}")
        out.write("\n]}")
        counts[table.name] = count
    out.write("\n}}\n")
    return counts


def read_backup(source: Path | TextIO) -> dict[str, Any]:
    """Parse a backup file; raises BackupError when it is not one (FileNotFoundError as is)."""
    try:
        if isinstance(source, Path):
            with source.open(encoding="utf-8") as f:
                document = json.load(f)
        else:
            document = json.load(source)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"Not a seminar backup: it is not valid JSON ({exc}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError("Not a seminar backup: the format marker is missing.")
    return document
