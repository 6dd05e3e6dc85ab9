"""Pure table tests of each question type's class: reading a form, display positions, cleaning,
statistics options, the live quiz, rendering, the preview outline and the JSON fields.

Grading is in test_grading.py; the formats' syntax in test_quiz_native.py, test_gift.py and
the round trips in test_quiz_roundtrip.py.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from seminar.core.questions import (
    TYPES,
    Answer,
    Choice,
    Grade,
    LiveDraft,
    Pair,
    Question,
    QuestionType,
    graded_types,
    native_syntaxes,
    question_type,
)

SINGLE = Question(
    id="s",
    type="single",
    stem="?",
    choices=(Choice("I", 0, "No."), Choice("II", 100, "Yes."), Choice("III", 50)),
)
MULTIPLE = Question(
    id="m", type="multiple", stem="?", choices=(Choice("a", 50), Choice("b", 50), Choice("c", -100))
)
TF = Question(id="t", type="true_false", stem="?", answer=False, feedback_if_true="Not so.")
SHORT = Question(id="sh", type="short", stem="?", answers=(Answer(text="sacrum", feedback="Yes."),))
NUMERIC = Question(
    id="n",
    type="numeric",
    stem="?",
    answers=(Answer(value=5, tolerance=0.5), Answer(min=4, max=6, weight=50), Answer(text="*")),
)
MATCHING = Question(
    id="mt", type="matching", stem="?", pairs=(Pair("occiput", "skull"), Pair("sacrum", "pelvis"))
)
ESSAY = Question(id="e", type="essay", stem="Explain.")
DESCRIPTION = Question(id="d", type="description", stem="Read this first.")
ORDERING = Question(
    id="o", type="ordering", stem="?", choices=(Choice("screen"), Choice("assess"), Choice("block"))
)
EXAMPLES = [SINGLE, MULTIPLE, TF, SHORT, NUMERIC, MATCHING, ESSAY, DESCRIPTION, ORDERING]


def test_every_type_is_registered_once_under_its_name() -> None:
    assert all(name == t.name for name, t in TYPES.items())
    assert {q.type for q in EXAMPLES} <= set(TYPES)
    assert question_type("single") is question_type(SINGLE) is TYPES["single"]
    assert "description" not in graded_types() and "essay" in graded_types()
    with pytest.raises(ValueError, match="unknown question type 'poll'"):
        question_type("poll")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("- [x] right", "choice"),
        ("- [ ] a -> b", "choice"),
        ("-  [X] %50% half", "choice"),
        ("= sacrum", "eq"),
        ("= 4..6", "eq"),
        ("- occiput -> skull", "pair"),
        ("-\t[x]y -> z", "pair"),  # no space after the box: not a checkbox
        ("1. first", "item"),
        ("12) twelfth", "item"),
        ("1.5 is a number", None),
        ("- plain text", None),
        ("> feedback", None),
    ],
)
def test_answer_line_kinds_never_overlap(line: str, kind: str | None) -> None:
    """Each line is claimed by one kind at most, whatever order the parser tries them in."""
    claims = [s.kind for s in native_syntaxes() if s.pattern.match(line)]
    assert claims == ([kind] if kind else [])


@pytest.mark.parametrize(
    ("question", "fields", "order", "raw"),
    [
        (SINGLE, {"q1": "2"}, [2, 0, 1], {"choice": "2"}),
        (SINGLE, {}, [2, 0, 1], {"choice": ""}),
        (MULTIPLE, {"q1": ["0", "2"]}, [0, 1, 2], {"choices": ["0", "2"]}),
        (TF, {"q1": "false"}, [], {"value": "false"}),
        (SHORT, {"q1": "Sacrum"}, [], {"text": "Sacrum"}),
        (NUMERIC, {"q1": "4,5"}, [], {"value": "4,5"}),
        (MATCHING, {"q1-0": "1", "q1-1": ""}, [1, 0], {"matches": ["1", ""]}),
        (ESSAY, {"q1": "Because."}, [], {"text": "Because."}),
        (DESCRIPTION, {"q1": "x"}, [], None),
        (ORDERING, {"q1-0": "2", "q1-2": "0"}, [2, 0, 1], {"positions": ["2", "", "0"]}),
    ],
)
def test_read_form(question: Question, fields: dict[str, Any], order: list[int], raw: Any) -> None:
    form: MultiDict[str, str] = MultiDict()
    for name, values in fields.items():
        form.setlist(name, values if isinstance(values, list) else [values])
    assert question_type(question).read_form(form, "q1", order) == raw


@pytest.mark.parametrize(
    ("question", "order", "raw", "stored"),
    [
        # Display positions map back to the question's own indices.
        (SINGLE, [2, 0, 1], {"choice": "0"}, {"choice": 2}),
        (SINGLE, [2, 0, 1], {"choice": 1}, {"choice": 0}),
        (SINGLE, [2, 0, 1], {"choice": ""}, None),
        (SINGLE, [2, 0, 1], {"choice": True}, None),
        (SINGLE, [2, 0, 1], {"choice": 3}, None),
        (SINGLE, [2, 0, 1], "x", None),
        (MULTIPLE, [2, 0, 1], {"choices": ["0", "1", "9", "x"]}, {"choices": [0, 2]}),
        (MULTIPLE, [2, 0, 1], {"choices": []}, None),
        (MULTIPLE, [2, 0, 1], {"choices": 5}, None),
        (TF, [], {"value": "TRUE"}, {"value": True}),
        (TF, [], {"value": False}, {"value": False}),
        (TF, [], {"value": "yes"}, None),
        (SHORT, [], {"text": "  "}, None),
        (SHORT, [], {"text": "x" * 30_000}, {"text": "x" * 20_000}),
        (NUMERIC, [], {"value": " 5 "}, {"value": "5"}),
        (NUMERIC, [], {"value": ""}, None),
        (MATCHING, [1, 0], {"matches": ["0", "1"]}, {"matches": [1, 0]}),
        (MATCHING, [1, 0], {"matches": ["", "1"]}, {"matches": [None, 0]}),
        (MATCHING, [1, 0], {"matches": ["1"]}, {"matches": [0, None]}),
        (MATCHING, [1, 0], {"matches": ["", ""]}, None),
        (ESSAY, [], {"text": "An answer."}, {"text": "An answer."}),
        (DESCRIPTION, [], {"text": "x"}, None),
        # Rows are items shuffled; a row's value is its item's place (not shuffled).
        (ORDERING, [2, 0, 1], {"positions": ["0", "1", "2"]}, {"positions": [1, 2, 0]}),
        (ORDERING, [2, 0, 1], {"positions": [0, "", "7"]}, {"positions": [None, None, 0]}),
        (ORDERING, [2, 0, 1], {"positions": ["", "", ""]}, None),
        (ORDERING, [2, 0, 1], {"positions": "012"}, None),
    ],
)
def test_from_display_then_clean(
    question: Question, order: list[int], raw: Any, stored: Any
) -> None:
    kind = question_type(question)
    assert kind.clean(question, kind.from_display(question, order, raw)) == stored


@pytest.mark.parametrize(
    ("question", "shuffle", "expected"),
    [
        (SINGLE, False, "identity"),
        (SINGLE, True, "permutation"),
        (MATCHING, False, "permutation"),  # always shuffled: the author's order is the key
        (ORDERING, False, "shuffled"),  # and never the right order itself
        (SHORT, True, "none"),
        (ESSAY, True, "none"),
    ],
)
def test_display_order(question: Question, shuffle: bool, expected: str) -> None:
    kind = question_type(question)
    size = len(question.choices or question.pairs)
    orders = {
        tuple(kind.display_order(question, shuffle, random.Random(seed))) for seed in range(20)
    }
    if expected == "none":
        assert orders == {()}
    elif expected == "identity":
        assert orders == {tuple(range(size))}
    else:
        assert all(sorted(o) == list(range(size)) for o in orders) and len(orders) > 1
    if expected == "shuffled":
        assert tuple(range(size)) not in orders


@pytest.mark.parametrize(
    ("question", "options", "response", "fraction", "chosen", "labels"),
    [
        (SINGLE, ["0", "1", "2", "blank"], {"choice": 1}, 1.0, ["1"],
         ["I", "II", "III", "No answer"]),
        (SINGLE, ["0", "1", "2", "blank"], None, 0.0, ["blank"], None),
        (MULTIPLE, ["0", "1", "2", "blank"], {"choices": [0, 2]}, 0.0, ["0", "2"], None),
        (TF, ["true", "false", "blank"], {"value": True}, 0.0, ["true"],
         ["True", "False", "No answer"]),
        (SHORT, ["right", "partial", "wrong", "blank"], {"text": "x"}, 0.5, ["partial"],
         ["Right", "Partly right", "Wrong", "No answer"]),
        (NUMERIC, ["right", "partial", "wrong", "blank"], {"value": "9"}, 0.0, ["wrong"], None),
        (MATCHING, ["right", "partial", "wrong", "blank"], {"matches": [0, 1]}, 1.0, ["right"],
         None),
        (ESSAY, ["right", "partial", "wrong", "blank"], None, None, ["blank"], None),
        (DESCRIPTION, [], None, None, ["blank"], []),
        (ORDERING, ["right", "partial", "wrong", "blank"], {"positions": [0, 2, 1]}, 1 / 3,
         ["partial"], None),
    ],
)  # fmt: skip
def test_statistics_options(question, options, response, fraction, chosen, labels) -> None:
    kind = question_type(question)
    assert kind.options(question) == options
    assert kind.options_chosen(response, fraction) == chosen
    if labels is not None:
        assert [kind.option_label(question, key) for key in options] == labels


@pytest.mark.parametrize(
    ("question", "draft"),
    [
        (SINGLE, LiveDraft("?", ["I", "II", "III"], [1, 2], "single")),
        (MULTIPLE, LiveDraft("?", ["a", "b", "c"], [0, 1], "multiple")),  # select, then submit
        (TF, LiveDraft("?", ["True", "False"], [1], "true_false")),
        (SHORT, None),
        (NUMERIC, None),
        (MATCHING, None),
        (ESSAY, None),
        (DESCRIPTION, None),
        (ORDERING, None),  # left out of a live quiz, and counted
    ],
)
def test_live_quiz_offer(question: Question, draft: LiveDraft | None) -> None:
    assert question_type(question).to_live(question) == draft
    as_poll = question_type(question).to_live(question, poll=True)
    if draft is None:
        assert as_poll is None
    else:  # the same choices, no right answer
        assert as_poll == LiveDraft(draft.stem, draft.choices, [], "poll")


@pytest.mark.parametrize(
    ("question", "keys"),
    [
        (SINGLE, {"choices", "choice_feedback"}),
        (MULTIPLE, {"choices", "choice_feedback"}),
        (TF, {"feedback_if_true", "feedback_if_false"}),
        (SHORT, {"answer_feedback"}),
        (NUMERIC, {"answer_feedback"}),
        (MATCHING, {"lefts", "rights"}),
        (ESSAY, set()),
        (DESCRIPTION, set()),
        (ORDERING, {"items"}),
    ],
)
def test_rendered_texts_and_their_feedback(question: Question, keys: set[str]) -> None:
    kind = question_type(question)
    rendered = kind.rendered(question, lambda t, fmt: f"<p>{t}</p>", lambda t, fmt: f"<i>{t}</i>")
    assert set(rendered) == {"stem", "feedback"} | keys
    # Every feedback text that grading can return has its HTML.
    for response in (
        kind.correct(question),
        kind.example_response(question, False, random.Random(1)),
    ):
        for text in kind.grade(question, response).feedback:
            assert kind.feedback_html(question, rendered)[text] == f"<p>{text}</p>"


def test_example_responses_are_the_key_or_a_wrong_answer() -> None:
    rng = random.Random(3)
    for q in EXAMPLES:
        kind = question_type(q)
        if not kind.graded or q.type == "essay":
            continue
        assert kind.example_response(q, True, rng) == kind.correct(q), q.type
        assert kind.grade(q, kind.example_response(q, False, rng)).fraction < 1.0, q.type


@pytest.mark.parametrize(
    ("question", "outline"),
    [
        (SINGLE, ["I (0%) — No.", "II (100%) — Yes.", "III (50%)"]),
        (TF, ["Answer: False"]),
        (SHORT, ["sacrum (100%)"]),
        (NUMERIC, ["5 ± 0.5 (100%)", "4 to 6 (50%)", "* (100%)"]),
        (MATCHING, ["occiput → skull", "sacrum → pelvis"]),
        (ESSAY, []),
        (ORDERING, ["1. screen", "2. assess", "3. block"]),
    ],
)
def test_preview_outline(question: Question, outline: list[str]) -> None:
    assert question_type(question).outline(question) == outline


@pytest.mark.parametrize("question", EXAMPLES, ids=[q.type for q in EXAMPLES])
def test_json_fields_round_trip(question: Question) -> None:
    kind = question_type(question)
    fields = kind.from_json(kind.to_json(question))
    assert Question(id=question.id, type=question.type, stem=question.stem, **fields) == question


@pytest.mark.parametrize("kind", TYPES.values(), ids=list(TYPES))
def test_templates_are_named_by_every_type(kind: QuestionType) -> None:
    assert kind.input_template.startswith("questions/") and kind.input_template.endswith(".html")
    assert kind.review_template.startswith("questions/") and kind.review_template.endswith(".html")


def test_a_version_stored_before_moodle_fields_loads_grades_and_hashes_the_same() -> None:
    """Stored question versions keep their JSON: one written before tags, text formats,
    shuffle and penalties existed reads with their defaults, grades as before and writes back
    the same JSON (so a re-sync keeps its content hash and statistics)."""
    from seminar.core.content.quiz_model import question_from_dict, question_to_dict

    stored = {
        "id": "cat-2", "type": "single", "title": "", "stem": "Which category?",
        "choices": [{"text": "I", "weight": 0, "feedback": ""},
                    {"text": "II", "weight": 100, "feedback": "Right."}],
        "feedback": "",
    }  # fmt: skip
    question = question_from_dict(stored)
    assert (question.tags, question.format, question.formats) == ((), "markdown", ())
    assert (question.shuffle, question.penalty) == (True, None)
    assert question_to_dict(question) == stored
    assert question_type(question).grade(question, {"choice": 1}).fraction == 1.0
    for example in EXAMPLES:
        data = question_to_dict(example)
        assert not {"tags", "format", "formats", "shuffle", "penalty"} & set(data)
        assert question_from_dict(data) == example


def test_a_matching_distractor_is_offered_never_asked() -> None:
    q = Question(
        id="m",
        type="matching",
        stem="?",
        pairs=(Pair("occiput", "head"), Pair("", "foot"), Pair("sacrum", "pelvis")),
    )
    kind = question_type(q)
    assert kind.grade(q, {"matches": [0, None, 2]}).fraction == 1.0  # the distractor's row
    assert kind.grade(q, {"matches": [1, None, 2]}).fraction == 0.5  # 'foot' for the occiput
    assert kind.grade(q, kind.correct(q)).fraction == 1.0
    assert kind.outline(q)[1] == "(no item) → foot"


def test_a_single_choice_never_scores_below_zero() -> None:
    q = Question(
        id="s", type="single", stem="?", choices=(Choice("a", 100), Choice("b", -50, "No."))
    )
    assert question_type(q).grade(q, {"choice": 1}) == Grade(0.0, ("No.",))


def test_a_question_may_keep_its_choices_in_order() -> None:
    fixed = Question(**{**SINGLE.__dict__, "shuffle": False})
    orders = {
        tuple(question_type(fixed).display_order(fixed, True, random.Random(s))) for s in range(20)
    }
    assert orders == {(0, 1, 2)}
    shuffled = {
        tuple(question_type(SINGLE).display_order(SINGLE, True, random.Random(s)))
        for s in range(20)
    }
    assert len(shuffled) > 1


@pytest.mark.parametrize(
    ("fmt", "text", "block", "inline"),
    [
        ("markdown", "a *b*", "<p>a <em>b</em></p>", "a <em>b</em>"),
        ("html", "a <b>b</b><script>x()</script>", "a <b>b</b>", "a <b>b</b>"),
        ("plain", "a <b>\nc", "<p>a &lt;b&gt;<br>\nc</p>", "a &lt;b&gt;<br>\nc"),
        ("moodle", "a <i>b</i>\nc", '<div class="text-moodle">a <i>b</i><br>\nc</div>',
         "a <i>b</i><br>\nc"),
    ],
)  # fmt: skip
def test_each_text_format_renders_as_moodle_means_it(
    fmt: str, text: str, block: str, inline: str
) -> None:
    from seminar.core.content.quiz_render import render_block, render_inline

    assert render_block(text, fmt).strip() == block
    assert render_inline(text, fmt) == inline


def test_a_question_renders_each_text_in_its_own_format() -> None:
    from seminar.core.content.quiz_render import render_question

    q = Question(
        id="s",
        type="single",
        stem="<b>Which?</b>",
        format="html",
        choices=(Choice("*a*", 100, "<i>yes</i>"), Choice("b <c>")),
        formats=(("choices.0", "markdown"), ("choices.1", "plain")),
    )
    rendered = render_question(q)
    assert rendered["stem"] == "<b>Which?</b>"
    assert rendered["choices"] == ["<em>a</em>", "b &lt;c&gt;"]
    assert rendered["choice_feedback"] == ["<i>yes</i>", ""]
    draft = question_type(q).to_live(q)
    assert draft is not None and draft.stem == "Which?"  # the big screen shows plain text
