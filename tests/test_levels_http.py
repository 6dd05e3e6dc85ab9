"""Levels over HTTP: an advanced cohort refuses a student without the basic record and says
why (invite link, staff enrolment, invitations), admits them once they hold it; hours declared
from another organisation with evidence, approved or rejected by an admin (with CSRF); the
ladder on My path; table instructors eligible by their record."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from seminar.db import db, now_utc
from seminar.models import AuditEntry, Cohort, CohortMember, MemberRole, RecordKind, User
from seminar.services import cohorts as cohort_service
from seminar.services import issuing
from seminar.services import sessions as session_service
from seminar.services.content_sync import sync_content
from tests.conftest import PASSWORD, PROGRAM, csrf_token, login

LEVELS = (
    PROGRAM.rstrip("\n")
    + """
    table_instructor_after: advanced
  - slug: advanced
    title: Advanced program
    credential: Certificate of Completion, Advanced
    validity_months: 36
    admission:
      records: [basic]
      attended_hours: 6
      years_licensed: 1
    maintain:
      taught_hours: 4
    requires:
      lessons: all
"""
)
PDF = b"%PDF-1.4\n% a certificate of attendance\n"


@pytest.fixture
def advanced(app: Flask, world: Cohort) -> Cohort:
    """An advanced cohort next to the basic `world` cohort."""
    lessons, quizzes = Path(app.config["LESSONS_DIR"]), Path(app.config["QUIZZES_DIR"])
    (lessons / "program.yml").write_text(LEVELS)
    report = sync_content(lessons, quizzes)
    assert report.ok, [str(p) for p in report.problems]
    cohort = cohort_service.create_cohort(
        "advanced-2027", title="Advanced 2027", program_slug="advanced"
    )
    db.session.commit()
    return cohort


def hold_basic(world: Cohort, student: User) -> None:
    cohort_service.enroll(world, student)
    issuing.issue(world, RecordKind.COMPLETION, [student.id], overrides={student.id: "test"})
    db.session.commit()


def attended(world: Cohort, student: User, hours: int) -> None:
    """Hours credited here, from a real session with check-in and check-out."""
    cohort_service.enroll(world, student)
    starts = now_utc().replace(microsecond=0) - timedelta(days=2)
    session = session_service.create_session(
        world, title="Day", starts_at=starts, ends_at=starts + timedelta(hours=hours),
        location="", ce_hours=hours, lessons=[],
    )  # fmt: skip
    session_service.mark_present(session, student, method="test", now=starts)
    session_service.check_out(student, session, now=starts + timedelta(hours=hours))
    db.session.commit()


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def test_the_advanced_cohort_refuses_and_says_why_then_admits(
    client: FlaskClient, world: Cohort, advanced: Cohort, make_user
) -> None:
    student = make_user("student")
    login(client, student)
    page = text(client.get(f"/join/{advanced.invite_code}"))
    assert "You cannot join Advanced 2027 yet." in page
    assert "Needs a completion record of Basic program (you have none)" in page
    assert "Needs 6 attended hours (you have 0: 0 here, 0 declared and approved)" in page
    assert "Needs 1 years since licensure (no licence date on your profile)" in page
    assert "Join this cohort" not in page
    client.post(f"/join/{advanced.invite_code}")  # a forced POST is refused the same way
    assert (
        db.session.scalar(select(CohortMember).where(CohortMember.cohort_id == advanced.id)) is None
    )

    hold_basic(world, student)
    attended(world, student, 4)
    student.licensed_on = date.today() - timedelta(days=800)
    db.session.commit()
    page = text(client.get(f"/join/{advanced.invite_code}"))
    assert "Needs a completion record" not in page
    assert "Needs 6 attended hours (you have 4: 4 here, 0 declared and approved)" in page

    attended(world, student, 2)
    page = text(client.get(f"/join/{advanced.invite_code}"))
    assert "Join this cohort" in page and "cannot join" not in page
    assert client.post(f"/join/{advanced.invite_code}").status_code == 302
    assert (
        db.session.scalar(
            select(CohortMember.role).where(
                CohortMember.cohort_id == advanced.id, CohortMember.user_id == student.id
            )
        )
        == MemberRole.STUDENT
    )


def test_staff_enrolment_is_refused_with_the_same_reasons(
    client: FlaskClient, world: Cohort, advanced: Cohort, make_user
) -> None:
    """No override: staff are told what the person still needs (a decision: see
    services/prerequisites.py); a new e-mail cannot be invited into the level either."""
    admin, student = make_user("admin"), make_user("student", name="Ann Lee")
    login(client, admin)
    response = client.post(
        f"/cohorts/{advanced.slug}/enroll", data={"email": student.email, "role": "student"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "Ann Lee cannot join Advanced 2027 yet." in page
    assert "Needs a completion record of Basic program (they have none)" in page
    response = client.post(
        f"/cohorts/{advanced.slug}/enroll",
        data={"email": "new@example.org", "name": "New Person", "role": "student"},
    )
    assert response.status_code == 400
    assert "new@example.org has no account yet, so cannot join Advanced 2027" in text(response)
    # The basic cohort, without prerequisites, enrols as before.
    response = client.post(
        f"/cohorts/{world.slug}/enroll", data={"email": student.email, "role": "student"}
    )
    assert response.status_code == 302


def test_the_path_shows_the_whole_ladder(
    client: FlaskClient, world: Cohort, advanced: Cohort, make_user
) -> None:
    student = make_user("student")
    cohort_service.enroll(world, student)
    db.session.commit()
    login(client, student)
    page = text(client.get("/path"))
    assert "Your levels" in page
    assert page.index("Current") < page.index("Basic program") < page.index("Next")
    assert "Needs a completion record of Basic program (you have none)" in page
    hold_basic(world, student)
    page = text(client.get("/path"))
    assert "Done" in page and "you hold its record" in page
    assert "Needs a completion record" not in page
    assert "Needs 6 attended hours" in page


def _declare(client: FlaskClient, **fields: Any) -> Any:
    data = {
        "csrf_token": csrf_token(client, "/hours"),
        "organisation": "SOTO-Europe",
        "course": "Basic seminar, Paris",
        "attended_on": "2026-03-14",
        "hours": "5",
        "evidence": (io.BytesIO(PDF), "certificate.pdf"),
    } | fields
    return client.post("/hours", data=data, content_type="multipart/form-data")


@pytest.mark.csrf
def test_declared_hours_count_once_an_admin_approves_them(
    app: Flask, world: Cohort, advanced: Cohort, make_user
) -> None:
    student, admin = make_user("student"), make_user("admin")
    own, staff = app.test_client(), app.test_client()
    for client, user in ((own, student), (staff, admin)):
        client.post("/login", data={
            "email": user.email, "password": PASSWORD,
            "csrf_token": csrf_token(client, "/login"),
        })  # fmt: skip
    assert own.get("/hours").status_code == 200

    # Refused: no CSRF token, a file that is not a PDF/PNG/JPEG, one too large.
    assert own.post("/hours", data={"organisation": "X"}).status_code == 400
    response = _declare(own, evidence=(io.BytesIO(b"<html><script>"), "certificate.pdf"))
    assert response.status_code == 400
    assert "The file is not a PDF, PNG or JPEG" in text(response)
    assert 'value="SOTO-Europe"' in text(response)  # what was typed is kept
    big = (io.BytesIO(PDF + b"0" * (5 * 1024 * 1024)), "big.pdf")
    assert "larger than 5 MB" in text(_declare(own, evidence=big))
    assert "Declare hours once you have attended" in text(_declare(own, attended_on="2099-01-01"))

    assert _declare(own).status_code == 302
    assert _declare(own, hours="3", course="Cranial day").status_code == 302
    page = text(own.get("/hours"))
    assert "Waiting for review" in page and "0 here, 0 declared and approved" in page

    review = text(staff.get("/admin/hours"))
    assert "Basic seminar, Paris" in review and "Cranial day" in review
    first, second = (e.id for e in _entries(student))
    evidence = staff.get(f"/hours/{first}/evidence")
    assert evidence.data == PDF and evidence.mimetype == "application/pdf"
    assert evidence.headers["Content-Disposition"].startswith("attachment")
    # A rejection needs a reason; an approval may have one.
    token = csrf_token(staff, "/admin/hours")
    staff.post(f"/admin/hours/{second}", data={f"d{second}-csrf_token": token,
                                               f"d{second}-reject": "Reject"})  # fmt: skip
    assert "Say why the hours are rejected" in text(staff.get("/admin/hours"))
    token = csrf_token(staff, "/admin/hours")
    staff.post(f"/admin/hours/{second}", data={
        f"d{second}-csrf_token": token, f"d{second}-reject": "Reject",
        f"d{second}-reason": "The certificate names another person.",
    })  # fmt: skip
    token = csrf_token(staff, "/admin/hours")
    staff.post(f"/admin/hours/{first}", data={
        f"d{first}-csrf_token": token, f"d{first}-approve": "Approve",
    })  # fmt: skip
    states = {e.course: (e.state.value, e.reason) for e in _entries(student)}
    assert states == {
        "Basic seminar, Paris": ("approved", ""),
        "Cranial day": ("rejected", "The certificate names another person."),
    }
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"declared_hours.add", "declared_hours.approve", "declared_hours.reject"} <= actions
    page = text(own.get(f"/join/{advanced.invite_code}"))
    assert "Needs 6 attended hours (you have 5: 0 here, 5 declared and approved)" in page
    assert "The certificate names another person." in text(own.get("/hours"))
    # Deciding twice is refused; another student cannot see the evidence.
    token = csrf_token(staff, "/admin/hours")
    staff.post(f"/admin/hours/{first}", data={f"d{first}-csrf_token": token,
                                              f"d{first}-approve": "Approve"})  # fmt: skip
    other = app.test_client()
    login_with_csrf(other, make_user("student"))
    assert other.get(f"/hours/{first}/evidence").status_code == 404


def login_with_csrf(client: FlaskClient, user: User) -> None:
    client.post("/login", data={
        "email": user.email, "password": PASSWORD,
        "csrf_token": csrf_token(client, "/login"),
    })  # fmt: skip


def _entries(student: User) -> list[Any]:
    from seminar.models import DeclaredHours

    db.session.expire_all()
    return list(
        db.session.scalars(
            select(DeclaredHours)
            .where(DeclaredHours.user_id == student.id)
            .order_by(DeclaredHours.id)
        )
    )


def test_the_licence_date_counts_in_whole_years(
    client: FlaskClient, world: Cohort, advanced: Cohort, make_user
) -> None:
    student = make_user("student")
    login(client, student)
    response = client.post("/hours/licence", data={"licensed_on": "2099-01-01"})
    assert response.status_code == 400 and "cannot be in the future" in text(response)
    almost = date.today() - timedelta(days=300)
    assert (
        client.post("/hours/licence", data={"licensed_on": almost.isoformat()}).status_code == 302
    )
    page = text(client.get(f"/join/{advanced.invite_code}"))
    assert f"Needs 1 years since licensure (you have 0, licensed {almost.isoformat()})" in page


def test_holders_of_the_higher_record_may_assist_on_lower_cohorts(
    client: FlaskClient, world: Cohort, advanced: Cohort, make_user
) -> None:
    senior, junior = make_user("student", name="Sam Senior"), make_user("student", name="Jo")
    for person in (senior, junior):
        hold_basic(world, person)
    # The senior holds an advanced record too (issued by exception: admission is tested above).
    db.session.add(CohortMember(cohort_id=advanced.id, user_id=senior.id, role=MemberRole.STUDENT))
    db.session.commit()
    issuing.issue(advanced, RecordKind.COMPLETION, [senior.id], overrides={senior.id: "test"})
    autumn = cohort_service.create_cohort("autumn", title="Autumn", program_slug="basic")
    db.session.commit()
    login(client, make_user("admin"))
    page = text(client.get(f"/cohorts/{autumn.slug}/table-instructors"))
    assert "Sam Senior" in page and "Advanced program" in page and "Jo" not in page
    assert client.post(f"/cohorts/{autumn.slug}/table-instructors/{junior.id}").status_code == 404
    response = client.post(f"/cohorts/{autumn.slug}/table-instructors/{senior.id}")
    assert response.status_code == 302
    assert (
        db.session.scalar(
            select(CohortMember.role).where(
                CohortMember.cohort_id == autumn.id, CohortMember.user_id == senior.id
            )
        )
        == MemberRole.TABLE_INSTRUCTOR
    )
    # The hours of the cohort's sessions, once over, are hours taught (those after joining).
    db.session.execute(
        update(CohortMember)
        .where(CohortMember.cohort_id == autumn.id)
        .values(joined_at=now_utc() - timedelta(days=1))
    )
    starts = now_utc().replace(microsecond=0) - timedelta(hours=5)
    session_service.create_session(
        autumn, title="Tables", starts_at=starts, ends_at=starts + timedelta(hours=2.5),
        location="", ce_hours=2.5, lessons=[],
    )  # fmt: skip
    db.session.commit()
    page = text(client.get(f"/cohorts/{autumn.slug}/table-instructors"))
    assert "<td>2.5</td>" in page and "Assisting" in page
    assert "Table instructor" in text(client.get(f"/cohorts/{autumn.slug}"))
