"""Cohorts, invites, CSV enrolment, the student's path and the cohort dashboard."""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from seminar.db import db, now_utc
from seminar.models import (
    Cohort,
    CohortMember,
    Invitation,
    LessonReading,
    OutboxMessage,
    Program,
    StudentProgress,
    User,
)
from seminar.queries.standing import cohort_statuses
from seminar.services import cohorts as cohort_service
from seminar.services.content_sync import sync_content
from seminar.services.demo import add_synthetic_students
from seminar.services.evidence import record_heartbeat
from tests.conftest import PROGRAM, count_queries, login


def student_in(cohort: Cohort, make_user, **kwargs) -> User:
    user = make_user("student", **kwargs)
    cohort_service.enroll(cohort, user)
    return user


def test_program_sync_versions_and_cohort_keeps_its_version(app: Flask, world: Cohort) -> None:
    program = db.session.execute(select(Program).where(Program.slug == "basic")).scalar_one()
    assert program.current.number == 1 and world.program_version_id == program.current_version_id
    lessons = Path(app.config["LESSONS_DIR"])
    (lessons / "program.yml").write_text(
        PROGRAM.replace("attendance_hours: 2", "attendance_hours: 6")
    )
    report = sync_content(lessons, Path(app.config["QUIZZES_DIR"]))
    assert report.changed == ["program.yml#basic"]
    db.session.refresh(program)
    db.session.refresh(world)
    assert program.current.number == 2
    assert world.program_version.data["attendance_hours"] == 2  # the cohort keeps its version
    assert cohort_service.move_to_current_program(world)
    assert world.program_version.data["attendance_hours"] == 6


def test_program_errors_name_the_line(app: Flask, world: Cohort) -> None:
    lessons = Path(app.config["LESSONS_DIR"])
    (lessons / "program.yml").write_text(PROGRAM.replace("- check: 60", "- missing-quiz"))
    report = sync_content(lessons, Path(app.config["QUIZZES_DIR"]))
    assert any("program.yml:3:" in str(p) and "missing-quiz" in str(p) for p in report.problems), [
        str(p) for p in report.problems
    ]
    program = db.session.execute(select(Program).where(Program.slug == "basic")).scalar_one()
    assert program.current.number == 1  # the last good version stays


def test_admin_creates_and_edits_a_cohort(client: FlaskClient, world: Cohort, make_user) -> None:
    login(client, make_user("admin"))
    page = client.get("/cohorts/new").get_data(as_text=True)
    assert "Basic program" in page
    bad = client.post("/cohorts/new", data={"slug": "Bad Slug", "title": "X", "program": "basic"})
    assert "lowercase words and hyphens" in bad.get_data(as_text=True)
    dates = {"slug": "fall", "title": "Fall", "program": "basic", "starts_on": "2027-03-01",
             "ends_on": "2027-01-01"}  # fmt: skip
    assert "cannot end before it starts" in client.post("/cohorts/new", data=dates).get_data(
        as_text=True
    )
    ok = client.post("/cohorts/new", data=dates | {"ends_on": "2027-06-01"})
    assert ok.headers["Location"] == "/cohorts/fall"
    page = client.get("/cohorts/fall").get_data(as_text=True)
    assert "/join/" in page and "Fall" in page
    client.post("/cohorts/fall/edit", data={"title": "Fall 2027", "starts_on": "2027-03-01"})
    assert "Fall 2027" in client.get("/cohorts/").get_data(as_text=True)


