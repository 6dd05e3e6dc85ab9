"""seminar: a Flask platform for teaching a Sacro-Occipital Technique certification seminar."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

REPO_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from seminar.web.app_class import SeminarFlask

    app = SeminarFlask(__name__, instance_path=_instance_path(), instance_relative_config=True)
    _configure(app, test_config)
    _trust_proxy(app)
    _register_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _instance_path() -> str | None:
    if path := os.environ.get("SEMINAR_INSTANCE_PATH"):
        return str(Path(path).resolve())
    if (REPO_ROOT / "wsgi.py").exists():  # running from a checkout: its instance/ folder
        return str(REPO_ROOT / "instance")
    return None  # an installed package: Flask's default


def _configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Later layers win: defaults, instance/config.py, SEMINAR_* variables, the test dict."""
    instance = Path(app.instance_path)
    app.config.from_mapping(
        DATABASE_URL=f"sqlite:///{instance / 'seminar.sqlite3'}",
        LESSONS_DIR=str(REPO_ROOT / "lessons"),
        QUIZZES_DIR=str(REPO_ROOT / "quizzes"),
        BASE_URL="",  # the public address; unset, links follow the request's own address
        TIMEZONE="UTC",  # where sessions happen: times are entered and shown in this zone
        RATELIMIT_STORAGE_URL="memory://",
        # Stated, not left to the limiter: it would carry over another app's setting.
        RATELIMIT_ENABLED=True,
        # Failed logins: per account, with growing waits (the owner can reset the password);
        # per address, a ceiling high enough for a room of 300 on one venue Wi-Fi address.
        LOGIN_ACCOUNT_LIMIT="5 per 5 minutes;10 per hour;20 per day",
        LOGIN_ADDRESS_LIMIT="100 per 10 minutes;300 per hour",
        SIGNUP_RATE_LIMIT="300 per 10 minutes;1000 per hour",  # invite sign-ups per address
        # Wrong check-in codes: per person, and a ceiling per address.
        CHECKIN_USER_LIMIT="10 per 10 minutes",
        CHECKIN_ADDRESS_LIMIT="200 per 10 minutes",
        WORKERS=1,  # gunicorn's worker count (gunicorn.conf.py sets SEMINAR_WORKERS)
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # a form left open over a seminar weekend still submits
        ISSUER_NAME="S.O.T. Seminar",  # who issues completion records (on PDFs and badges)
        VERIFY_RATE_LIMIT="60 per minute",  # per address, on the public verification pages
        # Credentials from other issuers checked (each may fetch a key set), per person.
        CREDENTIAL_RATE_LIMIT="30 per hour;100 per day",
        FOREIGN_KEYS_ALLOW_PRIVATE=False,  # fetch other issuers' keys from private addresses
        # Hosts of other issuers whose credentials' hours count at once; empty: every issuer's
        # (the others' go to an admin, the hours stated kept).
        FOREIGN_ISSUERS=[],
        MAIL_SERVER="",  # SMTP host; empty keeps email in the admins' outbox
        MAIL_PORT=25,
        MAIL_RETRY_SECONDS=60,  # the wait after a failed send, doubled each time (6 h at most)
        INVITATION_DAYS=14,  # an invitation link works this long
        # Password reset requests: per address, and per e-mail typed (known or not alike).
        RESET_ADDRESS_LIMIT="30 per hour",
        RESET_ACCOUNT_LIMIT="3 per hour;10 per day",
        # A reset request's answer takes at least this long, known address or not, so its
        # timing tells nothing about which addresses have accounts.
        RESET_RESPONSE_SECONDS=0.25,
        # Each worker submits timed attempts whose time ran out this often (0: only
        # `flask seminar sweep` from cron): within deadline + 10 s grace + this, under a minute.
        SWEEP_SECONDS=20,
        IMPORT_BATCH=500,  # CSV rows enrolled per request of an import
        PROXY_COUNT=0,  # reverse proxies in front (1 behind nginx): trust their X-Forwarded-*
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("SEMINAR")
    else:
        app.config.from_mapping(test_config)

    if legacy := app.config.get("LOGIN_RATE_LIMIT"):  # the older name of the address limit
        app.config["LOGIN_ADDRESS_LIMIT"] = legacy
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    # No pool_pre_ping: it tries every connection before each use, a round trip that was a
    # third of a phone's poll on PostgreSQL. seminar.db looks at each one's socket instead.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URL"]
    # A CE provider profile that cannot be read stops the app here, saying why, rather than on
    # the first certificate.
    from seminar.core.ce import provider_from_config

    provider_from_config(app.config.get("CE_PROVIDER"), default_name=app.config["ISSUER_NAME"])
    # Served over https (production): cookies never travel over plain http.
    https = str(app.config["BASE_URL"]).startswith("https://")
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        app.config[key] = bool(app.config.get(key)) or https


def _trust_proxy(app: Flask) -> None:
    """Behind N reverse proxies (PROXY_COUNT), take the client's address and scheme from their
    X-Forwarded-* headers: rate limits then count each visitor, not the proxy."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def _instance_secret(path: Path) -> str:
    """Read the secret key, generating it on first run (readable by this user only)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secret)
    return secret


def _register_extensions(app: Flask) -> None:
    from seminar import db, models  # noqa: F401  (models register the tables)
    from seminar.extensions import csrf, limiter, login_manager, warn_if_limits_per_worker
    from seminar.queries import content_cache
    from seminar.services import audit, standing, sweeper, unit_of_work
    from seminar.web.signin import load_user

    db.init_app(app)
    for listeners in (content_cache, audit, standing, unit_of_work):
        listeners.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    warn_if_limits_per_worker(app)
    sweeper.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from seminar.web import register_blueprints

    register_blueprints(app)


def _register_cli(app: Flask) -> None:
    from seminar.cli import seminar_cli

    app.cli.add_command(seminar_cli)
