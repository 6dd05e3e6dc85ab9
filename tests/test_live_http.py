"""Live quiz: state transitions, seats, answers counted once, late answers refused, scoring."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from seminar.db import db, now_utc
from seminar.models import Attendance, Cohort, LiveAnswer, LiveQuiz, SeminarSession, User
from seminar.services import cohorts as cohort_service
from seminar.services import live as live_service
from seminar.services import sessions as session_service
from tests.conftest import login


@pytest.mark.parametrize(
    ("elapsed", "points"), [(0, 1000), (10, 750), (20, 500), (25, 500), (5, 875)]
)
def test_kahoot_points(elapsed: float, points: int) -> None:
    assert live_service.points_for(elapsed, 20) == points


@pytest.fixture
def seminar(world: Cohort) -> SeminarSession:
    start = now_utc().replace(second=0, microsecond=0) - timedelta(minutes=30)
    return session_service.create_session(
        world,
        title="Day one",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        location="",
        ce_hours=3,
        lessons=[],
    )


def players(world: Cohort, make_user, app: Flask, n: int) -> list[tuple[User, FlaskClient]]:
    out = []
    for i in range(n):
        user = make_user("student", name=f"Player {i + 1}")
        cohort_service.enroll(world, user)
        c = app.test_client()
        login(c, user)
        out.append((user, c))
    return out


def test_a_live_question_end_to_end(
    client: FlaskClient,
    world: Cohort,
    teacher: User,
    seminar: SeminarSession,
    make_user,
    app: Flask,
) -> None:
    login(client, teacher)
    response = client.post(
        f"/sessions/{seminar.id}/live", data={"quiz": "check", "seconds": "20", "leaderboard": "on"}
    )
    live_id = int(response.headers["Location"].split("/")[2])
    live = db.session.get(LiveQuiz, live_id)
    assert len(live.questions) == 2 and live.status == "lobby"
    (player_one, phone_one), (_two, phone_two) = players(world, make_user, app, 2)
    for phone in (phone_one, phone_two):
        assert phone.get(f"/live/{live_id}/state.json").status_code == 404  # not seated yet
        phone.post(f"/live/{live_id}/join")
        phone.post(f"/live/{live_id}/join")  # a reload: the same seat
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 2  # joined = in
    client.post(f"/live/{live_id}/next")
    state = phone_one.get(f"/live/{live_id}/state.json").get_json()
    assert state["status"] == "open" and state["index"] == 1
    assert "correct" not in state["question"]  # never before the question closes
    question_id = state["question"]["id"]
    right = db.session.execute(select(LiveQuiz).where(LiveQuiz.id == live_id)).scalar_one()
    correct = right.questions[0].correct[0]
    ok = phone_one.post(
        f"/live/{live_id}/answer", json={"question": question_id, "choice": correct}
    )
    assert ok.get_json() == {"received": True, "choice": correct}
    again = phone_one.post(
        f"/live/{live_id}/answer", json={"question": question_id, "choice": 1 - correct}
    )
    assert again.get_json()["choice"] == correct  # sent twice: counts once, the first stands
    phone_two.post(f"/live/{live_id}/answer", json={"question": question_id, "choice": 1 - correct})
    assert client.get(f"/live/{live_id}/state.json").get_json()["answers"] == 2
    client.post(f"/live/{live_id}/close")
    late = make_user("student")
    cohort_service.enroll(world, late)
    late_phone = app.test_client()
    login(late_phone, late)
    late_phone.post(f"/live/{live_id}/join")
    refused = late_phone.post(
        f"/live/{live_id}/answer", json={"question": question_id, "choice": correct}
    )
    assert refused.status_code == 409 and "closed" in refused.get_json()["error"]
    closed = phone_one.get(f"/live/{live_id}/state.json").get_json()
    assert closed["question"]["correct"] == [correct]
    assert sum(closed["counts"]) == 2
    assert closed["mine"]["correct"] is True and closed["mine"]["points"] > 900
    assert closed["leaderboard"][0]["name"] == "Player 1"
    host_page = client.get(f"/live/{live_id}/host").get_data(as_text=True)
    assert "Right answer" in host_page and "Player 1" in host_page
    client.post(f"/live/{live_id}/next")
    client.post(f"/live/{live_id}/finish")
    assert phone_two.get(f"/live/{live_id}/state.json").get_json()["status"] == "finished"
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/live/{live_id}/answers.csv").data.decode("utf-8-sig"))
        )
    )
    assert [r["name"] for r in rows] == ["Player 1", "Player 2"]
    assert rows[0]["correct"] == "yes" and rows[1]["correct"] == "no"
    record = client.get(f"/cohorts/{world.slug}/students/{player_one.id}").get_data(as_text=True)
    assert "1 answered, 1 right" in record  # participation evidence on the student's record
    board = list(
        csv.DictReader(
            io.StringIO(client.get(f"/cohorts/{world.slug}/progress.csv").data.decode("utf-8-sig"))
        )
    )
    assert {r["name"]: r["live quiz answers"] for r in board}["Player 1"] == "1"


def test_late_answers_after_the_timer_are_refused(
    world: Cohort, seminar: SeminarSession, make_user, app: Flask
) -> None:
    live = live_service.create_live_quiz(
        seminar,
        title="Q",
        drafts=[live_service.Draft("Pick", ["a", "b"], [0])],
        seconds=10,
        leaderboard=True,
    )
    ((user, _phone),) = players(world, make_user, app, 1)
    live_service.join(live, user)
    start = now_utc()
    live_service.open_next(live, now=start)
    question = live.questions[0]
    with pytest.raises(live_service.LiveError, match="time for this question is up"):
        live_service.answer(live, user, question.id, 0, now=start + timedelta(seconds=12))
    record = live_service.answer(live, user, question.id, 0, now=start + timedelta(seconds=5))
    assert record.points == 750


def test_two_hosts_pressing_at_once_move_once(
    world: Cohort, teacher: User, seminar: SeminarSession, make_user, app: Flask
) -> None:
    live = live_service.create_live_quiz(
        seminar,
        title="Q",
        drafts=[live_service.Draft("A", ["x", "y"], [1])] * 2,
        seconds=10,
        leaderboard=False,
    )
    co_host = make_user("instructor")
    cohort_service.enroll(world, co_host, cohort_service.MemberRole.INSTRUCTOR)
    first, second = app.test_client(), app.test_client()
    login(first, teacher)
    login(second, co_host)
    first.post(f"/live/{live.id}/next")
    page = second.post(f"/live/{live.id}/next", follow_redirects=True).get_data(as_text=True)
    assert "moved on" in page  # the second press did not skip a question
    db.session.refresh(live)
    assert (live.current, live.status) == (0, "open")


def test_adhoc_question_and_validation(
    client: FlaskClient, world: Cohort, teacher: User, seminar: SeminarSession
) -> None:
    login(client, teacher)
    bad = client.post(
        f"/sessions/{seminar.id}/live",
        data={"stem": "Which?", "choices": "A\nB", "correct": "5"},
        follow_redirects=True,
    )
    assert "right choice" in bad.get_data(as_text=True)
    ok = client.post(
        f"/sessions/{seminar.id}/live",
        data={"stem": "Which?", "choices": "A\nB\nC", "correct": "2", "seconds": "15"},
    )
    live = db.session.scalars(select(LiveQuiz)).one()
    assert ok.headers["Location"] == f"/live/{live.id}/host"
    assert live.questions[0].choices == ["A", "B", "C"] and live.questions[0].correct == [1]


def test_live_access(
    world: Cohort, teacher: User, seminar: SeminarSession, make_user, app: Flask
) -> None:
    live = live_service.create_live_quiz(
        seminar,
        title="Q",
        drafts=[live_service.Draft("A", ["x", "y"], [1])],
        seconds=10,
        leaderboard=True,
    )
    outsider = make_user("student")
    c = app.test_client()
    login(c, outsider)
    c.post(f"/live/{live.id}/join")
    assert c.get(f"/live/{live.id}/state.json").status_code == 404  # no seat for outsiders
    assert db.session.scalar(select(func.count()).select_from(LiveAnswer)) == 0
    assert c.get(f"/live/{live.id}/host").status_code == 403
    assert c.post(f"/live/{live.id}/next").status_code == 403
    assert c.get(f"/live/{live.id}/answers.csv").status_code == 403
    other = cohort_service.create_cohort("else", title="Else", program_slug="basic")
    stranger = make_user("instructor")
    cohort_service.enroll(other, stranger, cohort_service.MemberRole.INSTRUCTOR)
    s = app.test_client()
    login(s, stranger)
    assert s.get(f"/live/{live.id}/host").status_code == 404
    assert s.post(f"/live/{live.id}/next").status_code == 404


def test_joining_after_checking_in_or_out_keeps_one_attendance(
    world: Cohort, seminar: SeminarSession, make_user
) -> None:
    live = live_service.create_live_quiz(
        seminar,
        title="Q",
        drafts=[live_service.Draft("A", ["x", "y"], [1])],
        seconds=10,
        leaderboard=False,
    )
    student = make_user("student")
    cohort_service.enroll(world, student)
    code = session_service.open_checkin(seminar)
    session_service.check_in(student, code)
    session_service.check_out(student, seminar)
    seat = live_service.join(live, student)
    assert seat.user_id == student.id
    (attendance,) = db.session.scalars(select(Attendance)).all()
    assert attendance.method == "check-in code" and attendance.checked_out_at is not None
