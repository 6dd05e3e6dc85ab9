"""Pure content cores: parse lesson and quiz files, render Markdown to safe HTML.

Nothing here imports Flask or the database; the sync service feeds files in and stores
what comes out.
"""

from seminar.core.content.problems import ContentError, Problem

__all__ = ["ContentError", "Problem"]
