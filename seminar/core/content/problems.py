from __future__ import annotations

import os
from dataclasses import dataclass


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


def display_path(path: str) -> str:
    """Show a path relative to the working directory when it is inside it."""
    if not os.path.isabs(path):
        return path
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel
