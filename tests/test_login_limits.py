"""Logins for a room: guessing one account's password is stopped (with growing waits), a room
of 300 behind one address is not, and the limits hold whatever the number of workers (each
worker's share without Redis; shared through a real Redis between workers and hosts)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from seminar import create_app
from seminar.db import db
from seminar.extensions import configured_limit, limiter
from seminar.models import Role, User
from tests.conftest import PASSWORD, base_config, login
from tests.redisserver import RedisServer
from tests.served_app import AppServer, Browser, server_env

WRONG = "not the password"


def test_guessing_one_account_is_stopped_and_the_form_says_when_to_retry(
    client: FlaskClient, make_user
) -> None:
    owner, other = make_user(), make_user()
    statuses = [login(client, owner, WRONG).status_code for _ in range(20)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    refused = login(client, owner)  # even the right password waits: the account is resting
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and 'name="email"' in page  # the form, not a bare page
    said = re.findall(r"Too many[^<]*", page)
    assert said == [
        "Too many failed logins for this account. Try again in 5 minutes, or reset your password."
    ]
    assert login(client, other).status_code == 302  # nobody else is locked out


def test_a_room_of_people_behind_one_address_logs_in(app: Flask, client: FlaskClient) -> None:
    """120 students in the same two minutes, from the venue's one address, some mistyping."""
    hashed = generate_password_hash(PASSWORD, method="scrypt")
    db.session.add_all(
        User(
            email=f"room{i}@example.org",
            name=f"Student {i}",
            role=Role.STUDENT,
            password_hash=hashed,
            calendar_token=f"room-{i}",
        )
        for i in range(120)
    )
    db.session.commit()
    outcomes = []
    for i in range(120):
        if i % 8 == 0:  # one in eight mistypes first
            assert login(client, f"room{i}@example.org", WRONG).status_code == 200
        outcomes.append(login(client, f"room{i}@example.org").status_code)
        client.post("/logout")
    assert outcomes == [302] * 120


def test_guessing_from_one_address_meets_a_ceiling(app: Flask, client: FlaskClient) -> None:
    app.config["LOGIN_ADDRESS_LIMIT"] = "30 per 10 minutes"  # the default is 100: quicker
    statuses = [login(client, f"nobody{i}@example.org", WRONG).status_code for i in range(32)]
    assert statuses[:30] == [200] * 30 and statuses[30:] == [429, 429]
    assert "from this network" in login(client, "nobody@example.org").get_data(as_text=True)


def test_each_worker_enforces_its_share_without_redis(app: Flask) -> None:
    app.config.update(WORKERS=4, LOGIN_ACCOUNT_LIMIT="5 per 5 minutes;10 per hour;20 per day")
    with app.test_request_context():
        assert configured_limit("LOGIN_ACCOUNT_LIMIT")() == (
            "1 per 5 minute;2 per 1 hour;5 per 1 day"
        )
        app.config["RATELIMIT_STORAGE_URL"] = "redis://127.0.0.1:1/0"  # shared: the full figure
        assert configured_limit("LOGIN_ACCOUNT_LIMIT")() == "5 per 5 minutes;10 per hour;20 per day"


def test_four_workers_without_redis_still_stop_twenty_guesses(
    database_url: str, tmp_path: Path, lessons_dir: Path, make_user
) -> None:
    """gunicorn with 4 workers and in-memory limits: the workers' shares add up to no more than
    the documented 5 failures (gunicorn.conf.py tells the app how many workers there are)."""
    owner = make_user()
    env = server_env(database_url, tmp_path / "instance", lessons_dir, tmp_path, "four-workers")
    server = AppServer(env, tmp_path / "gunicorn.log", workers=4).start()
    try:
        browser = Browser(server.base)
        statuses = [browser.log_in_attempt(owner.email, WRONG).status for _ in range(20)]
    finally:
        server.stop()
    assert 1 <= statuses.count(200) <= 5 and statuses.count(429) >= 15, statuses


def test_two_hosts_sharing_redis_stop_twenty_guesses_between_them(
    database_url: str, tmp_path: Path, lessons_dir: Path, make_user, redis_server: RedisServer
) -> None:
    owner = make_user()
    redis_server.flush()
    hosts = []
    for name in ("one", "two"):
        config = base_config(database_url, tmp_path / name, lessons_dir)
        config["RATELIMIT_STORAGE_URL"] = redis_server.url
        hosts.append(create_app(config).test_client())
    statuses = [login(hosts[i % 2], owner, WRONG).status_code for i in range(20)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    assert login(hosts[1], owner).status_code == 429  # the other host knows too
    limiter.reset()
