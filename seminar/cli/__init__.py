"""`flask seminar ...`: content sync, users and demo data."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app

from seminar.cli.backup import backup_command, restore_command
from seminar.cli.base import Group
from seminar.cli.cohorts import cohort_cli
from seminar.cli.records import keys_cli, outbox_cli, records_cli
from seminar.core.content.problems import display_path
from seminar.core.errors import SeminarError
from seminar.models import Role
from seminar.services import accounts, attempts, recertification, reminders, standing
from seminar.services.content_sync import sync_content
from seminar.services.demo import add_synthetic_students, ensure_demo_cohort, seed_demo_accounts
from seminar.services.demo_levels import ensure_demo_levels

seminar_cli = Group("seminar", help="Manage the seminar platform.")


@seminar_cli.command("sync")
@click.option("--check", is_flag=True, help="Validate every file without writing anything.")
@click.option(
    "--prefer-files",
    is_flag=True,
    help="Where a file and a browser edit conflict, load the file as the newest version.",
)
def sync_command(check: bool, prefer_files: bool) -> None:
    """Load lessons/ and quizzes/; report what is new, changed and broken."""
    root = Path(current_app.config["LESSONS_DIR"])
    quizzes = Path(current_app.config["QUIZZES_DIR"])
    report = sync_content(root, quizzes, check=check, prefer_files=prefer_files)

    def show(rel: str) -> str:
        return rel if rel.startswith("quizzes/") else display_path(str(root / rel))

    if check:
        click.echo(f"checked {len(report.new)} lesson and quiz files")
    else:
        for label, paths in (
            ("new", report.new),
            ("changed", report.changed),
            ("removed", report.removed),
        ):
            for path in paths:
                click.echo(f"{label:9} {show(path)}")
        click.echo(
            f"content files: {len(report.new)} new, {len(report.changed)} changed, "
            f"{len(report.unchanged)} unchanged, {len(report.removed)} removed"
        )
    for problem in [*report.warnings, *report.conflicts, *report.problems]:
        click.echo(str(problem), err=True)
    if not report.ok:
        click.echo(
            f"{len(report.problems)} error(s), {len(report.conflicts)} conflict(s); "
            "the last good version of each affected file keeps serving",
            err=True,
        )
        sys.exit(1)


user_cli = Group("user", help="Manage accounts.")
seminar_cli.add_command(user_cli)
seminar_cli.add_command(cohort_cli)
seminar_cli.add_command(records_cli)
seminar_cli.add_command(outbox_cli)
seminar_cli.add_command(keys_cli)
seminar_cli.add_command(backup_command)
seminar_cli.add_command(restore_command)


def _read_password(password_stdin: bool) -> tuple[str, bool]:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return accounts.generate_password(), True


@user_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name, as printed on records.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.STUDENT.value,
    show_default=True,
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--licence-number", default=None)
@click.option("--licence-state", default=None)
def user_create(
    email: str,
    name: str,
    role: str,
    password_stdin: bool,
    licence_number: str | None,
    licence_state: str | None,
) -> None:
    """Create an account; without --password-stdin a password is generated and printed."""
    password, generated = _read_password(password_stdin)
    try:
        user = accounts.create_user(
            email,
            name=name,
            role=role,
            password=password,
            licence_number=licence_number,
            licence_state=licence_state,
        )
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {user.role} {user.email}")
    if generated:
        click.echo(f"password: {password}")


@user_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_set_password(email: str, password_stdin: bool) -> None:
    """Set a new password; without --password-stdin one is generated and printed."""
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    password, generated = _read_password(password_stdin)
    try:
        accounts.set_password(user, password)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"password changed for {user.email}")
    if generated:
        click.echo(f"password: {password}")


@seminar_cli.command("demo")
@click.option(
    "--students",
    type=click.IntRange(min=0, max=50_000),
    default=0,
    help="Also add this many synthetic students with varied progress to the demo cohort.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="For repeatable data.")
def demo_command(students: int, seed: int) -> None:
    """Create the demo accounts and the demo cohort (once) and print how to log in."""
    logins = seed_demo_accounts()
    saved = Path(current_app.instance_path) / "demo-accounts.txt"
    fresh = [login for login in logins if login.password]
    if fresh:
        saved.parent.mkdir(parents=True, exist_ok=True)
        with saved.open("a") as f:
            saved.chmod(0o600)
            for login in fresh:
                f.write(f"{login.role:<11} {login.email:<26} {login.password}\n")
    try:
        cohort = ensure_demo_cohort()
        ensure_demo_levels(cohort)
    except SeminarError as exc:
        click.echo(f"demo cohort not created: {exc} (run 'flask seminar sync' first)", err=True)
        cohort = None
    if cohort is not None and students:
        finishers = add_synthetic_students(cohort, students, seed=seed)
        click.echo(f"added {students} synthetic students to '{cohort.slug}' ({finishers} finish)")
    click.echo("Demo accounts (role, email, password):")
    if saved.exists():
        click.echo(saved.read_text().rstrip())
    else:
        for login in logins:
            click.echo(
                f"{login.role:<11} {login.email:<26} (exists; 'flask seminar user set-password')"
            )


@seminar_cli.command("sweep")
def sweep_command() -> None:
    """Submit every quiz attempt whose time ran out (run it from cron, e.g. each minute)."""
    count = attempts.submit_expired()
    click.echo(f"submitted {count} attempt(s) whose time was up")


@seminar_cli.command("remind")
def remind_command() -> None:
    """E-mail tomorrow's sessions to everyone enrolled, renew maintained records and remind
    holders of records that lapse in 90 or 30 days (cron, e.g. hourly); never twice."""
    count = reminders.queue_reminders()
    click.echo(f"queued {count} session reminder(s)")
    _recertify(None)


@seminar_cli.command("recertify")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Act as on this date (default: today where the seminar is).",
)
def recertify_command(today: datetime | None) -> None:
    """Renew records whose maintenance is met; remind holders 90 and 30 days before a record
    lapses (each reminder once, however often it runs)."""
    _recertify(today.date() if today else None)


def _recertify(today: date | None) -> None:
    for record in recertification.renew_maintained(today):
        click.echo(f"renewed {record.display_id} until {record.expires_on}")
    count = recertification.queue_reminders(today)
    click.echo(f"queued {count} record reminder(s)")


@seminar_cli.command("refresh-standing")
def refresh_standing_command() -> None:
    """Recompute every student's standing on the dashboards (after restoring or upgrading)."""
    standing.mark_everyone()
    click.echo("every cohort's standing is recomputed")


