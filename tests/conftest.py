"""Fixtures: an app per database backend, clients, a CLI runner, builders and a query counter.

Every HTTP test runs on SQLite and, when SEMINAR_TEST_DATABASE_URL names a PostgreSQL server,
on PostgreSQL too. With SEMINAR_TEST_STRICT=1 (set by .ci/run) a PostgreSQL or browser test
that cannot run fails instead of skipping.
"""

from __future__ import annotations

import atexit
import os
import shutil
import textwrap
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import event, text

from seminar import create_app
from seminar.db import db
from seminar.extensions import limiter
from seminar.models import Role, User
from seminar.services.accounts import create_user
from seminar.services.sweeper import THREAD_NAME as SWEEPER_THREAD
from tests.mailserver import MailServer
from tests.pgserver import PgCluster, find_bindir
from tests.redisserver import RedisServer, find_redis

PASSWORD = "correct horse battery"
STRICT = os.environ.get("SEMINAR_TEST_STRICT") == "1"
PG_URL = os.environ.get("SEMINAR_TEST_DATABASE_URL", "")


def skip_or_fail(reason: str) -> None:
    """Skipping a PostgreSQL or browser test in CI would hide that it never ran."""
    if STRICT:
        pytest.fail(f"{reason} (SEMINAR_TEST_STRICT=1 forbids skipping)")
    pytest.skip(reason)


def base_config(database_url: str, tmp_path: Path, lessons_dir: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "LESSONS_DIR": str(lessons_dir),
        "QUIZZES_DIR": str(tmp_path / "quizzes"),
        "RATELIMIT_STORAGE_URL": "memory://",
        "SERVER_NAME": "localhost",
        # Configured, as a deployment is; tests/test_links.py covers it unset.
        "BASE_URL": "http://127.0.0.1:5000",
        # Most tests post without tokens; tests marked `csrf` switch protection back on.
        "WTF_CSRF_ENABLED": False,
        # No background sweeper thread in tests; tests/test_sweeper.py starts its own.
        "SWEEP_SECONDS": 0,
    }


def write_lessons(root: Path, files: dict[str, str]) -> Path:
    for rel, body in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return root


SAMPLE_LESSONS = {
    "01-basics/_module.md": """
        ---
        title: Basics
        summary: Where it starts.
        ---
        The first module.
    """,
    "01-basics/01-first-lesson.md": """
        ---
        title: First lesson
        summary: The first one.
        minutes: 5
        objectives:
          - Say what the sacrum is.
        evidence: limited
        ---
        # First lesson

        ## Anatomy

        The sacrum is a triangular bone. ![Diagram](img/diagram.svg)

        !!! evidence "What the research says"
            Limited evidence.
    """,
    "01-basics/02-second-lesson.md": """
        ---
        title: Second lesson
        minutes: 7
        ---
        ## Model

        As taught in S.O.T.
    """,
    "01-basics/img/diagram.svg": '<svg xmlns="http://www.w3.org/2000/svg"><title>d</title></svg>',
    "02-more/_module.md": """
        ---
        title: More
        ---
    """,
    "02-more/01-third-lesson.md": """
        ---
        title: Third lesson
        ---
        Words words words.
    """,
}


@pytest.fixture(autouse=True)
def no_sweeper_outlives_its_test() -> Iterator[None]:
    """A sweeper thread left running submits other tests' timed attempts on the shared
    database, whenever it wakes: every test stops the ones it starts (SWEEP_SECONDS=0 else)."""
    yield
    left = [t for t in threading.enumerate() if t.name == SWEEPER_THREAD and t.is_alive()]
    assert not left, f"{len(left)} sweeper thread(s) still running after the test"


@pytest.fixture(autouse=True)
def isolated_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the developer's own instance/ folder."""
    instance = tmp_path / "instance"
    monkeypatch.setenv("SEMINAR_INSTANCE_PATH", str(instance))
    for name in list(os.environ):
        if name.startswith("SEMINAR_") and name not in (
            "SEMINAR_INSTANCE_PATH",
            "SEMINAR_TEST_DATABASE_URL",
            "SEMINAR_TEST_STRICT",
        ):
            monkeypatch.delenv(name)
    return instance


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    return write_lessons(tmp_path / "lessons", SAMPLE_LESSONS)


# --- databases --------------------------------------------------------------------------------

_sqlite_template: dict[str, Path] = {}
_pg_ready: dict[str, bool] = {}


