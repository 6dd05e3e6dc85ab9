"""`flask seminar cohort ...` commands."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app, url_for

from seminar.cli.base import Group
from seminar.core.errors import SeminarError
from seminar.models import Cohort, MemberRole
from seminar.queries import links
from seminar.queries.cohorts import get_cohort
from seminar.services import cohorts as cohort_service
from seminar.services.accounts import find_user

cohort_cli = Group("cohort", help="Manage cohorts.")


def find_cohort(slug: str) -> Cohort:
    cohort = get_cohort(slug)
    if cohort is None:
        raise click.ClickException(f"no cohort '{slug}'")
    return cohort


def invite_link(cohort: Cohort) -> str:
    with current_app.test_request_context():
        path = url_for("join.join", code=cohort.invite_code)
    return links.base_url() + path


@cohort_cli.command("create")
@click.argument("slug")
@click.option("--title", required=True)
@click.option("--program", "program_slug", required=True, help="A program slug from program.yml.")
@click.option("--starts", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--ends", type=click.DateTime(["%Y-%m-%d"]), default=None)
def create(
    slug: str, title: str, program_slug: str, starts: datetime | None, ends: datetime | None
) -> None:
    """Create a cohort on a program; prints its invite link."""
    try:
        cohort = cohort_service.create_cohort(
            slug,
            title=title,
            program_slug=program_slug,
            starts_on=starts.date() if starts else None,
            ends_on=ends.date() if ends else None,
        )
    except SeminarError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created cohort {cohort.slug} on {program_slug}")
    click.echo(f"invite link: {invite_link(cohort)}")


@cohort_cli.command("enroll")
@click.argument("slug")
@click.argument("emails", nargs=-1, required=True)
@click.option("--instructor", is_flag=True, help="Enrol them as the cohort's instructors.")
def enroll(slug: str, emails: tuple[str, ...], instructor: bool) -> None:
    """Enrol existing accounts; unknown emails are reported and the rest still enrolled."""
    cohort = find_cohort(slug)
    role = MemberRole.INSTRUCTOR if instructor else MemberRole.STUDENT
    failed = False
    for email in emails:
        user = find_user(email)
        if user is None:
            click.echo(
                f"{email}: no account (create it with 'flask seminar user create')", err=True
            )
            failed = True
            continue
        try:
            added = cohort_service.enroll(cohort, user, role)
        except SeminarError as exc:
            click.echo(f"{email}: {exc}", err=True)
            failed = True
            continue
        click.echo(f"{user.email}: {'enrolled' if added else 'already enrolled'} as {role}")
    if failed:
        raise SystemExit(1)


@cohort_cli.command("invite")
@click.argument("slug")
@click.option("--rotate", is_flag=True, help="Replace the link; the old one stops working.")
@click.option("--close", is_flag=True, help="Stop anyone joining with the link.")
@click.option("--open", "reopen", is_flag=True, help="Let people join with the link again.")
def invite(slug: str, rotate: bool, close: bool, reopen: bool) -> None:
    """Print the cohort's invite link (a new one with --rotate)."""
    cohort = find_cohort(slug)
    if rotate:
        cohort_service.rotate_invite(cohort)
    if close or reopen:
        cohort_service.set_invite_open(cohort, reopen)
    click.echo(invite_link(cohort))
    if not cohort.invite_open:
        click.echo("(closed: nobody can join with it until you run with --open)", err=True)
