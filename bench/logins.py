"""Log people in through the real login form and open their quiz attempts, over HTTP.

The load test then replays each person's session cookie, so every measured request is a
logged-in request of a distinct student (or the cohort's instructor).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bench.browser import Browser

FIELDSET_RE = re.compile(r'data-position="(\d+)" data-type="(\w+)"')


@dataclass(frozen=True)
class StudentSession:
    email: str
    cookie: str
    token: str  # the CSRF token the autosave sends in X-CSRFToken
    attempt_path: str
    questions: tuple[tuple[int, str], ...]  # (position, type) on the attempt's first page


def autosave_payloads(questions: tuple[tuple[int, str], ...]) -> list[dict[str, object]]:
    """Answers as attempt.js posts them when a student changes one."""
    out: list[dict[str, object]] = []
    for position, kind in questions:
        if kind == "single":
            response: object = {"choice": position % 3}
        elif kind == "multiple":
            response = {"choices": [0, 2]}
        elif kind == "true_false":
            response = {"value": position % 2 == 0}
        elif kind in ("short", "essay"):
            response = {"text": "sacrum"}
        elif kind == "numeric":
            response = {"value": "5"}
        elif kind == "matching":
            response = {"matches": [0, 1, 2]}
        else:
            continue
        out.append({"position": position, "response": response})
    return out


def open_attempt(base: str, email: str, password: str, quiz: str) -> StudentSession:
    browser = Browser(base)
    browser.log_in(email, password)
    browser.get(f"/quizzes/{quiz}")
    status = browser.post(f"/quizzes/{quiz}/start")
    if status != 200 or "/attempts/" not in browser.url:
        raise RuntimeError(f"{email} could not start {quiz}: status {status}, at {browser.url}")
    path = browser.url.removeprefix(base)
    questions = tuple((int(p), t) for p, t in FIELDSET_RE.findall(browser.html))
    return StudentSession(email, browser.cookie_header(), browser.token, path, questions)


def log_in_students(
    base: str, emails: list[str], password: str, quiz: str, *, threads: int = 8
) -> list[StudentSession]:
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda email: open_attempt(base, email, password, quiz), emails))


def log_in(base: str, email: str, password: str) -> str:
    """A logged-in session's cookie header."""
    browser = Browser(base)
    browser.log_in(email, password)
    return browser.cookie_header()
