"""Live quiz: state transitions, seats, answers counted once, late answers refused, scoring of
each question kind, ties on the leaderboard, and attendance only while check-in is open."""

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
from tests.conftest import count_queries, login


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


def playing(
    live: LiveQuiz, world: Cohort, make_user, app: Flask, n: int
) -> list[tuple[User, FlaskClient]]:
    """n players seated, and the first question open."""
    phones = players(world, make_user, app, n)
    for user, _ in phones:
        live_service.join(live, user)
    live_service.open_next(live)
    db.session.commit()
    return phones


def live_of(seminar: SeminarSession, *drafts: live_service.Draft, seconds: int = 20) -> LiveQuiz:
    live = live_service.create_live_quiz(
        seminar, title="Q", drafts=list(drafts), seconds=seconds, leaderboard=True
    )
    db.session.commit()
    return live


def attendance_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attendance)) or 0


def test_a_live_question_end_to_end(
    client: FlaskClient,
    world: Cohort,
    teacher: User,
    seminar: SeminarSession,
    make_user,
    app: Flask,
) -> None:
    login(client, teacher)
    code = session_service.open_checkin(seminar)
    response = client.post(
        f"/sessions/{seminar.id}/live", data={"quiz": "check", "seconds": "20", "leaderboard": "y"}
    )
    live_id = int(response.headers["Location"].split("/")[2])
    live = db.session.get(LiveQuiz, live_id)
    assert [q.kind for q in live.questions] == ["single", "true_false"]
    assert live.status == "lobby"
    (player_one, phone_one), (_two, phone_two) = players(world, make_user, app, 2)
    for phone in (phone_one, phone_two):
        assert phone.get(f"/live/{live_id}/state.json").status_code == 404  # not seated yet
        assert "Check-in code" in phone.get(f"/live/{live_id}?code={code}").get_data(as_text=True)
        phone.post(f"/live/{live_id}/join", data={"code": code})  # the lobby's QR carries it
        phone.post(f"/live/{live_id}/join")  # a reload: the same seat
    assert attendance_count() == 2  # joined with the code while check-in is open: present
    lobby = client.get(f"/live/{live_id}/state.json").get_json()
    assert lobby["joined"] == 2 and set(lobby["names"]) == {"Player 1", "Player 2"}
    assert (
        lobby["invite"]["code"] == code
        and f"/live/{live_id}?code={code}" in lobby["invite"]["link"]
    )
    client.post(f"/live/{live_id}/next")
    state = phone_one.get(f"/live/{live_id}/state.json").get_json()
    # Small: every phone polls it. The clock runs between the host's press and this poll (on
    # a busy machine, seconds), so the time left is at most the 20 allowed.
    assert state.keys() == {"status", "index", "seconds_left"}
    assert (state["status"], state["index"]) == ("open", 1) and 10 <= state["seconds_left"] <= 20
    page = phone_one.get(f"/live/{live_id}").get_data(as_text=True)
    assert "Which bone is at the base of the spine?" in page and 'name="choice"' in page
    question = db.session.get(LiveQuiz, live_id).questions[0]
    right = question.correct[0]
    ok = phone_one.post(
        f"/live/{live_id}/answer", json={"question": question.id, "choices": [right]}
    )
    assert ok.get_json() == {"received": True, "choices": [right]}
    again = phone_one.post(
        f"/live/{live_id}/answer", json={"question": question.id, "choices": [1 - right]}
    )
    assert again.get_json()["choices"] == [right]  # sent twice: counts once, the first stands
    phone_two.post(f"/live/{live_id}/answer", data={"question": question.id, "choice": 1 - right})
    assert client.get(f"/live/{live_id}/state.json").get_json()["answers"] == 2
    client.post(f"/live/{live_id}/close")
    late = make_user("student")
    cohort_service.enroll(world, late)
    late_phone = app.test_client()
    login(late_phone, late)
    late_phone.post(f"/live/{live_id}/join")
    refused = late_phone.post(
        f"/live/{live_id}/answer", json={"question": question.id, "choices": [right]}
    )
    assert refused.status_code == 409 and "closed" in refused.get_json()["error"]
    closed = phone_one.get(f"/live/{live_id}").get_data(as_text=True)
    assert "Answers are closed" in closed and "Right answer" not in closed  # not yet revealed
    client.post(f"/live/{live_id}/results")
    shown = phone_one.get(f"/live/{live_id}").get_data(as_text=True)
    assert "Right!" in shown and "You are <strong>1st</strong> of 3" in shown
    assert "Not this time." in phone_two.get(f"/live/{live_id}").get_data(as_text=True)
    host_page = client.get(f"/live/{live_id}/host").get_data(as_text=True)
    assert "Right answer" in host_page and "Player 1" in host_page
    assert 'data-key="n"' in host_page and "<kbd>N</kbd> next" in host_page  # shortcuts told
    client.post(f"/live/{live_id}/next")
    client.post(f"/live/{live_id}/finish")
    assert phone_two.get(f"/live/{live_id}/state.json").get_json()["status"] == "finished"
    final = client.get(f"/live/{live_id}/host").get_data(as_text=True)
    assert "Final podium" in final and 'class="step step-1"' in final
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/live/{live_id}/answers.csv").data.decode("utf-8-sig"))
        )
    )
    assert [r["name"] for r in rows] == ["Player 1", "Player 2"]
    assert rows[0]["correct"] == "yes" and rows[1]["correct"] == "no"
    assert rows[0]["kind"] == "single" and rows[0]["answer"] == "Sacrum"
    record = client.get(f"/cohorts/{world.slug}/students/{player_one.id}").get_data(as_text=True)
    assert "1 answered, 1 right" in record  # participation evidence on the student's record
    board = list(
        csv.DictReader(
            io.StringIO(client.get(f"/cohorts/{world.slug}/progress.csv").data.decode("utf-8-sig"))
        )
    )
    assert {r["name"]: r["live quiz answers"] for r in board}["Player 1"] == "1"


