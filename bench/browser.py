"""One person's browser for the benchmark: cookies, CSRF tokens and plain HTTP (urllib)."""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

# The load generator sends the same User-Agent, so Flask-Login's session protection sees
# the same client that logged in.
USER_AGENT = "seminar-bench/1"
TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("User-Agent", USER_AGENT)]
        self.token = ""
        self.url = ""  # where the last request ended, after redirects
        self.html = ""  # what it answered

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as r:
            self._read(r)
        return self.html

    def _read(self, response: http.client.HTTPResponse) -> None:
        self.url = response.url
        self.html = response.read().decode()
        if m := TOKEN_RE.search(self.html):
            self.token = m.group(1)

    def post(self, path: str, data: dict[str, str] | None = None, payload: object = None) -> int:
        """A form post (with the page's CSRF token) or a JSON post (token in X-CSRFToken)."""
        if payload is not None:
            body = json.dumps(payload).encode()
            headers = {"Content-Type": "application/json", "X-CSRFToken": self.token}
        else:
            body = urllib.parse.urlencode({**(data or {}), "csrf_token": self.token}).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as r:
                self._read(r)
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def log_in(self, email: str, password: str) -> None:
        """Log in through the real form; raises if the app did not accept the password."""
        self.get("/login")
        self.post("/login", {"email": email, "password": password})
        if self.url.endswith("/login"):
            raise RuntimeError(f"could not log in as {email}")

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)
