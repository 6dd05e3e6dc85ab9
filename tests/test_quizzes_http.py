"""Quiz attempts over HTTP: the key never leaks, answers persist, time and attempt limits hold,
submits grade once, past grades never move; essays, statistics and accommodations."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, insert, select

from seminar.core.content.quiz_model import Answer, Choice, Pair, Question, Quiz, Review
from seminar.db import db, now_utc
from seminar.models import Attempt, AttemptQuestion, AttemptState, QuestionStat
from seminar.models import Quiz as QuizRow
from seminar.models.content import Origin
from seminar.services import attempts as attempt_service
from seminar.services.quiz_sync import add_quiz_version
from tests.conftest import count_queries, login

SECRET_FEEDBACK = "Right: S.O.T. ties Category II to the weight-bearing joint."
GENERAL_FEEDBACK = "General feedback only after submitting."

QUESTIONS = (
    Question(
        id="cat-2",
        type="single",
        stem="Which category concerns the load-bearing joint?",
        choices=(
            Choice("Category I", 0, "No: that one is respiratory."),
            Choice("Category II", 100, SECRET_FEEDBACK),
            Choice("Category III", 0),
        ),
        feedback=GENERAL_FEEDBACK,
    ),
    Question(
        id="occiput-tf", type="true_false", stem="The occiput is part of the skull.", answer=True
    ),
    Question(
        id="segments",
        type="numeric",
        stem="How many segments fuse to form the sacrum?",
        answers=(Answer(value=5, tolerance=0, weight=100),),
    ),
    Question(
        id="regions",
        type="matching",
        stem="Match each bone to its region.",
        pairs=(Pair("occiput", "skull"), Pair("sacrum", "pelvis"), Pair("atlas", "neck")),
    ),
)
ESSAY = Question(id="explain", type="essay", stem="Explain blocking to a patient.")


def make_quiz(
    slug: str = "cats", questions: tuple[Question, ...] = QUESTIONS, **settings: Any
) -> QuizRow:
    model = Quiz(slug=slug, title=f"Quiz {slug}", questions=questions, **settings)
    quiz = db.session.execute(select(QuizRow).where(QuizRow.slug == slug)).scalar_one_or_none()
    if quiz is None:
        quiz = QuizRow(slug=slug, path=f"{slug}.md")
        db.session.add(quiz)
        db.session.flush()
    add_quiz_version(quiz, model, source=repr(model), source_format="md", origin=Origin.FILE)
    db.session.commit()
    return quiz


@pytest.fixture
def student(client: FlaskClient, make_user):
    user = make_user("student")
    login(client, user)
    return user


def start(client: FlaskClient, slug: str = "cats") -> Attempt:
    response = client.post(f"/quizzes/{slug}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.session.get(Attempt, attempt_id)


def answer(client: FlaskClient, attempt: Attempt, position: int, response: Any, slug: str = "cats"):
    return client.post(
        f"/quizzes/{slug}/attempts/{attempt.id}/answer",
        json={"position": position, "response": response},
    )


def position_of(attempt: Attempt, key: str) -> int:
    db.session.refresh(attempt)
    return next(aq.position for aq in attempt.questions if aq.question.key == key)


def shown(attempt: Attempt, key: str, index: int) -> int:
    """Where the question's own option `index` is displayed (what the page sends back)."""
    aq = next(a for a in attempt.questions if a.question.key == key)
    return aq.order.index(index) if aq.order else index


def perfect(client: FlaskClient, attempt: Attempt) -> None:
    db.session.refresh(attempt)
    for key, response in (
        ("cat-2", {"choice": shown(attempt, "cat-2", 1)}),
        ("occiput-tf", {"value": True}),
        ("segments", {"value": "5"}),
        ("regions", {"matches": [shown(attempt, "regions", i) for i in range(3)]}),
    ):
        assert answer(client, attempt, position_of(attempt, key), response).status_code == 200


def test_quiz_list_and_overview(client: FlaskClient, student) -> None:
    make_quiz(time_limit=15, max_attempts=2, pass_mark=80)
    html = client.get("/quizzes/").get_data(as_text=True)
    assert "Quiz cats" in html and "15 min" in html and "Not started" in html
    overview = client.get("/quizzes/cats").get_data(as_text=True)
    assert "80%" in overview and "15 minutes" in overview and "0 used of 2" in overview
    assert "Start the quiz" in overview
    assert client.get("/quizzes/nope").status_code == 404