def test_joining_with_check_in_closed_credits_no_attendance(
    world: Cohort, seminar: SeminarSession, make_user, app: Flask
) -> None:
    """Live ids are sequential: a student at home could join any. Joining is no evidence of
    presence unless check-in is open and the code on the screen is given."""
    live = live_of(seminar, live_service.Draft("A", ["x", "y"], [1]))
    ((_student, phone),) = players(world, make_user, app, 1)
    page = phone.get(f"/live/{live.id}").get_data(as_text=True)
    assert "Check-in code" not in page and "joining does not count attendance" in page
    assert phone.post(f"/live/{live.id}/join", data={"code": "ABCDEF"}).status_code == 302
    assert attendance_count() == 0  # seated, but not present
    assert db.session.scalar(select(func.count()).select_from(LiveAnswer)) == 0
    code = session_service.open_checkin(seminar)
    session_service.close_checkin(seminar)
    db.session.commit()
    phone.post(f"/live/{live.id}/join", data={"code": code})  # a code from before the close
    assert attendance_count() == 0


def test_joining_needs_the_code_to_count_attendance(
    world: Cohort, seminar: SeminarSession, make_user, app: Flask
) -> None:
    live = live_of(seminar, live_service.Draft("A", ["x", "y"], [1]))
    code = session_service.open_checkin(seminar, rotate=30)
    db.session.commit()
    (_, phone), (_, other) = players(world, make_user, app, 2)
    wrong = phone.post(f"/live/{live.id}/join", data={"code": "WRONG1"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 400 and "not open for check-in" in html and 'value="WRONG1"' in html
    assert phone.get(f"/live/{live.id}/state.json").status_code == 404  # refused: no seat
    assert phone.post(f"/live/{live.id}/join", data={"code": code.lower()}).status_code == 302
    assert db.session.scalars(select(Attendance.method)).all() == ["live quiz"]
    blank = other.post(f"/live/{live.id}/join", data={"code": ""}, follow_redirects=True)
    assert "Check in with the code on the screen" in blank.get_data(as_text=True)
    assert attendance_count() == 1  # seated without the code: playing, not present


def test_a_finished_live_quiz_takes_no_seats(
    world: Cohort, seminar: SeminarSession, make_user, app: Flask
) -> None:
    live = live_of(seminar, live_service.Draft("A", ["x", "y"], [1]))
    live_service.finish(live)
    ((_student, phone),) = players(world, make_user, app, 1)
    refused = phone.post(f"/live/{live.id}/join")
    assert refused.status_code == 400 and "has finished" in refused.get_data(as_text=True)


def test_late_answers_after_the_timer_are_refused(
    world: Cohort, seminar: SeminarSession, make_user, app: Flask
) -> None:
    live = live_of(seminar, live_service.Draft("Pick", ["a", "b"], [0]), seconds=10)
    ((user, _phone),) = players(world, make_user, app, 1)
    live_service.join(live, user)
    start = now_utc()
    live_service.open_next(live, now=start)
    question = live.questions[0]
    with pytest.raises(live_service.LiveError, match="time for this question is up"):
        live_service.answer(live, user, question.id, [0], now=start + timedelta(seconds=12))
    record = live_service.answer(live, user, question.id, [0], now=start + timedelta(seconds=5))
    assert record.points == 750


def test_a_multiple_question_scores_right_minus_wrong(
    world: Cohort, seminar: SeminarSession, make_user, app: Flask
) -> None:
    """Select several, then submit: one right choice of five no longer scores 908."""
    draft = live_service.Draft("Which?", ["a", "b", "c", "d", "e"], [1, 3], "multiple")
    live = live_of(seminar, draft)
    phones = playing(live, world, make_user, app, 4)
    question_id = live.questions[0].id
    picks = {0: ["1"], 1: ["1", "3"], 2: ["0", "1", "2", "3", "4"], 3: ["1", "3", "4"]}
    for i, (_, phone) in enumerate(phones[:3]):
        sent = phone.post(
            f"/live/{live.id}/answer", json={"question": question_id, "choices": picks[i]}
        )
        assert sent.status_code == 200, sent.get_json()
    form_post = phones[3][1].post(
        f"/live/{live.id}/answer", data={"question": question_id, "choice": picks[3]}
    )
    assert form_post.status_code == 302  # the page's own form, without JavaScript
    answers = {a.user_id: a for a in db.session.scalars(select(LiveAnswer)).all()}
    one_tap, both, everything, one_wrong = (answers[u.id] for u, _ in phones)
    assert one_tap.choices == [1] and one_tap.points <= 500 and one_tap.correct is False
    assert both.choices == [1, 3] and both.points > 900 and both.correct is True
    assert everything.points == 0
    assert one_wrong.choices == [1, 3, 4] and one_wrong.points <= 500
    single_tap = phones[0][1].post(
        f"/live/{live.id}/answer", json={"question": question_id, "choices": []}
    )
    assert single_tap.get_json()["choices"] == [1]  # answered already: the first stands
    live_service.show_results(live)
    db.session.commit()
    page = phones[0][1].get(f"/live/{live.id}").get_data(as_text=True)
    assert "Partly right." in page and "+" + str(one_tap.points) in page


def test_one_tap_questions_take_one_choice(
    world: Cohort, seminar: SeminarSession, make_user, app: Flask
) -> None:
    live = live_of(seminar, live_service.Draft("Pick", ["a", "b", "c"], [0]))
    ((user, phone),) = players(world, make_user, app, 1)
    live_service.join(live, user)
    live_service.open_next(live)
    db.session.commit()
    question_id = live.questions[0].id
    for body, message in (
        ({"question": question_id, "choices": [0, 1]}, "Pick one choice only."),
        ({"question": question_id, "choices": [7]}, "Pick one of the choices."),
        ({"question": question_id, "choices": "0"}, "Send the question and the choices."),
        ({"question": "x", "choices": [0]}, "Send the question and the choices."),
    ):
        refused = phone.post(f"/live/{live.id}/answer", json=body)
        assert refused.status_code in (400, 409) and refused.get_json()["error"] == message
    assert db.session.scalar(select(func.count()).select_from(LiveAnswer)) == 0
    legacy = phone.post(f"/live/{live.id}/answer", json={"question": question_id, "choice": 2})
    assert legacy.get_json() == {"received": True, "choices": [2]}


def test_a_poll_gives_a_chart_and_no_points(
    client: FlaskClient, world: Cohort, teacher: User, seminar: SeminarSession, make_user, app
) -> None:
    login(client, teacher)
    made = client.post(
        f"/sessions/{seminar.id}/live",
        data={
            "kind": "poll",
            "stem": "How sure are you?",
            "choices": "Very\nSomewhat\nNot",
            "correct": "1",
        },
    )
    live = db.session.scalars(select(LiveQuiz)).one()
    assert made.headers["Location"] == f"/live/{live.id}/host" and live.title == "Quick poll"
    assert live.questions[0].kind == "poll" and live.questions[0].correct == []
    phones = playing(live, world, make_user, app, 3)
    question_id = live.questions[0].id
    for (_, phone), choice in zip(phones, [0, 0, 2], strict=True):
        phone.post(f"/live/{live.id}/answer", json={"question": question_id, "choices": [choice]})
    client.post(f"/live/{live.id}/results")
    stored = db.session.scalars(select(LiveAnswer)).all()
    assert {a.points for a in stored} == {0} and {a.correct for a in stored} == {None}
    host = client.get(f"/live/{live.id}/host").get_data(as_text=True)
    assert "Poll results: 3 picks" in host and "Right answer" not in host
    phone_page = phones[0][1].get(f"/live/{live.id}").get_data(as_text=True)
    assert "your answer is counted" in phone_page and "Not this time" not in phone_page
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/live/{live.id}/answers.csv").get_data(as_text=True))
        )
    )
    assert {r["correct"] for r in rows} == {"poll"} and {r["points"] for r in rows} == {"0"}


