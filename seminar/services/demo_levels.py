"""The demo's levels: an advanced cohort next to the basic demo cohort (the demo student, who
holds no basic record, is refused by it and told why), and an alumna whose advanced record
lapses within a month, who assists at the basic cohort's tables as a table instructor.

Her past records are issued by exception, with the reason "demo", as the platform says of any
record issued without its requirements met here: the demo invents no evidence. She logs in
after a password reset (`alumna@demo.seminar`)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from seminar.core.errors import SeminarError
from seminar.core.record_wording import add_months
from seminar.db import db
from seminar.models import Cohort, CohortMember, MemberRole, RecordKind, Role
from seminar.queries.cohorts import get_cohort
from seminar.queries.records import local_today
from seminar.services import issuing
from seminar.services.accounts import create_user, find_user, generate_password
from seminar.services.cohorts import create_cohort, enroll

ADVANCED_COHORT = "demo-advanced"
ALUMNA = "alumna@demo.seminar"
LAPSES_IN_DAYS = 28  # within the 30-day reminder: `flask seminar remind` sends it


def ensure_demo_levels(basic: Cohort) -> Cohort | None:
    """The advanced demo cohort and the alumna with a record nearing expiry; None when the
    programs are not loaded. Runs once: a second run finds the cohort and changes nothing."""
    existing = get_cohort(ADVANCED_COHORT)
    if existing is not None:
        return existing
    today = local_today()
    try:
        advanced = create_cohort(
            ADVANCED_COHORT,
            title="Demo advanced cohort",
            program_slug="sot-advanced",
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=150),
        )
    except SeminarError:
        return None
    instructor = find_user("instructor@demo.seminar")
    if instructor is not None:
        enroll(advanced, instructor, MemberRole.INSTRUCTOR)
    alumna = find_user(ALUMNA) or create_user(
        ALUMNA, name="Alex Alumna", role=Role.STUDENT, password=generate_password()
    )
    expires = today + timedelta(days=LAPSES_IN_DAYS)
    completed = add_months(expires, -36)
    past_basic = create_cohort(
        "demo-basic-past",
        title="Basic course, an earlier year",
        program_slug="sot-basic",
        starts_on=completed - timedelta(days=500),
        ends_on=completed - timedelta(days=400),
    )
    past_advanced = create_cohort(
        "demo-advanced-past",
        title="Advanced course, an earlier year",
        program_slug="sot-advanced",
        starts_on=completed - timedelta(days=90),
        ends_on=completed,
    )
    for cohort, on in ((past_basic, completed - timedelta(days=400)), (past_advanced, completed)):
        # Members of past cohorts, added as they were then (admission is checked on joining).
        db.session.add(
            CohortMember(cohort_id=cohort.id, user_id=alumna.id, role=MemberRole.STUDENT)
        )
        db.session.flush()
        issuing.issue(
            cohort, RecordKind.COMPLETION, [alumna.id], overrides={alumna.id: "demo"}, today=on
        )
    # Unless the basic demo cohort is on a version without table instructors.
    with contextlib.suppress(SeminarError):
        enroll(basic, alumna, MemberRole.TABLE_INSTRUCTOR)
    return advanced
