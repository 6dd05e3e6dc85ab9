"""Pure tests: Moodle's GIFT format, with the examples of docs.moodle.org/en/GIFT_format."""

from __future__ import annotations

import textwrap

import pytest

from seminar.core.content.gift import parse_gift_quiz
from seminar.core.content.problems import ContentError
from seminar.core.content.quiz_model import Answer, Choice, Pair, Question, Review
from seminar.core.content.quizzes import QuizParse


def gift(text: str, slug: str = "quiz") -> QuizParse:
    return parse_gift_quiz(textwrap.dedent(text).lstrip("\n"), path="q.gift", slug=slug)


def only(text: str) -> Question:
    """The one question of a text, with its derived id (and that id's warning) ignored."""
    questions = gift(text).quiz.questions
    assert len(questions) == 1
    return questions[0]


def problems(text: str, severity: str = "error") -> list[str]:
    with pytest.raises(ContentError) as info:
        gift(text)
    return [f"{p.line}: {p.message}" for p in info.value.problems if p.severity == severity]


def warnings(text: str) -> list[str]:
    return [f"{w.line}: {w.message}" for w in gift(text).warnings]


def assert_problems(found: list[str], expected: list[str]) -> None:
    assert len(found) == len(expected), found
    for want in expected:
        assert any(f.startswith(want) for f in found), (want, found)


def q(kind: str, stem: str, **fields: object) -> Question:
    return Question(id=str(fields.pop("id", "x")), type=kind, stem=stem, **fields)  # type: ignore[arg-type]


# --- the examples of Moodle's documentation, with what Moodle means by them ---------------

