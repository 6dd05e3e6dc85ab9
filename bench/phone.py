"""A phone for the seminar-day benchmark: one person's cookies and CSRF token over raw HTTP/1.1
on asyncio, so that one process can be 300 phones at once and still leave most of the CPU to
the server. Every request is timed and logged with its kind (login, check-in, poll...)."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from bench.browser import USER_AGENT

TOKEN_RE = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
TIMEOUT = 60.0


@dataclass(frozen=True)
class Sent:
    """One request: what for, when it ended (perf_counter), how long it took, its status (0
    when the connection failed or timed out)."""

    kind: str
    ended: float
    seconds: float
    status: int


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("location", "")).path

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Phone:
    base: str
    log: list[Sent]
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    async def get(self, kind: str, path: str) -> Answer:
        return await self.send(kind, "GET", path)

    async def post(
        self, kind: str, path: str, form: dict[str, Any] | None = None, payload: Any = None
    ) -> Answer:
        return await self.send(kind, "POST", path, form=form, payload=payload)

    async def send(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        form: dict[str, Any] | None = None,
        payload: Any = None,
    ) -> Answer:
        url = urllib.parse.urlsplit(self.base)
        host, port = url.hostname or "127.0.0.1", url.port or 80
        headers = [f"Host: {host}:{port}", f"User-Agent: {USER_AGENT}", "Connection: close"]
        body = b""
        if form is not None:
            body = urllib.parse.urlencode({**form, "csrf_token": self.token}, doseq=True).encode()
            headers.append("Content-Type: application/x-www-form-urlencoded")
        elif payload is not None:
            body = json.dumps(payload).encode()
            headers += ["Content-Type: application/json", f"X-CSRFToken: {self.token}"]
        if method == "POST":
            headers.append(f"Content-Length: {len(body)}")
        if path.endswith(".json"):
            headers.append("Accept: application/json")
        if self.cookies:
            headers.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        raw = f"{method} {path} HTTP/1.1\r\n".encode() + "\r\n".join(headers).encode()
        raw += b"\r\n\r\n" + body
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), TIMEOUT)
            try:
                writer.write(raw)
                await writer.drain()
                data = await asyncio.wait_for(reader.read(), TIMEOUT)
            finally:
                writer.close()
            answer = self._read(data)
        except (OSError, TimeoutError, ValueError):
            answer = Answer(0, {}, b"")
        ended = time.perf_counter()
        self.log.append(Sent(kind, ended, ended - started, answer.status))
        return answer

    def _read(self, data: bytes) -> Answer:
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie, _, attributes = value.partition(";")
                key, _, content = cookie.partition("=")
                if content and "max-age=0" not in attributes.lower():
                    self.cookies[key.strip()] = content
                else:
                    self.cookies.pop(key.strip(), None)
            else:
                headers[name] = value
        if match := TOKEN_RE.search(body):
            self.token = match.group(1).decode()
        return Answer(status, headers, body)
