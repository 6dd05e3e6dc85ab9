"""Marking a session's roster as reported to a board, so that the list of rosters due moves
on (once: the database's unique key settles a double click)."""

from __future__ import annotations

from seminar.core import ce
from seminar.core.errors import SeminarError
from seminar.db import db, insert_ignore
from seminar.models import RosterReport, SeminarSession, User
from seminar.services import audit


def mark_reported(session: SeminarSession, jurisdiction: str, *, provider: ce.Provider,
                  by: User) -> bool:  # fmt: skip
    """True if this call marked it; False if it was marked already."""
    board = provider.board_for(jurisdiction)
    if board is None:
        raise SeminarError(f"No board '{jurisdiction}' in the CE provider settings.")
    marked = insert_ignore(
        RosterReport,
        {"session_id": session.id, "jurisdiction": board.jurisdiction, "reported_by_id": by.id},
        keys=("session_id", "jurisdiction"),
    )
    if marked:
        audit.log(
            "roster.report",
            target_type="session",
            target_id=session.id,
            target_label=f"{session.title}: roster to {board.name}",
            after={"jurisdiction": board.jurisdiction},
            actor=by,
        )
    db.session.flush()
    return marked
