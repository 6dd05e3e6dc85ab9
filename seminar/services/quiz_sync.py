"""Store parsed quizzes as versions; questions are versioned one by one.

A question whose content did not change keeps its question version (and its statistics)
across quiz versions; a changed question gets a new one. Past attempts keep pointing at the
versions they showed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from seminar.core.content.lessons import source_hash
from seminar.core.content.quiz_model import Question, question_to_dict
from seminar.core.content.quiz_model import Quiz as QuizModel
from seminar.core.content.quiz_render import render_question
from seminar.core.questions import question_type
from seminar.db import db, next_number
from seminar.models import ChoiceStat, QuestionStat, QuestionVersion, Quiz, QuizVersion
from seminar.models.content import Origin


def content_hash(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def parse_closes(value: str | None) -> datetime | None:
    """`closes` is an ISO date (end of that day, UTC) or date-time (UTC unless offset given)."""
    if not value:
        return None
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(23, 59, 59), tzinfo=UTC)
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _question_version(
    quiz: Quiz, q: Question, known: dict[tuple[str, str], QuestionVersion]
) -> QuestionVersion:
    data = question_to_dict(q)
    digest = content_hash(data)
    existing = known.get((q.id, digest))
    if existing is not None:
        return existing
    number = next_number(
        QuestionVersion.number, QuestionVersion.quiz_id == quiz.id, QuestionVersion.key == q.id
    )
    version = QuestionVersion(
        quiz_id=quiz.id,
        key=q.id,
        number=number,
        type=q.type,
        data=data,
        rendered=render_question(q),
        content_hash=digest,
    )
    db.session.add(version)
    db.session.flush()
    # Statistics rows exist from the start, so grading only ever increments them.
    db.session.add(QuestionStat(question_version_id=version.id))
    for option in question_type(q).options(q):
        db.session.add(ChoiceStat(question_version_id=version.id, option=option))
    known[(q.id, digest)] = version
    return version


def add_quiz_version(
    quiz: Quiz,
    parsed: QuizModel,
    *,
    source: str,
    source_format: str,
    origin: Origin,
    author_id: int | None = None,
) -> QuizVersion:
    known = {
        (qv.key, qv.content_hash): qv
        for qv in db.session.scalars(
            select(QuestionVersion).where(QuestionVersion.quiz_id == quiz.id)
        )
    }
    question_ids = [_question_version(quiz, q, known).id for q in parsed.questions]
    number = next_number(QuizVersion.number, QuizVersion.quiz_id == quiz.id)
    version = QuizVersion(
        quiz_id=quiz.id,
        number=number,
        origin=origin,
        author_id=author_id,
        title=parsed.title,
        summary=parsed.summary,
        pass_mark=float(parsed.pass_mark),
        time_limit=parsed.time_limit,
        max_attempts=parsed.max_attempts,
        shuffle=parsed.shuffle,
        grading=parsed.grading,
        draw=parsed.draw,
        closes_at=parse_closes(parsed.closes),
        closes_source=parsed.closes,
        review=dataclasses.asdict(parsed.review),
        question_ids=question_ids,
        source=source,
        source_format=source_format,
        source_hash=source_hash(source),
    )
    db.session.add(version)
    db.session.flush()
    quiz.current = version
    return version
