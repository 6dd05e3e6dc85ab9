"""Database wiring: the declarative base, the Flask-SQLAlchemy handle and migrations."""

from __future__ import annotations

import select as sockets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

# Stable constraint names make Alembic migrations portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def now_utc() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; use seminar.db.now_utc()")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


db = SQLAlchemy(model_class=Base)


def next_number(number: Any, *where: Any) -> int:
    """The next version number: one more than the highest so far (1 for the first)."""
    return (db.session.scalar(select(func.max(number)).where(*where)) or 0) + 1


migrate = Migrate(directory=str(MIGRATIONS_DIR), render_as_batch=True)


# Bounded by SQLite's limit on bound parameters per statement (32,766).
_UPSERT_ROWS = 1000


def _insert(model: Any) -> Any:
    """INSERT with the dialect's ON CONFLICT clauses (SQLite and PostgreSQL both have them)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def insert_ignore(model: Any, values: dict[str, Any], *, keys: tuple[str, ...]) -> bool:
    """Insert a row unless one with the same `keys` exists; True if this call inserted it.

    Races are settled by the unique key, without an exception that would end the transaction:
    of two requests inserting the same row at once, one inserts and the other learns so.
    """
    statement = (
        _insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=keys)
        # RETURNING, not rowcount: drivers report -1 for some inserts.
        .returning(*model.__table__.primary_key.columns)
    )
    return db.session.execute(statement).first() is not None


def upsert(
    model: Any, rows: list[dict[str, Any]], *, keys: tuple[str, ...], update: tuple[str, ...]
) -> None:
    """Insert rows, or update `update` columns of the rows that exist, in a few statements."""
    for start in range(0, len(rows), _UPSERT_ROWS):
        statement = _insert(model).values(rows[start : start + _UPSERT_ROWS])
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={name: statement.excluded[name] for name in update}
        )
        db.session.execute(statement)


def update_if(model: Any, *conditions: Any, **values: Any) -> bool:
    """A conditional UPDATE: True if a row still met the conditions and was changed. Of two
    requests spending the same link or claiming the same batch, the database lets one win."""
    statement = update(model).where(*conditions).values(**values)
    return bool(db.session.execute(statement).rowcount)


def on_session(name: str, listener: Callable[..., Any]) -> None:
    """Listen to an event of the app's session (once: every app in a process shares `db`)."""
    if not event.contains(db.session, name, listener):
        event.listen(db.session, name, listener)


def _sqlite_pragmas(dbapi_connection: Any, connection_record: object) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers and a writer overlap.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


# A pooled connection unused for longer than this is tried with a query before use: a network
# between may drop an idle connection without a word.
IDLE_SECONDS = 30.0


def _note_idle(dbapi_connection: Any, connection_record: Any) -> None:
    connection_record.info["idle_since"] = time.monotonic()


def _try_before_use(dbapi_connection: Any, connection_record: Any, connection_proxy: Any) -> None:
    """SQLAlchemy's pessimistic disconnect handling without pool_pre_ping's round trip on
    every checkout (a third of a phone's poll on PostgreSQL). A server that restarted or ended
    the connection has closed its socket or said so on it, and a pooled connection has nothing
    to read otherwise: one look at the socket, no query. Only a connection idle for long is
    tried with a query. Either failing drops the connection; the pool takes another."""
    if callable(getattr(dbapi_connection, "fileno", None)):  # psycopg's do; not every driver
        try:
            said_something, _, _ = sockets.select([dbapi_connection.fileno()], [], [], 0)
        except Exception as error:  # closed already: the driver's error or the socket's
            raise DisconnectionError() from error
        if said_something:
            raise DisconnectionError()
    idle_since = connection_record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since < IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()
    except Exception as error:  # whatever the driver raises for a dead connection
        raise DisconnectionError() from error


def init_app(app: Flask) -> None:
    """Bind the database and migrations to the app; SQLite connections get their pragmas,
    server connections a look before each use."""
    db.init_app(app)
    migrate.init_app(app, db)
    with app.app_context():
        engine = db.engine
        listeners = (
            [(engine, "connect", _sqlite_pragmas)]
            if engine.dialect.name == "sqlite"
            else [(engine, "checkin", _note_idle), (engine, "checkout", _try_before_use)]
        )
        for target, name, listener in listeners:
            if not event.contains(target, name, listener):
                event.listen(target, name, listener)