def test_cli_cohort_commands(runner: FlaskCliRunner, world: Cohort, make_user) -> None:
    student = make_user("student")
    result = runner.invoke(args=["seminar", "cohort", "create", "autumn", "--title", "Autumn",
                                 "--program", "basic", "--starts", "2027-09-01"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "invite link: http://127.0.0.1:5000/join/" in result.output
    enrolled = runner.invoke(
        args=["seminar", "cohort", "enroll", "autumn", student.email, "ghost@example.org"]
    )
    assert enrolled.exit_code == 1
    assert f"{student.email}: enrolled as student" in enrolled.output
    assert "ghost@example.org: no account" in enrolled.output
    link = runner.invoke(args=["seminar", "cohort", "invite", "autumn"]).output.strip()
    rotated = runner.invoke(
        args=["seminar", "cohort", "invite", "autumn", "--rotate"]
    ).output.strip()
    assert link != rotated and rotated.startswith("http://127.0.0.1:5000/join/")
    closed = runner.invoke(args=["seminar", "cohort", "invite", "autumn", "--close"])
    assert "closed" in closed.output
    bad = runner.invoke(
        args=["seminar", "cohort", "create", "x", "--title", "X", "--program", "nope"]
    )
    assert bad.exit_code == 1 and "No program 'nope'" in bad.output


def test_join_by_invite_creates_an_account(client: FlaskClient, world: Cohort) -> None:
    url = f"/join/{world.invite_code}"
    page = client.get(url).get_data(as_text=True)
    assert "Join Spring cohort" in page
    form = {"name": "Dr. New", "email": "new@example.org", "password": "long enough pass",
            "licence_number": "DC-1", "licence_state": "CA"}  # fmt: skip
    short = client.post(url, data=form | {"password": "short"}).get_data(as_text=True)
    assert 'id="password-error"' in short
    response = client.post(url, data=form)
    assert response.headers["Location"] == "/path"
    path = client.get("/path").get_data(as_text=True)
    assert "Basic program" in path and "Spring cohort" in path and "Next:" in path
    user = db.session.execute(select(User).where(User.email == "new@example.org")).scalar_one()
    assert user.role == "student" and user.licence_number == "DC-1"
    assert (
        db.session.scalar(
            select(func.count()).select_from(CohortMember).where(CohortMember.user_id == user.id)
        )
        == 1
    )


def test_join_with_an_existing_account(
    client: FlaskClient, world: Cohort, make_user, app: Flask
) -> None:
    user = make_user("student")
    url = f"/join/{world.invite_code}"
    taken = client.post(
        url, data={"name": "X", "email": user.email, "password": "long enough pass"}
    )
    assert "log in to join" in taken.get_data(as_text=True)
    login(client, user)
    assert "Join this cohort" in client.get(url).get_data(as_text=True)
    assert client.post(url).headers["Location"] == "/path"
    again = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "already in Spring cohort" in again


def test_closed_or_rotated_invites_do_not_work(client: FlaskClient, world: Cohort) -> None:
    old = world.invite_code
    cohort_service.rotate_invite(world)
    assert client.get(f"/join/{old}").status_code == 404
    cohort_service.set_invite_open(world, False)
    response = client.get(f"/join/{world.invite_code}")
    assert response.status_code == 404 and "does not work" in response.get_data(as_text=True)
    form = {"name": "N", "email": "n@example.org", "password": "long enough pass"}
    assert client.post(f"/join/{world.invite_code}", data=form).status_code == 404
    assert (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.email == "n@example.org")
        )
        == 0
    )


def test_csv_enrolment_previews_then_enrols(client: FlaskClient, world: Cohort, make_user) -> None:
    existing = make_user("student", email="old@example.org")
    login(client, make_user("admin"))
    text = ("email,name,licence_number,licence_state\n"
            "old@example.org,,,\n"
            "fresh@example.org,Fresh Person,DC-9,NY\n"
            "not-an-email,Someone,,\n"
            "fresh@example.org,Twice,,\n"
            "nameless@example.org,,,\n")  # fmt: skip
    preview = client.post(f"/cohorts/{world.slug}/import", data={"text": text, "preview": "1"})
    job_url = preview.headers["Location"]
    html = client.get(job_url).get_data(as_text=True)
    assert "new person to invite by e-mail" in html and "with an account, to enrol" in html
    assert "not an email address" in html and "appears twice" in html and "needs a name" in html
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0  # nothing yet
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    client.post(f"{job_url}/start")
    step = client.post(f"{job_url}/step", headers={"Accept": "application/json"}).get_json()
    assert step["state"] == "done" and (step["enrolled"], step["invited"]) == (1, 1)
    page = client.get(job_url).get_data(as_text=True)
    assert "Import done" in page and "Rows skipped (3)" in page
    members = set(
        db.session.scalars(select(CohortMember.user_id).where(CohortMember.cohort_id == world.id))
    )
    assert members == {existing.id}  # the new person joins when they accept
    invitation = db.session.scalars(select(Invitation)).one()
    assert (invitation.email, invitation.cohort_id) == ("fresh@example.org", world.id)
    assert invitation.licence_number == "DC-9" and invitation.pending
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.private and mail.to_email == "fresh@example.org"
    assert "password:" not in page.lower()  # no password is made, let alone shown
    header = client.post(
        f"/cohorts/{world.slug}/import", data={"text": "mail,who\nx,y\n", "preview": "1"}
    )
    assert "at least: email,name" in header.get_data(as_text=True)


