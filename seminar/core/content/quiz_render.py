"""Render a question's texts to sanitised HTML once, when a version is stored.

Each text is rendered in its format (Moodle's four): Markdown, this platform's own; HTML,
sanitised; plain text, shown literally with its line breaks; and Moodle's auto-format, HTML
whose line breaks are kept.
"""

from __future__ import annotations

import html
import re
from typing import Any

from seminar.core.content.markdown import render_markdown, sanitise
from seminar.core.questions import Question, question_type

_SINGLE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)
_LINE_BREAK = re.compile(r"\r?\n")


def _html_of(text: str, fmt: str, *, block: bool) -> str:
    if fmt == "html":
        return sanitise(text)
    if fmt == "plain":
        lines = _LINE_BREAK.sub("<br>\n", html.escape(text, quote=False))
        return f"<p>{lines}</p>" if block else lines
    if fmt == "moodle":
        lines = sanitise(_LINE_BREAK.sub("<br>\n", text))
        return f'<div class="text-moodle">{lines}</div>' if block else lines
    rendered = render_markdown(text).html
    if block:
        return rendered
    rendered = rendered.strip()
    match = _SINGLE_PARAGRAPH.match(rendered)
    return match.group(1) if match and "<p>" not in match.group(1) else rendered


def render_block(text: str, fmt: str = "markdown") -> str:
    return _html_of(text, fmt, block=True) if text.strip() else ""


def render_inline(text: str, fmt: str = "markdown") -> str:
    """A choice or a matching item: one paragraph's content, without the <p> around it."""
    return _html_of(text, fmt, block=False).strip() if text.strip() else ""


def render_question(q: Question) -> dict[str, Any]:
    return question_type(q).rendered(q, render_block, render_inline)