def test_answer_key_never_reaches_the_browser(client: FlaskClient, student) -> None:
    make_quiz(shuffle=True)
    attempt = start(client)
    page = client.get(f"/quizzes/cats/attempts/{attempt.id}").get_data(as_text=True)
    assert "Which category concerns the load-bearing joint?" in page
    for secret in (SECRET_FEEDBACK, "No: that one is respiratory.", GENERAL_FEEDBACK,
                   "weight", "correct", "100", "pelvis\" selected"):  # fmt: skip
        assert secret not in page, secret
    autosave = answer(client, attempt, position_of(attempt, "cat-2"), {"choice": 1})
    assert SECRET_FEEDBACK not in autosave.get_data(as_text=True)
    assert set(autosave.get_json()) == {"saved_at", "seconds_left"}


def shown_options(page: str) -> list[str]:
    """The options of every select on the page, in the order shown."""
    return re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', page)


def test_matching_options_are_shuffled_and_stable(app: Flask, make_user) -> None:
    make_quiz()
    orders = set()
    for _ in range(6):
        client = app.test_client()
        login(client, make_user())
        attempt = start(client)
        aq = next(a for a in attempt.questions if a.question.key == "regions")
        client.get("/quizzes/")  # shows (and clears) the welcome message
        first = client.get(f"/quizzes/cats/attempts/{attempt.id}").get_data(as_text=True)
        second = client.get(f"/quizzes/cats/attempts/{attempt.id}").get_data(as_text=True)
        # Compare what is shown, not whole pages: their CSRF tokens carry the time, and
        # differ when the clock ticks over a second between the two requests.
        assert shown_options(first) and shown_options(first) == shown_options(second)
        orders.add(tuple(aq.order))
    assert len(orders) > 1


def test_answers_survive_reload_and_resume(client: FlaskClient, student, app: Flask) -> None:
    make_quiz()
    attempt = start(client)
    pos = position_of(attempt, "segments")
    assert answer(client, attempt, pos, {"value": "5"}).status_code == 200
    page = client.get(f"/quizzes/cats/attempts/{attempt.id}").get_data(as_text=True)
    assert 'value="5"' in page
    # "Another device": a new client for the same student resumes the same attempt.
    other = app.test_client()
    login(other, student)
    assert start(other).id == attempt.id
    assert 'value="5"' in other.get(f"/quizzes/cats/attempts/{attempt.id}").get_data(as_text=True)


def test_saving_without_javascript(client: FlaskClient, student) -> None:
    make_quiz()
    attempt = start(client)
    p_cat, p_reg = position_of(attempt, "cat-2"), position_of(attempt, "regions")
    data = {
        "page": "1",
        "action": "save",
        f"q{p_cat}-shown": "1",
        f"q{p_cat}": "1",
        f"q{p_reg}-shown": "1",
        f"q{p_reg}-0": str(shown(attempt, "regions", 0)),
        f"q{p_reg}-1": str(shown(attempt, "regions", 2)),
        f"q{p_reg}-2": "",
    }
    response = client.post(f"/quizzes/cats/attempts/{attempt.id}", data=data)
    assert response.status_code == 302
    db.session.refresh(attempt)
    by_key = {aq.question.key: aq.response for aq in attempt.questions}
    assert by_key["cat-2"] == {"choice": 1}
    assert by_key["regions"] == {"matches": [0, 2, None]}
    assert by_key["segments"] is None  # not on the form: untouched


def test_submit_grades_once_even_twice(client: FlaskClient, student) -> None:
    make_quiz()
    attempt = start(client)
    perfect(client, attempt)
    first = client.post(f"/quizzes/cats/attempts/{attempt.id}/submit")
    second = client.post(f"/quizzes/cats/attempts/{attempt.id}/submit")
    assert first.status_code == second.status_code == 302
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.SUBMITTED and attempt.score == 100.0
    stats = db.session.scalars(select(QuestionStat).where(QuestionStat.n > 0)).all()
    assert len(stats) == 4 and all(s.n == 1 for s in stats)
    late = answer(client, attempt, 1, {"choice": 0})
    assert late.status_code == 409
    assert "submitted" in late.get_json()["error"]


