"""The words of a record and its credential (core/record_wording.py), as tables: no app, no
database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from seminar.core.ce import Approval, SubjectHours
from seminar.core.certification import RequirementStatus, State
from seminar.core.content.programs import Program, QuizRequirement
from seminar.core.credentials import Achievement, Issuer
from seminar.core.record_wording import (
    CertificateWords,
    PublicAccount,
    RecordKind,
    achievement,
    add_months,
    attendance_requirements,
    certificate_words,
    licence,
    narrative,
    program_criteria,
    public_account,
    requirement_evidence,
    title,
)

COMPLETION, ATTENDANCE = RecordKind.COMPLETION, RecordKind.ATTENDANCE
ISSUER = Issuer(id="https://sot.example/issuer", name="S.O.T. Seminar", url="https://sot.example")
BASIC = Program(
    slug="basic",
    title="Basic program",
    credential="Certificate of Completion, Basic",
    quizzes=(QuizRequirement("check", 60),),
    attendance_hours=2,
    practical=True,
)


@dataclass(frozen=True)
class Issued:
    """A stand-in for an issued record: only what the wording reads."""

    kind: RecordKind
    title: str = ""
    hours: float = 0.0
    override_reason: str | None = None
    session_id: int | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    issued_at: datetime = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "label"),
    [(COMPLETION, "Certificate of Completion"), (ATTENDANCE, "CE attendance certificate")],
)
def test_kind_labels(kind: RecordKind, label: str) -> None:
    assert kind.label == label


@pytest.mark.parametrize(
    ("kind", "place", "expected"),
    [
        (COMPLETION, "Spring cohort", "Certificate of Completion, Basic"),
        (ATTENDANCE, "Weekend seminar, day 2", "CE attendance: Weekend seminar, day 2"),
        (ATTENDANCE, "Spring cohort", "CE attendance: Spring cohort"),
    ],
)
def test_titles(kind: RecordKind, place: str, expected: str) -> None:
    assert title(kind, credential=BASIC.credential, place=place) == expected


@pytest.mark.parametrize(
    ("number", "state", "expected"),
    [
        ("DC-1234", "CA", "DC-1234 (CA)"),
        ("DC-1234", "", "DC-1234"),
        ("DC-1234", None, "DC-1234"),
        ("", "CA", ""),  # a place without a number says nothing
        (None, None, ""),
    ],
)
def test_licences(number: str | None, state: str | None, expected: str) -> None:
    assert licence(number, state) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 15), 0, date(2026, 3, 15)),
        (date(2026, 3, 15), 24, date(2028, 3, 15)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),  # over the year's end
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # a leap year
        (date(2026, 12, 31), 14, date(2028, 2, 29)),
        (date(2026, 5, 31), 1, date(2026, 6, 30)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        (
            BASIC,
            "Complete every lesson of the course. Pass the quiz 'check' with at least 60%. "
            "Attend at least 2 hours of seminar sessions in person, presence verified at "
            "check-in and check-out. Have practical skills assessed and signed off by an "
            "instructor.",
        ),
        (
            Program(
                slug="short",
                title="Short",
                credential="C",
                lessons=("a", "b"),
                quizzes=(QuizRequirement("one"), QuizRequirement("two", 72.5)),
            ),
            "Complete the program's 2 lessons. Pass the quiz 'one' at its pass mark. "
            "Pass the quiz 'two' with at least 72.5%.",
        ),
        (
            Program(slug="hours", title="Hours", credential="C", lessons=(), attendance_hours=7.5),
            "Attend at least 7.5 hours of seminar sessions in person, presence verified at "
            "check-in and check-out.",
        ),
        (Program(slug="none", title="None", credential="C", lessons=()), ""),
    ],
)
def test_program_criteria(program: Program, expected: str) -> None:
    assert program_criteria(program) == expected


def status(kind: str, key: str, state: State, detail: str) -> RequirementStatus:
    label = {"lessons": "Lessons", "quiz": f"Quiz: {key}", "attendance": "Attendance hours"}
    return RequirementStatus(
        kind, key, label.get(kind, "Practical assessment"), state, 0, detail, ""
    )


DONE, NOT_YET = State.DONE, State.IN_PROGRESS


@pytest.mark.parametrize(
    ("requirement", "public"),
    [
        (
            status("lessons", "lessons", DONE, "27 of 27 lessons"),
            "Lessons: 27 of 27 lessons completed",
        ),
        (
            status("lessons", "lessons", NOT_YET, "1 of 27 lessons"),
            "Lessons: 1 of 27 lessons completed",
        ),
        (status("quiz", "check", DONE, "Passed with 92%"), "Quiz 'The check': passed"),
        (status("quiz", "other", NOT_YET, "Grade 40% (needs 60%)"), "Quiz 'other': not passed"),
        (
            status("attendance", "attendance", DONE, "3 of 2 hours"),
            "Seminar attendance: at least 2 hours present in person",
        ),
        (
            status("attendance", "attendance", NOT_YET, "0 of 2 hours"),
            "Seminar attendance: 0 of 2 hours present in person",
        ),
        (
            status("practical", "practical", DONE, "Passed"),
            "Practical skills: signed off by an instructor",
        ),
        (status("practical", "practical", NOT_YET, "Assessed"), "Practical skills: not signed off"),
    ],
)
def test_requirements_in_public_words_never_carry_a_grade(
    requirement: RequirementStatus, public: str
) -> None:
    frozen = requirement_evidence(requirement, BASIC, {"check": "The check"})
    assert frozen["public"] == public and "%" not in frozen["public"]
    assert frozen["detail"] == requirement.detail and frozen["met"] is (requirement.state is DONE)


MET = [
    {"label": "Lessons", "met": True, "public": "Lessons: 3 of 3 lessons completed"},
    {"label": "Quiz: check", "met": True, "public": "Quiz 'Check': passed"},
]
UNMET = [
    {"label": "Lessons", "met": True, "public": "Lessons: 1 of 3 lessons completed"},
    {"label": "Quiz: check", "met": False, "public": "Quiz 'Check': not passed"},
]
PROGRAM_V2 = {"slug": "basic", "title": "Basic program", "version": 2}
EARNED = Issued(
    COMPLETION,
    evidence={
        "program": PROGRAM_V2,
        "requirements": MET,
        "eligible": True,
        "reading": {"seconds": 4000},
        "quizzes": [{"title": "Check", "passed_on": "2026-03-14", "score": 92}],
    },
)
WAIVED = Issued(
    COMPLETION,
    override_reason="Hospitalised; note on file",
    evidence={
        "program": PROGRAM_V2,
        "requirements": UNMET,
        "eligible": False,
        "issuer": "Seminar Org",
        "issued_on": "2026-03-21",
    },
)
# Issued with a reason only because an earlier record was revoked: everything was met.
REISSUED = Issued(
    COMPLETION,
    override_reason="Revoked in error",
    evidence={"program": PROGRAM_V2, "requirements": MET, "eligible": True},
)
APPROVALS = [
    Approval("FL", "20-123456", (SubjectHours("General", 2), SubjectHours("Laws", 1))).to_dict()
]
CE_TERMS = {
    "provider": {"name": "Seminar Org", "numbers": [{"jurisdiction": "FL", "number": "50-1"}]},
    "delivery": "Live, in person",
    "approvals": APPROVALS,
}
ATTENDED = Issued(
    ATTENDANCE,
    title="CE attendance: Day 1",
    hours=3,
    session_id=7,
    evidence={
        "sessions": [{"title": "Day 1", "date": "2026-03-14", "hours": 3.0, "offered": 3}],
        "requirements": attendance_requirements(3, None),
        "eligible": True,
        "ce": CE_TERMS,
    },
)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            EARNED,
            PublicAccount(
                summary="Every requirement of the Basic program (requirements version 2) was met.",
                exception="",
                met=("Lessons: 3 of 3 lessons completed", "Quiz 'Check': passed"),
                not_met=(),
                details=(
                    "Active reading time recorded: 1 h 06 min.",
                    "Quizzes passed: Check (14 March 2026).",
                ),
            ),
        ),
        (
            WAIVED,
            PublicAccount(
                summary="Issued by decision of Seminar Org on 21 March 2026; not every "
                "requirement was met.",
                exception="Issued by decision of Seminar Org on 21 March 2026; not every "
                "requirement was met.",
                met=("Lessons: 1 of 3 lessons completed",),
                not_met=("Quiz 'Check': not passed",),
                details=(),
            ),
        ),
        (
            REISSUED,
            PublicAccount(
                summary="Every requirement of the Basic program (requirements version 2) was met.",
                exception="",
                met=("Lessons: 3 of 3 lessons completed", "Quiz 'Check': passed"),
                not_met=(),
                details=(),
            ),
        ),
        (
            # An override from before the decision was frozen: the issuer's name now, the
            # day it was issued.
            Issued(COMPLETION, override_reason="Privately known", evidence={"eligible": False}),
            PublicAccount(
                summary="Issued by decision of S.O.T. Seminar on 20 March 2026; not every "
                "requirement was met.",
                exception="Issued by decision of S.O.T. Seminar on 20 March 2026; not every "
                "requirement was met.",
                met=(),
                not_met=(),
                details=(),
            ),
        ),
        (
            ATTENDED,
            PublicAccount(
                summary="Attended in person for 3 hours of CE, presence verified at check-in "
                "and check-out.",
                exception="",
                met=(
                    "Attendance: 3 hours present in person, presence verified at check-in "
                    "and check-out",
                ),
                not_met=(),
                details=(
                    "Sessions attended: Day 1, 14 March 2026: 3 h.",
                    "Delivery: Live, in person.",
                    "CE provider: Seminar Org (FL provider 50-1).",
                    "Course approvals: FL course 20-123456 (General 2 h, Laws 1 h).",
                ),
            ),
        ),
        (
            Issued(
                ATTENDANCE,
                hours=3,
                override_reason="Evaluation form lost",
                evidence={
                    "requirements": attendance_requirements(3, False),
                    "eligible": False,
                    "issuer": "Seminar Org",
                    "issued_on": "2026-04-01",
                },
            ),
            PublicAccount(
                summary="Issued by decision of Seminar Org on 1 April 2026; not every "
                "requirement was met.",
                exception="Issued by decision of Seminar Org on 1 April 2026; not every "
                "requirement was met.",
                met=(
                    "Attendance: 3 hours present in person, presence verified at check-in "
                    "and check-out",
                ),
                not_met=("Course evaluation: not submitted",),
                details=(),
            ),
        ),
    ],
)
def test_the_public_account_says_what_was_met_and_never_the_reason(
    record: Issued, expected: PublicAccount
) -> None:
    account = public_account(record, issuer_name="S.O.T. Seminar")
    assert account == expected
    assert record.override_reason is None or record.override_reason not in str(account)


def test_narratives_are_the_public_account_in_a_paragraph() -> None:
    assert narrative(WAIVED, issuer_name="S.O.T. Seminar") == (
        "Issued by decision of Seminar Org on 21 March 2026; not every requirement was met. "
        "Met: Lessons: 1 of 3 lessons completed. Not met: Quiz 'Check': not passed. "
        "The issuer holds the evidence."
    )
    assert narrative(EARNED, issuer_name="S.O.T. Seminar") == (
        "Every requirement of the Basic program (requirements version 2) was met. "
        "Met: Lessons: 3 of 3 lessons completed; Quiz 'Check': passed. "
        "Active reading time recorded: 1 h 06 min. Quizzes passed: Check (14 March 2026). "
        "The issuer holds the evidence."
    )


CE_CRITERIA = (
    "Attend in person; presence is verified at check-in and check-out and hours are credited "
    "for the time present within each session."
)


@pytest.mark.parametrize(
    ("record", "program", "expected"),
    [
        (
            Issued(COMPLETION, evidence={"program": {"slug": "basic", "version": 3}}),
            BASIC,
            Achievement(
                id="https://sot.example/issuer#program-basic-v3",
                name="Certificate of Completion, Basic",
                description="Basic program, a course of S.O.T. Seminar (requirements version "
                "3). The criteria say what it asks; each credential's evidence says what its "
                "holder met.",
                criteria=program_criteria(BASIC),
                hours=0.0,  # never CE hours on a completion record
                image="https://sot.example/badges/completion.svg",
            ),
        ),
        (
            ATTENDED,
            None,
            Achievement(
                id="https://sot.example/issuer#ce-session-7",
                name="CE attendance: Day 1",
                description="Continuing-education hours attended at Day 1 (live, in person), "
                "taught by S.O.T. Seminar.",
                criteria=CE_CRITERIA,
                hours=3.0,
                image="https://sot.example/badges/completion.svg",
                approvals=(Approval.from_dict(APPROVALS[0]),),
            ),
        ),
        (
            Issued(
                ATTENDANCE,
                title="CE attendance: Spring cohort",
                evidence={"cohort": {"slug": "spring", "title": "Spring cohort"}},
            ),
            None,
            Achievement(
                id="https://sot.example/issuer#ce-cohort-spring",
                name="CE attendance: Spring cohort",
                description="Continuing-education hours attended at Spring cohort, taught by "
                "S.O.T. Seminar.",
                criteria=CE_CRITERIA,
                hours=0.0,
                image="https://sot.example/badges/completion.svg",
            ),
        ),
    ],
)
def test_achievements(record: Issued, program: Program | None, expected: Achievement) -> None:
    image = "https://sot.example/badges/completion.svg"
    assert achievement(record, ISSUER, program, image=image) == expected


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            EARNED,
            CertificateWords(
                "Certificate of Completion",
                "has met every requirement of the Basic program (requirements version 2):",
                "",
                (
                    "Requirements met: Lessons: 3 of 3 lessons completed; Quiz 'Check': passed.",
                    "Active reading time recorded: 1 h 06 min.",
                    "Quizzes passed: Check (14 March 2026).",
                ),
            ),
        ),
        (
            WAIVED,
            CertificateWords(
                "Certificate of Completion",
                "was issued this record for the Basic program (requirements version 2):",
                "Issued by decision of Seminar Org on 21 March 2026; not every requirement "
                "was met.",
                (
                    "Requirements met: Lessons: 1 of 3 lessons completed.",
                    "Not met: Quiz 'Check': not passed.",
                ),
            ),
        ),
        (
            ATTENDED,
            CertificateWords(
                "CE Attendance Certificate",
                "attended in person, with presence verified at check-in and check-out:",
                "",
                (
                    "Requirements met: Attendance: 3 hours present in person, presence verified "
                    "at check-in and check-out.",
                    "Sessions attended: Day 1, 14 March 2026: 3 h.",
                    "Delivery: Live, in person.",
                    "CE provider: Seminar Org (FL provider 50-1).",
                    "Course approvals: FL course 20-123456 (General 2 h, Laws 1 h).",
                ),
            ),
        ),
    ],
)
def test_certificate_words(record: Issued, expected: CertificateWords) -> None:
    assert certificate_words(record, issuer_name="S.O.T. Seminar") == expected
