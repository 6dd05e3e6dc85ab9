"""The app served for real: gunicorn in its own process group, and a browser made of urllib.

Fault and several-host tests need what the test client cannot give: separate processes with
their own connection pools, workers that can be killed, and real cookies and CSRF tokens.
"""

from __future__ import annotations

import http.cookiejar
import json as jsonlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import gunicorn.config

from tests.pgserver import free_port

REPO = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
# gunicorn 27 opens a control socket at one path per user: servers side by side (these tests,
# the benchmark, a colleague's run) would take it from each other.
NO_CONTROL_SOCKET = (
    ["--no-control-socket"]
    if any(s.name == "control_socket_disable" for s in gunicorn.config.KNOWN_SETTINGS)
    else []
)


def server_env(
    database_url: str, instance: Path, lessons: Path, quizzes: Path, secret: str
) -> dict[str, str]:
    """The environment a production host gets; nothing SEMINAR_* leaks in from the test run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMINAR_")}
    env.update(
        SEMINAR_DATABASE_URL=database_url,
        SEMINAR_SECRET_KEY=secret,
        SEMINAR_INSTANCE_PATH=str(instance),
        SEMINAR_LESSONS_DIR=str(lessons),
        SEMINAR_QUIZZES_DIR=str(quizzes),
        SEMINAR_LOGIN_ADDRESS_LIMIT="1000 per minute",
    )
    return env


def wait_until(check: Any, timeout: float, what: str, interval: float = 0.05) -> Any:
    """Poll instead of sleeping a guessed time: a slow CI machine only makes it slower."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(interval)


class AppServer:
    """`gunicorn wsgi:app` on a free loopback port; stop() kills its whole process group."""

    def __init__(
        self, env: dict[str, str], log: Path, *, workers: int = 1, threads: int = 1
    ) -> None:
        self.env, self.log, self.workers, self.threads = env, log, workers, threads
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90) -> AppServer:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(GUNICORN), "-w", str(self.workers), "--threads", str(self.threads),
                 "-b", f"127.0.0.1:{self.port}", "--timeout", "300", "--graceful-timeout", "5",
                 *NO_CONTROL_SOCKET, "wsgi:app"],
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: stop() reaches every worker
            )  # fmt: skip
        wait_until(self._healthy, timeout, f"gunicorn on {self.base}\n{self.log_tail()}", 0.1)
        return self

    def _healthy(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{self.log_tail()}")
        return health(self.base) == 200

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def worker_pids(self) -> list[int]:
        """The master's children, read from /proc (Linux)."""
        assert self.process is not None
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended while we looked
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                pids.append(int(stat.parent.name))
        return pids

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            pass

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def health(base: str) -> int | None:
    """/healthz's status, or None while nothing answers on the port."""
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


@dataclass
class Page:
    status: int
    headers: Message
    text: str

    @property
    def location(self) -> str:
        """A redirect's target, as a path."""
        return urllib.parse.urlsplit(self.headers.get("Location", "")).path

    def json(self) -> Any:
        return jsonlib.loads(self.text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # hand the 30x back, so a test sees where a POST sends the user


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Browser:
    """One person's browser: a cookie jar, the CSRF token of the pages it saw, plain HTTP.

    Cookies do not depend on the port, so at() is a load balancer sending this browser's next
    request to another host under the same name.
    """

    def __init__(self, base: str, jar: http.cookiejar.CookieJar | None = None) -> None:
        self.base = base
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.token = ""

    def at(self, base: str) -> Browser:
        other = Browser(base, self.jar)
        other.token = self.token
        return other

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self.opener.open(request, timeout=60) as r:
                page = Page(r.status, r.headers, r.read().decode())
        except urllib.error.HTTPError as exc:
            page = Page(exc.code, exc.headers, exc.read().decode(errors="replace"))
        if match := CSRF.search(page.text):
            self.token = match.group(1)
        return page

    def get(self, path: str, *, follow: bool = True) -> Page:
        page = self._open(urllib.request.Request(self.base + path))
        for _ in range(10):
            if not (follow and page.status in (301, 302, 303) and page.location):
                break
            page = self._open(urllib.request.Request(self.base + page.location))
        return page

    def post(self, path: str, data: dict[str, str] | None = None, *, json: Any = None) -> Page:
        if json is not None:
            body = jsonlib.dumps(json).encode()
            headers = {"Content-Type": "application/json", "X-CSRFToken": self.token}
        else:
            body = urllib.parse.urlencode({**(data or {}), "csrf_token": self.token}).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._open(urllib.request.Request(self.base + path, data=body, headers=headers))

    def log_in(self, email: str, password: str) -> Page:
        page = self.log_in_attempt(email, password)
        assert page.status == 302, f"login as {email} failed: {page.status}"
        return page

    def log_in_attempt(self, email: str, password: str) -> Page:
        self.get("/login")
        return self.post("/login", {"email": email, "password": password})