def test_concurrent_submits_grade_once(app: Flask, client: FlaskClient, student) -> None:
    make_quiz()
    attempt = start(client)
    perfect(client, attempt)
    attempt_id = attempt.id
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def submit() -> None:
        with app.app_context():
            row = db.session.get(Attempt, attempt_id)
            barrier.wait()
            results.append(attempt_service.submit_attempt(row))
            db.session.commit()
            db.session.remove()

    db.session.commit()  # what the test set up, before the racing requests
    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    db.session.expire_all()
    assert db.session.scalar(select(func.sum(QuestionStat.n))) == 4


def test_time_limit_is_enforced_by_the_server(client: FlaskClient, student) -> None:
    make_quiz(time_limit=10)
    attempt = start(client)
    assert attempt.deadline is not None
    assert abs((attempt.deadline - attempt.started_at) - timedelta(minutes=10)) < timedelta(
        seconds=1
    )
    assert 'data-seconds-left="' in client.get(f"/quizzes/cats/attempts/{attempt.id}").get_data(
        as_text=True
    )
    assert answer(client, attempt, position_of(attempt, "cat-2"), {"choice": 1}).status_code == 200
    attempt.deadline = now_utc() - timedelta(minutes=1)
    db.session.commit()
    late = answer(client, attempt, position_of(attempt, "segments"), {"value": "5"})
    # Not saved: the attempt is submitted with what it had, and the page goes to the review.
    assert late.status_code == 200 and late.get_json()["submitted"]
    assert "Time is up" in late.get_json()["error"] and late.get_json()["review"]
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.SUBMITTED and attempt.auto_submitted
    by_key = {aq.question.key: aq for aq in attempt.questions}
    assert by_key["cat-2"].fraction == 1.0  # what was saved counts
    assert by_key["segments"].response is None  # what came late does not
    assert attempt.score == 25.0


def test_an_expired_attempt_offers_only_its_submit(client: FlaskClient, student) -> None:
    """Seen again after its time ran out, an attempt shows the summary with one button (as
    Moodle's grace period does); looking at it writes nothing, submitting it grades it."""
    make_quiz(time_limit=5)
    attempt = start(client)
    answer(client, attempt, position_of(attempt, "cat-2"), {"choice": 1})
    attempt.deadline = now_utc() - timedelta(minutes=1)
    db.session.commit()
    base = f"/quizzes/cats/attempts/{attempt.id}"
    for page in ("", "/review"):
        assert client.get(base + page).headers["Location"].endswith(f"{base}/summary") or (
            page == "/review"
        )
    summary = client.get(f"{base}/summary").get_data(as_text=True)
    assert "Time is up" in summary and "Submit my saved answers" in summary
    assert "Back to the questions" not in summary
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.IN_PROGRESS  # a GET never writes
    client.post(f"{base}/submit")
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.SUBMITTED and attempt.auto_submitted
    assert attempt.score == 25.0


def test_the_sweep_submits_attempts_whose_time_ran_out(
    client: FlaskClient, runner: FlaskCliRunner, student
) -> None:
    make_quiz(time_limit=5)
    attempt = start(client)
    answer(client, attempt, position_of(attempt, "cat-2"), {"choice": 1})
    attempt.deadline = now_utc() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["seminar", "sweep"])
    assert result.exit_code == 0 and "submitted 1 attempt" in result.output
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.SUBMITTED and attempt.score == 25.0