def test_players_tied_on_points_share_a_place(
    client: FlaskClient, world: Cohort, teacher: User, seminar: SeminarSession, make_user, app
) -> None:
    """Two players on 0 points were shown places 1 and 2."""
    live = live_of(seminar, live_service.Draft("A", ["x", "y"], [1]))
    phones = playing(live, world, make_user, app, 3)
    question_id = live.questions[0].id
    phones[0][1].post(f"/live/{live.id}/answer", json={"question": question_id, "choices": [1]})
    login(client, teacher)
    client.post(f"/live/{live.id}/results")
    host = client.get(f"/live/{live.id}/host").get_data(as_text=True)
    places = [p.split("<", 1)[0] for p in host.split('<td class="place">')[1:]]
    assert places == ["1st", "2nd", "2nd"]  # the two on 0 points share 2nd place
    for _, phone in phones[1:]:
        assert "You are <strong>2nd</strong> of 3" in phone.get(f"/live/{live.id}").get_data(
            as_text=True
        )
    client.post(f"/live/{live.id}/finish")
    final = client.get(f"/live/{live.id}/host").get_data(as_text=True)
    assert "Player 1" in final.split('class="podium"', 1)[1].split("</ol>", 1)[0]


def test_nobody_scoring_all_share_first_place(
    world: Cohort, seminar: SeminarSession, make_user, app: Flask
) -> None:
    live = live_of(seminar, live_service.Draft("A", ["x", "y"], [1]))
    phones = playing(live, world, make_user, app, 2)
    live_service.show_results(live)
    db.session.commit()
    for _, phone in phones:
        assert "You are <strong>1st</strong> of 2" in phone.get(f"/live/{live.id}").get_data(
            as_text=True
        )


