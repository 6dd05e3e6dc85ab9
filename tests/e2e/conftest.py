"""Browser fixtures: the real app served on loopback, driven by Debian's Chromium."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from seminar import create_app
from seminar.db import db
from seminar.services.accounts import create_user, find_user
from seminar.services.cohorts import create_cohort, enroll
from seminar.services.content_sync import sync_content
from tests.conftest import PASSWORD, skip_or_fail

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 740}


@dataclass
class LiveServer:
    app: Flask
    url: str
    lessons_dir: Path

    def at(self, path: str) -> str:
        return self.url + path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        skip_or_fail("browser tests need Debian's chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extras install it
        skip_or_fail("browser tests need playwright (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    with serve(tmp_path) as server:
        yield server


@contextmanager
def serve(tmp_path: Path) -> Iterator[LiveServer]:
    """The real lessons and three accounts, served by a real WSGI server in a thread."""
    lessons, quizzes = tmp_path / "lessons", tmp_path / "quizzes"
    shutil.copytree(REPO / "lessons", lessons)
    shutil.copytree(REPO / "quizzes", quizzes)
    app = create_app(
        {
            "SECRET_KEY": "e2e-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.sqlite3'}",
            "LESSONS_DIR": str(lessons),
            "QUIZZES_DIR": str(quizzes),
            "RATELIMIT_STORAGE_URL": "memory://",
            "SWEEP_SECONDS": 0,  # no journey here waits on a timed attempt's deadline
        }
    )
    with app.app_context():
        upgrade()
        report = sync_content(lessons, quizzes)
        assert report.ok, [str(p) for p in report.problems]
        for role, name in (
            ("student", "Dr. Sam Student"),
            ("instructor", "Dr. Ines Instructor"),
            ("admin", "Avery Admin"),
        ):
            create_user(f"{role}@example.org", name=name, role=role, password=PASSWORD)
        # The student reads lessons as a member of a cohort on the shipped program.
        reading = create_cohort("reading", title="Reading group", program_slug="sot-basic")
        enroll(reading, find_user("student@example.org"))
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}", lessons_dir=lessons)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page: Any, server: LiveServer, role: str) -> None:
    page.goto(server.at("/login"))
    page.get_by_label("Email").fill(f"{role}@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server.at("/lessons/"))


def serious_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check_page(page: Any, url: str) -> None:
    page.goto(url)
    check_current(page)


def check_current(page: Any) -> None:
    """The page as it stands (a refused form, say): axe-clean, and no sideways scroll."""
    problems = serious_violations(page)
    assert problems == [], f"{page.url}: {problems}"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px: {page.evaluate(WIDE)}"


# What sticks out on the right, innermost first: names the element to fix when a page scrolls.
WIDE = """() => {
  const out = (e) => e.getBoundingClientRect().right > window.innerWidth + 0.5;
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "");
  return [...document.querySelectorAll("body *")]
    .filter((e) => out(e) && ![...e.children].some(out))
    .slice(0, 3)
    .map((e) => name(e) + " " + Math.round(e.getBoundingClientRect().width) + "px: "
                + e.textContent.trim().slice(0, 40));
}"""
