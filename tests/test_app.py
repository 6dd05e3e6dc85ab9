"""The application factory, configuration, health check, errors and migrations."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError

from seminar import create_app
from seminar.db import db


def test_healthz_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_503_when_database_is_down(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


def test_404_page(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is nothing here" in response.get_data(as_text=True)


def test_500_page_rolls_back_and_hides_details(tmp_path: Path, lessons_dir: Path) -> None:
    from tests.conftest import base_config

    config = base_config(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path, lessons_dir)
    config["TESTING"] = False
    app = create_app(config)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html and "secret internals" not in html


def test_security_headers(client: FlaskClient) -> None:
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_secret_key_generated_once_into_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = tmp_path / "instance"
    monkeypatch.setenv("SEMINAR_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("SEMINAR_SECRET_KEY", raising=False)
    first = create_app()
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) == 64
    assert create_app().config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert first.config["DATABASE_URL"] == f"sqlite:///{instance / 'seminar.sqlite3'}"


def test_configuration_layers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        "BASE_URL = 'https://from-file.example.org'\nLESSONS_DIR = '/from/file'\n"
    )
    monkeypatch.setenv("SEMINAR_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("SEMINAR_LESSONS_DIR", "/from/env")
    monkeypatch.setenv("SEMINAR_SECRET_KEY", "env-secret")
    app = create_app()
    assert app.config["BASE_URL"] == "https://from-file.example.org"  # file over default
    assert app.config["LESSONS_DIR"] == "/from/env"  # environment over file
    assert app.config["SECRET_KEY"] == "env-secret"
    assert not (instance / "secret_key").exists()
    assert app.config["SESSION_COOKIE_SECURE"] is True  # an https site gets secure cookies
    assert os.environ["SEMINAR_LESSONS_DIR"] == "/from/env"


def test_models_match_the_migrations(app: Flask) -> None:
    """A model change without a migration fails here, on every backend."""
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_the_calendar_token_migration_gives_everyone_one(tmp_path: Path, lessons_dir: Path) -> None:
    """Accounts and cohorts from before the revision get their feed's secret from it (pages
    used to make it on first view, a GET that wrote)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.conftest import base_config

    app = create_app(base_config(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path, lessons_dir))
    with app.app_context():
        upgrade(revision="1e641284806d")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (email, name, role, password_hash, active, created_at,"
                    " session_version) VALUES ('old@example.org', 'Old', 'student', 'x', 1,"
                    " '2026-01-01 00:00:00', 1)"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            (token,) = conn.execute(text("SELECT calendar_token FROM users")).one()
        db.engine.dispose()
    assert token and len(token) >= 30


def test_a_command_on_a_database_never_migrated_says_what_to_run(tmp_path: Path) -> None:
    from tests.conftest import SAMPLE_LESSONS, base_config, write_lessons

    lessons = write_lessons(tmp_path / "lessons", SAMPLE_LESSONS)
    app = create_app(base_config(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path, lessons))
    result = app.test_cli_runner().invoke(args=["seminar", "sync", "--check"])
    assert result.exit_code == 1
    assert "The database has no tables yet: run `flask db upgrade` first" in result.output
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback
