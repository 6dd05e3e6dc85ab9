"""The cohort dashboard page: summary counts, legend, a frozen name column, and cells stored
with each standing (rows stored before cells existed still show)."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import update

from seminar.db import db
from seminar.models import Cohort, StudentProgress, User
from seminar.services import cohorts as cohort_service
from tests.conftest import login


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
    db.session.commit()
    assert _matrix(client.get(url).get_data(as_text=True)) == fresh
