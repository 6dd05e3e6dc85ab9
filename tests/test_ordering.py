"""The ordering question type: its native syntax, its formats, and a student answering it over
HTTP without JavaScript and by autosave, then reviewing it."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from seminar.core.content.problems import ContentError
from seminar.core.content.quiz_export import to_json, to_native
from seminar.core.content.quiz_model import Choice, Question, Quiz, quiz_from_dict
from seminar.core.content.quiz_native import parse_native_quiz
from seminar.db import db
from seminar.models import Attempt, AttemptQuestion, LiveQuiz
from tests.conftest import login
from tests.test_quizzes_http import make_quiz, start

STEPS = ("Screen for red flags", "Assess the category", "Block", "Re-test")
ORDERING = Question(
    id="steps",
    type="ordering",
    stem="Put the steps in order.",
    choices=tuple(Choice(step) for step in STEPS),
    feedback="Safety comes first.",
)
TF = Question(id="tf", type="true_false", stem="Blocks use the body's weight.", answer=True)
FRONT = "---\ntitle: T\n---\n"  # the body's first line is line 4


def native(body: str) -> Question:
    text = FRONT + textwrap.dedent(body).lstrip("\n")
    return parse_native_quiz(text, path="q.md", slug="q").quiz.questions[0]


def problems(body: str) -> list[str]:
    with pytest.raises(ContentError) as info:
        native(body)
    return [f"{p.line}: {p.message}" for p in info.value.problems]


# --- the formats ---------------------------------------------------------------------------


def test_an_ordered_list_is_an_ordering_question() -> None:
    q = native("""
        ## Put the steps in order {#steps}

        1. Screen for red flags
        2) Assess the category
        3. "Block"

        > Safety first.
    """)
    assert q == Question(
        id="steps",
        type="ordering",
        stem="Put the steps in order",
        choices=(Choice("Screen for red flags"), Choice("Assess the category"), Choice("Block")),
        feedback="Safety first.",
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("## Q {#q}\n1. only\n", ["4: an ordering question needs at least two items"]),
        ("## Q {#q}\n1. a\n1. b\n", ["6: item 2 is numbered 1: number the items 1, 2, 3"]),
        ("## Q {#q}\n2. a\n3. b\n", ["5: item 1 is numbered 2", "6: item 2 is numbered 3"]),
        ("## Q {#q}\n1. a\n2. b\n3. a\n", ["7: 'a' is already an item at line 5"]),
        ("## Q {#q}\n1.\n2. b\n", ["5: an item with no text"]),
        ("## Q {#q}\n1. a\n  > why\n2. b\n", ["6: ordering items have no feedback"]),
        ("## Q {#q}\n1. a\n2. b\n- [x] c\n", ["7: mixed answer kinds in one question: choices"]),
        ("## Q {#q}\n= a\n1. b\n2. c\n", ["6: mixed answer kinds in one question: numbered"]),
        ("## Q {#q type=essay}\n1. a\n2. b\n", ["5: a question marked type=essay has no answer"]),
        ("## Q {#q}\n- [x] a\n- [ ] b\nstray\n", ["7: expected an answer ('- [x] …', '= …', "
                                                 "'- a -> b', '1. …')"]),
    ],
)  # fmt: skip
def test_native_errors_name_their_line(body: str, expected: list[str]) -> None:
    found = problems(body)
    assert len(found) == len(expected), found
    for want in expected:
        assert any(f.startswith(want) for f in found), (want, found)


def test_a_stem_with_a_numbered_line_exports_as_a_quoted_stem() -> None:
    quiz = quiz_from_dict(
        {
            "slug": "q",
            "title": "T",
            "questions": [
                {"id": "e", "type": "essay", "stem": "Explain:\n1. why\n2. how"},
                {"id": "steps", "type": "ordering", "stem": "Order:", "items": ["a", "1. b"]},
            ],
        }
    )
    text = to_native(quiz)
    assert '## {#e stem="Explain:\\n1. why\\n2. how"}' in text
    assert "1. a\n2. 1. b\n" in text
    assert parse_native_quiz(text, path="q.md", slug="q").quiz == quiz


def test_json_has_the_items_in_their_right_order() -> None:
    quiz = Quiz(slug="q", title="T", questions=(ORDERING,))
    data = json.loads(to_json(quiz))
    assert data["questions"][0]["items"] == list(STEPS)
    assert "choices" not in data["questions"][0]
    assert quiz_from_dict(data) == quiz


def test_export_quiz_refuses_gift_and_says_why(app: Flask, runner: FlaskCliRunner, tmp_path: Path):
    path = tmp_path / "steps.md"
    path.write_text(FRONT + "\n## Put the steps in order {#steps}\n\n1. a\n2. b\n")
    result = runner.invoke(args=["seminar", "export-quiz", str(path), "--format", "gift"])
    assert result.exit_code == 1
    assert "question 'steps' is an ordering question" in result.output
    assert "md or json" in result.output and "Traceback" not in result.output
    for fmt in ("md", "json"):
        assert (
            runner.invoke(args=["seminar", "export-quiz", str(path), "--format", fmt]).exit_code
            == 0
        )


# --- a student answers it ------------------------------------------------------------------


def _ordering(attempt: Attempt) -> AttemptQuestion:
    db.session.refresh(attempt)
    return next(aq for aq in attempt.questions if aq.question.key == "steps")


def _rows(page: str, position: int) -> list[tuple[str, list[str]]]:
    """The attempt page's rows for the question: (item text, option values of its select)."""
    rows = re.findall(
        rf'<label for="q{position}-(\d)">'
        r'<span class="visually-hidden">Place of </span>(.*?)</label>'
        rf'\s*<select id="q{position}-\1" name="q{position}-\1">(.*?)</select>',
        page,
        re.S,
    )
    return [(text, re.findall(r'<option value="(\d*)"', options)) for _, text, options in rows]


