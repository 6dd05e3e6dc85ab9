"""`flask seminar records ...`, `flask seminar keys ...` and `flask seminar outbox ...`."""

from __future__ import annotations

import click

from seminar.cli.base import Group
from seminar.cli.cohorts import find_cohort
from seminar.core.errors import RecordError, SeminarError
from seminar.models import Record, RecordKind
from seminar.queries import eligibility, links
from seminar.queries import records as record_queries
from seminar.services import issuing, keys, notifications, revocation

records_cli = Group("records", help="Issue and revoke completion records.")
outbox_cli = Group("outbox", help="Email waiting to be sent.")
keys_cli = Group("keys", help="The issuer's signing key.")


def _record(rid: str) -> Record:
    record = record_queries.find(rid)
    if record is None:
        raise click.ClickException(f"no record '{rid}'")
    return record


@records_cli.command("issue")
@click.option("--cohort", "slug", required=True, help="The cohort's slug.")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in RecordKind]),
    default=RecordKind.COMPLETION.value,
    show_default=True,
    help="completion: the program's Certificate of Completion; attendance: CE hours.",
)
def issue(slug: str, kind: str) -> None:
    """Issue records to every eligible student of a cohort, one line per record.

    A student who already holds the record is listed with it; nothing is issued twice.
    """
    cohort = find_cohort(slug)
    if not links.configured():
        click.echo(
            f"warning: SEMINAR_BASE_URL is not set; the records' verification links use "
            f"{links.base_url()}, and records keep their links for good",
            err=True,
        )
    record_kind = RecordKind(kind)
    found = eligibility.candidates(cohort, record_kind)
    try:
        issued = issuing.issue(
            cohort, record_kind, [c.user_id for c in found if c.ready or c.existing]
        )
    except RecordError as exc:
        raise click.ClickException(str(exc)) from None
    emails = {c.user_id: c.email for c in found}
    for item in issued:
        click.echo(f"{item.record.display_id} {emails[item.record.holder_id]} {kind}")
    new = sum(i.created for i in issued)
    click.echo(f"{new} issued, {len(issued) - new} already held", err=True)
    for c in found:
        if c.eligible and c.revoked is not None:
            click.echo(
                f"skipped {c.email}: record {c.revoked.display_id} was revoked; "
                "issue again from the cohort's records page, with a reason",
                err=True,
            )


@records_cli.command("revoke")
@click.argument("record_id")
@click.option("--reason", required=True, help="Shown on the verification page.")
def revoke(record_id: str, reason: str) -> None:
    """Revoke a record; its verify page and the status list say so at once."""
    record = _record(record_id)
    try:
        revocation.revoke(record, reason=reason)
    except RecordError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"revoked {record.display_id}")


@records_cli.command("reissue")
@click.argument("record_id")
@click.option("--reason", required=True)
def reissue(record_id: str, reason: str) -> None:
    """Reissue a record in the holder's current name; the old one shows as superseded."""
    record = _record(record_id)
    try:
        new = revocation.reissue(record, reason=reason)
    except RecordError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{record.display_id} superseded by {new.display_id}")


@keys_cli.command("rotate")
def rotate() -> None:
    """Sign from now on with a new key; the old one stays published, so every credential
    signed with it keeps verifying. Restart the app (every host) afterwards."""
    try:
        rotation = keys.rotate()
    except SeminarError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"retired {rotation.old}")
    click.echo(f"signing with {rotation.new}")


@outbox_cli.command("send")
def send() -> None:
    """Send queued email now (for a cron job); failures stay queued with their error."""
    if not notifications.smtp_configured():
        raise click.ClickException("no mail server configured (SEMINAR_MAIL_SERVER)")
    result = notifications.deliver_pending()
    click.echo(f"sent {result.sent}, failed {result.failed}")
