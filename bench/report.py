"""The benchmark's table: plain text, aligned columns, each target marked PASS or FAIL."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bench.queries import QueryCount
from bench.seminar_day import DayResult, day_rows
from bench.throughput import RATIO_TARGETS, PagePair
from bench.timings import Timing


@dataclass(frozen=True)
class Verdict:
    target: str
    passed: bool
    detail: str = ""


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """First column left-aligned, the others right-aligned, two spaces apart."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first = f"{cells[0]:<{widths[0]}}"
        rest = [f"{c:>{w}}" for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _number(value: float, digits: int = 1) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def throughput_rows(pairs: list[PagePair]) -> tuple[list[list[str]], list[Verdict]]:
    rows, verdicts = [], []
    for p in pairs:
        floor = RATIO_TARGETS.get(p.page)
        target = f">= {floor:.2f}x, no errors" if floor else "no errors"
        if p.result is None or p.healthz is None:
            rows.append([p.page, "-", "-", "-", "-", "-", "-", target, "FAIL"])
            verdicts.append(Verdict(f"{p.page}: measured", False, p.missing))
            continue
        ratio = p.ratio or 0.0
        ok = p.result.errors == 0 and (floor is None or ratio >= floor)
        rows.append(
            [
                p.page,
                _number(p.result.per_second),
                _number(p.result.median_ms),
                _number(p.result.p99_ms),
                str(p.result.errors),
                _number(p.healthz.per_second),
                f"{ratio:.2f}",
                target,
                "PASS" if ok else "FAIL",
            ]
        )
        if floor is not None:
            verdicts.append(
                Verdict(f"{p.page}: >= {floor:.2f}x healthz", ratio >= floor, f"{ratio:.2f}x")
            )
        errors = p.result.errors + p.healthz.errors
        sample = "; ".join(p.result.error_samples[:2] + p.healthz.error_samples[:1])
        verdicts.append(Verdict(f"{p.page}: no errors", errors == 0, sample or f"{errors}"))
    return rows, verdicts


def query_rows(
    counts: list[QueryCount], small: int, big: int
) -> tuple[list[list[str]], list[Verdict]]:
    rows, verdicts = [], []
    for c in counts:
        shown = [
            str(c.small) if c.small is not None else "-",
            str(c.big) if c.big is not None else "-",
        ]
        rows.append([c.page, *shown, "constant", "PASS" if c.constant else "FAIL"])
        detail = c.missing or f"{c.small} at {small:,}, {c.big} at {big:,}"
        verdicts.append(Verdict(f"{c.page}: query count constant", c.constant, detail))
    return rows, verdicts


# A lesson's text edited and synced costs at most this share of a sync of every file: only a
# change of what standings are computed from recomputes them (issue 18).
SYNC_RATIO = 0.1


def sync_verdict(timings: list[Timing]) -> Verdict | None:
    one = next((t for t in timings if t.label.startswith("one-file sync")), None)
    every = next((t for t in timings if t.label.startswith("full sync, every file")), None)
    if one is None or every is None or every.seconds <= 0:
        return None
    ratio = one.seconds / every.seconds
    return Verdict(
        f"one-file sync: <= {SYNC_RATIO}x every-file sync", ratio <= SYNC_RATIO, f"{ratio:.3f}x"
    )


def render(
    *,
    heading: list[str],
    pairs: list[PagePair],
    counts: list[QueryCount],
    cohort_sizes: tuple[int, int],
    timings: list[Timing],
    day: DayResult | None,
    day_note: str = "",
) -> tuple[str, list[Verdict]]:
    small, big = cohort_sizes
    out = [*heading, ""]
    rows, verdicts = throughput_rows(pairs)
    out += table(
        [
            "page",
            "req/s",
            "median ms",
            "p99 ms",
            "errors",
            "healthz req/s",
            "ratio",
            "target",
            "result",
        ],
        rows,
    )
    out.append("")
    rows, more = query_rows(counts, small, big)
    verdicts += more
    out += table(
        [
            "SQL statements per request",
            f"{small:,} students",
            f"{big:,} students",
            "target",
            "result",
        ],
        rows,
    )
    out.append("")
    out += table(["time", "seconds"], [[t.label, f"{t.seconds:.3f}"] for t in timings])
    out.append("")
    verdict = sync_verdict(timings)
    if verdict is not None:
        out += [f"one-file sync / every-file sync: {verdict.detail} (target <= {SYNC_RATIO})", ""]
        verdicts.append(verdict)
    if day is None:
        out.append(f"seminar day: {day_note or 'not run'}")
        verdicts.append(Verdict("seminar day: run", False, day_note))
    else:
        heading = f"seminar day ({day.database}, its own database; rate limits on)"
        out += table([heading, "value", "target", "result"], day_rows(day))
        verdicts += [Verdict(*v) for v in day.verdicts()]
    failed = [v for v in verdicts if not v.passed]
    out.append("")
    out.append(f"targets met: {len(verdicts) - len(failed)} of {len(verdicts)}")
    out += [f"FAIL  {v.target}" + (f": {v.detail}" if v.detail else "") for v in failed]
    return "\n".join(out), verdicts