def test_ordering_end_to_end(client: FlaskClient, make_user) -> None:
    login(client, make_user("student"))
    make_quiz("steps", questions=(ORDERING, TF))
    attempt = start(client, "steps")
    aq = _ordering(attempt)
    p = aq.position
    url = f"/quizzes/steps/attempts/{attempt.id}"

    # Shown shuffled (never in the right order), a select of places 1..4 per item, stable.
    assert sorted(aq.order) == [0, 1, 2, 3] and aq.order != [0, 1, 2, 3]
    page = client.get(url).get_data(as_text=True)
    rows = _rows(page, p)
    assert [text for text, _ in rows] == [STEPS[i] for i in aq.order]
    assert all(values == ["", "0", "1", "2", "3"] for _, values in rows)
    assert _rows(client.get(url).get_data(as_text=True), p) == rows

    # Without JavaScript: each row's select says its item's place.
    def place_of(item: int, place: int) -> tuple[str, str]:
        return f"q{p}-{aq.order.index(item)}", str(place)

    form = dict([place_of(0, 0), place_of(1, 2), place_of(2, 1)])  # item 3 left out
    response = client.post(url, data={"page": "1", "action": "save", f"q{p}-shown": "1", **form})
    assert response.status_code == 302
    assert _ordering(attempt).response == {"positions": [0, 2, 1, None]}
    page = client.get(url).get_data(as_text=True)
    assert page.count("selected>") == 3

    # Autosave sends the same fields as JSON; the older response form still works.
    fields = {name: [value] for name, value in (place_of(0, 0), place_of(1, 2), place_of(2, 1),
                                                place_of(3, 3))}  # fmt: skip
    saved = client.post(f"{url}/answer", json={"position": p, "fields": fields})
    assert saved.status_code == 200, saved.get_json()
    assert _ordering(attempt).response == {"positions": [0, 2, 1, 3]}
    by_row = [[0, 1, 2, 3][i] for i in aq.order]  # every item in its right place
    client.post(f"{url}/answer", json={"position": p, "response": {"positions": by_row}})
    assert _ordering(attempt).response == {"positions": [0, 1, 2, 3]}
    client.post(f"{url}/answer", json={"position": p, "fields": fields})

    client.post(f"{url}/submit")
    aq = _ordering(attempt)
    assert aq.fraction == 0.5  # two of four items in their right place

    review = client.get(f"{url}/review").get_data(as_text=True)
    assert review.count("right place</span>") == 2 and review.count("wrong place</span>") == 2
    right_order = re.search(r'<ol class="review-order">(.*?)</ol>', review, re.S)
    assert right_order and re.findall(r"<li>(.*?)</li>", right_order.group(1)) == list(STEPS)
    assert "Safety comes first." in review


def test_statistics_and_the_live_quiz_leave_nothing_out(
    client: FlaskClient, make_user, app: Flask
) -> None:
    from seminar.services import live as live_service

    make_quiz("steps", questions=(ORDERING, TF))
    for places in ([0, 1, 2, 3], [1, 0, 2, 3]):
        student = app.test_client()
        login(student, make_user())
        attempt = start(student, "steps")
        aq = _ordering(attempt)
        by_row = [places[i] for i in aq.order]
        url = f"/quizzes/steps/attempts/{attempt.id}"
        student.post(
            f"{url}/answer", json={"position": aq.position, "response": {"positions": by_row}}
        )
        student.post(f"{url}/submit")
    login(client, make_user("instructor"))
    html = client.get("/quizzes/steps/statistics").get_data(as_text=True)
    steps = html.split('id="stat-', 1)[1].split("</section>", 1)[0]  # the first question's
    assert "steps" in steps and "ordering" in steps
    for label, share in (("Right", 50), ("Partly right", 50), ("Wrong", 0), ("No answer", 0)):
        assert re.search(rf'<th scope="row">{label}</th><td>.*?</meter> {share}%', steps), label

    from seminar.models import Quiz

    quiz = db.session.execute(db.select(Quiz).where(Quiz.slug == "steps")).scalar_one()
    drafts, skipped = live_service.drafts_from_quiz(quiz)
    assert [d.stem for d in drafts] == [TF.stem] and skipped == 1
    assert db.session.query(LiveQuiz).count() == 0