def _complete_everything(
    client: FlaskClient, world: Cohort, student: User, teacher_client: FlaskClient
) -> None:
    for slug in ("first-lesson", "second-lesson", "third-lesson"):
        client.post(f"/lessons/{slug}/complete")
    start = client.post("/quizzes/check/start")
    attempt_id = int(start.headers["Location"].rsplit("/", 1)[1])
    from seminar.models import Attempt

    attempt = db.session.get(Attempt, attempt_id)
    for aq in attempt.questions:
        response = {"choice": 1} if aq.question.key == "base" else {"value": True}
        client.post(f"/quizzes/check/attempts/{attempt_id}/answer",
                    json={"position": aq.position, "response": response})  # fmt: skip
    client.post(f"/quizzes/check/attempts/{attempt_id}/submit")
    from seminar.models import AttendanceCredit

    db.session.add(
        AttendanceCredit(user_id=student.id, cohort_id=world.id, hours=2.0, source="session")
    )
    db.session.commit()
    teacher_client.post(
        f"/cohorts/{world.slug}/students/{student.id}/practical",
        data={"outcome": "passed", "observed": ["Case history and screening for red flags"],
              "assessed_on": now_utc().date().isoformat(), "note": "Confident set-up."},
    )  # fmt: skip


def test_path_and_dashboard_follow_a_student(
    client: FlaskClient, world: Cohort, teacher: User, make_user, app: Flask
) -> None:
    student = student_in(world, make_user, name="Ada Student")
    login(client, student)
    path = client.get("/path").get_data(as_text=True)
    assert "0 of 3 lessons" in path and 'href="/lessons/"' in path
    staff = app.test_client()
    login(staff, teacher)
    board = staff.get(f"/cohorts/{world.slug}/progress").get_data(as_text=True)
    assert "Ada Student" in board and "Not started" in board
    _complete_everything(client, world, student, staff)
    path = client.get("/path").get_data(as_text=True)
    assert "You have met every requirement" in path and "100%" in path
    board = staff.get(f"/cohorts/{world.slug}/progress").get_data(as_text=True)
    assert "Eligible" in board and "100%" in board
    drill = staff.get(f"/cohorts/{world.slug}/students/{student.id}").get_data(as_text=True)
    assert "Confident set-up." in drill and "Eligible for the Certificate of Completion" in drill
    # The precomputed row matches a fresh computation.
    (live,) = cohort_statuses(world, [student.id])
    row = db.session.get(StudentProgress, (world.id, student.id))
    db.session.refresh(row)
    assert (
        (row.percent, row.eligible)
        == (live.eligibility.percent, live.eligibility.eligible)
        == (100, True)
    )


def test_dashboard_access(
    client: FlaskClient, world: Cohort, teacher: User, make_user, app: Flask
) -> None:
    student = student_in(world, make_user)
    other_cohort = cohort_service.create_cohort("other", title="Other", program_slug="basic")
    stranger = make_user("instructor")
    cohort_service.enroll(other_cohort, stranger, cohort_service.MemberRole.INSTRUCTOR)
    base = f"/cohorts/{world.slug}"
    urls = [base, f"{base}/progress", f"{base}/progress.csv", f"{base}/students/{student.id}"]
    checks = [(teacher, 200), (make_user("admin"), 200), (stranger, 404), (student, 403)]
    for user, status in checks:
        c = app.test_client()
        login(c, user)
        for url in urls:
            assert c.get(url).status_code == status, (user.role, url)
    anonymous = app.test_client()
    assert all(anonymous.get(url).status_code == 302 for url in urls)
    c = app.test_client()
    login(c, stranger)
    assert f"/cohorts/{world.slug}" not in c.get("/cohorts/").get_data(as_text=True)
    signoff = {"outcome": "passed", "assessed_on": "2026-01-01"}
    assert c.post(f"{base}/students/{student.id}/practical", data=signoff).status_code == 404


