"""Render a question's Markdown texts to sanitised HTML once, when a version is stored."""

from __future__ import annotations

import re
from typing import Any

from seminar.core.content.markdown import render_markdown
from seminar.core.content.quiz_model import Question

_SINGLE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


def render_block(text: str) -> str:
    return render_markdown(text).html if text.strip() else ""


def render_inline(text: str) -> str:
    """A choice or a matching item: one paragraph's content, without the <p> around it."""
    html = render_block(text).strip()
    match = _SINGLE_PARAGRAPH.match(html)
    return match.group(1) if match and "<p>" not in match.group(1) else html


def render_question(q: Question) -> dict[str, Any]:
    return {
        "stem": render_block(q.stem),
        "feedback": render_block(q.feedback),
        "choices": [render_inline(c.text) for c in q.choices],
        "choice_feedback": [render_block(c.feedback) for c in q.choices],
        "answer_feedback": [render_block(a.feedback) for a in q.answers],
        "feedback_if_true": render_block(q.feedback_if_true),
        "feedback_if_false": render_block(q.feedback_if_false),
        "lefts": [render_inline(p.left) for p in q.pairs],
        "rights": [render_inline(p.right) for p in q.pairs],
    }