DOC_EXAMPLES = [
    pytest.param(
        "Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}",
        q(
            "single",
            "Who's buried in Grant's tomb?",
            choices=(Choice("Grant"), Choice("Jefferson"), Choice("no one", 100)),
        ),
        id="multiple choice",
    ),
    pytest.param(
        "Grant is {~buried =entombed ~living} in Grant's tomb.",
        q(
            "single",
            "Grant is _____ in Grant's tomb.",
            choices=(Choice("buried"), Choice("entombed", 100), Choice("living")),
        ),
        id="missing word",
    ),
    pytest.param(
        """
        The American holiday of Thanksgiving is celebrated on the {
            ~second
            ~third
            =fourth
        } Thursday of November.
        """,
        q(
            "single",
            "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November.",
            choices=(Choice("second"), Choice("third"), Choice("fourth", 100)),
        ),
        id="answers on separate lines",
    ),
    pytest.param(
        """
        Japanese characters originally came from what country? {
            ~India
            =China
            ~Korea
            ~Egypt}
        """,
        q(
            "single",
            "Japanese characters originally came from what country?",
            choices=(Choice("India"), Choice("China", 100), Choice("Korea"), Choice("Egypt")),
        ),
        id="closing brace after the last answer",
    ),
    pytest.param(
        "Who's buried in Grant's tomb?{=Grant =Ulysses S. Grant =Ulysses Grant}",
        q(
            "short",
            "Who's buried in Grant's tomb?",
            answers=(
                Answer(text="Grant"),
                Answer(text="Ulysses S. Grant"),
                Answer(text="Ulysses Grant"),
            ),
        ),
        id="short answer",
    ),
    pytest.param(
        "Two plus two equals {=four =4}.",
        q("short", "Two plus two equals _____.", answers=(Answer(text="four"), Answer(text="4"))),
        id="short answer as missing word",
    ),
    pytest.param(
        "Grant is buried in Grant's tomb.{F}",
        q("true_false", "Grant is buried in Grant's tomb.", answer=False),
        id="false",
    ),
    pytest.param(
        "The sun rises in the east.{T}",
        q("true_false", "The sun rises in the east.", answer=True),
        id="true",
    ),
    pytest.param(
        """
        Match the following countries with their corresponding capitals. {
            =Canada -> Ottawa
            =Italy  -> Rome
            =Japan  -> Tokyo
            =India  -> New Delhi
            ####It's good to know the capitals
        }
        """,
        q(
            "matching",
            "Match the following countries with their corresponding capitals.",
            pairs=(
                Pair("Canada", "Ottawa"),
                Pair("Italy", "Rome"),
                Pair("Japan", "Tokyo"),
                Pair("India", "New Delhi"),
            ),
            feedback="It's good to know the capitals",
        ),
        id="matching with general feedback",
    ),
    pytest.param(
        "When was Ulysses S. Grant born?{#1822:5}",
        q(
            "numeric",
            "When was Ulysses S. Grant born?",
            answers=(Answer(value=1822, tolerance=5),),
        ),
        id="numeric with tolerance",
    ),
    pytest.param(
        "What is the value of pi (to 3 decimal places)? {#3.141..3.142}.",
        q(
            "numeric",
            "What is the value of pi (to 3 decimal places)? _____.",
            answers=(Answer(min=3.141, max=3.142),),
        ),
        id="numeric range",
    ),
    pytest.param(
        """
        When was Ulysses S. Grant born? {#
            =1822:0      # Correct! Full credit.
            =%50%1822:2  # He was born in 1822. Half credit for being close.
        }
        """,
        q(
            "numeric",
            "When was Ulysses S. Grant born?",
            answers=(
                Answer(value=1822, feedback="Correct! Full credit."),
                Answer(
                    value=1822,
                    tolerance=2,
                    weight=50,
                    feedback="He was born in 1822. Half credit for being close.",
                ),
            ),
        ),
        id="numeric with partial credit",
    ),
    pytest.param(
        "Write a short biography of Dag Hammarskjöld. {}",
        q("essay", "Write a short biography of Dag Hammarskjöld."),
        id="essay",
    ),
    pytest.param(
        "You can use your pencil and paper for these next math questions.",
        q("description", "You can use your pencil and paper for these next math questions."),
        id="description",
    ),
    pytest.param(
        """
        What's the answer to this multiple-choice question? {
        ~wrong answer#feedback comment on the wrong answer
        ~another wrong answer#feedback comment on this wrong answer
        =right answer#Very good!}
        """,
        q(
            "single",
            "What's the answer to this multiple-choice question?",
            choices=(
                Choice("wrong answer", 0, "feedback comment on the wrong answer"),
                Choice("another wrong answer", 0, "feedback comment on this wrong answer"),
                Choice("right answer", 100, "Very good!"),
            ),
        ),
        id="feedback per choice",
    ),
    pytest.param(
        """
        Who's buried in Grant's tomb?{
        =no one#excellent answer!
        =nobody#excellent answer too!}
        """,
        q(
            "short",
            "Who's buried in Grant's tomb?",
            answers=(
                Answer(text="no one", feedback="excellent answer!"),
                Answer(text="nobody", feedback="excellent answer too!"),
            ),
        ),
        id="feedback per short answer",
    ),
    pytest.param(
        "Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}",
        q(
            "true_false",
            "Grant is buried in Grant's tomb.",
            answer=False,
            # The first '#' is for the wrong choice: here True.
            feedback_if_true="No one is buried in Grant's tomb.",
        ),
        id="true/false feedback for the wrong choice",
    ),
    pytest.param(
        "Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}",
        q(
            "single",
            "Difficult question.",
            choices=(
                Choice("wrong answer"),
                Choice("half credit answer", 50),
                Choice("full credit answer", 100),
            ),
        ),
        id="percentage weight",
    ),
    pytest.param(
        """
        ::Jesus' hometown::Jesus Christ was from {
            ~Jerusalem#This was an important city, but the wrong answer.
            ~%25%Bethlehem#He was born here, but not raised here.
            ~%50%Galilee#You need to be more specific.
            =Nazareth#Yes! That's right!
        }.
        """,
        q(
            "single",
            "Jesus Christ was from _____.",
            id="jesus-hometown",
            title="Jesus' hometown",
            choices=(
                Choice("Jerusalem", 0, "This was an important city, but the wrong answer."),
                Choice("Bethlehem", 25, "He was born here, but not raised here."),
                Choice("Galilee", 50, "You need to be more specific."),
                Choice("Nazareth", 100, "Yes! That's right!"),
            ),
        ),
        id="title, weights and feedback",
    ),
    pytest.param(
        """
        ::Jesus' hometown:: Jesus Christ was from {
            =Nazareth#Yes! That's right!
            =%75%Nazereth#Right, but misspelled.
            =%25%Bethlehem#He was born here, but not raised here.
        }
        """,
        q(
            "short",
            "Jesus Christ was from",
            id="jesus-hometown",
            title="Jesus' hometown",
            answers=(
                Answer(text="Nazareth", feedback="Yes! That's right!"),
                Answer(text="Nazereth", weight=75, feedback="Right, but misspelled."),
                Answer(
                    text="Bethlehem", weight=25, feedback="He was born here, but not raised here."
                ),
            ),
        ),
        id="weighted short answers",
    ),
    pytest.param(
        """
        What two people are entombed in Grant's tomb? {
           ~%-100%No one
           ~%50%Grant
           ~%50%Grant's wife
           ~%-100%Grant's father
        }
        """,
        q(
            "multiple",
            "What two people are entombed in Grant's tomb?",
            choices=(
                Choice("No one", -100),
                Choice("Grant", 50),
                Choice("Grant's wife", 50),
                Choice("Grant's father", -100),
            ),
        ),
        id="multiple answers",
    ),
    pytest.param(
        """
        Which answer equals 5? {
            ~ \\= 2 + 2
            = \\= 2 + 3
            ~ \\= 2 + 4
        }
        """,
        q(
            "single",
            "Which answer equals 5?",
            choices=(Choice("= 2 + 2"), Choice("= 2 + 3", 100), Choice("= 2 + 4")),
        ),
        id="escaped equals signs",
    ),
    pytest.param(
        """
        ::GIFT Control Characters::
        Which of the following is NOT a control character for the GIFT import format? {
           ~\\~     # \\~ is a control character.
           ~\\=     # \\= is a control character.
           ~\\#     # \\# is a control character.
           ~\\{     # \\{ is a control character.
           ~\\}     # \\} is a control character.
           =\\\\     # Correct! \\\\ (backslash) is not a control character. BUT,
                     it is used to escape the control characters.
        }
        """,
        q(
            "single",
            "Which of the following is NOT a control character for the GIFT import format?",
            id="gift-control-characters",
            title="GIFT Control Characters",
            choices=(
                Choice("~", 0, "~ is a control character."),
                Choice("=", 0, "= is a control character."),
                Choice("#", 0, "# is a control character."),
                Choice("{", 0, "{ is a control character."),
                Choice("}", 0, "} is a control character."),
                Choice(
                    "\\",
                    100,
                    "Correct! \\ (backslash) is not a control character. BUT,\n"
                    "it is used to escape the control characters.",
                ),
            ),
        ),
        id="control characters",
    ),
    pytest.param(
        "::Q1:: 1+1=2 {T}",
        q("true_false", "1+1=2", id="q1", title="Q1", answer=True),
        id="quick example: true/false",
    ),
    pytest.param(
        """
        ::Q2:: What's between orange and green in the spectrum?
        { =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }
        """,
        q(
            "single",
            "What's between orange and green in the spectrum?",
            id="q2",
            title="Q2",
            choices=(
                Choice("yellow", 100, "right; good!"),
                Choice("red", 0, "wrong, it's yellow"),
                Choice("blue", 0, "wrong, it's yellow"),
            ),
        ),
        id="quick example: feedback",
    ),
    pytest.param(
        "::Q3:: Two plus {=two =2} equals four.",
        q(
            "short",
            "Two plus _____ equals four.",
            id="q3",
            title="Q3",
            answers=(Answer(text="two"), Answer(text="2")),
        ),
        id="quick example: fill-in-the-blank",
    ),
    pytest.param(
        "::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }",
        q(
            "matching",
            "Which animal eats which food?",
            id="q4",
            title="Q4",
            pairs=(Pair("cat", "cat food"), Pair("dog", "dog food")),
        ),
        id="quick example: matching",
    ),
    pytest.param(
        "::Q5:: What is a number from 1 to 5? {#3:2}",
        q(
            "numeric",
            "What is a number from 1 to 5?",
            id="q5",
            title="Q5",
            answers=(Answer(value=3, tolerance=2),),
        ),
        id="quick example: math range",
    ),
    pytest.param(
        "::Q6:: What is a number from 1 to 5? {#1..5}",
        q(
            "numeric",
            "What is a number from 1 to 5?",
            id="q6",
            title="Q6",
            answers=(Answer(min=1, max=5),),
        ),
        id="quick example: interval end points",
    ),
    pytest.param(
        "::Q8:: How are you? {}",
        q("essay", "How are you?", id="q8", title="Q8"),
        id="quick example: essay",
    ),
    pytest.param(
        """
        // question: 0  name: Grant's tomb
        ::Grant's tomb::[html]Who is buried in <b>Grant's tomb</b>? {
        =Grant
        ~No one
        #Was true for 12 years
        ~Napoleon
        #He was buried in France
        }
        """,
        q(
            "single",
            "Who is buried in <b>Grant's tomb</b>?",
            id="grant-s-tomb",
            title="Grant's tomb",
            format="html",
            choices=(
                Choice("Grant", 100),
                Choice("No one", 0, "Was true for 12 years"),
                Choice("Napoleon", 0, "He was buried in France"),
            ),
        ),
        id="Moodle export comment, HTML format, feedback on its own line",
    ),
]


