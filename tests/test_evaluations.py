"""The post-course evaluation: answers checked and summarised (tables), anonymous by design,
shown to staff only together and only past a minimum, and, where the program requires it,
needed before a CE attendance certificate is issued."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select

from seminar.core.evaluation import MIN_SHOWN, QUESTIONS, EvaluationError, clean, summarise
from seminar.db import db
from seminar.models import Cohort, EvaluationResponse, EvaluationSubmission, RecordKind, Role, User
from seminar.queries import eligibility
from seminar.services import cohorts as cohort_service
from seminar.services import issuing
from seminar.services.unit_of_work import unit_of_work
from tests.conftest import PROGRAM, login
from tests.records_world import a_session, attend

SCALES = [q.key for q in QUESTIONS if q.kind == "scale"]
ALL_AGREE = dict.fromkeys(SCALES, "4")


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({}, "objectives"),
        ({**ALL_AGREE, "relevance": "6"}, "relevance"),
        ({**ALL_AGREE, "setting": "agree"}, "setting"),
        ({**ALL_AGREE, "comments": "x" * 2001}, "comments"),
    ],
)
def test_answers_that_are_refused_name_their_question(form: dict, field: str) -> None:
    with pytest.raises(EvaluationError) as info:
        clean(form)
    assert info.value.field == field


def test_answers_are_kept_as_numbers_and_trimmed_texts() -> None:
    answers = clean({**ALL_AGREE, "objectives": "5", "change": "  Screen first. ", "comments": " "})
    assert answers == {**dict.fromkeys(SCALES, 4), "objectives": 5, "change": "Screen first."}


def test_the_summary_counts_and_hides_too_few_answers() -> None:
    few = [clean(ALL_AGREE)] * (MIN_SHOWN - 1)
    assert summarise(few).shown is False and summarise(few).scales == ()
    answers = [
        clean({**ALL_AGREE, "objectives": "5", "change": "Zebra"}),
        clean({**ALL_AGREE, "objectives": "1", "change": "apple"}),
        clean({**ALL_AGREE, "objectives": "5"}),
    ]
    summary = summarise(answers)
    objectives = summary.scales[0]
    assert summary.shown and summary.responses == 3
    assert objectives.counts == (1, 0, 0, 0, 2) and objectives.mean == 3.67
    assert summary.texts[0].answers == ("apple", "Zebra")  # alphabetical, not as they came


@pytest.fixture
def required(app: Flask, world: Cohort) -> Cohort:
    """The world cohort on a program that requires the evaluation before CE certificates."""
    from seminar.services.content_sync import sync_content

    lessons = Path(app.config["LESSONS_DIR"])
    (lessons / "program.yml").write_text(
        PROGRAM.replace("    requires:", "    ce:\n      evaluation: required\n    requires:")
    )
    assert sync_content(lessons, Path(app.config["QUIZZES_DIR"])).ok
    cohort_service.move_to_current_program(world)
    db.session.commit()
    return world


def student_who_attended(cohort: Cohort, make_user: Callable[..., User], name: str) -> User:
    student = make_user(Role.STUDENT, name=name)
    cohort_service.enroll(cohort, student)
    attend(a_session(cohort, title=f"Session for {name}"), student)
    db.session.commit()
    return student


def answer(client: FlaskClient, slug: str, **extra: str) -> object:
    return client.post(f"/cohorts/{slug}/evaluation", data={**ALL_AGREE, **extra})


def test_a_student_evaluates_once_after_attending(
    app: Flask, required: Cohort, make_user: Callable[..., User]
) -> None:
    newcomer = make_user(Role.STUDENT, name="Not Yet")
    cohort_service.enroll(required, newcomer)
    db.session.commit()
    client = app.test_client()
    login(client, newcomer)
    assert "once you have attended" in client.get("/cohorts/spring/evaluation").get_data(
        as_text=True
    )
    assert answer(client, "spring").status_code == 400  # refused: nothing written
    assert db.session.scalars(select(EvaluationSubmission)).all() == []

    ada = student_who_attended(required, make_user, "Ada Lovelace")
    client = app.test_client()
    login(client, ada)
    page = client.get("/cohorts/spring/evaluation").get_data(as_text=True)
    assert "without your name" in page and "needed for" not in page
    refused = answer(client, "spring", relevance="", change="Screen for red flags first")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="relevance-error"' in html
    assert "Screen for red flags first</textarea>" in html  # what was typed is kept
    assert 'checked id="objectives-3"' in html  # the ratings given are kept
    assert answer(client, "spring", change="Screen for red flags first").status_code == 302
    assert "Thank you" in client.get("/cohorts/spring/evaluation").get_data(as_text=True)
    assert answer(client, "spring").status_code == 400  # once only
    assert len(db.session.scalars(select(EvaluationResponse)).all()) == 1


def test_answers_cannot_be_traced_to_their_author(
    app: Flask, required: Cohort, teacher: User, make_user: Callable[..., User]
) -> None:
    # Nothing in a response names, dates or orders it.
    columns = {c["name"] for c in inspect(db.engine).get_columns("evaluation_responses")}
    assert columns == {"id", "cohort_id", "answers"}
    staff = app.test_client()
    login(staff, teacher)
    names = ["Ada Lovelace", "Grace Hopper", "Mary Somerville"]
    for n, name in enumerate(names):
        student = student_who_attended(required, make_user, name)
        client = app.test_client()
        login(client, student)
        answer(client, "spring", objectives=str(n + 3), comments=f"Comment {n}")
        page = staff.get("/cohorts/spring/evaluation/results").get_data(as_text=True)
        if n + 1 < MIN_SHOWN:
            assert "Not enough answers yet" in page and "Comment" not in page
    ids = [r.id for r in db.session.scalars(select(EvaluationResponse))]
    assert (all(len(i) == 32 for i in ids) and sorted(ids) != ids) or len(set(ids)) == 3
    page = staff.get("/cohorts/spring/evaluation/results").get_data(as_text=True)
    assert "3 answers" in page and "Comment 0" in page and "4.00" in page
    assert not any(name in page for name in names)
    # Students never see the results.
    student = app.test_client()
    login(student, db.session.scalars(select(User).where(User.name == names[0])).one())
    assert student.get("/cohorts/spring/evaluation/results").status_code == 403


def test_a_required_evaluation_gates_the_ce_certificate_only(
    app: Flask, required: Cohort, make_user: Callable[..., User]
) -> None:
    ada = student_who_attended(required, make_user, "Ada Lovelace")
    (candidate,) = eligibility.candidates(required, RecordKind.ATTENDANCE, user_ids=[ada.id])
    assert not candidate.eligible and candidate.missing == ["Course evaluation: not submitted"]
    with pytest.raises(issuing.OverrideNeeded):
        issuing.issue(required, RecordKind.ATTENDANCE, [ada.id])
    db.session.rollback()
    client = app.test_client()
    login(client, ada)
    assert answer(client, "spring").status_code == 302
    (candidate,) = eligibility.candidates(required, RecordKind.ATTENDANCE, user_ids=[ada.id])
    assert candidate.eligible and candidate.missing == []
    with unit_of_work():
        (issued,) = issuing.issue(required, RecordKind.ATTENDANCE, [ada.id])
    publicly = [r["public"] for r in issued.record.evidence["requirements"]]
    assert publicly[-1] == "Course evaluation: submitted"
    # The Certificate of Completion does not ask for it.
    (completion,) = eligibility.candidates(required, RecordKind.COMPLETION, user_ids=[ada.id])
    assert not any("evaluation" in m for m in completion.missing)
