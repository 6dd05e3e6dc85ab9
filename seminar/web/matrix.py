"""The cohort dashboard's matrix rows, written as HTML once in Python.

A page shows fifty students by a dozen requirements: six hundred cells. Rendering each through
a template macro cost most of the page's time, so each cell is one format string filled from
the standing precomputed for it (`StudentProgress.requirements`: state, the short figure and
the full detail), escaped here. The template places the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from seminar.models import StudentProgress

# state -> (icon, words for screen readers, and the legend)
STATES = {
    "done": ("✓", "Done"),
    "in_progress": ("◐", "In progress"),
    "not_started": ("○", "Not started"),
}


def cell(requirement: Mapping[str, Any]) -> str:
    """One requirement of one student: the icon, the state in words for screen readers, the
    short figure, and the whole detail as a tooltip."""
    short = requirement.get("short")
    detail = requirement.get("detail", "")
    # A row computed before cells had short figures shows its detail.
    return _cell(
        requirement.get("state", "not_started"), detail if short is None else short, detail
    )


@lru_cache(maxsize=4096)
def _cell(state: str, short: str, detail: str) -> str:
    # Most cells of a cohort repeat ("0/30", "Not attempted"): each is written once.
    icon, words = STATES.get(state, STATES["not_started"])
    return (
        f'<td class="cell s-{escape(state)}" title="{escape(detail)}">'
        f'<span class="i" aria-hidden="true">{icon}</span>'
        f'<span class="visually-hidden">{words}: </span>{escape(short)}</td>'
    )


def rows(
    students: Iterable[StudentProgress],
    *,
    student_url: str,
    overlaps: Mapping[int, int],
    at_risk: Any,
    date: Any,
) -> Markup:
    """The table body: per student a frozen name cell, overall progress, one cell per
    requirement, last activity, live answers and eligibility. `student_url` is the link to a
    student's page with `0` where the id goes."""
    prefix, _, suffix = student_url.rpartition("/0")
    out = []
    for s in students:
        name = escape(s.name)
        activity = escape(date(s.last_activity)) if s.last_activity else "never"
        flags = ""
        if at_risk(s):
            flags += ' <span class="chip warn">At risk</span>'
        if overlaps.get(s.user_id):
            flags += (
                ' <span class="chip info" title="Reading beats came from several lessons open at'
                ' once; the time was counted once">Lessons side by side</span>'
            )
        eligible = '<span class="chip ok">Eligible</span>' if s.eligible else "No"
        out.append(
            f'<tr><th scope="row" class="sticky"><a href="{prefix}/{s.user_id}{suffix}">{name}</a>'
            f"</th>"
            f'<td class="num"><span class="pct">{s.percent}%</span> '
            f'<progress max="100" value="{s.percent}" aria-hidden="true"></progress></td>'
            + "".join(cell(r) for r in s.requirements)
            + f"<td>{activity}{flags}</td>"
            f'<td class="num">{s.live_answers}</td><td>{eligible}</td></tr>'
        )
    # Every value above is escaped (names, dates, details) or a number the database typed.
    return Markup("\n".join(out))  # noqa: S704


def is_at_risk(now: datetime, after: Any) -> Any:
    """Not eligible and idle for longer than `after` (since joining, if never active)."""

    def at_risk(s: StudentProgress) -> bool:
        return not s.eligible and now - (s.last_activity or s.joined_at) > after

    return at_risk
