"""CE reporting: the provider profile and course approvals (tables), a session's CE details,
roster exports a board or CE Broker takes, Excel-safe CSV in any locale, and the rosters due
to each board within its deadline."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from seminar import create_app
from seminar.core import ce
from seminar.core.rosters import GENERIC_HEADER, RosterLine, cebroker_row, generic_row
from seminar.db import db, now_utc
from seminar.models import AuditEntry, Cohort, Role, RosterReport, SeminarSession, User
from seminar.services import cohorts as cohort_service
from seminar.services import sessions as session_service
from seminar.web.csv_export import cell, csv_text
from tests.conftest import base_config, login

FL = ce.Approval("FL", "20-98765", (ce.SubjectHours("General", 2), ce.SubjectHours("Laws", 1)))
PACE = ce.Approval("PACE", "P-1")
PROVIDER = {
    "name": "Example Seminars LLC",
    "boards": [
        {
            "jurisdiction": "FL",
            "name": "Florida Board of Chiropractic Medicine",
            "provider_number": "50-12345",
            "report_days": 30,
            "tracker": "cebroker",
            "profession": "CH",
        },
        {"jurisdiction": "PACE", "name": "FCLB PACE", "provider_number": "PACE-77"},
        {
            "jurisdiction": "TX",
            "name": "Texas Board",
            "provider_number": "TX-9",
            "report_days": 10,
        },
    ],
}


# --- the provider profile and approvals, as tables ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        ("FL 20-98765: General 2, Laws 1\n\nPACE P-1", (FL, PACE)),
        (
            "  fl   20-1 :  General 1.5 ",
            (ce.Approval("fl", "20-1", (ce.SubjectHours("General", 1.5),)),),
        ),
        (
            "Ontario OCA-7: Clinical sciences 3",
            (ce.Approval("Ontario", "OCA-7", (ce.SubjectHours("Clinical sciences", 3),)),),
        ),
    ],
)
def test_approval_lines(text: str, expected: tuple[ce.Approval, ...]) -> None:
    assert ce.parse_approvals(text) == expected
    assert ce.parse_approvals(ce.approval_lines(expected)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("FL", "Line 1: write the jurisdiction, the course number"),
        ("FL 20-1\nfl 20-2", "Line 2: fl is listed twice"),
        ("FL 20-1: General", "Line 1: 'General' should be a subject and its hours"),
        ("\nFL 20-1: General 0", "Line 2: the hours of 'General' must be above 0"),
        ("FL 20 1", "Line 1: write the jurisdiction"),
    ],
)
def test_approval_lines_that_cannot_be_read_say_where(text: str, message: str) -> None:
    with pytest.raises(ce.ApprovalError) as info:
        ce.parse_approvals(text)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"boards": [{"jurisdiction": "FL"}]}, "needs a 'jurisdiction' and a 'provider_number'"),
        (
            {"boards": [{"jurisdiction": "FL", "provider_number": "1", "report_days": "30"}]},
            "'report_days' must be a whole number",
        ),
        (
            {"boards": [{"jurisdiction": "FL", "provider_number": "1", "tracker": "x"}]},
            "'tracker' must be 'cebroker'",
        ),
        (
            {
                "boards": [
                    {"jurisdiction": "FL", "provider_number": "1"},
                    {"jurisdiction": "fl", "provider_number": "2"},
                ]
            },
            "lists a jurisdiction twice",
        ),
        ({"name": "X", "bords": []}, "unknown keys: bords"),
    ],
)
def test_a_provider_profile_that_cannot_be_read(config: dict, message: str) -> None:
    with pytest.raises(ce.ProviderError, match=message):
        ce.provider_from_config(config, default_name="Issuer")


def test_the_app_refuses_to_start_with_an_unreadable_provider_profile(
    tmp_path: Path, lessons_dir: Path
) -> None:
    config = base_config(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path, lessons_dir)
    with pytest.raises(ce.ProviderError, match="unknown keys: boardz"):
        create_app({**config, "CE_PROVIDER": {"boardz": []}})


@pytest.mark.parametrize(
    ("approval", "credited", "expected"),
    [
        (FL, 3, FL.hours),  # all of it
        (FL, 4, FL.hours),
        (FL, 2, ()),  # part of two subjects: never an invented split
        (
            ce.Approval("FL", "1", (ce.SubjectHours("General", 3),)),
            2,
            (ce.SubjectHours("General", 2),),
        ),
        (PACE, 3, ()),
        (None, 3, ()),
        (FL, 0, ()),
    ],
)
def test_hours_by_subject(approval: ce.Approval | None, credited: float, expected: tuple) -> None:
    assert ce.subject_hours(approval, credited) == expected


def test_a_sessions_approval_replaces_the_programs_for_its_jurisdiction() -> None:
    own = ce.Approval("fl", "20-OWN")
    assert ce.merge((FL, PACE), (own,)) == (PACE, own)
    assert ce.union([(FL, PACE), (PACE,)]) == (FL, PACE)


# --- rosters, as tables ---------------------------------------------------------------------

LINE = RosterLine(
    first_name="Ada", last_name="Lovelace", email="ada@example.org", licence_number="CH-1",
    licence_state="fl", course="Basic program", session="Day 1", day=date(2026, 3, 14),
    delivery="Live, in person", checked_in="09:02", checked_out="12:00", hours=3, offered=3,
    method="check-in code", corrected=False, instructors="Ida Teacher", approvals=(FL, PACE),
    evaluation="submitted",
)  # fmt: skip


def test_a_generic_roster_line_has_every_column_a_board_asks_for() -> None:
    provider = ce.provider_from_config(PROVIDER, default_name="x")
    row = dict(zip(GENERIC_HEADER, generic_row(LINE, provider), strict=True))
    assert row == {
        "first name": "Ada", "last name": "Lovelace", "email": "ada@example.org",
        "licence number": "CH-1", "licence state": "fl", "provider": "Example Seminars LLC",
        "provider number": "50-12345", "course": "Basic program", "session": "Day 1",
        "course approval number": "20-98765", "other approvals": "PACE course P-1",
        "date": "2026-03-14", "delivery": "Live, in person", "checked in": "09:02",
        "checked out": "12:00", "hours credited": "3", "hours by subject": "General 2; Laws 1",
        "verification method": "check-in code", "corrected": "no", "instructors": "Ida Teacher",
        "course evaluation": "submitted",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ["12345", "98765", "", "", "CH-1", "3/14/2026", "State=FL", "Profession=CH", "", ""]),
        # Partial credit: columns I (subject, when one) and J (hours).
        (
            {"hours": 2.5},
            ["12345", "98765", "", "", "CH-1", "3/14/2026", "State=FL", "Profession=CH", "", "2.5"],
        ),
        (
            {"hours": 1, "approvals": (ce.Approval("FL", "20-5", (ce.SubjectHours("GE", 3),)),)},
            ["12345", "5", "", "", "CH-1", "3/14/2026", "State=FL", "Profession=CH", "GE", "1"],
        ),
        ({"licence_number": ""}, None),  # CE Broker keys on the licence number
        ({"licence_state": "TX"}, None),  # a board that is not on CE Broker
        ({"approvals": (PACE,)}, None),  # no course number from Florida
        ({"hours": 0}, None),
    ],
)
def test_a_ce_broker_upload_line(changes: dict, expected: list[str] | None) -> None:
    import dataclasses

    provider = ce.provider_from_config(PROVIDER, default_name="x")
    assert cebroker_row(dataclasses.replace(LINE, **changes), provider) == expected


# --- Excel-safe CSV ---------------------------------------------------------------------------

FORMULAS = [
    "=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
    "Eve;=1+1", "Eve,=1+1", "Eve; =1+1", 'Eve;"=1+1"', "Eve|=1", "Eve\n=1",
]  # fmt: skip


@pytest.mark.parametrize("value", FORMULAS)
def test_no_piece_of_a_cell_starts_a_formula_in_any_locale(value: str) -> None:
    text = csv_text(["name"], [[value]])
    assert text.startswith("\ufeff")
    body = text.removeprefix("\ufeff")
    for delimiter in (",", ";", "\t", "|"):
        # As a spreadsheet of that locale reads the file: honouring quotes, and (a field
        # that does not start with one) not.
        honoured = [p for row in csv.reader(io.StringIO(body), delimiter=delimiter) for p in row]
        naive = [
            p for line in re.split(r"\r\n|\r|\n", body) for p in line.split(delimiter)
        ]  # fmt: skip
        for piece in honoured + naive:
            assert not piece.lstrip(' "').startswith(tuple("=+-@")), (value, delimiter, piece)


@pytest.mark.parametrize(
    "value", ["Müller", "Anne-Marie", "O'Neil", "DC-1234", "2026-03-14", "a - b", "3.5", ""]
)
def test_ordinary_values_are_left_as_they_are(value: str) -> None:
    assert cell(value) == value
    assert cell(3.5) == 3.5


# --- over HTTP ----------------------------------------------------------------------------------


@pytest.fixture
def course(app: Flask, world: Cohort, teacher: User, make_user: Callable[..., User]) -> dict:
    """A session, ended, attended by two licensees (Florida, Texas) and one without a licence;
    the provider on CE Broker in Florida; the session approved there and by PACE."""
    app.config["CE_PROVIDER"] = PROVIDER
    start = (now_utc() - timedelta(days=3)).replace(second=0, microsecond=0)
    session = session_service.create_session(
        world, title="Blocking workshop", starts_at=start, ends_at=start + timedelta(hours=3),
        location="Hall", ce_hours=3, lessons=[],
        approvals="FL 20-98765: General 2, Laws and rules 1\nPACE P-1",
    )  # fmt: skip
    people = {
        "fl": make_user(
            Role.STUDENT, name="Jürgen Müller", licence_number="CH-1", licence_state="FL"
        ),
        "tx": make_user(
            Role.STUDENT, name="Eve;=1+1 Smith", licence_number="TX-2", licence_state="TX"
        ),
        "none": make_user(Role.STUDENT, name="Newly Graduated"),
    }
    for n, student in enumerate(people.values()):
        cohort_service.enroll(world, student)
        session_service.mark_present(session, student, method="check-in code", now=start)
        session_service.check_out(student, session, now=start + timedelta(hours=3 - n * 0.5))
    db.session.commit()
    return {"session": session, **people}


def test_the_roster_csv_opens_correctly_in_excel(
    client: FlaskClient, teacher: User, course: dict
) -> None:
    login(client, teacher)
    data = client.get(f"/sessions/{course['session'].id}/roster.csv").data
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == GENERIC_HEADER
    by_last = {r["last name"]: r for r in rows}
    fl = by_last["Müller"]  # read as written, not "MÃ¼ller"
    assert (fl["first name"], fl["licence number"], fl["licence state"]) == ("Jürgen", "CH-1", "FL")
    assert fl["provider"] == "Example Seminars LLC" and fl["provider number"] == "50-12345"
    assert fl["course approval number"] == "20-98765" and fl["other approvals"] == "PACE course P-1"
    assert fl["hours credited"] == "3" and fl["hours by subject"] == "General 2; Laws and rules 1"
    assert fl["delivery"] == "Live, in person" and fl["verification method"] == "check-in code"
    assert fl["course evaluation"] == ""  # this program asks for none
    tx = by_last["Smith"]
    assert tx["first name"] == "Eve;'=1+1"  # no formula, even where ";" separates cells
    assert tx["course approval number"] == "" and tx["hours credited"] == "2.5"
    assert tx["hours by subject"] == ""  # partial credit over two subjects: no invented split
    assert by_last["Graduated"]["licence number"] == ""


def test_the_ce_broker_upload_has_only_what_it_can_take(
    client: FlaskClient, teacher: User, course: dict
) -> None:
    login(client, teacher)
    data = client.get(f"/sessions/{course['session'].id}/cebroker.csv").data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    day = course["session"].starts_at.astimezone(UTC).date()
    assert rows == [
        ["12345", "98765", "", "", "CH-1", f"{day.month}/{day.day}/{day.year}", "State=FL",
         "Profession=CH", "", ""],
    ]  # fmt: skip


def test_a_sessions_ce_details_are_edited_with_errors_next_to_the_field(
    client: FlaskClient, teacher: User, course: dict
) -> None:
    session: SeminarSession = course["session"]
    login(client, teacher)
    page = client.get(f"/sessions/{session.id}/ce").get_data(as_text=True)
    assert "FL 20-98765: General 2, Laws and rules 1" in page
    refused = client.post(
        f"/sessions/{session.id}/ce", data={"delivery": "online", "approvals": "FL 20-1\nPACE"}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="approvals-error"' in html and "Line 2:" in html
    assert "FL 20-1\nPACE</textarea>" in html  # what was typed is kept
    saved = client.post(
        f"/sessions/{session.id}/ce", data={"delivery": "online", "approvals": "FL 20-2"}
    )
    assert saved.status_code == 302
    db.session.refresh(session)
    assert session.delivery == "online" and session.ce_approvals == [
        {"jurisdiction": "FL", "number": "20-2", "hours": []}
    ]
    shown = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Live, online" in shown and "FL course 20-2" in shown


def test_rosters_due_within_each_boards_deadline(
    app: Flask, client: FlaskClient, course: dict, make_user: Callable[..., User]
) -> None:
    admin = make_user(Role.ADMIN)
    login(client, admin)
    page = client.get("/ce/rosters").get_data(as_text=True)
    session: SeminarSession = course["session"]
    day = session.starts_at.astimezone(UTC).date()
    # Florida: 30 days; Texas: 10; PACE has no deadline and no licensees; none reported yet.
    fl_due, tx_due = day + timedelta(days=30), day + timedelta(days=10)
    assert page.index(tx_due.strftime("%d %b %Y")) < page.index(fl_due.strftime("%d %b %Y"))
    assert "in 7 days" in page and "in 27 days" in page and "FCLB PACE (PACE)" not in page
    response = client.post(f"/ce/rosters/{session.id}/fl")
    assert response.status_code == 302
    assert client.post(f"/ce/rosters/{session.id}/FL").status_code == 302  # once only
    (report,) = db.session.scalars(select(RosterReport)).all()
    assert report.jurisdiction == "FL" and report.reported_by_id == admin.id
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "roster.report"))
    assert len(entry.all()) == 1
    page = client.get("/ce/rosters").get_data(as_text=True)
    pending = page.split("<h2>Reported</h2>")[0]
    assert "Florida Board" not in pending.split("<tbody>")[1]
    assert "to Florida Board of Chiropractic Medicine: reported" in page
    # A board that is not in the settings is refused, and nothing is written.
    client.post(f"/ce/rosters/{session.id}/ZZ")
    assert db.session.scalar(select(db.func.count()).select_from(RosterReport)) == 1
