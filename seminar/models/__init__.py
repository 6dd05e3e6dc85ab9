"""Typed models, split by domain. Import from here."""

from seminar.models.content import Lesson, LessonVersion, Module, ModuleVersion
from seminar.models.progress import LessonCompletion
from seminar.models.users import Role, User

__all__ = [
    "Lesson",
    "LessonCompletion",
    "LessonVersion",
    "Module",
    "ModuleVersion",
    "Role",
    "User",
]
