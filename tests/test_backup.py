"""Backups: every table out as JSON and back in exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import cast, select
from sqlalchemy.engine import make_url

from seminar import create_app
from seminar.db import UTCDateTime, db, now_utc
from seminar.models import Lesson, MemberRole, Quiz, RecordKind, Role, SessionReminder, User
from seminar.queries import live as live_queries
from seminar.services import (
    backup,
    exam_slots,
    exams,
    imports,
    issuing,
    logins,
    password_reset,
    reminders,
    revocation,
)
from seminar.services import cohorts as cohort_service
from seminar.services import live as live_service
from seminar.services import sessions as session_service
from seminar.services.accommodations import set_accommodation
from seminar.services.accounts import create_user
from seminar.services.attempts import grade_essay, save_answers, start_attempt, submit_attempt
from seminar.services.content_sync import sync_content
from seminar.services.evidence import PRACTICAL_CHECKLIST, record_heartbeat, record_practical
from seminar.services.lessons import save_web_edit, set_complete
from seminar.services.restore import restore
from seminar.services.standing import refresh
from tests.conftest import PASSWORD, PROGRAM, QUIZ, base_config, postgres_url
from tests.exam_world import EXAM, begin, open_slot

ESSAY = "\n## Explain why the sacrum matters. {#why}\n"


def populate(app: Flask) -> dict[str, Any]:
    """A small seminar with a row in every table, made through the services.

    A new table needs its rows added here: test_every_table_has_rows names the empty ones.
    """
    lessons, quizzes = Path(app.config["LESSONS_DIR"]), Path(app.config["QUIZZES_DIR"])
    quizzes.mkdir(parents=True, exist_ok=True)
    (quizzes / "check.md").write_text(QUIZ + ESSAY)
    (lessons / "program.yml").write_text(PROGRAM.rstrip("\n") + "\n" + EXAM)
    report = sync_content(lessons, quizzes)
    assert report.ok, [str(p) for p in report.problems]

    admin = create_user("admin@example.org", name="Ada Admin", role=Role.ADMIN, password=PASSWORD)
    teacher = create_user(
        "teacher@example.org", name="Tess Teacher", role=Role.INSTRUCTOR, password=PASSWORD
    )
    first = create_user(
        "first@example.org",
        name="Fîrst Stüdent",  # not ASCII: written as is, read back the same
        role=Role.STUDENT,
        password=PASSWORD,
        licence_number="DC-1234",
        licence_state="OR",
    )
    second = create_user("second@example.org", name="Second", role=Role.STUDENT, password=PASSWORD)
    cohort = cohort_service.create_cohort(
        "spring",
        title="Spring cohort",
        program_slug="basic",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 6, 30),
    )
    cohort_service.enroll(cohort, teacher, MemberRole.INSTRUCTOR)
    cohort_service.enroll(cohort, first)
    cohort_service.enroll(cohort, second)

    # Content edited in the browser: a version with an author, on top of the file's.
    lesson = db.session.execute(select(Lesson).where(Lesson.slug == "first-lesson")).scalar_one()
    assert lesson.current is not None
    save_web_edit(
        lesson,
        lesson.current.source + "\nOne more paragraph.\n",
        author_id=teacher.id,
        base_version_id=lesson.current_version_id,
        lessons_root=lessons,
        note="clarified",
    )
    set_complete(first.id, "first-lesson", True)
    beat = now_utc() - timedelta(minutes=5)
    record_heartbeat(first.id, lesson.id, now=beat)
    record_heartbeat(first.id, lesson.id, now=beat + timedelta(seconds=20, microseconds=123456))

    # A graded attempt (with an essay marked by hand) and one still open with a blank answer.
    quiz = db.session.execute(select(Quiz).where(Quiz.slug == "check")).scalar_one()
    set_accommodation(
        second, time_multiplier=1.5, extra_attempts=1, note="Extra time", set_by_id=teacher.id
    )
    done = start_attempt(first.id, quiz)
    keys = {aq.question.key: aq.position for aq in done.questions}
    save_answers(done, {keys["base"]: 1, keys["tf"]: True, keys["why"]: "It anchors the dura."})
    submit_attempt(done)
    essay = next(aq for aq in done.questions if aq.question.key == "why")
    grade_essay(essay, points=0.5, comment="Partly.", grader_id=teacher.id)
    running = start_attempt(second.id, quiz)
    blank = {aq.question.key: aq.position for aq in running.questions}["base"]
    save_answers(running, {blank: None})  # JSON null; the unanswered ones stay SQL NULL

    # A session: check-in and out, a correction, a live quiz.
    start = now_utc().replace(second=0, microsecond=0) - timedelta(hours=2)
    seminar = session_service.create_session(
        cohort,
        title="Day one",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        location="Portland",
        ce_hours=3,
        lessons=["first-lesson"],
    )
    code = session_service.open_checkin(seminar)
    attendance = session_service.check_in(first, code, now=start + timedelta(minutes=3))
    session_service.check_out(first, seminar, now=start + timedelta(minutes=95))
    session_service.correct_attendance(
        attendance,
        checked_in_at=start,
        checked_out_at=start + timedelta(minutes=125),
        reason="Signed the paper sheet on arrival",
        by=teacher,
    )
    drafts, _ = live_service.drafts_from_quiz(quiz)
    live = live_service.create_live_quiz(
        seminar, title="Warm-up", drafts=drafts, seconds=20, leaderboard=True
    )
    live_service.join(live, second)
    live_service.open_next(live)
    question = live_queries.current_question(live)
    assert question is not None
    live_service.answer(live, second, question.id, [question.correct[0]])
    live_service.close_question(live)
    live_service.finish(live)
    session_service.close_session(seminar)

    record_practical(
        cohort,
        first,
        passed=True,
        observed=list(PRACTICAL_CHECKLIST[:3]),
        note="Steady hands.",
        assessed_on=now_utc().date(),
        assessor=teacher,
    )
    # A practical exam: a slot, the second student's booking and the first examiner's sheet.
    examiner = create_user("eli@example.org", name="Eli", role=Role.INSTRUCTOR, password=PASSWORD)
    cohort_service.enroll(cohort, examiner, MemberRole.INSTRUCTOR)
    slot = open_slot(cohort, teacher, examiner)
    exam_booking = exam_slots.book(slot, second)
    begin(slot)
    exams.mark(exam_booking, teacher, marks=[2, 2, 1, 2, 2], comments=["Thorough.", "", "", "", ""])
    refresh(cohort)
    # The course evaluation (who submitted, apart from what was answered), and a roster
    # reported to a board.
    from seminar.core.ce import provider_from_config
    from seminar.services import evaluations, rosters

    evaluations.submit(cohort, first, {"objectives": "5", **dict.fromkeys(
        ("relevance", "instruction", "evidence", "balance", "setting"), "4"
    ), "comments": "Clear, thank you."})  # fmt: skip
    board = {"jurisdiction": "FL", "name": "Florida Board", "provider_number": "50-1"}
    rosters.mark_reported(
        seminar, "FL", provider=provider_from_config({"boards": [board]}, default_name="x"),
        by=admin,
    )  # fmt: skip

    # A record, reissued: the old one points at its successor in the same table.
    (issued,) = issuing.issue(
        cohort, RecordKind.ATTENDANCE, [first.id], actor=admin, session=seminar
    )
    revocation.reissue(issued.record, reason="Name corrected", actor=admin)

    # Accounts: a device logged in, people invited by a CSV import, a reset link, an
    # announcement and a session reminder.
    logins.start(first, remember=True, user_agent="Firefox/140.0", ip_address="127.0.0.1")
    job = imports.create_job(
        cohort, imports.plan_csv(cohort, "email,name\nnew@example.org,New One\n"), by=admin
    )
    imports.start(job)
    imports.step(job, by=admin)
    password_reset.request_reset(first.email)
    reminders.announce(cohort, subject="Bring a towel", body="For the table work.", by=teacher)
    db.session.add(SessionReminder(session_id=seminar.id, user_id=first.id))
    # Levels: a licence date, hours declared with binary evidence and decided, a reminder
    # before a record lapses.
    from seminar.models import RecordReminder
    from seminar.services import declared_hours

    declared_hours.set_licensed_on(first, date(2019, 9, 1))
    entry = declared_hours.declare(
        first, organisation="SOTO-Europe", course="Basic seminar", attended_on=date(2026, 3, 14),
        hours=6, file_name="c.png", file_data=b"\x89PNG\r\n\x1a\n\x00\xff\xfe binary",
    )  # fmt: skip
    declared_hours.decide(entry, approve=True, reason="", by=admin)
    db.session.add(RecordReminder(record_id=issued.record.id, days_before=90))
    db.session.commit()  # the end of this unit of work, as a request's or command's end
    return {"admin": admin.id, "cohort": cohort.id}


# --- comparing databases ----------------------------------------------------------------------


def contents(conn: sa.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, each value with its type (and a datetime's offset); JSON
    columns also as stored text, which tells SQL NULL from JSON null."""

    def exact(value: Any) -> Any:
        if isinstance(value, datetime):
            return (type(value), value, value.utcoffset())
        return (type(value), value)

    tables = {}
    for table in backup.tables():
        raw = [cast(c, sa.Text()) for c in table.columns if isinstance(c.type, sa.JSON)]
        query = select(*table.columns, *raw).order_by(*table.primary_key.columns)
        tables[table.name] = [tuple(map(exact, row)) for row in conn.execute(query)]
    return tables


