"""The command group every `flask seminar` command belongs to: each command is one unit of
work, committed when it ends and rolled back when it fails."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError, ProgrammingError

from seminar.db import db


def committed(command: Callable[..., Any]) -> Callable[..., Any]:
    """Commit what the command did; roll it all back if it raised. A command that sets its own
    exit status after its work (sync with some broken files, exit 1) keeps that work."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            result = command(*args, **kwargs)
        except (SystemExit, click.exceptions.Exit):
            db.session.commit()
            raise
        except (OperationalError, ProgrammingError) as exc:
            db.session.rollback()
            if not _migrated():
                # A traceback about a missing table says nothing to someone who forgot a step.
                raise click.ClickException(
                    "The database has no tables yet: run `flask db upgrade` first "
                    "(`make run` does it)."
                ) from exc
            raise
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return run


def _migrated() -> bool:
    return inspect(db.engine).has_table("alembic_version")


class Group(AppGroup):
    """An AppGroup whose commands each run in the app context as one unit of work."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Command]:
        in_context = kwargs.pop("with_appcontext", True)

        def decorator(f: Callable[..., Any]) -> click.Command:
            callback = committed(f)
            if in_context:
                callback = with_appcontext(callback)
            return click.Group.command(self, *args, **kwargs)(callback)

        return decorator

    def group(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Group]:
        kwargs.setdefault("cls", Group)
        return super().group(*args, **kwargs)