def test_attempt_limit(client: FlaskClient, student) -> None:
    make_quiz(max_attempts=1)
    attempt = start(client)
    client.post(f"/quizzes/cats/attempts/{attempt.id}/submit")
    response = client.post("/quizzes/cats/start", follow_redirects=True)
    assert "You have used all 1 attempts" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_attempt_limit_holds_under_concurrent_starts(app: Flask, make_user) -> None:
    make_quiz(max_attempts=1)
    user = make_user()
    quiz_id = db.session.execute(select(QuizRow.id)).scalar_one()
    user_id = user.id
    barrier = threading.Barrier(4)
    outcomes: list[Any] = []

    def begin() -> None:
        with app.app_context():
            quiz = db.session.get(QuizRow, quiz_id)
            barrier.wait()
            try:
                outcomes.append(attempt_service.start_attempt(user_id, quiz).id)
            except attempt_service.AttemptError as exc:
                outcomes.append(str(exc))
            db.session.commit()
            db.session.remove()

    db.session.commit()  # what the test set up, before the racing requests
    threads = [threading.Thread(target=begin) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1
    only = db.session.scalar(select(Attempt.id))
    assert outcomes == [only] * 4  # everyone resumes the one attempt


def test_other_students_attempts_are_404(client: FlaskClient, make_user, app: Flask) -> None:
    make_quiz()
    owner = make_user()
    login(client, owner)
    attempt = start(client)
    intruder = app.test_client()
    login(intruder, make_user())
    base = f"/quizzes/cats/attempts/{attempt.id}"
    assert intruder.get(base).status_code == 404
    assert intruder.get(f"{base}/summary").status_code == 404
    assert intruder.get(f"{base}/review").status_code == 404
    assert intruder.post(f"{base}/submit").status_code == 404
    assert intruder.post(f"{base}/answer", json={"position": 1, "response": {}}).status_code == 404
    assert intruder.post(base, data={"action": "save"}).status_code == 404
    assert client.get(f"/quizzes/other-slug/attempts/{attempt.id}").status_code == 404
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.IN_PROGRESS


def test_review_shows_feedback_and_answers_after_submit(client: FlaskClient, student) -> None:
    make_quiz()
    attempt = start(client)
    answer(client, attempt, position_of(attempt, "cat-2"), {"choice": 0})
    client.post(f"/quizzes/cats/attempts/{attempt.id}/submit")
    html = client.get(f"/quizzes/cats/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "No: that one is respiratory." in html and GENERAL_FEEDBACK in html
    assert "Correct answer" in html and "0%" in html


def test_review_waits_for_the_last_attempt_when_asked(client: FlaskClient, student) -> None:
    review = Review(
        score="immediately", answers="after_last_attempt", feedback="after_last_attempt"
    )
    make_quiz(max_attempts=2, review=review)
    first = start(client)
    client.post(f"/quizzes/cats/attempts/{first.id}/submit")
    html = client.get(f"/quizzes/cats/attempts/{first.id}/review").get_data(as_text=True)
    assert GENERAL_FEEDBACK not in html and "once you have used your last attempt" in html
    second = start(client)
    client.post(f"/quizzes/cats/attempts/{second.id}/submit")
    html = client.get(f"/quizzes/cats/attempts/{first.id}/review").get_data(as_text=True)
    assert GENERAL_FEEDBACK in html


def test_editing_the_quiz_never_moves_past_grades(client: FlaskClient, student) -> None:
    quiz = make_quiz()
    attempt = start(client)
    perfect(client, attempt)
    client.post(f"/quizzes/cats/attempts/{attempt.id}/submit")
    changed = (
        Question(
            id="cat-2",
            type="single",
            stem="Which category concerns the load-bearing joint? (revised)",
            choices=(Choice("Category I", 100), Choice("Category II", 0)),
        ),
        *QUESTIONS[1:],
    )
    make_quiz(questions=changed)
    db.session.refresh(attempt)
    assert attempt.score == 100.0
    html = client.get(f"/quizzes/cats/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "(revised)" not in html and "100%" in html
    # Unchanged questions keep their version (and statistics); the changed one gets a new one.
    db.session.refresh(quiz)
    assert quiz.current.number == 2
    assert (
        len(set(quiz.current.question_ids) & {aq.question_version_id for aq in attempt.questions})
        == 3
    )
    new = start(client)
    assert "(revised)" in client.get(f"/quizzes/cats/attempts/{new.id}").get_data(as_text=True)


def test_essay_grading_queue(client: FlaskClient, make_user, app: Flask) -> None:
    make_quiz(questions=(*QUESTIONS[:1], ESSAY))
    student = make_user()
    login(client, student)
    attempt = start(client)
    answer(client, attempt, position_of(attempt, "cat-2"), {"choice": 1})
    answer(
        client, attempt, position_of(attempt, "explain"), {"text": "Blocks use the body's weight."}
    )
    client.post(f"/quizzes/cats/attempts/{attempt.id}/submit")
    db.session.refresh(attempt)
    assert attempt.needs_grading and attempt.score is None
    assert "Awaiting grading" in client.get(f"/quizzes/cats/attempts/{attempt.id}/review").get_data(
        as_text=True
    )

    outsider = app.test_client()
    login(outsider, make_user("instructor"))  # teaches no cohort of this student
    assert "Blocks use the body" not in outsider.get("/quizzes/manage/grading").get_data(
        as_text=True
    )
    aq = next(a for a in attempt.questions if a.question.key == "explain")
    assert (
        outsider.post(
            f"/quizzes/manage/grading/{aq.id}", data={f"g{aq.id}-points": "1"}
        ).status_code
        == 404
    )
    assert outsider.get(f"/quizzes/cats/attempts/{attempt.id}/review").status_code == 404
    teacher = app.test_client()
    login(teacher, make_user("admin"))
    queue = teacher.get("/quizzes/manage/grading").get_data(as_text=True)
    assert "Blocks use the body&#39;s weight." in queue
    aq = next(a for a in attempt.questions if a.question.key == "explain")
    too_many = teacher.post(
        f"/quizzes/manage/grading/{aq.id}",
        data={f"g{aq.id}-points": "3", f"g{aq.id}-comment": "Say who decides & why."},
    )
    refused = too_many.get_data(as_text=True)  # shown next to the points, as typed
    assert too_many.status_code == 400 and "Give between 0 and 1 points" in refused
    assert f'id="g{aq.id}-points-error"' in refused and 'value="3"' in refused
    assert "Say who decides &amp; why.</textarea>" in refused  # the comment typed is kept
    db.session.refresh(attempt)
    assert attempt.needs_grading
    teacher.post(
        f"/quizzes/manage/grading/{aq.id}",
        data={f"g{aq.id}-points": "0.5", f"g{aq.id}-comment": "Mention consent."},
    )
    db.session.refresh(attempt)
    assert not attempt.needs_grading and attempt.score == 75.0
    assert "Nothing to grade" in teacher.get("/quizzes/manage/grading").get_data(as_text=True)
    review = client.get(f"/quizzes/cats/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Mention consent." in review and "75%" in review
    assert client.get("/quizzes/manage/grading").status_code == 403


def test_statistics_page_and_csv(client: FlaskClient, make_user, app: Flask) -> None:
    make_quiz()
    for choice in (1, 1, 0):
        c = app.test_client()
        login(c, make_user())
        attempt = start(c)
        answer(c, attempt, position_of(attempt, "cat-2"), {"choice": choice})
        if choice == 1:
            answer(c, attempt, position_of(attempt, "segments"), {"value": "5"})
        c.post(f"/quizzes/cats/attempts/{attempt.id}/submit")
    login(client, make_user("instructor"))
    html = client.get("/quizzes/cats/statistics").get_data(as_text=True)
    assert "cat-2" in html and "66.6%" in html  # facility of cat-2: 2 of 3, one decimal
    assert "Category II" in html
    csv_text = client.get("/quizzes/cats/statistics.csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("question,version,type")
    assert "cat-2,1,single,yes,3,66.7,1.000,,Category II,66.7" in csv_text
    student = app.test_client()
    login(student, make_user())
    assert student.get("/quizzes/cats/statistics").status_code == 403
    assert student.get("/quizzes/cats/statistics.csv").status_code == 403


def test_statistics_are_precomputed_and_fast_at_5000_attempts(
    client: FlaskClient, make_user
) -> None:
    quiz = make_quiz()
    users = [make_user() for _ in range(5)]  # scrypt makes users slow to create
    version = quiz.current
    qids = version.question_ids
    now = now_utc()
    # Core inserts: building 25,000 ORM objects would time the test, not the page.
    db.session.execute(
        insert(Attempt),
        [
            {"user_id": users[n % 5].id, "quiz_id": quiz.id, "quiz_version_id": version.id,
             "number": n // 5 + 1, "state": AttemptState.SUBMITTED, "started_at": now,
             "submitted_at": now, "points": float(n % 5), "max_points": 4.0,
             "score": 25.0 * (n % 5), "auto_submitted": False, "needs_grading": False,
             "in_statistics": False}
            for n in range(5000)
        ],
    )  # fmt: skip
    attempt_ids = db.session.scalars(select(Attempt.id).order_by(Attempt.id)).all()
    db.session.execute(
        insert(AttemptQuestion),
        [
            {"attempt_id": a, "position": p + 1, "question_version_id": qid, "points": 1.0,
             "order": [0, 1, 2], "response": {"choice": 1} if p == 0 else None,
             "fraction": 1.0 if p < (i % 5) else 0.0, "feedback": [], "comment": ""}
            for i, a in enumerate(attempt_ids)
            for p, qid in enumerate(qids)
        ],
    )  # fmt: skip
    db.session.commit()
    from seminar.services.quiz_stats import rebuild

    assert rebuild(quiz.id) == 5000
    login(client, make_user("instructor"))
    client.get("/quizzes/cats/statistics")  # compiles the template once, as a live server has
    timings = []
    for _ in range(3):
        db.session.expunge_all()
        started = time.perf_counter()
        with count_queries() as queries:
            html = client.get("/quizzes/cats/statistics").get_data(as_text=True)
        timings.append(time.perf_counter() - started)
    assert "5000" in html
    elapsed = min(timings)
    assert elapsed < 0.5, f"statistics took {elapsed:.2f}s"
    assert len(queries) <= 8


def test_accommodations_give_time_and_attempts(client: FlaskClient, make_user, app: Flask) -> None:
    make_quiz(time_limit=10, max_attempts=1)
    student = make_user(email="extra@example.org")
    outsider = app.test_client()
    login(outsider, make_user("instructor"))  # teaches no cohort of this student
    refused = outsider.post("/quizzes/manage/accommodations", data={"email": "extra@example.org",
                            "time_multiplier": "2", "extra_attempts": "0"})  # fmt: skip
    assert "not a student in a cohort you teach" in refused.get_data(as_text=True)
    teacher = app.test_client()
    login(teacher, make_user("admin"))
    assert teacher.get("/quizzes/manage/accommodations").status_code == 200
    bad = teacher.post("/quizzes/manage/accommodations", data={"email": "ghost@example.org",
                       "time_multiplier": "1.5", "extra_attempts": "1"})  # fmt: skip
    assert "No account has this email." in bad.get_data(as_text=True)
    form = {"email": "extra@example.org", "time_multiplier": "1.5", "extra_attempts": "1"}
    ok = teacher.post("/quizzes/manage/accommodations", data=form | {"note": "Dyslexia"})
    assert ok.status_code == 302
    login(client, student)
    first = start(client)
    assert abs((first.deadline - first.started_at) - timedelta(minutes=15)) < timedelta(seconds=1)
    client.post(f"/quizzes/cats/attempts/{first.id}/submit")
    second = start(client)
    assert second.number == 2
    client.post(f"/quizzes/cats/attempts/{second.id}/submit")
    assert "You have used all 2 attempts" in client.post(
        "/quizzes/cats/start", follow_redirects=True
    ).get_data(as_text=True)
    assert client.get("/quizzes/manage/accommodations").status_code == 403


def test_draw_picks_n_questions(client: FlaskClient, student) -> None:
    make_quiz(draw=2)
    attempt = start(client)
    assert len(attempt.questions) == 2
    overview = client.get("/quizzes/cats").get_data(as_text=True)
    assert "drawn at random from 4" in overview


def test_closed_quiz_refuses_to_start(client: FlaskClient, student) -> None:
    make_quiz(closes="2020-01-01")
    response = client.post("/quizzes/cats/start", follow_redirects=True)
    assert "This quiz has closed." in response.get_data(as_text=True)


def test_option_values_are_display_positions(client: FlaskClient, student) -> None:
    """The page's values must not be the author's indices: those would give the key away."""
    import re

    make_quiz(shuffle=True)
    attempt = start(client)
    page = client.get(f"/quizzes/cats/attempts/{attempt.id}").get_data(as_text=True)
    p_cat, p_reg = position_of(attempt, "cat-2"), position_of(attempt, "regions")
    radios = re.findall(rf'name="q{p_cat}" value="(\d+)"', page)
    assert radios == ["0", "1", "2"]  # always in display order, whatever the shuffle
    for row in range(3):
        select_html = page.split(f'name="q{p_reg}-{row}"', 1)[1].split("</select>", 1)[0]
        assert re.findall(r'<option value="(\d*)"', select_html) == ["", "0", "1", "2"]
    # Saving a display position stores the question's own index.
    aq = next(a for a in attempt.questions if a.question.key == "cat-2")
    answer(client, attempt, p_cat, {"choice": aq.order.index(1)})
    db.session.refresh(aq)
    assert aq.response == {"choice": 1}


def test_review_waits_while_the_last_attempt_is_open(client: FlaskClient, student) -> None:
    make_quiz(
        max_attempts=2, review=Review(answers="after_last_attempt", feedback="after_last_attempt")
    )
    first = start(client)
    client.post(f"/quizzes/cats/attempts/{first.id}/submit")
    start(client)  # the last attempt, still open
    html = client.get(f"/quizzes/cats/attempts/{first.id}/review").get_data(as_text=True)
    assert GENERAL_FEEDBACK not in html and "Correct answer" not in html


def test_autosave_rejects_malformed_payloads(client: FlaskClient, student) -> None:
    make_quiz()
    attempt = start(client)
    url = f"/quizzes/cats/attempts/{attempt.id}/answer"
    assert client.post(url, json=[1, 2]).status_code == 400
    assert client.post(url, json={"response": {}}).status_code == 400
    p_cat = position_of(attempt, "cat-2")
    assert client.post(url, json={"position": p_cat, "response": {"choices": 5}}).status_code == 200
    assert client.post(url, json={"position": p_cat, "response": "x"}).status_code == 200


def test_csv_cells_never_run_as_formulas() -> None:
    from seminar.web.csv_export import cell

    assert cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert cell("+1") == "'+1" and cell("@x") == "'@x" and cell("-2") == "'-2"
    assert cell("Dr. Ada") == "Dr. Ada" and cell(5) == 5


def test_autosave_sends_the_fields_the_form_would(client: FlaskClient, student) -> None:
    """attempt.js posts a question's form fields; the server reads them as it reads the form."""
    make_quiz(shuffle=True)
    attempt = start(client)
    url = f"/quizzes/cats/attempts/{attempt.id}/answer"
    p_cat, p_tf = position_of(attempt, "cat-2"), position_of(attempt, "occiput-tf")
    p_num, p_reg = position_of(attempt, "segments"), position_of(attempt, "regions")
    for position, fields in (
        (p_cat, {f"q{p_cat}": [str(shown(attempt, "cat-2", 1))], f"q{p_cat}-shown": ["1"]}),
        (p_tf, {f"q{p_tf}": ["true"]}),
        (p_num, {f"q{p_num}": ["5"]}),
        (p_reg, {f"q{p_reg}-{i}": [str(shown(attempt, "regions", i))] for i in range(3)}),
    ):
        response = client.post(url, json={"position": position, "fields": fields})
        assert response.status_code == 200, response.get_json()
    db.session.refresh(attempt)
    by_key = {aq.question.key: aq.response for aq in attempt.questions}
    assert by_key == {
        "cat-2": {"choice": 1},
        "occiput-tf": {"value": True},
        "segments": {"value": "5"},
        "regions": {"matches": [0, 1, 2]},
    }
    # No radio checked: the field is absent, as in the form, and the answer is cleared.
    assert client.post(url, json={"position": p_tf, "fields": {}}).status_code == 200
    db.session.refresh(attempt)
    assert next(aq for aq in attempt.questions if aq.position == p_tf).response is None
    for bad in ({"position": p_tf, "fields": ["x"]}, {"position": p_tf, "fields": {"q1": [1]}},
                {"position": 99, "fields": {}}):  # fmt: skip
        assert client.post(url, json=bad).status_code == 400
