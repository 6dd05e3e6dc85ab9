"""One unit of work per request or command: services flush, and the boundary (a web request,
a command, a test) commits once; what must wait for the commit (sending mail) runs after it.

Nothing here commits on its own: a view or command that ends in an exception, or in a domain
error shown to the user, rolls back, and so does every GET (which never writes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy.orm import Session

from seminar.db import db, on_session

_KEY = "after_commit"


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once this transaction has committed (never if it rolls back)."""
    callbacks: list[Callable[[], None]] = db.session().info.setdefault(_KEY, [])
    if callback not in callbacks:
        callbacks.append(callback)


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block did, or roll all of it back if it raised."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def _run_callbacks(session: Session) -> None:
    for callback in session.info.pop(_KEY, []):
        callback()


def _drop_callbacks(session: Session) -> None:
    session.info.pop(_KEY, None)


def init_app(app: Flask) -> None:
    on_session("after_commit", _run_callbacks)
    on_session("after_rollback", _drop_callbacks)
