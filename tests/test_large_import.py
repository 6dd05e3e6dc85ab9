"""A 10,000-row CSV: previewed, then enrolled with invitations queued, in committed batches
that each stay far from a worker's timeout; interrupted, it resumes where it stopped."""

from __future__ import annotations

import io
import time

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from seminar.db import db
from seminar.models import Cohort, CohortMember, ImportJob, Invitation, OutboxMessage
from tests.conftest import login

ROWS = 10_000


def _csv(existing: list[str]) -> str:
    lines = ["email,name,licence_number,licence_state"]
    lines += [f"{email},,," for email in existing]
    lines += [f"new{n}@example.org,New Student {n},DC-{n},CA" for n in range(ROWS - len(existing))]
    return "\n".join(lines) + "\n"


def test_ten_thousand_rows_in_batches_resumable(
    app: Flask, client: FlaskClient, world: Cohort, make_user
) -> None:
    known = [make_user("student").email for _ in range(3)]
    login(client, make_user("admin"))
    started = time.monotonic()
    preview = client.post(
        f"/cohorts/{world.slug}/import",
        data={"file": (io.BytesIO(_csv(known).encode()), "students.csv"), "preview": "1"},
        content_type="multipart/form-data",
    )
    preview_seconds = time.monotonic() - started
    assert preview.status_code == 302, preview.get_data(as_text=True)[-500:]
    job_url = preview.headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert "<strong>9997</strong> new people to invite" in page
    assert "<strong>3</strong> with an account, to enrol" in page
    assert "the first 50 of 10000" in page
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0  # not yet

    client.post(f"{job_url}/start")
    # A few batches, then the browser goes away: the job says where it stopped.
    for _ in range(3):
        client.post(f"{job_url}/step", headers={"Accept": "application/json"})
    job = db.session.scalars(select(ImportJob)).one()
    db.session.refresh(job)
    assert (job.state, job.done) == ("running", 1500)
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1497
    paused = client.get(job_url).get_data(as_text=True)
    assert "Paused at row 1500" in paused and 'value="1500"' in paused
    # Resumed: every remaining batch, none near a worker's timeout.
    slowest, steps = 0.0, 0
    while True:
        started = time.monotonic()
        data = client.post(f"{job_url}/step", headers={"Accept": "application/json"}).get_json()
        slowest = max(slowest, time.monotonic() - started)
        steps += 1
        if data["state"] == "done":
            break
        assert steps < 30
    assert (data["done"], data["invited"], data["enrolled"]) == (ROWS, ROWS - 3, 3)
    assert slowest < 15 and preview_seconds < 15, (slowest, preview_seconds)
    # Exactly once: a step after the end changes nothing.
    client.post(f"{job_url}/step")
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == ROWS - 3
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == ROWS - 3
    assert (
        db.session.scalar(
            select(func.count()).select_from(CohortMember).where(CohortMember.cohort_id == world.id)
        )
        == 3
    )
    assert (
        db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.private.is_(False))
        )
        == 0
    )
    done = client.get(job_url).get_data(as_text=True)
    assert "Import done" in done and "password" not in done.lower()
    db.session.refresh(job)
    assert job.rows == []  # names and addresses are not kept once the import is done