def test_the_results_are_read_once_while_the_room_reloads(
    world: Cohort, seminar: SeminarSession, make_user, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every phone reloads when the host shows the results, which can no longer change: the
    leaderboard and the chart are read once for the room, and afresh for the next question."""
    import seminar.queries.live as live_queries

    reads: list[int] = []
    real = live_queries.standings
    monkeypatch.setattr(
        live_queries, "standings", lambda live: reads.append(live.current) or real(live)
    )
    live = live_of(
        seminar, live_service.Draft("A", ["x", "y"], [1]), live_service.Draft("B", ["x", "y"], [0])
    )
    phones = playing(live, world, make_user, app, 3)
    first, second = (q.id for q in live.questions)
    phones[0][1].post(f"/live/{live.id}/answer", json={"question": first, "choices": [1]})
    live_service.show_results(live)
    db.session.commit()
    for _, phone in phones:
        page = phone.get(f"/live/{live.id}").get_data(as_text=True)
        assert "of 3" in page
    assert reads == [0]
    live_service.open_next(live)
    db.session.commit()
    phones[1][1].post(f"/live/{live.id}/answer", json={"question": second, "choices": [0]})
    live_service.show_results(live)
    db.session.commit()
    pages = [phone.get(f"/live/{live.id}").get_data(as_text=True) for _, phone in phones]
    assert reads == [0, 1]
    # Each scored once (points depend on speed); the third, who never answered, is last.
    places = sorted(p.split("You are <strong>", 1)[1].split("<", 1)[0] for p in pages[:2])
    assert places in (["1st", "2nd"], ["1st", "1st"])
    assert "You are <strong>3rd</strong> of 3" in pages[2]


def test_a_phone_screen_alone_follows_the_quiz(
    world: Cohort, seminar: SeminarSession, make_user, app: Flask
) -> None:
    """What the phone's script swaps in when the host moves on: the screen without the page
    around it, with the player's own answer and, after the results, their place."""
    live = live_of(seminar, live_service.Draft("A", ["x", "y"], [1]))
    (_, phone), (_, other) = playing(live, world, make_user, app, 2)
    screen = phone.get(f"/live/{live.id}/phone").get_data(as_text=True)
    assert screen.lstrip().startswith('<section class="phone status-open"')
    assert "<html" not in screen and 'data-index="1"' in screen and "answer-tile" in screen
    question = live.questions[0].id
    phone.post(f"/live/{live.id}/answer", json={"question": question, "choices": [1]})
    assert "Answer sent: y" in phone.get(f"/live/{live.id}/phone").get_data(as_text=True)
    assert "answer-tile" in other.get(f"/live/{live.id}/phone").get_data(as_text=True)
    live_service.show_results(live)
    db.session.commit()
    screen = phone.get(f"/live/{live.id}/phone").get_data(as_text=True)
    assert "Right!" in screen and "You are <strong>1st</strong> of 2" in screen


def test_a_seated_phone_reads_its_screen_in_two_statements(
    world: Cohort, seminar: SeminarSession, make_user, app: Flask
) -> None:
    """300 phones ask at once when the host moves on: each reads who it is, then the quiz
    with its seat and its answer to the current question; the questions' text, written once
    with the quiz, each worker reads once. Someone outside the cohort still finds nothing."""
    live = live_of(
        seminar, live_service.Draft("A", ["x", "y"], [1]), live_service.Draft("B", ["p", "q"], [0])
    )
    (_, phone), (_, other) = playing(live, world, make_user, app, 2)
    url = f"/live/{live.id}/phone"
    assert "answer-tile" in other.get(url).get_data(as_text=True)
    first, second = (q.id for q in live.questions)
    phone.post(f"/live/{live.id}/answer", json={"question": first, "choices": [1]})
    with count_queries() as statements:
        screen = phone.get(url).get_data(as_text=True)
        assert "question 1 of 2" in screen and "Answer sent: y" in screen
        assert len(statements) == 2, statements
        assert not any("live_questions.stem" in s for s in statements)
        live_service.close_question(live)
        live_service.open_next(live)  # the host moves on: the same questions, the next one
        db.session.commit()
        statements.clear()
        screen = phone.get(url).get_data(as_text=True)
        # The answer read is the one to the question now open: none yet.
        assert "question 2 of 2" in screen and ">p</span>" in screen
        assert "answer-tile" in screen and "Answer sent" not in screen
        assert len(statements) == 2, statements
    phone.post(f"/live/{live.id}/answer", json={"question": second, "choices": [0]})
    assert "Answer sent: p" in phone.get(url).get_data(as_text=True)
    outsider = app.test_client()
    login(outsider, make_user(name="Not In The Cohort"))
    assert outsider.get(url).status_code == 404
    assert outsider.get("/live/999999/phone").status_code == 404


def test_a_seated_phones_poll_is_one_statement(
    world: Cohort, teacher: User, seminar: SeminarSession, make_user, app: Flask
) -> None:
    """Every phone polls about once a second: where the quiz is rides in the statement that
    reads who it is. A seat in one quiz opens no other quiz's poll; the host still polls."""
    live = live_of(seminar, *[live_service.Draft("A", ["x", "y"], [1])] * 2)
    elsewhere = live_of(seminar, live_service.Draft("B", ["p", "q"], [0]))
    ((_, phone),) = playing(live, world, make_user, app, 1)
    url = f"/live/{live.id}/state.json"
    with count_queries() as statements:
        state = phone.get(url).get_json()
    assert len(statements) == 1, statements
    assert (state["status"], state["index"]) == ("open", 1) and state["seconds_left"] > 0
    live_service.close_question(live)
    live_service.open_next(live)
    db.session.commit()
    state = phone.get(url).get_json()
    assert (state["status"], state["index"]) == ("open", 2)
    assert phone.get(f"/live/{elsewhere.id}/state.json").status_code == 404  # no seat there
    assert phone.get("/live/999999/state.json").status_code == 404
    host = app.test_client()
    login(host, teacher)
    assert host.get(url).get_json()["index"] == 2


def test_an_answer_sent_again_is_the_first_read_back(
    world: Cohort, seminar: SeminarSession, make_user, app: Flask
) -> None:
    """Flaky Wi-Fi sends each answer twice: the repeat reads who it is, then the quiz with
    the seat and the answer already stored, and returns that one, writing nothing."""
    live = live_of(seminar, live_service.Draft("A", ["x", "y"], [1]))
    ((_, phone),) = playing(live, world, make_user, app, 1)
    url, question = f"/live/{live.id}/answer", live.questions[0].id
    first = phone.post(url, json={"question": question, "choices": [1]})
    assert first.get_json() == {"received": True, "choices": [1]}
    with count_queries() as statements:
        again = phone.post(url, json={"question": question, "choices": [0]})
    assert again.get_json() == {"received": True, "choices": [1]}  # the first counts
    assert len(statements) == 2, statements
    assert db.session.scalar(select(func.count()).select_from(LiveAnswer)) == 1


def test_two_hosts_pressing_at_once_move_once(
    world: Cohort, teacher: User, seminar: SeminarSession, make_user, app: Flask
) -> None:
    live = live_of(seminar, *[live_service.Draft("A", ["x", "y"], [1])] * 2)
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
    # The host page's timer closes the question itself, and hears a late second try as JSON.
    headers = {"Accept": "application/json"}
    assert first.post(f"/live/{live.id}/close", headers=headers).get_json() == {
        "status": "closed",
        "index": 1,
    }
    twice = second.post(f"/live/{live.id}/close", headers=headers)
    assert twice.status_code == 409 and "moved on" in twice.get_json()["error"]
    assert first.post(f"/live/{live.id}/nonsense").status_code == 404


def test_a_typed_question_refused_keeps_what_was_typed(
    client: FlaskClient, world: Cohort, teacher: User, seminar: SeminarSession
) -> None:
    login(client, teacher)
    typed = {"kind": "single", "stem": "Which?", "choices": "A\nB", "correct": "5"}
    bad = client.post(f"/sessions/{seminar.id}/live", data=typed)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="correct-error"' in html and "from 1 to 2" in html
    assert 'value="Which?"' in html and "A\nB</textarea>" in html
    slow = client.post(
        f"/sessions/{seminar.id}/live", data=typed | {"correct": "2", "seconds": "900"}
    )
    assert slow.status_code == 400 and 'id="seconds-error"' in slow.get_data(as_text=True)
    ok = client.post(
        f"/sessions/{seminar.id}/live",
        data={
            "kind": "multiple",
            "stem": "Which?",
            "choices": "A\nB\nC",
            "correct": "1, 3",
            "seconds": "15",
        },
    )
    live = db.session.scalars(select(LiveQuiz)).one()
    assert ok.headers["Location"] == f"/live/{live.id}/host"
    (question,) = live.questions
    assert (question.kind, question.choices, question.correct) == (
        "multiple",
        ["A", "B", "C"],
        [0, 2],
    )
    tf = client.post(
        f"/sessions/{seminar.id}/live",
        data={"kind": "true_false", "stem": "The sacrum is a bone.", "correct": "1"},
    )
    assert tf.status_code == 302
    made = db.session.scalars(select(LiveQuiz).order_by(LiveQuiz.id.desc())).first()
    assert made.questions[0].choices == ["True", "False"] and made.questions[0].correct == [0]
    assert client.get(f"/sessions/{seminar.id}/live").status_code == 200


def test_a_quiz_asked_as_a_poll(
    client: FlaskClient, world: Cohort, teacher: User, seminar: SeminarSession
) -> None:
    login(client, teacher)
    client.post(f"/sessions/{seminar.id}/live", data={"quiz": "check", "poll": "y"})
    live = db.session.scalars(select(LiveQuiz)).one()
    assert live.title == "Check (poll)"
    assert {(q.kind, tuple(q.correct)) for q in live.questions} == {("poll", ())}


def test_live_access(
    world: Cohort, teacher: User, seminar: SeminarSession, make_user, app: Flask
) -> None:
    live = live_of(seminar, live_service.Draft("A", ["x", "y"], [1]))
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
    assert s.post(f"/sessions/{seminar.id}/live", data={"kind": "poll"}).status_code == 404


def test_joining_after_checking_in_or_out_keeps_one_attendance(
    world: Cohort, seminar: SeminarSession, make_user
) -> None:
    live = live_of(seminar, live_service.Draft("A", ["x", "y"], [1]))
    student = make_user("student")
    cohort_service.enroll(world, student)
    code = session_service.open_checkin(seminar)
    session_service.check_in(student, code)
    session_service.check_out(student, seminar)
    attendance = live_service.join(live, student, code=code)  # the code is not needed again
    assert attendance is not None and attendance.user_id == student.id
    (attendance,) = db.session.scalars(select(Attendance)).all()
    assert attendance.method == "check-in code" and attendance.checked_out_at is not None


def test_an_answer_racing_the_close_is_refused(
    world: Cohort, seminar: SeminarSession, make_user, app: Flask
) -> None:
    """The phone's request saw the question open; the host closed it before the answer was
    written: the answer is refused, so the results the host shows are final."""
    live = live_of(seminar, live_service.Draft("A", ["x", "y"], [1]))
    ((user, _),) = players(world, make_user, app, 1)
    live_service.join(live, user)
    live_service.open_next(live)
    db.session.commit()
    question_id = live.questions[0].id
    with app.app_context():  # the host's request, elsewhere, closes the question meanwhile
        other = db.session.get(LiveQuiz, live.id)
        live_service.close_question(other)
        db.session.commit()
    assert live.status == "open"  # what the answering request had read
    with pytest.raises(live_service.LiveError, match="closed"):
        live_service.answer(live, user, question_id, [1])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(LiveAnswer)) == 0
