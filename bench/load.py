"""A small load generator: asyncio, raw HTTP/1.1 on loopback, a fixed number of connections.

Each of `concurrency` connections sends one request, reads the whole response (gunicorn's
sync workers close the connection after each one), and sends the next, for a fixed time.
Raw sockets keep the client's own cost per request small, so on a shared machine most of the
CPU goes to the server being measured.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import statistics
import time
import urllib.parse
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bench.browser import USER_AGENT

T = TypeVar("T")


@dataclass(frozen=True)
class Request:
    """One request to send, and what its answer must look like to count as a success."""

    path: str
    method: str = "GET"
    cookie: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    expect_status: int = 200
    expect_text: bytes = b""  # must appear in the response (e.g. the page's title)

    def raw(self, host: str) -> bytes:
        lines = [
            f"{self.method} {self.path} HTTP/1.1",
            f"Host: {host}",
            f"User-Agent: {USER_AGENT}",
            "Connection: close",
        ]
        if self.cookie:
            lines.append(f"Cookie: {self.cookie}")
        lines += [f"{name}: {value}" for name, value in self.headers]
        if self.body or self.method == "POST":
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


@dataclass
class LoadResult:
    name: str
    concurrency: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # of successful requests
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    def add(self, other: LoadResult) -> None:
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.errors += other.errors
        self.error_samples += other.error_samples[: 5 - len(self.error_samples)]

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def per_second(self) -> float:
        """Successful requests per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.latencies) if self.latencies else math.nan

    @property
    def p99_ms(self) -> float:
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return 1000 * ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


async def _send(host: str, port: int, raw: bytes, timeout: float) -> bytes:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        writer.write(raw)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()


def check(request: Request, response: bytes) -> str | None:
    """None when the response is what `request` expects, else a short reason."""
    try:
        status = int(response[9:12])
    except ValueError:
        return f"unreadable response {response[:40]!r}"
    if status != request.expect_status:
        head = response.split(b"\r\n\r\n", 1)[0].decode(errors="replace")
        location = next((h for h in head.split("\r\n") if h.lower().startswith("location:")), "")
        return f"{request.method} {request.path}: status {status} {location}".strip()
    if request.expect_text and request.expect_text not in response:
        return f"{request.method} {request.path}: expected text missing"
    return None


async def _run(
    base: str,
    name: str,
    requests: Sequence[Request],
    concurrency: int,
    seconds: float,
    warmup: float,
    timeout: float,
) -> LoadResult:
    url = urllib.parse.urlsplit(base)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    prepared = [(r, r.raw(f"{host}:{port}")) for r in requests]
    turns = itertools.cycle(prepared)
    result = LoadResult(name, concurrency)

    async def connection(until: float, record: bool) -> None:
        while time.perf_counter() < until:
            request, raw = next(turns)
            started = time.perf_counter()
            try:
                problem = check(request, await _send(host, port, raw, timeout))
            except (OSError, TimeoutError) as exc:
                problem = f"{request.method} {request.path}: {type(exc).__name__} {exc}"
            if not record:
                continue
            if problem is None:
                result.latencies.append(time.perf_counter() - started)
            else:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(problem)

    if warmup > 0:  # every worker imports, connects and renders once before we count
        until = time.perf_counter() + warmup
        await asyncio.gather(*(connection(until, False) for _ in range(concurrency)))
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(connection(until, True) for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def measure(
    base: str,
    name: str,
    requests: Sequence[Request],
    *,
    concurrency: int,
    seconds: float,
    warmup: float = 1.0,
    timeout: float = 30.0,
) -> LoadResult:
    """Send `requests` round-robin over `concurrency` connections for `seconds`."""
    if not requests:
        raise ValueError(f"{name}: nothing to send")
    return in_own_loop(lambda: _run(base, name, requests, concurrency, seconds, warmup, timeout))


def in_own_loop(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """asyncio.run, from a thread of its own when this one already runs a loop (as under
    Playwright's sync API in the test suite)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def measure_pair(
    base: str,
    name: str,
    requests: Sequence[Request],
    reference: Sequence[Request],
    *,
    concurrency: int,
    seconds: float,
    warmup: float = 1.0,
    slice_seconds: float = 2.0,
) -> tuple[LoadResult, LoadResult]:
    """`requests` and `reference` for `seconds` each, alternating in slices.

    Alternating keeps the comparison fair on a machine whose other load comes and goes: both
    see the same conditions, slice by slice.
    """
    page, ref = LoadResult(name, concurrency), LoadResult("reference", concurrency)
    slices = max(1, round(seconds / slice_seconds))
    for i in range(slices):
        first = warmup if i == 0 else 0.0
        ref.add(
            measure(
                base,
                "reference",
                reference,
                concurrency=concurrency,
                seconds=seconds / slices,
                warmup=first,
            )
        )
        page.add(
            measure(
                base,
                name,
                requests,
                concurrency=concurrency,
                seconds=seconds / slices,
                warmup=first,
            )
        )
    return page, ref
