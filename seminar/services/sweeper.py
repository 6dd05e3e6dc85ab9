"""Timed attempts left open are submitted by the server on time, without cron.

Each worker process runs one daemon thread (started when the process first serves a request,
so gunicorn's master never holds one) that every SWEEP_SECONDS submits the attempts whose
deadline and grace have passed, in its own unit of work. Any number of workers on any number
of hosts may sweep at once: `attempts.submit_attempt` claims an attempt with a conditional
UPDATE (only while it is still in progress), so the database lets exactly one of them submit
it and the others skip it. `flask seminar sweep` does the same pass from cron.
"""

from __future__ import annotations

import os
import threading

from flask import Flask

from seminar.db import db
from seminar.services import attempts
from seminar.services.unit_of_work import unit_of_work

_EXTENSION = "attempt_sweeper"
THREAD_NAME = "attempt-sweeper"


def sweep_once(app: Flask) -> int:
    """One pass in the app's context: the attempts this process submitted (0 on failure,
    logged; the next pass tries again)."""
    with app.app_context():
        try:
            with unit_of_work():
                return attempts.submit_expired()
        except Exception:  # a busy database or a lost connection: the next pass retries
            app.logger.exception("sweeping expired attempts failed")
            return 0
        finally:
            db.session.remove()


class _Sweeper:
    def __init__(self, app: Flask, seconds: float) -> None:
        self.app, self.seconds = app, seconds
        self.stop = threading.Event()
        self.pid = os.getpid()
        self.thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(self.seconds):
            sweep_once(self.app)


def start_sweeper(app: Flask) -> None:
    """Start this process's sweeper unless one runs (a forked worker starts its own)."""
    seconds = float(app.config.get("SWEEP_SECONDS") or 0)
    current = app.extensions.get(_EXTENSION)
    if seconds <= 0 or (current is not None and current.pid == os.getpid()):
        return
    app.extensions[_EXTENSION] = _Sweeper(app, seconds)


def stop_sweeper(app: Flask) -> None:
    sweeper = app.extensions.pop(_EXTENSION, None)
    if sweeper is not None:
        sweeper.stop.set()
        sweeper.thread.join(timeout=10)


def init_app(app: Flask) -> None:
    """Start the sweeper when this process first serves (not on `flask` commands)."""

    @app.before_request
    def sweeper_running() -> None:
        current = app.extensions.get(_EXTENSION)
        if current is None or current.pid != os.getpid():
            start_sweeper(app)
