"""The cohort dashboard's matrix rows, written as HTML once in Python.

Rendering each cell through a template macro cost most of the page's time. The requirement
cells are stored with each student's standing (core/matrix_cells.py); each row adds its name,
overall progress, activity and eligibility here, escaped, and the template places the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from seminar.core.matrix_cells import STATES, cells_html
from seminar.models import StudentProgress

__all__ = ["STATES", "is_at_risk", "linker", "rows"]


def linker(path: str, state: Mapping[str, Any]) -> Any:
    """`link(**changes)`: this page's address with its filter, sort and direction, changed.
    The page has a few dozen such links; building each through url_for cost more than the
    whole table."""

    def link(**changes: Any) -> str:
        return f"{path}?{urlencode({**state, **changes})}"

    return link


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
            + (s.cells if s.cells is not None else cells_html(s.requirements))
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