def _migrate(app: Flask) -> None:
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _sqlite_url(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    # Migrate once per run, then copy the file: every test starts from the real schema.
    if "db" not in _sqlite_template:
        folder = tmp_path_factory.mktemp("template")
        template = folder / "template.sqlite3"
        _migrate(create_app(base_config(f"sqlite:///{template}", folder, folder)))
        _sqlite_template["db"] = template
    target = tmp_path / "test.sqlite3"
    shutil.copy(_sqlite_template["db"], target)
    return f"sqlite:///{target}"


_local_pg: dict[str, Any] = {}


def postgres_url() -> str:
    """SEMINAR_TEST_DATABASE_URL if set, else a throwaway cluster this run starts (when the
    PostgreSQL server binaries are installed), else skip, or fail under SEMINAR_TEST_STRICT."""
    if PG_URL:
        return PG_URL
    if "url" not in _local_pg:
        bindir = find_bindir()
        if bindir is None:
            skip_or_fail(
                "PostgreSQL tests need SEMINAR_TEST_DATABASE_URL or the PostgreSQL server "
                "binaries (Debian: apt-get install postgresql)"
            )
        cluster = PgCluster(bindir)
        atexit.register(cluster.cleanup)
        cluster.initdb()
        cluster.start()
        _local_pg["url"] = cluster.create_database("seminar_test")
    return str(_local_pg["url"])


def _postgres_url(tmp_path: Path) -> str:
    url = postgres_url()
    app = create_app(base_config(url, tmp_path, tmp_path))
    with app.app_context():
        if not _pg_ready.get("migrated"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            db.engine.dispose()
            upgrade()
            _pg_ready["migrated"] = True
        tables = ", ".join(t.name for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A PostgreSQL cluster of the run's own, which fault tests may stop, restart and kill into."""
    bindir = find_bindir()
    if bindir is None:
        skip_or_fail("these tests need the PostgreSQL server binaries (initdb, pg_ctl)")
    cluster = PgCluster(bindir)
    try:
        cluster.initdb()
        cluster.start()
        yield cluster
    finally:
        cluster.cleanup()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A Redis of the run's own, for limits shared between workers and hosts."""
    executable = find_redis()
    if executable is None:
        skip_or_fail("these tests need redis-server (Debian: apt-get install redis-server)")
    server = RedisServer(executable)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[Any]]]:
    """A real SMTP server on loopback: its port, and every envelope it received."""
    server = MailServer().start()
    try:
        yield server.port, server.received
    finally:
        server.stop()


@pytest.fixture
def mail_server(app: Flask) -> Iterator[MailServer]:
    """A real SMTP server the app delivers to."""
    server = MailServer().start()
    app.config.update(server.config())
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> str:
    if request.param == "sqlite":
        return _sqlite_url(tmp_path, tmp_path_factory)
    return _postgres_url(tmp_path)


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production: its own `g` (and so its own
    logged-in user) and its own database session, even though the test holds a context.

    What the test did through services before the request is one unit of work: it commits
    here, as a request or a command commits at its end, so the request sees it."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path, lessons_dir: Path
) -> Iterator[Flask]:
    config = base_config(database_url, tmp_path, lessons_dir)
    config["WTF_CSRF_ENABLED"] = request.node.get_closest_marker("csrf") is not None
    app = create_app(config)
    app.test_client_class = FreshContextClient
    with app.app_context():
        limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


# --- builders ---------------------------------------------------------------------------------


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def build(role: Role | str = Role.STUDENT, **kwargs: Any) -> User:
        n = next(counter)
        kwargs.setdefault("email", f"{Role(role).value}{n}@example.org")
        kwargs.setdefault("name", f"{Role(role).label} Number{n}")
        kwargs.setdefault("password", PASSWORD)
        user = create_user(kwargs.pop("email"), role=role, **kwargs)
        db.session.commit()  # builders commit, as the request that made the data would
        return user

    return build


def login(client: FlaskClient, user: User | str, password: str = PASSWORD) -> Any:
    email = user if isinstance(user, str) else user.email
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def synced(app: Flask) -> None:
    from seminar.services.content_sync import sync_lessons

    report = sync_lessons(Path(app.config["LESSONS_DIR"]))
    assert report.ok, [str(p) for p in report.problems]
    db.session.commit()


@contextmanager
def count_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def csrf_token(client: FlaskClient, path: str) -> str:
    """Fetch a page and pull its CSRF token, for tests that post with CSRF switched on."""
    import re

    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


# --- a cohort world: sample lessons, one quiz, a program and a cohort on it ------------------

PROGRAM = """
programs:
  - slug: basic
    title: Basic program
    credential: Certificate of Completion, Basic
    requires:
      lessons: all
      quizzes:
        - check: 60
      attendance_hours: 2
      practical: true
"""

QUIZ = """---
title: Check
pass_mark: 50
---

## Which bone is at the base of the spine? {#base}

- [ ] Occiput
- [x] Sacrum

## The occiput is part of the skull. {#tf}

- [x] True
- [ ] False
"""


@pytest.fixture
def world(app: Flask) -> Any:
    """The sample lessons, one quiz, a program and a cohort on it."""
    lessons, quizzes = Path(app.config["LESSONS_DIR"]), Path(app.config["QUIZZES_DIR"])
    quizzes.mkdir(parents=True, exist_ok=True)
    (quizzes / "check.md").write_text(QUIZ)
    (lessons / "program.yml").write_text(PROGRAM)
    from seminar.services import cohorts as cohort_service
    from seminar.services.content_sync import sync_content

    report = sync_content(lessons, quizzes)
    assert report.ok, [str(p) for p in report.problems]
    cohort = cohort_service.create_cohort("spring", title="Spring cohort", program_slug="basic")
    db.session.commit()
    return cohort


@pytest.fixture
def make_reader(world: Any, make_user: Callable[..., User]) -> Callable[..., User]:
    """Students who may read the lessons: enrolled in the world cohort, whose program covers
    every lesson (a student in no cohort sees none)."""
    from seminar.services import cohorts as cohort_service

    def build(**kwargs: Any) -> User:
        user = make_user(Role.STUDENT, **kwargs)
        cohort_service.enroll(world, user)
        db.session.commit()
        return user

    return build


@pytest.fixture
def teacher(world: Any, make_user: Callable[..., User]) -> User:
    from seminar.services import cohorts as cohort_service

    user = make_user("instructor")
    cohort_service.enroll(world, user, cohort_service.MemberRole.INSTRUCTOR)
    db.session.commit()
    return user
