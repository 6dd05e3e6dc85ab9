"""Typed models, split by domain. Import from here."""

from seminar.models.content import Lesson, LessonVersion, Module, ModuleVersion
from seminar.models.progress import LessonCompletion
from seminar.models.quizzes import (
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
from seminar.models.users import Role, User

__all__ = [
    "Accommodation",
    "Attempt",
    "AttemptQuestion",
    "AttemptState",
    "ChoiceStat",
    "Lesson",
    "LessonCompletion",
    "LessonVersion",
    "Module",
    "ModuleVersion",
    "QuestionStat",
    "QuestionVersion",
    "Quiz",
    "QuizVersion",
    "Role",
    "User",
]
