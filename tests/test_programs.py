"""Pure tests: lessons/program.yml parsing, its problems with their lines, and references."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from seminar.core.ce import Approval, Delivery, SubjectHours
from seminar.core.content.problems import ContentError, Problem
from seminar.core.content.programs import (
    ParsedPrograms,
    Program,
    QuizRequirement,
    check_program_references,
    parse_programs,
    parse_programs_with_lines,
    program_from_dict,
    program_to_dict,
)
from seminar.core.levels import Admission, Maintenance
from seminar.core.rubric import ExamSpec, RubricItem

REPO = Path(__file__).resolve().parent.parent
PATH = "lessons/program.yml"

# C.M.R.T., cranial, extremities and the safety module, in course order.
ADVANCED_LESSONS = (
    "occipital-and-trapezius-fibers",
    "cmrt-history-and-reflexes",
    "cmrt-in-the-whole-visit",
    "the-csrm-as-taught",
    "introductory-cranial-topics",
    "jaw-and-dental-co-treatment",
    "csf-sleep-and-adult-sutures",
    "talking-about-cranial-care",
    "extremity-pattern",
    "extremity-screening",
    "infants-and-children",
    "concussion",
    "pregnancy",
    "older-adults",
)


# The introductory course's practical exam (its rubric is the former sign-off checklist).
SHIPPED_EXAM = ExamSpec(
    rubric=(
        RubricItem("Case history and screening for red flags", 2, critical=True),
        RubricItem("Category assessment with the indicators, as taught", 3),
        RubricItem("Patient set-up and comfort, with consent", 2, critical=True),
        RubricItem("Re-check of indicators after the procedure", 2),
        RubricItem("A clear, attributed explanation to the patient", 1),
    ),
    title="Practical examination",
    minutes=45,
    pass_percent=75,
    examiners=2,
    tolerance=15,
)


def yml(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def problems_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(ContentError) as info:
        parse_programs(yml(text), path=PATH)
    return [(p.line, p.message) for p in info.value.problems]


def test_the_shipped_program_file_parses() -> None:
    text = (REPO / "lessons" / "program.yml").read_text(encoding="utf-8")
    parsed = parse_programs_with_lines(text, path=PATH)
    assert parsed == ParsedPrograms(
        programs=(
            Program(
                slug="sot-basic",
                title="Introductory seminar course in S.O.T. concepts",
                credential="Certificate of Completion: Introductory seminar course in S.O.T. "
                "concepts",
                lessons=None,
                quizzes=(
                    QuizRequirement("foundations"),
                    QuizRequirement("category-system", 80),
                    QuizRequirement("category-one"),
                    QuizRequirement("category-two"),
                    QuizRequirement("category-three-and-triage"),
                ),
                attendance_hours=12,
                practical=True,
                evaluation=True,
                table_instructor_after=("sot-advanced",),
                exam=SHIPPED_EXAM,
            ),
            Program(
                slug="sot-advanced",
                title="Advanced seminar course in S.O.T. concepts",
                credential="Certificate of Completion: Advanced seminar course in S.O.T. concepts",
                lessons=ADVANCED_LESSONS,
                quizzes=(
                    QuizRequirement("occipital-fibers-and-cmrt"),
                    QuizRequirement("cranial-concepts"),
                    QuizRequirement("extremity-technique"),
                    QuizRequirement("patient-groups-and-safety", 80),
                ),
                attendance_hours=9,
                practical=True,
                evaluation=True,
                admission=Admission(records=("sot-basic",)),
                validity_months=36,
                maintain=Maintenance(attended_hours=12, taught_hours=8),
            ),
        ),
        lines={"sot-basic": 19, "sot-advanced": 64},
    )
    assert parse_programs(text, path=PATH) == parsed.programs


def test_the_shipped_programs_require_only_shipped_content() -> None:
    from seminar.core.content.lessons import scan_lessons
    from seminar.core.content.quizzes import scan_quizzes

    lessons = scan_lessons(REPO / "lessons")
    quizzes = scan_quizzes(REPO / "quizzes")
    lesson_slugs = {lesson.slug for lesson in lessons.lessons}
    quiz_slugs = {quiz.slug for quiz in quizzes.quizzes}
    parsed = parse_programs_with_lines(
        (REPO / "lessons" / "program.yml").read_text(encoding="utf-8"), path=PATH
    )
    for program in parsed.programs:
        line = parsed.lines[program.slug]
        assert (
            check_program_references(
                program, lesson_slugs=lesson_slugs, quiz_slugs=quiz_slugs, path=PATH, line=line
            )
            == []
        )
    # The Advanced program is every lesson of its four modules, in course order.
    modules = {"occipital-fibers-and-cmrt", "cranial-concepts", "extremity-technique",
               "patient-groups-and-safety"}  # fmt: skip
    in_modules = tuple(lsn.slug for lsn in lessons.lessons if lsn.module_slug in modules)
    assert in_modules == ADVANCED_LESSONS


def test_the_advanced_program_never_says_certified_or_certification() -> None:
    """A Certificate of Completion is not a certification: the Advanced program's block (its
    comments included) never uses either word."""
    text = (REPO / "lessons" / "program.yml").read_text(encoding="utf-8")
    block = text[text.index("# The advanced course") :]
    assert "sot-advanced" in block
    assert "certified" not in block.lower() and "certification" not in block.lower()


def test_the_program_file_says_where_ce_hours_come_from() -> None:
    """The declared CE hours are honest: they come from attended sessions, not reading time."""
    comments = " ".join(
        line.strip().lstrip("#").strip()
        for line in (REPO / "lessons" / "program.yml").read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("#")
    )
    assert "a CE attendance certificate credits the hours each student attended" in comments
    assert "Reading the lessons and passing the quizzes earn no CE hours" in comments


def test_every_key_and_file_order() -> None:
    text = yml(
        """
        programs:
          - slug: advanced
            title: S.O.T. Advanced
            credential: Certificate of Completion, S.O.T. Advanced
            ce:
              delivery: online
              evaluation: optional
              approvals:
                - jurisdiction: FL
                  number: 20-123456
                  hours: {General: 10, Laws and rules: 2}
                - {jurisdiction: PACE, number: "0042"}
            validity_months: 36
            recertify_months: 24
            requires:
              lessons: [category-one, category-two]
              quizzes:
                - category-one: 90
                - category-two: 72.5
              attendance_hours: 0.5
              practical: false
          - slug: basic
            title: Basic
            credential: Record of Completion
        """
    )
    parsed = parse_programs_with_lines(text, path=PATH)
    assert parsed.programs == (
        Program(
            slug="advanced",
            title="S.O.T. Advanced",
            credential="Certificate of Completion, S.O.T. Advanced",
            lessons=("category-one", "category-two"),
            quizzes=(QuizRequirement("category-one", 90), QuizRequirement("category-two", 72.5)),
            attendance_hours=0.5,
            practical=False,
            validity_months=36,
            recertify_months=24,
            delivery=Delivery.ONLINE,
            evaluation=False,
            approvals=(
                Approval(
                    "FL",
                    "20-123456",
                    (SubjectHours("General", 10), SubjectHours("Laws and rules", 2)),
                ),
                Approval("PACE", "0042"),
            ),
        ),
        # No `requires:`: the Program defaults, so every live lesson and nothing else.
        Program(slug="basic", title="Basic", credential="Record of Completion"),
    )
    assert parsed.lines == {"advanced": 2, "basic": 22}
    # Stored with each program version and read back, the program is the same.
    assert program_from_dict(program_to_dict(parsed.programs[0])) == parsed.programs[0]


@pytest.mark.parametrize(
    ("requires", "expected"),
    [
        ("lessons: all", None),
        ("lessons: 'all'", None),
        ("lessons: []", ()),
        ("lessons: [b, a]", ("b", "a")),
        ("quizzes: []", ()),
        ("attendance_hours: 0", 0),
        ("practical: yes", True),
        ("practical: off", False),
    ],
)
def test_requirement_values(requires: str, expected: object) -> None:
    key = requires.split(":")[0]
    text = "programs:\n  - slug: p\n    title: T\n    credential: C\n    requires:\n"
    text += f"      {requires}\n"
    (program,) = parse_programs(text, path=PATH)
    assert getattr(program, key) == expected


def test_a_file_with_no_programs() -> None:
    assert parse_programs("# none yet\nprograms: []\n", path=PATH) == ()


def test_text_is_kept_as_written_on_one_line() -> None:
    text = yml(
        """
        programs:
          - slug: "2025"
            title: 2025
            credential: >
              Certificate of Completion,
              Year 2025
        """
    )
    (program,) = parse_programs(text, path=PATH)
    assert (program.slug, program.title) == ("2025", "2025")
    assert program.credential == "Certificate of Completion, Year 2025"


# Each case: the file, then every (line, message fragment) expected, in line order.
ERROR_CASES = [
    pytest.param("", [(1, "the file is empty")], id="empty file"),
    pytest.param("# only a comment\n", [(1, "the file is empty")], id="only comments"),
    pytest.param("- slug: a\n", [(1, "must be a mapping with the key 'programs:'")], id="list"),
    pytest.param(
        "other: 1\n",
        [(1, "unknown key 'other' in the file"), (1, "'programs' is required")],
        id="no programs key",
    ),
    pytest.param(
        "# one\n# two\nprograms:\n",
        [(3, "'programs' must be a list")],
        id="programs without a list",
    ),
    pytest.param(
        "programs: []\nprograms: []\n",
        [(2, "duplicate key 'programs' in the file (first at line 1)")],
        id="programs twice",
    ),
    pytest.param(
        "programs:\n  - just-a-slug\n  -\n",
        [(2, "each program must be a mapping"), (3, "each program must be a mapping")],
        id="items not mappings",
    ),
    pytest.param(
        """
        programs:
          - title: T
            credential: C
        """,
        [(2, "'slug' is required")],
        id="slug missing",
    ),
    pytest.param(
        """
        programs:
          - slug: SOT_Basic
            title: T
            credential: C
        """,
        [(2, "'slug' must be lowercase words joined by hyphens")],
        id="slug not lowercase-hyphenated",
    ),
    pytest.param(
        """
        programs:
          - slug: [a]
            title: T
            credential: C
        """,
        [(2, "'slug' must be lowercase words")],
        id="slug a list",
    ),
    pytest.param(
        """
        programs:
          - slug: a
        """,
        [(2, "'title' is required"), (2, "'credential' is required")],
        id="title and credential missing",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title:
            credential: "  "
        """,
        [(3, "'title' must not be empty"), (4, "'credential' must not be empty")],
        id="title and credential empty",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: true
            credential: [C]
        """,
        [(3, "'title' must be text"), (4, "'credential' must be text")],
        id="title and credential not text",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T

            credential: Certified S.O.T. Practitioner
        """,
        [(5, "'credential' must not say 'Certified'")],
        id="credential says Certified",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            credential: C
            ce_hours: 16
            validity_months: 0
            recertify_months: 12.5
        """,
        [
            (5, "'ce_hours' is no longer used: CE hours are credited from attendance"),
            (6, "'validity_months' must be a whole number of months from 1 to 1200"),
            (7, "'recertify_months' must be a whole number of months from 1 to 1200"),
        ],
        id="numbers out of range",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            credential: C
            ce: {delivery: by post, evaluation: maybe}
            validity_months: 1201
            recertify_months: true
        """,
        [
            (5, "'delivery' must be one of: in person, online"),
            (5, "'evaluation' must be one of: required, optional"),
            (6, "'validity_months' must be a whole number"),
            (7, "'recertify_months' must be a whole number"),
        ],
        id="numbers of the wrong type",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            credential: C
            ce:
              approvals:
                - {jurisdiction: FL, number: 20-1, hours: {General: .nan}}
                - {jurisdiction: fl, number: 20-2}
                - {number: 20-3}
                - FL 20-4
              stray: 1
            validity_months: !!int twelve
        """,
        [
            (7, "each subject category needs its hours, above 0"),
            (8, "jurisdiction 'fl' has two approvals"),
            (9, "an approval needs a 'jurisdiction' and a course 'number'"),
            (10, "an approval is a mapping"),
            (11, "unknown key 'stray' in 'ce'"),
            (12, "'validity_months' must be a whole number"),
        ],
        id="not finite and not buildable",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            credential: C
            hours: 16
            requires:
              lessons: all
              exam: true
        """,
        [(5, "unknown key 'hours' in a program"), (8, "unknown key 'exam' in 'requires'")],
        id="unknown keys",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            title: U
            credential: C
        """,
        [(4, "duplicate key 'title' in a program (first at line 3)")],
        id="key repeated in a program",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            credential: C
          - slug: b
            title: T
            credential: C
          - slug: a
            title: T2
            credential: C2
        """,
        [(8, "duplicate program slug 'a' (first at line 2)")],
        id="program slug repeated",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            credential: C
            requires: all
        """,
        [(5, "'requires' must be a mapping")],
        id="requires not a mapping",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            credential: C
            requires:
              lessons: every
        """,
        [(6, "'lessons' must be 'all' or a list of lesson slugs")],
        id="lessons neither all nor a list",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            credential: C
            requires:
              lessons:
        """,
        [(6, "'lessons' must be 'all' or a list")],
        id="lessons empty",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            credential: C
            requires:
              lessons:
                - sacrum
                - Bad Slug
                - {x: 1}
                - occiput
                - sacrum
        """,
        [
            (8, "each lesson must be a lesson slug"),
            (9, "each lesson must be a lesson slug"),
            (11, "lesson 'sacrum' is listed twice (first at line 7)"),
        ],
        id="lesson items",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            credential: C
            requires:
              quizzes: foundations
        """,
        [(6, "'quizzes' must be a list of quiz slugs")],
        id="quizzes not a list",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            credential: C
            requires:
              quizzes:
                - foundations
                - Not A Slug
                - category-system: 0
                - category-one: 100.5
                - category-two: high
                - category-three:
                - {one: 80, two: 90}
                - [nested]
                - foundations: 90
        """,
        [
            (8, "each quiz must be a quiz slug"),
            (9, "the pass mark of quiz 'category-system' must be a number above 0, up to 100"),
            (10, "the pass mark of quiz 'category-one' must be"),
            (11, "the pass mark of quiz 'category-two' must be"),
            (12, "the pass mark of quiz 'category-three' must be"),
            (13, "a quiz with its own pass mark is written '- category-system: 85'"),
            (14, "a quiz with its own pass mark is written"),
            (15, "quiz 'foundations' is listed twice (first at line 7)"),
        ],
        id="quiz items",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            credential: C
            requires:
              quizzes:
                - Bad Slug: 80
        """,
        [(7, "each quiz must be a quiz slug")],
        id="quiz mapping with a bad slug",
    ),
    pytest.param(
        """
        programs:
          - slug: a
            title: T
            credential: C
            requires:
              attendance_hours: -0.5
              practical: maybe
        """,
        [
            (6, "'attendance_hours' must be a number of 0 or more"),
            (7, "'practical' must be true or false"),
        ],
        id="attendance and practical",
    ),
    pytest.param(
        """
        programs:
          - slug: Bad
            title:
            credential: Certified
            ce_hours: -1
            requires:
              lessons: nope
        """,
        [
            (2, "'slug' must be lowercase"),
            (3, "'title' must not be empty"),
            (4, "must not say 'Certified'"),
            (5, "'ce_hours' is no longer used"),
            (7, "'lessons' must be 'all' or a list"),
        ],
        id="every problem of a program with a bad slug is still reported",
    ),
    # Invalid YAML: one problem, at the line to fix.
    pytest.param(
        "programs:\n  - slug: a: b\n",
        [(2, "invalid YAML: mapping values are not allowed here")],
        id="yaml mapping value",
    ),
    pytest.param(
        "programs:\n  - slug: a\n    title: [T\n    credential: C\n",
        [(3, "invalid YAML: expected ',' or ']'")],
        id="yaml unclosed bracket points at the bracket",
    ),
    pytest.param(
        'programs:\n  - slug: a\n    title: "T\n',
        [(3, "invalid YAML: found unexpected end of stream")],
        id="yaml unclosed quote points at the quote",
    ),
    pytest.param(
        "programs:\n  - slug: a\n  title: T\n - x\n",
        [(3, "invalid YAML: expected <block end>, but found '?'")],
        id="yaml bad indent",
    ),
    pytest.param(
        "programs:\n  - slug: a\n\ttitle: T\n",
        [(3, "invalid YAML: found character '\\t' that cannot start any token")],
        id="yaml tab",
    ),
    pytest.param(
        "programs: []\n---\nprograms: []\n",
        [(2, "invalid YAML: but found another document")],
        id="yaml two documents",
    ),
    pytest.param(
        "programs:\n  - slug: a\n    title: \x07\n",
        [(3, "invalid YAML: special characters are not allowed")],
        id="yaml control character",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ERROR_CASES)
def test_problems_and_their_lines(text: str, expected: list[tuple[int, str]]) -> None:
    problems = problems_of(text)
    assert [line for line, _ in problems] == [line for line, _ in expected], problems
    for (_, message), (_, fragment) in zip(problems, expected, strict=True):
        assert fragment in message


@pytest.mark.parametrize(
    "credential",
    [
        "Certified S.O.T. Practitioner",
        "S.O.T. certified chiropractor",
        "SOT CERTIFIED",
        "Board-Certified in S.O.T.",
        "Certificate of Completion (Certified)",
    ],
)
def test_a_credential_never_says_certified(credential: str) -> None:
    text = f"programs:\n  - slug: a\n    title: T\n    credential: {credential}\n"
    word = next(
        w.strip("()") for w in credential.replace("-", " ").split() if "certified" in w.lower()
    )
    assert problems_of(text) == [
        (
            4,
            f"'credential' must not say '{word}': a completion record is a Certificate of "
            "Completion of this platform's program, not a certification",
        )
    ]


@pytest.mark.parametrize(
    ("title", "word"),
    [
        ("S.O.T. Basic Certification", "Certification"),
        ("Certified practitioner course", "Certified"),
        ("A course to certify you", "certify"),
    ],
)
def test_a_program_title_never_speaks_of_certifying(title: str, word: str) -> None:
    # The title is printed on the record too ("has met every requirement of the <title>").
    text = f"programs:\n  - slug: a\n    title: {title}\n    credential: Record\n"
    assert problems_of(text) == [
        (
            3,
            f"'title' must not say '{word}': a completion record is a Certificate of "
            "Completion of this platform's program, not a certification",
        )
    ]


@pytest.mark.parametrize(
    "credential",
    [
        "Certificate of Completion, S.O.T. Basic",
        "Record of Completion",
        "Certificates of Attendance",
    ],
)
def test_credentials_without_the_word_are_fine(credential: str) -> None:
    text = "programs:\n  - slug: a\n    title: A course\n"
    text += f"    credential: {credential}\n"
    (program,) = parse_programs(text, path=PATH)
    assert program.credential == credential


def test_problems_print_as_path_line_message() -> None:
    with pytest.raises(ContentError) as info:
        parse_programs("programs:\n  - slug: a\n    title: T\n", path=PATH)
    assert str(info.value) == "lessons/program.yml:2: 'credential' is required"


REFERENCES = Program(
    slug="p",
    title="T",
    credential="C",
    lessons=("sacrum", "ghost-lesson"),
    quizzes=(QuizRequirement("foundations"), QuizRequirement("ghost-quiz", 90)),
)


@pytest.mark.parametrize(
    ("program", "lessons", "quizzes", "expected"),
    [
        pytest.param(
            REFERENCES,
            {"sacrum", "ghost-lesson"},
            {"foundations", "ghost-quiz"},
            [],
            id="all exist",
        ),
        pytest.param(
            REFERENCES,
            {"sacrum"},
            {"foundations"},
            [
                "program 'p' requires lesson 'ghost-lesson', which does not exist",
                "program 'p' requires quiz 'ghost-quiz', which does not exist",
            ],
            id="one of each missing",
        ),
        pytest.param(
            Program(slug="p", title="T", credential="C"), set(), set(), [], id="all lessons"
        ),
    ],
)
def test_check_program_references(
    program: Program, lessons: set[str], quizzes: set[str], expected: list[str]
) -> None:
    problems = check_program_references(
        program, lesson_slugs=lessons, quiz_slugs=quizzes, path=PATH, line=7
    )
    assert problems == [Problem(PATH, 7, message, "error") for message in expected]
