"""The cohort dashboard page: summary counts, legend, a frozen name column, and cells stored
with each standing (rows stored before cells existed still show); each worker keeps a
rendered dashboard until what it shows moves (the cohort's standing revision, the minute)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from seminar.db import db, now_utc
from seminar.models import Cohort, StudentProgress, User
from seminar.queries import dashboard as dashboard_queries
from seminar.queries.dashboard import AT_RISK_AFTER
from seminar.services import accounts, standing
from seminar.services import cohorts as cohort_service
from seminar.web import progress as progress_views
from tests.conftest import count_queries, login


def _matrix(page: str) -> str:
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_the_page_has_counts_a_legend_and_names_that_stay(
    client: FlaskClient, world: Cohort, teacher: User, make_user: Callable[..., User]
) -> None:
    for name in ("Zoë Ångström-Villanueva de la Cruz", "Al Bo"):
        cohort_service.enroll(world, make_user(name=name))
    db.session.commit()
    login(client, teacher)
    page = client.get(f"/cohorts/{world.slug}/progress").get_data(as_text=True)
    assert re.search(r'tile-value">2</span>\s*<span class="tile-label">Students', page)
    assert 'aria-label="What the cells mean"' in page and "In progress" in page
    assert page.count('<th scope="row" class="sticky">') == 2
    assert "Ångström" in _matrix(page)
    # a sort link keeps the filter and flips the direction of the active column
    assert f'href="/cohorts/{world.slug}/progress?filter=all&amp;sort=name&amp;dir=desc"' in page


def test_rows_stored_before_cells_show_the_same_cells(
    client: FlaskClient, world: Cohort, teacher: User, make_user: Callable[..., User]
) -> None:
    cohort_service.enroll(world, make_user(name="Old Row"))
    db.session.commit()
    login(client, teacher)
    url = f"/cohorts/{world.slug}/progress"
    fresh = _matrix(client.get(url).get_data(as_text=True))
    assert '<td class="cell s-not_started" title="0 of 3 lessons">' in fresh
    db.session.execute(update(StudentProgress).values(cells=None))
    standing.shown_moved([world.id])  # else the page kept by the worker would show
    db.session.commit()
    assert _matrix(client.get(url).get_data(as_text=True)) == fresh


def _progress_reads(statements: list[str]) -> list[str]:
    """The statements that read the cohort's standing rows."""
    return [s for s in statements if "student_progress" in s and s.lstrip().startswith("SELECT")]


def test_a_dashboard_is_kept_until_what_it_shows_moves(
    client: FlaskClient, world: Cohort, teacher: User, make_user: Callable[..., User]
) -> None:
    ada, bo = make_user(name="Ada First"), make_user(name="Bo Second")
    for student in (ada, bo):
        cohort_service.enroll(world, student)
    db.session.commit()
    login(client, teacher)
    url = f"/cohorts/{world.slug}/progress"
    with count_queries() as reads:
        first = client.get(url).get_data(as_text=True)
    assert _progress_reads(reads) and "Ada First" in first
    with count_queries() as reads:
        assert _matrix(client.get(url).get_data(as_text=True)) == _matrix(first)
        assert client.get(url + "?sort=percent&dir=desc").status_code == 200
    assert _progress_reads(reads)  # another view is another page: read once
    with count_queries() as reads:
        client.get(url)
        client.get(url + "?sort=percent&dir=desc")
    assert _progress_reads(reads) == []  # both kept

    accounts.update_profile(ada, name="Ada Renamed", licence_number=None, licence_state=None)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Ada Renamed" in page and "Ada First" not in page

    cohort_service.unenroll(world, bo)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Bo Second" not in page
    assert re.search(r'tile-value">1</span>\s*<span class="tile-label">Students', page)


def _revision(cohort: Cohort) -> int:
    return db.session.scalar(select(Cohort.standing_revision).where(Cohort.id == cohort.id))


def test_reading_moves_the_dashboard_on_the_first_beat_of_a_day_only(
    world: Cohort, make_user: Callable[..., User]
) -> None:
    reader = make_user(name="Reader")
    cohort_service.enroll(world, reader)
    db.session.commit()
    before = _revision(world)
    standing.touch(reader.id, 30)  # never active: the dashboard now shows a day
    assert _revision(world) == before + 1
    standing.touch(reader.id, 30)  # the same day again: nothing it shows moved
    assert _revision(world) == before + 1
    db.session.execute(
        update(StudentProgress)
        .where(StudentProgress.user_id == reader.id)
        .values(last_activity=now_utc() - timedelta(days=1))
    )
    standing.touch(reader.id, 30)  # a new day
    assert _revision(world) == before + 2
    standing.touch(reader.id, 30, flagged=True)  # newly reading lessons side by side
    assert _revision(world) == before + 3
    reading = db.session.scalar(
        select(StudentProgress.reading_seconds).where(StudentProgress.user_id == reader.id)
    )
    assert reading == 120  # every beat still counts


def test_a_student_turns_at_risk_by_the_clock_alone(
    client: FlaskClient,
    world: Cohort,
    teacher: User,
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    idle = make_user(name="Idle Student")
    cohort_service.enroll(world, idle)
    db.session.commit()
    now = now_utc()
    db.session.execute(
        update(StudentProgress).values(last_activity=now - AT_RISK_AFTER + timedelta(seconds=30))
    )
    standing.shown_moved([world.id])
    db.session.commit()
    login(client, teacher)
    url = f"/cohorts/{world.slug}/progress"
    assert "At risk</span>" not in _matrix(client.get(url).get_data(as_text=True))
    later = now + timedelta(minutes=1)
    for module in (progress_views, dashboard_queries):
        monkeypatch.setattr(module, "now_utc", lambda: later)
    assert "At risk</span>" in _matrix(client.get(url).get_data(as_text=True))
