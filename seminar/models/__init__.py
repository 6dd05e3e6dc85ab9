"""Typed models, split by domain. Import from here."""

from seminar.models.cohorts import (
    AttendanceCredit,
    Cohort,
    CohortMember,
    LessonReading,
    MemberRole,
    PracticalSignoff,
    Program,
    ProgramVersion,
    StudentProgress,
)
from seminar.models.content import ContentRevision, Lesson, LessonVersion, Module, ModuleVersion
from seminar.models.progress import LessonCompletion
from seminar.models.quizzes import (
    ANSWER_GRACE,
    Accommodation,
    Attempt,
    AttemptQuestion,
    AttemptState,
    ChoiceStat,
    QuestionStat,
    QuestionVersion,
    Quiz,
    QuizVersion,
)
from seminar.models.records import AuditEntry, OutboxMessage, Record, RecordKind
from seminar.models.sessions import (
    Attendance,
    AttendanceChange,
    LiveAnswer,
    LiveParticipant,
    LiveQuestion,
    LiveQuiz,
    SeminarSession,
)
from seminar.models.users import Role, User

__all__ = [
    "ANSWER_GRACE",
    "Accommodation",
    "Attempt",
    "AttemptQuestion",
    "AttemptState",
    "Attendance",
    "AttendanceChange",
    "AttendanceCredit",
    "AuditEntry",
    "ChoiceStat",
    "Cohort",
    "CohortMember",
    "ContentRevision",
    "Lesson",
    "LessonCompletion",
    "LessonReading",
    "LessonVersion",
    "LiveAnswer",
    "LiveParticipant",
    "LiveQuestion",
    "LiveQuiz",
    "MemberRole",
    "Module",
    "ModuleVersion",
    "OutboxMessage",
    "PracticalSignoff",
    "Program",
    "ProgramVersion",
    "QuestionStat",
    "QuestionVersion",
    "Quiz",
    "QuizVersion",
    "Record",
    "RecordKind",
    "Role",
    "SeminarSession",
    "StudentProgress",
    "User",
]