@pytest.mark.parametrize(("text", "expected"), DOC_EXAMPLES)
def test_moodle_documentation_examples(text: str, expected: Question) -> None:
    question = only(text)
    assert question == Question(**{**expected.__dict__, "id": question.id})
    if expected.id != "x":
        assert question.id == expected.id


# --- features -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "// a comment\nQuestion? // not a comment\n// between lines\n{T}",
            q("true_false", "Question? // not a comment", answer=True),
            id="comments are whole lines, anywhere",
        ),
        pytest.param(
            "Escapes: \\~ \\= \\# \\{ \\} \\: \\\\ \\n next \\- kept {=a\\nb #c\\: d}",
            q(
                "short",
                "Escapes: ~ = # { } : \\ \n next \\- kept",
                answers=(Answer(text="a\nb", feedback="c: d"),),
            ),
            id="escapes",
        ),
        pytest.param(
            "\\\\n is a backslash and an n {T}",
            q("true_false", "\\n is a backslash and an n", answer=True),
            id="an escaped backslash before n",
        ),
        pytest.param(
            "[markdown]**Bold** {=[plain]a #[html]<i>b</i> ~[moodle]c ####[markdown]*g*}",
            q(
                "single",
                "**Bold**",
                choices=(Choice("a", 100, "<i>b</i>"), Choice("c")),
                feedback="*g*",
                formats=(
                    ("choices.0", "plain"),
                    ("choices.0.feedback", "html"),
                    ("choices.1", "moodle"),
                ),
            ),
            id="format tags everywhere are kept, each text's own",
        ),
        pytest.param(
            "[html]<b>Q</b> {=a #[markdown]*b* ~[html]c ####g}",
            q(
                "single",
                "<b>Q</b>",
                format="html",
                choices=(Choice("a", 100, "*b*"), Choice("c")),
                feedback="g",
                formats=(("choices.0.feedback", "markdown"),),
            ),
            id="untagged texts take the question's format, as in Moodle",
        ),
        pytest.param(
            "M {=[html]a -> [html]b =c -> d}",
            q(
                "matching",
                "M",
                pairs=(Pair("a", "[html]b"), Pair("c", "d")),
                formats=(("pairs.0", "html"),),
            ),
            id="no format tag on a pair's right side, as in Moodle",
        ),
        pytest.param(
            "Sky {T#wrong#right}",
            q(
                "true_false",
                "Sky",
                answer=True,
                feedback_if_true="right",
                feedback_if_false="wrong",
            ),
            id="{T#wrong#right}",
        ),
        pytest.param(
            "Sky {F#wrong#right}",
            q(
                "true_false",
                "Sky",
                answer=False,
                feedback_if_true="wrong",
                feedback_if_false="right",
            ),
            id="{F#wrong#right}",
        ),
        pytest.param(
            "Sky {TRUE##right####general}",
            q("true_false", "Sky", answer=True, feedback_if_true="right", feedback="general"),
            id="only right feedback, and general feedback",
        ),
        pytest.param(
            "The sun {T} in the east.",
            q("true_false", "The sun _____ in the east.", answer=True),
            id="true/false as missing word",
        ),
        pytest.param(
            "How many? {#=5 =%50%4..6#close ~#Count again.}",
            q(
                "numeric",
                "How many?",
                answers=(
                    Answer(value=5),
                    Answer(min=4, max=6, weight=50, feedback="close"),
                    Answer(text="*", weight=0, feedback="Count again."),
                ),
            ),
            id="numeric catch-all",
        ),
        pytest.param(
            "Below zero {#-5..-3 ~ #No.}",
            q(
                "numeric",
                "Below zero",
                answers=(Answer(min=-5, max=-3), Answer(text="*", weight=0, feedback="No.")),
            ),
            id="negative range and spaced catch-all",
        ),
        pytest.param(
            "Which are right? {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}",
            q(
                "multiple",
                "Which are right?",
                choices=(
                    Choice("a", 33.33333),
                    Choice("b", 33.33333),
                    Choice("c", 33.33333),
                    Choice("d", -100),
                ),
            ),
            id="thirds",
        ),
        pytest.param(
            "One right {~%100%a ~b}",
            q("multiple", "One right", choices=(Choice("a", 100), Choice("b"))),
            id="without '=' Moodle makes check boxes, even for one right answer",
        ),
        pytest.param(
            "Two right {=a =b ~c}",
            q("single", "Two right", choices=(Choice("a", 100), Choice("b", 100), Choice("c"))),
            id="'=' makes it single choice, as in Moodle",
        ),
        pytest.param(
            "Arrow {=a -\\> b}",
            q("short", "Arrow", answers=(Answer(text="a -> b"),)),
            id="our \\> escape: '->' in a short answer",
        ),
        pytest.param(
            "Essay {####Model answer.}",
            q("essay", "Essay", feedback="Model answer."),
            id="essay with general feedback",
        ),
        pytest.param(
            "Line one\nline two\n\\nafter a blank {=x}",
            q("short", "Line one\nline two\n\nafter a blank", answers=(Answer(text="x"),)),
            id="multi-line question",
        ),
        pytest.param(
            "    Indented\n        lines {=x}",
            q("short", "Indented\nlines", answers=(Answer(text="x"),)),
            id="lines are trimmed, as in Moodle",
        ),
    ],
)
def test_features(text: str, expected: Question) -> None:
    question = only(text)
    assert question == Question(**{**expected.__dict__, "id": question.id})


