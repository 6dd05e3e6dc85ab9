"""Submitting a course evaluation: once per student and cohort (the database's unique key
settles a double submit), after attending the course. That they submitted and what they
answered are written apart, so that no report can tie the two."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from seminar.core import evaluation
from seminar.core.errors import SeminarError
from seminar.db import db, insert_ignore
from seminar.models import Cohort, EvaluationResponse, EvaluationSubmission, MemberRole, User
from seminar.queries.cohorts import member_role
from seminar.queries.evaluations import has_attended


def submit(cohort: Cohort, user: User, form: Mapping[str, Any]) -> None:
    if member_role(cohort.id, user.id) != MemberRole.STUDENT:
        raise SeminarError("Only the cohort's students evaluate its course.")
    if not has_attended(cohort, user.id):
        raise SeminarError("You can evaluate the course once you have attended a session of it.")
    answers = evaluation.clean(form)
    first = insert_ignore(
        EvaluationSubmission,
        {"cohort_id": cohort.id, "user_id": user.id},
        keys=("cohort_id", "user_id"),
    )
    if not first:
        raise SeminarError("You have evaluated this course already; thank you.")
    db.session.add(
        EvaluationResponse(id=secrets.token_hex(16), cohort_id=cohort.id, answers=answers)
    )
    db.session.flush()
