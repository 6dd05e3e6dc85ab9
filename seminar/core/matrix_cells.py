"""The cohort dashboard's requirement cells as HTML, written once per standing.

A page shows fifty students by a dozen requirements: six hundred cells. Each cell is computed
when the student's standing is (services/standing.py stores the row's cells beside its
requirements), so a page view joins stored strings instead of decoding each row's JSON and
formatting every cell again. Every value is escaped here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from markupsafe import escape

# state -> (icon, words for screen readers and the legend)
STATES = {
    "done": ("✓", "Done"),
    "in_progress": ("◐", "In progress"),
    "not_started": ("○", "Not started"),
}


@lru_cache(maxsize=4096)
def cell_html(state: str, short: str, detail: str) -> str:
    """One requirement of one student: the icon, the state in words for screen readers, the
    short figure, and the whole detail as a tooltip. Most cells repeat ("0/30"): each is
    written once per process."""
    icon, words = STATES.get(state, STATES["not_started"])
    return (
        f'<td class="cell s-{escape(state)}" title="{escape(detail)}">'
        f'<span class="i" aria-hidden="true">{icon}</span>'
        f'<span class="visually-hidden">{words}: </span>{escape(short)}</td>'
    )


def cells_html(requirements: Iterable[Mapping[str, Any]]) -> str:
    """A row's requirement cells, from its stored requirements (state, short, detail); a
    requirement stored before cells had short figures shows its detail."""
    out = []
    for r in requirements:
        detail = str(r.get("detail", ""))
        short = r.get("short")
        out.append(
            cell_html(
                str(r.get("state", "not_started")), detail if short is None else short, detail
            )
        )
    return "".join(out)