def test_categories_apply_until_the_next_one() -> None:
    quiz = gift(
        """
        A {T}

        $CATEGORY: $course$/top/S.O.T.

        B {T}

        // a comment between
        C {T}

        $CATEGORY:

        D {T}
        """
    ).quiz
    assert [x.category for x in quiz.questions] == [
        "",
        "$course$/top/S.O.T.",
        "$course$/top/S.O.T.",
        "",
    ]


def test_quiz_settings_from_leading_comments() -> None:
    quiz = gift(
        """
        // Exported for the weekend seminar.
        // quiz: title: "Category II: weight bearing"
        // quiz: summary: Checks Category II.
        // quiz: pass_mark: 80
        // quiz: time_limit: 12.5
        // quiz: max_attempts: 2
        // quiz: shuffle: true
        // quiz: grading: last
        // quiz: draw: 1
        // quiz: closes: 2025-06-30T18:00:00
        // quiz: review: {score: immediately, answers: after_close, feedback: never}

        A {T}
        """,
        slug="category-two",
    ).quiz
    assert (quiz.title, quiz.summary, quiz.pass_mark, quiz.time_limit) == (
        "Category II: weight bearing",
        "Checks Category II.",
        80,
        12.5,
    )
    assert (quiz.max_attempts, quiz.shuffle, quiz.grading, quiz.draw) == (2, True, "last", 1)
    assert quiz.closes == "2025-06-30T18:00:00"
    assert quiz.review == Review("immediately", "after_close", "never")