def current_contents(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    with app.app_context(), db.engine.connect() as conn:
        return contents(conn)


@pytest.fixture
def full(app: Flask) -> dict[str, Any]:
    return populate(app)


@contextmanager
def fresh_app(backend: str, tmp_path: Path, lessons_dir: Path) -> Iterator[Flask]:
    """An app on a new, migrated, empty database: a SQLite file, or a PostgreSQL database next
    to the test one (dropped afterwards)."""
    admin_engine = None
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    else:
        pg_url = postgres_url()
        name = f"{make_url(pg_url).database}_restore"
        admin_engine = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    other = create_app(base_config(url, tmp_path / "second", lessons_dir))
    try:
        with other.app_context():
            upgrade()
        yield other
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
        if admin_engine is not None:
            with admin_engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin_engine.dispose()


def backend_of(app: Flask) -> str:
    return "sqlite" if app.config["DATABASE_URL"].startswith("sqlite") else "postgresql"


@pytest.fixture
def empty_app(app: Flask, tmp_path: Path, lessons_dir: Path) -> Iterator[Flask]:
    """A second app on a fresh database of the same kind, at the same schema revision."""
    with fresh_app(backend_of(app), tmp_path, lessons_dir) as other:
        yield other


def test_every_table_has_rows(app: Flask, full: dict[str, Any]) -> None:
    """The round trip below proves only what the fixture holds: a table with no rows in it is
    a table whose backup nobody checked."""
    with db.engine.connect() as conn:
        empty = [
            t.name
            for t in backup.tables()
            if not conn.execute(select(1).select_from(t).limit(1)).first()
        ]
    assert not empty, f"populate() leaves these tables empty: {', '.join(empty)}"


def test_backup_restores_into_an_empty_database_exactly(
    app: Flask, full: dict[str, Any], empty_app: Flask, tmp_path: Path
) -> None:
    before = current_contents(app)
    path = tmp_path / "seminar-backup.json"
    counts = backup.write_backup(path)
    assert counts == {name: len(rows) for name, rows in before.items()}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # password hashes are in it
    document = backup.read_backup(path)
    assert document["format"] == "seminar-backup" and document["version"] == 1
    assert "alembic_version" not in document["tables"]
    with db.engine.connect() as conn:
        assert document["alembic_revision"] == backup.schema_revision(conn)
    # The in-memory dump is the same document as the streamed file.
    in_memory = backup.dump(db.session)
    assert {**in_memory, "created_at": None} == {**document, "created_at": None}

    with empty_app.app_context():
        restored = restore(db.session, document)
    assert restored == counts
    after = current_contents(empty_app)
    for name, rows in before.items():
        assert after[name] == rows, f"table {name} differs after the restore"
    assert after == before


def test_a_backup_moves_between_sqlite_and_postgresql(
    app: Flask, full: dict[str, Any], tmp_path: Path, lessons_dir: Path
) -> None:
    before = current_contents(app)
    document = json.loads(json.dumps(backup.dump(db.session)))
    other = "postgresql" if backend_of(app) == "sqlite" else "sqlite"
    with fresh_app(other, tmp_path, lessons_dir) as target:
        with target.app_context():
            restore(db.session, document)
            create_user("moved@example.org", name="Moved", role=Role.STUDENT, password=PASSWORD)
            db.session.commit()
        after = current_contents(target)
    assert after["users"][:-1] == before["users"]
    assert {k: v for k, v in after.items() if k != "users"} == {
        k: v for k, v in before.items() if k != "users"
    }


def test_restored_database_takes_new_rows(
    app: Flask, full: dict[str, Any], empty_app: Flask
) -> None:
    document = backup.dump(db.session)
    with empty_app.app_context():
        restore(db.session, document)
        highest = db.session.scalar(select(sa.func.max(User.id)))
        # On PostgreSQL this needs the sequences moved past the restored ids.
        user = create_user("new@example.org", name="New", role=Role.STUDENT, password=PASSWORD)
        assert user.id == highest + 1
        cohort = cohort_service.create_cohort("autumn", title="Autumn", program_slug="basic")
        assert cohort.id == full["cohort"] + 1


def test_restore_into_a_database_with_rows_needs_force(
    app: Flask, full: dict[str, Any], tmp_path: Path
) -> None:
    document = backup.dump(db.session)
    before = current_contents(app)
    with pytest.raises(backup.BackupError, match=r"not empty.*--force"):
        restore(db.session, document)
    assert current_contents(app) == before

    # Data added after the backup goes; the circular current-version links are undone first.
    create_user("late@example.org", name="Late", role=Role.STUDENT, password=PASSWORD)
    cohort_service.create_cohort("later", title="Later", program_slug="basic")
    db.session.commit()
    assert current_contents(app) != before
    restore(db.session, document, force=True)
    assert current_contents(app) == before


def _broken(document: dict[str, Any], table: str, column: str, value: Any) -> dict[str, Any]:
    broken = json.loads(json.dumps(document))
    entry = broken["tables"][table]
    entry["rows"][-1][entry["columns"].index(column)] = value
    return broken


def test_a_failed_restore_changes_nothing(app: Flask, full: dict[str, Any]) -> None:
    document = backup.dump(db.session)
    before = current_contents(app)
    # Every table is emptied, most are loaded again, then one of the last fails: all rolled back.
    last, when = next(
        (t, c.name)
        for t in reversed(backup.tables())
        for c in t.columns
        if isinstance(c.type, UTCDateTime)
    )
    with pytest.raises(backup.BackupError, match=rf"{last.name}, row \d+, {when}: .*'yesterday'"):
        restore(db.session, _broken(document, last.name, when, "yesterday"), force=True)
    assert current_contents(app) == before

    # A value of the wrong type is refused, even where SQLite would have stored it.
    wrong = _broken(document, "outbox", "tries", "two")
    with pytest.raises(backup.BackupError, match=r"outbox, row \d+, tries: expected int"):
        restore(db.session, wrong, force=True)
    assert current_contents(app) == before

    # The database itself refusing a row (a duplicate email) rolls back the same way.
    users = document["tables"]["users"]
    email = users["columns"].index("email")
    clash = _broken(document, "users", "email", users["rows"][0][email])
    with pytest.raises(backup.BackupError, match="nothing was changed"):
        restore(db.session, clash, force=True)
    assert current_contents(app) == before


def test_wrong_revision_and_other_files_are_refused(
    app: Flask, full: dict[str, Any], tmp_path: Path
) -> None:
    document = backup.dump(db.session)
    before = current_contents(app)
    older = {**document, "alembic_revision": "0123456789ab"}
    with pytest.raises(backup.BackupError, match=r"revision 0123456789ab.*flask db upgrade"):
        restore(db.session, older, force=True)
    newer = {**document, "version": 2}
    with pytest.raises(backup.BackupError, match="format version 2"):
        restore(db.session, newer, force=True)
    partial = {**document, "tables": {k: v for k, v in document["tables"].items() if k != "users"}}
    with pytest.raises(backup.BackupError, match="incomplete: no users"):
        restore(db.session, partial, force=True)
    assert current_contents(app) == before

    not_json = tmp_path / "notes.txt"
    not_json.write_text("Backup of March: see the USB stick.")
    with pytest.raises(backup.BackupError, match="not valid JSON"):
        backup.read_backup(not_json)
    other_json = tmp_path / "other.json"
    other_json.write_text('{"users": []}')
    with pytest.raises(backup.BackupError, match="format marker"):
        backup.read_backup(other_json)


def test_restore_needs_a_migrated_database(
    app: Flask, full: dict[str, Any], tmp_path: Path, lessons_dir: Path
) -> None:
    document = backup.dump(db.session)
    bare = create_app(base_config(f"sqlite:///{tmp_path / 'bare.sqlite3'}", tmp_path, lessons_dir))
    with bare.app_context():
        with pytest.raises(backup.BackupError, match="run `flask db upgrade` first"):
            restore(db.session, document)
        db.engine.dispose()


# --- every column type the codecs know, through a real database -------------------------------


@pytest.mark.filterwarnings("ignore:Dialect sqlite\\+pysqlite does \\*not\\* support Decimal")
def test_every_column_type_round_trips(app: Flask) -> None:
    metadata = sa.MetaData()

    def scratch(name: str) -> sa.Table:
        return sa.Table(
            name,
            metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("at", UTCDateTime()),
            sa.Column("naive", sa.DateTime()),
            sa.Column("day", sa.Date()),
            sa.Column("clock", sa.Time()),
            sa.Column("price", sa.Numeric(12, 4)),
            sa.Column("ratio", sa.Float()),
            sa.Column("blob", sa.LargeBinary()),
            sa.Column("doc", sa.JSON()),
            sa.Column("flag", sa.Boolean()),
            sa.Column("role", sa.Enum(Role, native_enum=False, length=20)),
            sa.Column("token", sa.Uuid()),
            sa.Column("words", sa.Text()),
        )

    source, target = scratch("backup_types_a"), scratch("backup_types_b")
    rows = [
        {
            "id": 1,
            "at": now_utc().replace(microsecond=654321),
            "naive": datetime(2026, 3, 1, 9, 30, 15, 1),
            "day": date(2026, 2, 28),
            "clock": time(23, 59, 58, 999),
            "price": Decimal("1234.5678"),
            "ratio": 0.1 + 0.2,
            "blob": bytes(range(256)),
            "doc": {"nested": [1, 2.5, "ü", None, True], "$json": 1},
            "flag": True,
            "role": Role.INSTRUCTOR,
            "token": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "words": "Zeile\nzwei — «quoted» \U0001f600",
        },
        {"id": 2, "doc": sa.JSON.NULL, "flag": False, "ratio": -0.0, "blob": b""},
        {"id": 3, "doc": {"$json": None}},  # looks like the wrapper: must stay a dict
        {"id": 4, "doc": sa.null()},
    ]
    rows = [dict.fromkeys(source.columns.keys()) | row for row in rows]
    metadata.create_all(db.engine)
    try:
        with db.engine.begin() as conn:
            conn.execute(sa.insert(source), rows)
            encoded = json.loads(json.dumps(list(backup.table_rows(conn, source))))
            codecs = [backup.codec(c) for c in source.columns]
            conn.execute(
                sa.insert(target),
                [
                    {
                        c.name: c.null if v is None else c.decode(v)
                        for c, v in zip(codecs, row, strict=True)
                    }
                    for row in encoded
                ],
            )
            wanted, got = (
                [
                    tuple((type(v), v) for v in row)
                    for row in conn.execute(
                        select(*t.columns, cast(t.c.doc, sa.Text())).order_by(t.c.id)
                    )
                ]
                for t in (source, target)
            )
        assert got == wanted
        assert wanted[0][1][1].utcoffset() == timedelta(0)
        assert [row[-1][1] for row in wanted] == [wanted[0][-1][1], "null", '{"$json": null}', None]
    finally:
        metadata.drop_all(db.engine)


# --- the commands -----------------------------------------------------------------------------


def test_backup_and_restore_commands(
    app: Flask, full: dict[str, Any], empty_app: Flask, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    path = tmp_path / "backups" / "monday.json"
    path.parent.mkdir()
    result = runner.invoke(args=["seminar", "backup", str(path)])
    assert result.exit_code == 0, result.output
    users = len(json.loads(path.read_text())["tables"]["users"]["rows"])
    assert re.search(rf"^users +{users}$", result.output, re.MULTILINE), result.output
    assert f"to {path}" in result.output
    assert [p.name for p in path.parent.iterdir()] == ["monday.json"]  # no partial file left

    result = runner.invoke(args=["seminar", "restore", str(path)])
    assert result.exit_code == 1
    assert "not empty" in result.output and "--force" in result.output
    result = runner.invoke(args=["seminar", "restore", str(tmp_path / "missing.json")])
    assert result.exit_code == 1 and "no such file" in result.output
    (tmp_path / "notes.json").write_text("[1, 2, 3]")
    result = runner.invoke(args=["seminar", "restore", str(tmp_path / "notes.json")])
    assert result.exit_code == 1 and "Not a seminar backup" in result.output
    result = runner.invoke(args=["seminar", "restore", str(path), "--force"])
    assert result.exit_code == 0, result.output
    assert f"restored {sum(backup.write_backup(tmp_path / 'again.json').values())} rows" in (
        result.output
    )

    # '-' streams: a backup on standard output piped into a restore on standard input.
    result = runner.invoke(args=["seminar", "backup", "-"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["format"] == "seminar-backup"
    assert "backed up" in result.stderr and "backed up" not in result.stdout
    with empty_app.app_context():  # the command runs in the current app's context
        restored = empty_app.test_cli_runner().invoke(
            args=["seminar", "restore", "-"], input=result.stdout
        )
    assert restored.exit_code == 0, restored.output
    assert "restored" in restored.output
    assert current_contents(empty_app) == current_contents(app)


def test_backup_command_reports_an_unwritable_file(app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "backup.json"
    result = app.test_cli_runner().invoke(args=["seminar", "backup", str(target)])
    assert result.exit_code == 1
    assert "cannot write" in result.output
    assert not os.path.exists(target)