def test_a_student_never_sees_another_students_path(
    client: FlaskClient, world: Cohort, make_user
) -> None:
    one = student_in(world, make_user, name="One Person")
    two = student_in(world, make_user, name="Two Person")
    login(client, one)
    client.post("/lessons/first-lesson/complete")
    client.post("/logout")
    login(client, two)
    client.get("/lessons/")  # shows (and clears) the welcome message
    page = client.get("/path").get_data(as_text=True)
    assert "0 of 3 lessons" in page and "One Person" not in page
    assert client.get(f"/cohorts/{world.slug}/students/{one.id}").status_code == 403


def test_dashboard_filters_sorting_and_csv_match(
    client: FlaskClient, world: Cohort, teacher: User, make_user
) -> None:
    add_synthetic_students(world, 120, seed=11)
    login(client, teacher)
    board = client.get(f"/cohorts/{world.slug}/progress").get_data(as_text=True)
    assert "120 students" in board and "page 1 of 3" in board
    rows = db.session.scalars(
        select(StudentProgress).where(StudentProgress.cohort_id == world.id)
    ).all()
    eligible = sum(r.eligible for r in rows)
    assert f"{eligible} eligible" in board
    now = now_utc()
    risky = sum(
        1
        for r in rows
        if not r.eligible and now - (r.last_activity or r.joined_at) > timedelta(days=14)
    )
    assert risky > 0
    for name, expected in (("eligible", eligible), ("at_risk", risky)):
        csv_text = client.get(f"/cohorts/{world.slug}/progress.csv?filter={name}").data.decode(
            "utf-8-sig"  # the byte-order mark that tells Excel it is UTF-8
        )
        assert len(list(csv.reader(io.StringIO(csv_text)))) - 1 == expected
    # The CSV lists everyone in the screen's order.
    by_percent = client.get(f"/cohorts/{world.slug}/progress.csv?sort=percent&dir=desc")
    csv_rows = list(csv.DictReader(io.StringIO(by_percent.data.decode("utf-8-sig"))))
    assert len(csv_rows) == 120
    percents = [int(r["overall %"]) for r in csv_rows]
    assert percents == sorted(percents, reverse=True)
    page = client.get(f"/cohorts/{world.slug}/progress?sort=percent&dir=desc").get_data(
        as_text=True
    )
    first_name = csv_rows[0]["name"]
    assert page.index(first_name) < page.index(csv_rows[49]["name"])
    by_quiz = client.get(f"/cohorts/{world.slug}/progress.csv?sort=req:check&dir=asc").get_data(
        as_text=True
    )
    assert len(by_quiz.splitlines()) == 121


def test_query_counts_do_not_grow_with_the_cohort(
    client: FlaskClient, world: Cohort, teacher: User, make_user, app: Flask
) -> None:
    add_synthetic_students(world, 10, seed=1)
    login(client, teacher)
    student = student_in(world, make_user)
    own = app.test_client()
    login(own, student)
    slug, cohort_id, student_id = world.slug, world.id, student.id

    def measure() -> tuple[int, int, int]:
        db.session.expunge_all()
        with count_queries() as board:
            assert client.get(f"/cohorts/{slug}/progress?sort=percent").status_code == 200
        with count_queries() as path:
            assert own.get("/path").status_code == 200
        with count_queries() as drill:
            assert client.get(f"/cohorts/{slug}/students/{student_id}").status_code == 200
        return len(board), len(path), len(drill)

    small = measure()
    add_synthetic_students(db.session.get(Cohort, cohort_id), 990, seed=2)
    assert measure() == small