def test_title_defaults_to_the_slug() -> None:
    quiz = gift("A {T}", slug="category-system").quiz
    assert (quiz.title, quiz.pass_mark, quiz.review) == ("Category System", 70, Review())


def test_ids_points_and_warnings() -> None:
    parsed = gift(
        """
        // id: first
        // points: 2.5
        A {T}

        ::Same title:: B {T}

        ::Same title:: C {T}

        ::???:: What is this? {T}

        // id: same-title-3
        E {T}
        """
    )
    quiz = parsed.quiz
    assert [x.id for x in quiz.questions] == [
        "first",
        "same-title",
        "same-title-2",
        "what-is-this",
        "same-title-3",
    ]
    assert [x.points for x in quiz.questions] == [2.5, 1, 1, 1, 1]
    # A title gives an id quietly; a clash with an earlier title, or a stem, warns.
    assert [(w.line, w.severity) for w in parsed.warnings] == [(7, "warning"), (9, "warning")]
    assert "same-title-2" in parsed.warnings[0].message


def test_windows_line_endings_and_bom() -> None:
    quiz = parse_gift_quiz("\ufeff// id: a\r\nQ {\r\n=x\r\n}\r\n", path="q.gift", slug="s").quiz
    assert quiz.questions[0].answers == (Answer(text="x"),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("// id: a\nQ {=a=b}", ["2: '=' straight after text starts a new answer"]),
        ("// id: a\nQ {~a ~b~c =d}", ["2: '~' straight after text starts a new answer"]),
        ("// id: a\n[HTML]Q {T}", ["2: '[HTML]' is kept as text"]),
        ("// id: lost\n\nQ {T}", ["1: '// id:' belongs to no question", "3: no id"]),
        ("// points: 2\n$CATEGORY: c\n\n// id: a\nQ {T}", ["1: '// points:' belongs to no"]),
    ],
)
def test_warnings(text: str, expected: list[str]) -> None:
    assert_problems(warnings(text), expected)


