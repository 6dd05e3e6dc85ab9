"""Problems found in content files (shown as `path:line: message`) and what a sync did."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from seminar.core.errors import SeminarError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, at a 1-based line."""

    path: str
    line: int
    message: str
    severity: str = "error"  # or "warning": reported, but the file still loads

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{display_path(self.path)}:{self.line}: {prefix}{self.message}"


class ContentError(Exception):
    """A content file cannot be loaded; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class InvalidContent(SeminarError):
    """Content typed or uploaded in the browser does not parse: each problem, by its line."""

    def __init__(self, problems: list[Problem], *, field: str) -> None:
        self.problems = problems
        super().__init__("; ".join(self.messages), field=field)

    @property
    def messages(self) -> list[str]:
        return [f"Line {p.line}: {p.message}" for p in self.problems]


def display_path(path: str) -> str:
    """Show a path relative to the working directory when it is inside it."""
    if not os.path.isabs(path):
        return path
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


@dataclass
class SyncReport:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.conflicts
