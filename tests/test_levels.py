"""Pure tests: admission reasons, maintenance, reminder stages and the ladder (core/levels.py),
and the program.yml keys that define them, with their lines."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from seminar.core.content.problems import ContentError
from seminar.core.content.programs import parse_programs
from seminar.core.levels import (
    Admission,
    LevelFacts,
    Maintenance,
    ladder,
    maintenance_missing,
    missing,
    reminder_stage,
    years_between,
)

TITLES = {"basic": "Basic course", "advanced": "Advanced course"}
TODAY = date(2027, 6, 1)
NOTHING = LevelFacts(held=frozenset())


@pytest.mark.parametrize(
    ("admission", "facts", "reasons"),
    [
        (Admission(), NOTHING, ()),
        (
            Admission(records=("basic",)),
            NOTHING,
            ("Needs a completion record of Basic course (you have none)",),
        ),
        (Admission(records=("basic",)), LevelFacts(held=frozenset({"basic"})), ()),
        (
            Admission(attended_hours=60),
            LevelFacts(held=frozenset(), hours_here=30, hours_declared=12),
            ("Needs 60 attended hours (you have 42: 30 here, 12 declared and approved)",),
        ),
        (Admission(attended_hours=60), LevelFacts(frozenset(), 48, 12), ()),
        (
            Admission(attended_hours=12.5),
            LevelFacts(frozenset(), 12.25),
            ("Needs 12.5 attended hours (you have 12.25: 12.25 here, 0 declared and approved)",),
        ),
        (
            Admission(years_licensed=1),
            NOTHING,
            ("Needs 1 years since licensure (no licence date on your profile)",),
        ),
        (
            Admission(years_licensed=2),
            LevelFacts(frozenset(), licensed_on=date(2025, 6, 2)),
            ("Needs 2 years since licensure (you have 1, licensed 2025-06-02)",),
        ),
        (Admission(years_licensed=2), LevelFacts(frozenset(), licensed_on=date(2025, 6, 1)), ()),
        (
            Admission(records=("basic", "advanced"), attended_hours=10, years_licensed=1),
            LevelFacts(frozenset({"advanced"}), 10, 0, date(2020, 1, 1)),
            ("Needs a completion record of Basic course (you have none)",),
        ),
    ],
)
def test_admission_says_exactly_what_is_missing(
    admission: Admission, facts: LevelFacts, reasons: tuple[str, ...]
) -> None:
    assert missing(admission, facts, titles=TITLES, today=TODAY) == reasons


def test_staff_read_the_same_reasons_about_the_person() -> None:
    reasons = missing(Admission(("basic",), 5, 1), NOTHING, titles=TITLES, today=TODAY, you=False)
    assert reasons == (
        "Needs a completion record of Basic course (they have none)",
        "Needs 5 attended hours (they have 0: 0 here, 0 declared and approved)",
        "Needs 1 years since licensure (no licence date on their profile)",
    )


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (date(2020, 2, 29), date(2021, 2, 28), 0),
        (date(2020, 2, 29), date(2021, 3, 1), 1),
        (date(2020, 1, 1), date(2019, 1, 1), 0),
        (date(2000, 6, 1), date(2027, 6, 1), 27),
    ],
)
def test_years_are_whole_years(start: date, end: date, years: int) -> None:
    assert years_between(start, end) == years


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [(120, None), (91, None), (90, 90), (31, 90), (30, 30), (1, 30), (0, 30), (-1, None)],
)
def test_one_reminder_stage_at_a_time(days_left: int, stage: int | None) -> None:
    expires = date.fromordinal(TODAY.toordinal() + days_left)
    assert reminder_stage(expires, TODAY) == stage


def test_maintenance_needs_every_amount_given() -> None:
    terms = Maintenance(attended_hours=12, taught_hours=8)
    assert maintenance_missing(terms, attended=12, taught=8) == ()
    assert maintenance_missing(terms, attended=20, taught=3.5) == (
        "4.5 more hours taught as a table instructor (3.5 of 8)",
    )
    assert maintenance_missing(Maintenance(attended_hours=12), attended=0, taught=99) == (
        "12 more CE hours attended (0 of 12)",
    )


def test_the_ladder_shows_done_current_next_and_later() -> None:
    order = [
        ("basic", "Basic course", Admission()),
        ("advanced", "Advanced course", Admission(records=("basic",))),
        ("master", "Master course", Admission(records=("advanced",))),
    ]
    fresh = ladder(order, NOTHING, enrolled=frozenset(), today=TODAY)
    assert [(r.state, r.missing) for r in fresh] == [("next", ()), ("later", ()), ("later", ())]
    studying = ladder(order, NOTHING, enrolled=frozenset({"basic"}), today=TODAY)
    assert [r.state for r in studying] == ["current", "next", "later"]
    assert studying[1].missing == ("Needs a completion record of Basic course (you have none)",)
    done = ladder(order, LevelFacts(frozenset({"basic"})), enrolled=frozenset(), today=TODAY)
    assert [(r.state, r.missing) for r in done] == [("done", ()), ("next", ()), ("later", ())]


def yml(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


BASE = """
programs:
  - slug: basic
    title: Basic course
    credential: Certificate of Completion, Basic
"""


def test_level_keys_parse() -> None:
    extra = """
    table_instructor_after: advanced
  - slug: advanced
    title: Advanced course
    credential: Certificate of Completion, Advanced
    validity_months: 36
    admission:
      records: [basic]
      attended_hours: 60
      years_licensed: 1
    maintain:
      attended_hours: 12
      taught_hours: 8
"""
    (basic, advanced) = parse_programs(yml(BASE) + extra.lstrip("\n"), path="program.yml")
    assert basic.table_instructor_after == ("advanced",)
    assert advanced.admission == Admission(("basic",), 60, 1)
    assert advanced.maintain == Maintenance(12, 8)


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (
            "    admission:\n      records: [nowhere]\n",
            (6, "program 'basic' names program 'nowhere', which is not in this file"),
        ),
        (
            "    admission:\n      records: [basic]\n",
            (6, "program 'basic' cannot require its own record"),
        ),
        (
            "    admission:\n      attended_hours: -3\n",
            (6, "'attended_hours' must be a number from 0 to 10000"),
        ),
        (
            "    admission:\n      years: 2\n",
            (
                6,
                "unknown key 'years' in 'admission' "
                "(known: records, attended_hours, years_licensed)",
            ),
        ),
        (
            "    maintain:\n      taught_hours: 8\n",
            (5, "'maintain' renews a record before it lapses: give the program 'validity_months'"),
        ),
        (
            "    validity_months: 12\n    maintain: {}\n",
            (6, "'maintain' needs attended_hours or taught_hours above 0"),
        ),
        (
            "    table_instructor_after: [Not A Slug]\n",
            (5, "'table_instructor_after' takes program slugs like 'sot-basic'"),
        ),
    ],
)
def test_level_key_problems_name_their_line(extra: str, problem: tuple[int, str]) -> None:
    with pytest.raises(ContentError) as info:
        parse_programs(yml(BASE) + extra, path="program.yml")
    assert [(p.line, p.message) for p in info.value.problems] == [problem]