# --- every error, at its line -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q {true}", ["1: write {TRUE}: Moodle reads {true} as a short answer 'true'"]),
        ("Q {t#fb}", ["1: write {T}"]),
        ("$CATEGORY: c\nQ {T}", ["2: put a blank line after '$CATEGORY:'"]),
        ("$category: c\n\nQ {T}", ["1: write '$CATEGORY:' in capitals"]),
        ("A\nQ {=a", ["2: '{' is never closed"]),
        ("Q =a}", ["1: '}' without an opening '{'"]),
        ("Q } {=a}", ["1: '}' without an opening '{'"]),
        # A '}' forgotten: named where the answers open, not at the next question's '{'.
        ("Q {=a\n{=b}", ["1: '{' is never closed with '}' before the next '{' (line 2)"]),
        ("::A:: Q {=a ~b\n\n::B:: R {T}", ["1: '{' is never closed with '}': close the answers"]),
        ("Q {=a} then {=b}", ["1: a second '{'"]),
        ("Q {=a} x }", ["1: a second '}'"]),
        ("Q {T} // why", ["1: a '//' comment must start its own line"]),
        ("::Title Q {T}", ["1: the '::title' is not closed"]),
        ("::Title:: {T}", ["1: a question with no stem"]),
        ("Q {\nstray =a\n}", ["2: an answer must start with ="]),
        ("Q {\nstray ~a =b\n}", ["2: an answer must start with ~ or ="]),
        ("Q {=%50%a ~b}", ["1: Moodle ignores a weight after '='"]),
        ("Q {~a =b\n~}", ["2: a choice with no text"]),
        ("Q {~a ~b}", ["1: no choice is right: mark the right answer with '='"]),
        ("Q {~%50%a ~b}", ["1: the right choices' weights add up to 50, not 100"]),
        ("Q {~%50%a ~%30%b ~c}", ["1: the right choices' weights add up to 80, not 100"]),
        ("Q {\n=a\n~%150%b\n}", ["3: weight %150% is outside -100..100"]),
        ("Q {\n=a\n~%x%b\n}", ["3: '%x%' is not a weight"]),
        ("Q {~ =a}", ["1: a choice with no text"]),
        ("Q {=%50%a}", ["1: no answer is worth 100%"]),
        ("Q {=a =%-10%b}", ["1: negative weights are only allowed"]),
        ("Q {=}", ["1: an '=' answer with no text"]),
        ("Q {=a -> b =c}", ["1: every answer of a matching question is '=left -> right'"]),
        ("Q {=a -> b}", ["1: a matching question needs at least two pairs"]),
        ("Q {\n=a -> b\n=a -> c\n}", ["3: 'a' is already matched at line 2"]),
        ("Q {=%50%a -> b =c -> d}", ["1: matching pairs have no weights"]),
        ("Q {=a -> b #no =c -> d}", ["1: matching pairs have no feedback"]),
        ("Q {=a -> b =c -> d =e -> }", ["1: a pair needs a right-hand answer after '->'"]),
        ("Q {= -> b =c -> d}", ["1: a matching question needs at least two pairs"]),
        ("Q {T#a#b#c}", ["1: true/false takes at most '#wrong#right'"]),
        ("Q {#abc}", ["1: 'abc' is not a number (Moodle would silently accept it)"]),
        ("Q {#=*}", ["1: '*' is not a number: write '~#feedback'"]),
        ("Q {#5:-1}", ["1: tolerance -1 is negative"]),
        ("Q {#6..4}", ["1: range 6..4: the minimum is above the maximum"]),
        ("Q {#5 ~no}", ["1: in a numeric question '~' is only for '~#feedback'"]),
        ("Q {#5 ~#no =6}", ["1: the '~#feedback' for other answers must come last"]),
        ("Q {#}", ["1: a numeric question needs at least one number"]),
        ("Q {#=%-5%5 =6}", ["1: negative weights are only allowed"]),
        ("Q {#=%50%5}", ["1: no answer is worth 100%"]),
        ("Q {=a ####one ####two}", ["1: more than one '####'"]),
        (
            "// quiz: title: T\nQ {T}\n\n// quiz: pass_mark: 50\nR {T}",
            ["4: '// quiz:' settings go before"],
        ),
        ("// quiz: title T\n\nQ {T}", ["1: write quiz settings as '// quiz: key: value'"]),
        ("// quiz: title: A\n// quiz: title: B\n\nQ {T}", ["2: 'title' is set twice"]),
        ("// quiz: title: [a\n\nQ {T}", ["1: invalid value for 'title'"]),
        ("// quiz: closes: 2025-13-45\n\nQ {T}", ["1: invalid value for 'closes'"]),
        ("// quiz: colour: red\n\nQ {T}", ["1: unknown key 'colour'"]),
        ("// quiz: pass_mark: 101\n\nQ {T}", ["1: 'pass_mark' must be a number from 0 to 100"]),
        ("// quiz: review: after_close\n\nQ {T}", ["1: 'review: after_close' needs a 'closes'"]),
        ("// quiz: draw: 2\n\nQ {T}\n\nIntro text.", ["1: 'draw: 2' is more than the 1 graded"]),
        ("// id: a b\nQ {T}", ["1: question id 'a b' may only use"]),
        ("// id: a\n// id: b\nQ {T}", ["2: '// id:' is given twice for one question"]),
        ("// id: a\nQ {T}\n\n// id: a\nR {T}", ["4: duplicate question id 'a' (first at line 1)"]),
        ("// points: 0\nQ {T}", ["1: '// points:' must be a number above 0"]),
        ("// points: 2\nIntro text.", ["1: a description has no points"]),
        ("", ["1: the quiz has no questions"]),
        ("// only comments\n\n// quiz: title: T", ["1: the quiz has no questions"]),
    ],
)
def test_errors(text: str, expected: list[str]) -> None:
    assert_problems(problems(text), expected)


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    found = problems("// quiz: pass_mark: 200\n\nQ {true}\n\nR {=a\n\nS {#x}\n")
    assert [f.split(":")[0] for f in found] == ["1", "3", "5", "7"]
    # A question with errors gets no extra warning about its missing id.
    [warning] = problems("Q {true}\n\nR {=a}", severity="warning")
    assert warning.startswith("3: no id: using 'r'")