def test_dashboard_of_2000_is_fast(client: FlaskClient, world: Cohort, teacher: User) -> None:
    small = cohort_service.create_cohort("small", title="Small", program_slug="basic")
    cohort_service.enroll(small, teacher, cohort_service.MemberRole.INSTRUCTOR)
    add_synthetic_students(small, 200, seed=3)
    add_synthetic_students(world, 2000, seed=4)
    login(client, teacher)

    def best_of(url: str) -> float:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append(time.perf_counter() - started)
        return min(times)

    big = best_of(f"/cohorts/{world.slug}/progress?sort=percent&dir=desc")
    little = best_of(f"/cohorts/{small.slug}/progress?sort=percent&dir=desc")
    assert big < 0.5, f"2,000 students took {big:.3f}s"
    assert big <= 5 * little, f"2,000: {big:.3f}s, 200: {little:.3f}s"


def test_reading_heartbeat_counts_only_active_time(
    app: Flask, world: Cohort, make_user, client: FlaskClient
) -> None:
    student = student_in(world, make_user)
    from seminar.models import Lesson

    lesson = db.session.execute(select(Lesson).where(Lesson.slug == "first-lesson")).scalar_one()
    start = now_utc()
    assert record_heartbeat(student.id, lesson.id, now=start) == 0
    assert record_heartbeat(student.id, lesson.id, now=start + timedelta(seconds=30)) == 30
    assert (
        record_heartbeat(student.id, lesson.id, now=start + timedelta(seconds=70)) == 30
    )  # capped
    assert record_heartbeat(student.id, lesson.id, now=start + timedelta(minutes=30)) == 0  # away
    reading = db.session.execute(select(LessonReading)).scalar_one()
    assert reading.seconds == 60
    login(client, student)
    assert client.post("/lessons/first-lesson/heartbeat").get_json() == {"credited": 0}
    assert client.post("/lessons/nope/heartbeat").status_code == 404


def test_practical_signoff_validation(
    client: FlaskClient, world: Cohort, teacher: User, make_user
) -> None:
    student = student_in(world, make_user)
    login(client, teacher)
    url = f"/cohorts/{world.slug}/students/{student.id}/practical"
    future = (now_utc().date() + timedelta(days=3)).isoformat()
    page = client.post(
        url, data={"outcome": "passed", "assessed_on": future}, follow_redirects=True
    )
    assert "cannot be in the future" in page.get_data(as_text=True)
    client.post(url, data={"outcome": "not_yet", "assessed_on": now_utc().date().isoformat()})
    (status,) = cohort_statuses(world, [student.id])
    practical = next(r for r in status.eligibility.requirements if r.kind == "practical")
    assert practical.state == "in_progress"


def test_unenrolled_students_leave_the_dashboard(
    client: FlaskClient, world: Cohort, make_user
) -> None:
    student = student_in(world, make_user, name="Leaving Soon")
    login(client, make_user("admin"))
    assert "Leaving Soon" in client.get(f"/cohorts/{world.slug}/progress").get_data(as_text=True)
    client.post(f"/cohorts/{world.slug}/members/{student.id}/remove")
    client.get("/cohorts/")  # shows (and clears) the confirmation
    board = client.get(f"/cohorts/{world.slug}/progress").get_data(as_text=True)
    assert "Leaving Soon" not in board
    assert db.session.get(StudentProgress, (world.id, student.id)) is None


def test_my_path_and_lessons_agree_and_each_requirement_links_to_where_it_is_met(
    client: FlaskClient, world: Cohort, make_user
) -> None:
    student = student_in(world, make_user, name="Ada Student")
    db.session.commit()
    login(client, student)
    client.post("/lessons/first-lesson/complete")
    lessons = client.get("/lessons/").get_data(as_text=True)
    path = client.get("/path").get_data(as_text=True)
    # one of three lessons reads 33% on both pages (rounded down on both, never 34%)
    assert "<strong>1 of 3</strong> lessons (33%)" in lessons
    assert "1 of 3 lessons (33%)" in path
    # the Lessons page gives the whole standing My path gives, and sends there
    overall = re.search(r"<strong>(\d+)%</strong> of the way", path)
    assert overall and f"Towards your certificate: <strong>{overall.group(1)}%</strong>" in lessons
    for target in (
        'href="/lessons/"',
        'href="/quizzes/check"',
        f'href="/cohorts/{world.slug}/sessions"',
    ):
        assert f"<a {target}><strong>" in path, target
