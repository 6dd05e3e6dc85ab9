"""CE rosters as boards and trackers take them: one line per attendee and session, written as
a generic roster (every column a board asks for) or shaped like CE Broker's roster upload.
Pure: the lines are gathered by queries/rosters.py, written to CSV by web/csv_export.py.

CE Broker's upload ("Creating Excel Files", full and partial course credit, in its help
centre) reads columns by letter: A the provider tracking number without its "50-", B the course
tracking number without its "20-" (or C the provider's own course ID), D an optional
publishing number, E the licence number, F the completion date (12/3/2008), G "State=FL",
H "Profession=<code>", and for partial credit I the subject area code and J the hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from seminar.core.ce import Approval, Provider, approval_for, describe, same, subject_hours


@dataclass(frozen=True)
class RosterLine:
    """One attendee at one session, with what a board asks about both."""

    first_name: str
    last_name: str
    email: str
    licence_number: str
    licence_state: str
    course: str  # the program's title
    session: str
    day: date  # where the session took place
    delivery: str  # e.g. "Live, in person"
    checked_in: str  # local wall-clock time, "09:02"
    checked_out: str
    hours: float  # credited
    offered: float  # the session's CE hours
    method: str  # how presence was verified
    corrected: bool
    instructors: str
    approvals: tuple[Approval, ...]
    evaluation: str = ""  # "submitted", "not submitted", or "" where none is asked


GENERIC_HEADER = [
    "first name", "last name", "email", "licence number", "licence state", "provider",
    "provider number", "course", "session", "course approval number", "other approvals",
    "date", "delivery", "checked in", "checked out", "hours credited", "hours by subject",
    "verification method", "corrected", "instructors", "course evaluation",
]  # fmt: skip


def generic_row(line: RosterLine, provider: Provider) -> list[str]:
    board = provider.board_for(line.licence_state)
    own = approval_for(line.approvals, line.licence_state)
    others = [describe(a) for a in line.approvals if a is not own]
    by_subject = "; ".join(f"{h.category} {h.hours:g}" for h in subject_hours(own, line.hours))
    return [
        line.first_name, line.last_name, line.email, line.licence_number, line.licence_state,
        provider.name, board.provider_number if board else "", line.course, line.session,
        own.number if own else "", "; ".join(others), line.day.isoformat(), line.delivery,
        line.checked_in, line.checked_out, f"{line.hours:g}", by_subject, line.method,
        "yes" if line.corrected else "no", line.instructors, line.evaluation,
    ]  # fmt: skip


def cebroker_row(line: RosterLine, provider: Provider) -> list[str] | None:
    """The attendee's line of a CE Broker upload, or None when CE Broker cannot take it: no
    licence number, or a licence from a board that is not on CE Broker, or no course number
    from that board."""
    board = provider.board_for(line.licence_state)
    approval = approval_for(line.approvals, line.licence_state)
    if not line.licence_number or board is None or board.tracker != "cebroker":
        return None
    if approval is None or line.hours <= 0:
        return None
    full = approval.total or line.offered
    subject, hours = "", ""
    if line.hours < full:  # partial credit: columns I and J
        only = approval.hours[0].category if len(approval.hours) == 1 else ""
        subject, hours = only, f"{line.hours:g}"
    return [
        board.provider_number.removeprefix("50-"),
        approval.number.removeprefix("20-"),
        "",
        "",
        line.licence_number,
        f"{line.day.month}/{line.day.day}/{line.day.year}",
        f"State={same(line.licence_state)}",
        f"Profession={board.profession}" if board.profession else "",
        subject,
        hours,
    ]
