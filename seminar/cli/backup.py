"""`flask seminar backup FILE` and `flask seminar restore FILE [--force]`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from seminar.db import db
from seminar.services.backup import BackupError, read_backup, write_backup
from seminar.services.restore import restore


def _summary(counts: dict[str, int], verb: str, where: str, err: bool = False) -> None:
    width = max(map(len, counts), default=0)
    for name, count in counts.items():
        click.echo(f"{name:<{width}}  {count:>8}", err=err)
    click.echo(f"{verb} {sum(counts.values())} rows in {len(counts)} tables {where}", err=err)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@with_appcontext
def backup_command(file: str) -> None:
    """Write every table to FILE as JSON ('-' for standard output)."""
    if file == "-":
        # The backup is standard output: the summary goes to standard error.
        counts = write_backup(sys.stdout)
        _summary(counts, "backed up", "to standard output", err=True)
        return
    try:
        counts = write_backup(Path(file))
    except OSError as exc:
        raise click.ClickException(f"cannot write {file}: {exc.strerror or exc}") from None
    _summary(counts, "backed up", f"to {file}")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--force", is_flag=True, help="Delete everything in this database first, if it has data."
)
@with_appcontext
def restore_command(file: str, force: bool) -> None:
    """Load a backup made by `flask seminar backup` ('-' for standard input)."""
    try:
        document = read_backup(sys.stdin if file == "-" else Path(file))
        counts = restore(db.session, document, force=force)
    except FileNotFoundError:
        raise click.ClickException(f"no such file: {file}") from None
    except OSError as exc:
        raise click.ClickException(f"cannot read {file}: {exc.strerror or exc}") from None
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    _summary(counts, "restored", f"from {file}")