@seminar_cli.command("export-quiz")
@click.argument("quiz")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "gift", "md", "moodle-xml"]),
    default="json",
    show_default=True,
)
def export_quiz(quiz: str, fmt: str) -> None:
    """Print a quiz (by slug, its current version) or a quiz file (by path) in a format."""
    from seminar.core.content.moodle_xml_export import to_moodle_xml
    from seminar.core.content.problems import ContentError
    from seminar.core.content.quiz_export import to_gift, to_json, to_native
    from seminar.core.content.quizzes import PARSERS, parse_quiz_file
    from seminar.core.errors import SeminarError
    from seminar.queries.quiz_results import current_quiz_model

    path = Path(quiz)
    if path.suffix.lower() in PARSERS or path.exists():
        try:
            parsed = parse_quiz_file(path, display_path=display_path(str(path)))
        except ContentError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(1)
        for warning in parsed.warnings:
            click.echo(str(warning), err=True)
        model = parsed.quiz
    else:
        model = current_quiz_model(quiz)
        if model is None:
            raise click.ClickException(f"no quiz '{quiz}'; run 'flask seminar sync' first")
    writers = {"json": to_json, "gift": to_gift, "md": to_native, "moodle-xml": to_moodle_xml}
    try:
        text = writers[fmt](model)
    except SeminarError as exc:  # a question this format has no way to write
        click.echo(exc.message, err=True)
        sys.exit(1)
    click.echo(text, nl=False)
