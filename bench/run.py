"""`make bench`: seed a realistic database, load it under gunicorn, print one table.

    python -m bench.run

Runs on SQLite in a temporary folder, or on PostgreSQL when SEMINAR_BENCH_DATABASE_URL names
a database (which is emptied first). Sizes and durations come from the environment:

    BENCH_STUDENTS=2000      the large cohort          BENCH_SMALL=200      the small cohort
    BENCH_ATTEMPTS=10000     practice-exam attempts    BENCH_USERS=200      students logged in
    BENCH_CONCURRENCY=16     connections               BENCH_SECONDS=8      per measurement
    BENCH_WARMUP=1           seconds before each       BENCH_PHONES=300     seminar-day phones
    BENCH_LOGINS=120         seconds over which the phones log in (then check in within 60)
    BENCH_LIVE=1             0 leaves the seminar day out (and counts it as failed)

Exit status 1 when a target fails: lesson and verify pages at no less than half of /healthz's
throughput, no errors anywhere, query counts the same at both cohort sizes, and the seminar
day's (bench/seminar_day.py): no login refused, every check-in stored within 60 s, every answer
stored exactly once, phone requests p99 under 500 ms, an answer on the projector's count
within a second (p99).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import seminar_day
from bench.content import PRACTICE_QUIZ
from bench.logins import log_in, log_in_students
from bench.queries import query_counts
from bench.report import render
from bench.seed import BIG, INSTANCE_CONFIG, INSTRUCTOR, PASSWORD, seed
from bench.server import WORKERS, gunicorn
from bench.throughput import page_requests, run_pairs
from bench.timings import Timing, statistics_timings, sync_timings


def setting(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def spread(items: list[str], count: int) -> list[str]:
    """`count` items taken evenly across the list (distinct students from the whole cohort)."""
    if count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def main() -> int:
    students = int(setting("BENCH_STUDENTS", 2000))
    small = int(setting("BENCH_SMALL", 200))
    attempts = int(setting("BENCH_ATTEMPTS", 10_000))
    users = int(setting("BENCH_USERS", 200))
    concurrency = int(setting("BENCH_CONCURRENCY", 16))
    seconds = setting("BENCH_SECONDS", 8)
    warmup = setting("BENCH_WARMUP", 1)
    database_url = os.environ.get("SEMINAR_BENCH_DATABASE_URL")

    workdir = Path(tempfile.mkdtemp(prefix="seminar-bench-"))
    database = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    try:
        print(
            f"seeding: {students:,} + {small:,} students, {attempts:,} practice attempts",
            flush=True,
        )
        bench = seed(workdir, database, students=students, small=small, attempts=attempts)
        print(f"  seeded in {bench.seed_seconds:.1f} s", flush=True)
        if bench.records_error:
            print(f"  no records: {bench.records_error}", flush=True)

        print("counting SQL statements per request", flush=True)
        counts = query_counts(bench)

        print(f"serving with gunicorn ({WORKERS} workers); logging {users} students in", flush=True)
        with gunicorn(bench.env, workdir / "gunicorn.log") as base:
            started = time.perf_counter()
            sessions = log_in_students(
                base, spread(bench.students[BIG], users), PASSWORD, PRACTICE_QUIZ
            )
            login_seconds = time.perf_counter() - started
            instructor = log_in(base, INSTRUCTOR, PASSWORD)
            print(f"  {len(sessions)} logged in, attempts open, in {login_seconds:.1f} s")
            requests = page_requests(bench, sessions, instructor)
            pairs = run_pairs(
                base, requests, concurrency=concurrency, seconds=seconds, warmup=warmup
            )

        log = (workdir / "gunicorn.log").read_text(errors="replace")
        server_errors = log[-3000:] if any(p.result and p.result.errors for p in pairs) else ""

        print("timing question statistics and content syncs", flush=True)
        timings = [Timing(label, t) for label, t in bench.timings.items()]
        timings.append(
            Timing(f"log {len(sessions)} students in over HTTP, start attempts", login_seconds)
        )
        timings += statistics_timings(bench)
        timings += sync_timings(bench)

        day, day_note = None, ""
        if setting("BENCH_LIVE", 1):
            print(f"seminar day: {seminar_day.PHONES} phones, its own database", flush=True)
            day = seminar_day.run(database_url)
        else:
            day_note = "not run (BENCH_LIVE=0)"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    heading = [
        f"seminar benchmark, {bench.dialect}: gunicorn {WORKERS} workers on {os.cpu_count()} "
        f"cores, load generator on loopback, {concurrency} connections",
        f"cohorts of {students:,} and {small:,} students; {len(sessions)} distinct students "
        f"logged in; {sum(len(r) for r in bench.records.values())} records issued",
        f"each page ran {seconds:g} s, alternating in slices with {seconds:g} s of /healthz at the "
        "same concurrency",
        f"rate limiting off for the bench server (instance config.py: {INSTANCE_CONFIG.strip()})",
    ]
    text, verdicts = render(
        heading=heading,
        pairs=pairs,
        counts=counts,
        cohort_sizes=(small, students),
        timings=timings,
        day=day,
        day_note=day_note,
    )
    print()
    print(text)
    if server_errors:
        print("\nthe end of the server's log:\n" + server_errors)
    return 0 if all(v.passed for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
