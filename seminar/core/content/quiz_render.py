"""Render a question's Markdown texts to sanitised HTML once, when a version is stored."""

from __future__ import annotations

import re
from typing import Any

from seminar.core.content.markdown import render_markdown
from seminar.core.questions import Question, question_type

_SINGLE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


def render_block(text: str) -> str:
    return render_markdown(text).html if text.strip() else ""


def render_inline(text: str) -> str:
    """A choice or a matching item: one paragraph's content, without the <p> around it."""
    html = render_block(text).strip()
    match = _SINGLE_PARAGRAPH.match(html)
    return match.group(1) if match and "<p>" not in match.group(1) else html


def render_question(q: Question) -> dict[str, Any]:
    return question_type(q).rendered(q, render_block, render_inline)
