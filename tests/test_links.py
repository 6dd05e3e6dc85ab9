"""Links that are always right: with SEMINAR_BASE_URL unset, every link the app builds follows
the address the page was opened at (`make run PORT=5101` gives links on 5101), and staff are told
when links only work on this computer, or when records would freeze an unconfigured address."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient

from seminar import create_app
from seminar.db import db, now_utc
from seminar.models import Cohort, RecordKind, User
from seminar.queries import links
from seminar.services import sessions as session_service
from seminar.services.issuing import issue
from seminar.services.unit_of_work import unit_of_work
from tests.conftest import PASSWORD, base_config

VENUE = "http://127.0.0.1:5101"


@pytest.fixture
def unset(app: Flask) -> Flask:
    app.config["BASE_URL"] = ""
    return app


def test_links_follow_the_address_of_the_page(
    unset: Flask, client: FlaskClient, world: Cohort, teacher: User, make_user
) -> None:
    admin = make_user("admin")
    start = now_utc().replace(microsecond=0) + timedelta(hours=1)
    seminar = session_service.create_session(
        world, title="Day one", starts_at=start, ends_at=start + timedelta(hours=3),
        location="Hall", ce_hours=3, lessons=[],
    )  # fmt: skip
    session_service.open_checkin(seminar)
    at = {"base_url": VENUE}
    client.post("/login", data={"email": admin.email, "password": PASSWORD}, **at)
    cohort_page = client.get(f"/cohorts/{world.slug}", **at).get_data(as_text=True)
    assert f"{VENUE}/join/{world.invite_code}" in cohort_page
    projector = client.get(f"/sessions/{seminar.id}/projector", **at).get_data(as_text=True)
    assert f"Check in at <strong>{VENUE}/checkin</strong>" in projector
    schedule = client.get(f"/cohorts/{world.slug}/sessions", **at).get_data(as_text=True)
    assert f"{VENUE}/calendar/cohort/{world.calendar_token}.ics" in schedule
    # This computer only: staff are told, and how phones in the room get in.
    assert "which only this computer can open" in projector and "HOST=0.0.0.0" in projector
    feed = client.get(f"/calendar/cohort/{world.calendar_token}.ics", **at).get_data(as_text=True)
    assert f"Check in at {VENUE}/checkin" in feed.replace("\r\n ", "")


def test_a_record_issued_from_the_venue_opens_on_its_port(
    unset: Flask, client: FlaskClient, world: Cohort, make_user
) -> None:
    admin, student = make_user("admin"), make_user("student", name="Ada Student")
    from seminar.services.cohorts import enroll

    enroll(world, student)
    db.session.commit()
    client.post("/login", data={"email": admin.email, "password": PASSWORD}, base_url=VENUE)
    page = client.get(f"/cohorts/{world.slug}/records", base_url=VENUE).get_data(as_text=True)
    assert "SEMINAR_BASE_URL</code> is not set" in page or "only this computer" in page
    with unset.test_request_context(base_url=VENUE), unit_of_work():
        (issued,) = issue(world, RecordKind.COMPLETION, [student.id], overrides={student.id: "t"})
    pdf = client.get(f"/records/{issued.record.display_id}.pdf", base_url=VENUE)
    document = pypdfium2.PdfDocument(io.BytesIO(pdf.data))
    image = document[0].render(scale=3).to_pil()
    (code,) = zxingcpp.read_barcodes(image)
    assert code.text == f"{VENUE}/verify/{issued.record.display_id}"


def test_a_configured_address_wins_and_outside_a_request_it_is_the_fallback(
    tmp_path: Path, lessons_dir: Path
) -> None:
    config = base_config(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path, lessons_dir)
    config["BASE_URL"] = "https://seminar.example.org/"
    app = create_app(config)
    with app.test_request_context(base_url=VENUE):
        assert links.base_url() == "https://seminar.example.org"
    app.config["BASE_URL"] = ""
    with app.app_context():
        assert links.base_url() == links.FALLBACK
    assert links.is_local("http://localhost:5000") and not links.is_local("http://10.0.0.5:5101")


def test_links_kept_by_a_worker_are_the_links_flask_builds(app: Flask) -> None:
    """Each worker keeps the relative links it built (the menu, the stylesheet): the same
    text as Flask builds, per place the app is mounted, and never for external links, anchors
    or relative endpoints, which depend on more than the endpoint and its values."""
    from flask import Flask as PlainFlask
    from flask import url_for

    plain = PlainFlask.url_for.__get__(app)  # Flask's own builder, for comparison
    cases = [
        ("lessons.catalogue", {}),
        ("lessons.show", {"slug": "first-lesson"}),
        ("static", {"filename": "css/site.css"}),
        ("progress.dashboard", {"slug": "spring", "filter": "at_risk"}),
    ]
    for root in ("", "/seminar"):
        with app.test_request_context("/lessons/", base_url=f"http://venue.test{root}"):
            for endpoint, values in cases:
                expected = plain(endpoint, **values)
                assert url_for(endpoint, **values) == expected  # built, then kept
                assert url_for(endpoint, **values) == expected  # from the worker's memory
                assert expected.startswith(f"{root}/")
            for options in ({"_anchor": "end"}, {"_external": True}):
                assert url_for("lessons.show", slug="x", **options) == plain(
                    "lessons.show", slug="x", **options
                )
            assert url_for(".show", slug="x") == f"{root}/lessons/x"
            assert url_for("quizzes.index", tag=["a", "b"]).endswith("?tag=a&tag=b")
