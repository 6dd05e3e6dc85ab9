"""The words of a record and its credential (core/record_wording.py), as tables: no app, no
database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from seminar.core.content.programs import Program, QuizRequirement
from seminar.core.credentials import Achievement, Issuer
from seminar.core.record_wording import (
    CertificateWords,
    RecordKind,
    achievement,
    add_months,
    certificate_words,
    licence,
    narrative,
    program_criteria,
    title,
)

COMPLETION, ATTENDANCE = RecordKind.COMPLETION, RecordKind.ATTENDANCE
ISSUER = Issuer(id="https://sot.example/issuer", name="S.O.T. Seminar", url="https://sot.example")
BASIC = Program(
    slug="basic",
    title="Basic program",
    credential="Certificate of Completion, Basic",
    ce_hours=4,
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


ONE_SESSION = {"sessions": [{"title": "Day 1", "date": "2026-03-14", "hours": 3.0}]}
TWO_SESSIONS = {"sessions": [{"title": "Day 1"}, {"title": "Day 2"}]}


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            Issued(COMPLETION),
            "Every requirement of the program was met; the issuer holds the evidence.",
        ),
        (
            Issued(COMPLETION, override_reason="Hospitalised; note on file"),
            "Issued at the issuer's discretion; the issuer holds the reasons and the evidence.",
        ),
        (
            Issued(ATTENDANCE, hours=3, evidence=ONE_SESSION),
            "Attended 1 session in person for 3 CE hours, presence verified at check-in and "
            "check-out.",
        ),
        (
            Issued(ATTENDANCE, hours=5.5, evidence=TWO_SESSIONS),
            "Attended 2 sessions in person for 5.5 CE hours, presence verified at check-in and "
            "check-out.",
        ),
        (
            Issued(ATTENDANCE, override_reason="Signed sheet on file", evidence=TWO_SESSIONS),
            "Issued at the issuer's discretion; the issuer holds the reasons and the evidence.",
        ),
        (
            Issued(ATTENDANCE),
            "Attended 0 sessions in person for 0 CE hours, presence verified at check-in and "
            "check-out.",
        ),
    ],
)
def test_narratives_tell_a_verifier_no_scores_and_no_reasons(record: Issued, expected: str) -> None:
    assert narrative(record) == expected


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
                description="Awarded by S.O.T. Seminar for meeting every requirement of its "
                "Basic program (requirements version 3).",
                criteria=program_criteria(BASIC),
                hours=4.0,
            ),
        ),
        (
            Issued(ATTENDANCE, title="CE attendance: Weekend seminar, day 2", session_id=7),
            None,
            Achievement(
                id="https://sot.example/issuer#ce-session-7",
                name="CE attendance: Weekend seminar, day 2",
                description="Continuing-education hours attended in person at Weekend "
                "seminar, day 2, taught by S.O.T. Seminar.",
                criteria=CE_CRITERIA,
                hours=0.0,
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
                description="Continuing-education hours attended in person at Spring cohort, "
                "taught by S.O.T. Seminar.",
                criteria=CE_CRITERIA,
                hours=0.0,
            ),
        ),
    ],
)
def test_achievements(record: Issued, program: Program | None, expected: Achievement) -> None:
    assert achievement(record, ISSUER, program) == expected


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            Issued(
                COMPLETION,
                evidence={"program": {"title": "S.O.T. Basic Certification", "version": 2}},
            ),
            CertificateWords(
                "Certificate of Completion",
                "has met every requirement of the S.O.T. Basic Certification program "
                "(requirements version 2):",
            ),
        ),
        (
            Issued(ATTENDANCE, evidence=ONE_SESSION),
            CertificateWords(
                "CE Attendance Certificate",
                "attended in person, with presence verified at check-in and check-out:",
            ),
        ),
    ],
)
def test_certificate_words(record: Issued, expected: CertificateWords) -> None:
    assert certificate_words(record) == expected
