"""Cohorts: create them, enrol people (one by one or by invite link), manage invite links.
CSV imports are in `imports.py`, invitations by e-mail in `invitations.py`."""

from __future__ import annotations

import re
import secrets
from datetime import date

from sqlalchemy import delete, select

from seminar.core.errors import SeminarError
from seminar.core.text import refuse_unsafe_lines
from seminar.db import db, insert_ignore, now_utc
from seminar.models import (
    Cohort,
    CohortMember,
    MemberRole,
    Program,
    Role,
    StudentProgress,
    User,
)
from seminar.queries.cohorts import get_cohort
from seminar.services import audit, prerequisites, standing
from seminar.services.accounts import AccountError, create_user, find_user, new_calendar_token

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CohortError(SeminarError):
    pass


def new_invite_code() -> str:
    return secrets.token_urlsafe(12)


def create_cohort(
    slug: str,
    *,
    title: str,
    program_slug: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Cohort:
    slug = slug.strip().lower()
    if not _SLUG.match(slug):
        raise CohortError(
            "A cohort's slug is lowercase words and hyphens, e.g. spring-2027.", field="slug"
        )
    _check_title_and_dates(title, starts_on, ends_on)
    if get_cohort(slug) is not None:
        raise CohortError(f"A cohort '{slug}' already exists.", field="slug")
    program = db.session.execute(
        select(Program).where(Program.slug == program_slug, Program.retired.is_(False))
    ).scalar_one_or_none()
    if program is None or program.current_version_id is None:
        raise CohortError(
            f"No program '{program_slug}'. Programs come from lessons/program.yml.",
            field="program",
        )
    cohort = Cohort(
        slug=slug,
        title=title.strip(),
        program_version_id=program.current_version_id,
        starts_on=starts_on,
        ends_on=ends_on,
        invite_code=new_invite_code(),
        calendar_token=new_calendar_token(),
    )
    db.session.add(cohort)
    db.session.flush()
    return cohort


def _check_title_and_dates(title: str, starts_on: date | None, ends_on: date | None) -> None:
    if not title.strip():
        raise CohortError("A cohort needs a title.", field="title")
    refuse_unsafe_lines(title=title)
    if starts_on and ends_on and ends_on < starts_on:
        raise CohortError("The cohort cannot end before it starts.", field="ends_on")


def update_cohort(
    cohort: Cohort, *, title: str, starts_on: date | None, ends_on: date | None
) -> None:
    _check_title_and_dates(title, starts_on, ends_on)
    cohort.title, cohort.starts_on, cohort.ends_on = title.strip(), starts_on, ends_on
    db.session.flush()


def move_to_current_program(cohort: Cohort) -> bool:
    """Give the cohort its program's newest requirements; False if it already has them."""
    program = cohort.program_version.program
    if program.current_version_id in (None, cohort.program_version_id):
        return False
    cohort.program_version_id = program.current_version_id  # type: ignore[assignment]
    db.session.flush()
    db.session.refresh(cohort)
    standing.mark(cohort)
    return True


def _membership(cohort: Cohort, user: User) -> CohortMember | None:
    return db.session.execute(
        select(CohortMember).where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id
        )
    ).scalar_one_or_none()


def enroll(
    cohort: Cohort,
    user: User,
    role: MemberRole = MemberRole.STUDENT,
    *,
    actor: User | None = None,
) -> bool:
    """Add a person to a cohort; False when they were already in it (nothing changes). A
    student must meet the program's admission (services/prerequisites.py)."""
    if role == MemberRole.INSTRUCTOR and user.role == Role.STUDENT:
        raise CohortError(
            f"{user.email} is a student; make them an instructor first.", field="role"
        )
    # Someone already in the cohort is told so, not refused: checked only where a rule applies
    # (a CSV import of thousands into a cohort without prerequisites pays nothing for it).
    if prerequisites.applies(cohort, role) and _membership(cohort, user) is None:
        prerequisites.check(cohort, user, role, by_self=actor is not None and actor.id == user.id)
    # Enrolled concurrently (a double click, an invite opened twice): the same outcome.
    added = insert_ignore(
        CohortMember,
        {"cohort_id": cohort.id, "user_id": user.id, "role": role, "joined_at": now_utc()},
        keys=("cohort_id", "user_id"),
    )
    if not added:
        return False
    audit.log(
        "enrolment.add",
        target_type="cohort",
        target_id=cohort.slug,
        target_label=f"{user.name} <{user.email}> in {cohort.title}",
        subject=user,
        after={"cohort": cohort.slug, "role": role.value},
        actor=actor,
    )
    if role == MemberRole.STUDENT:
        standing.mark(cohort, [user.id])
    return True


def unenroll(cohort: Cohort, user: User) -> None:
    member = _membership(cohort, user)
    if member is not None:
        audit.log(
            "enrolment.remove",
            target_type="cohort",
            target_id=cohort.slug,
            target_label=f"{user.name} <{user.email}> in {cohort.title}",
            subject=user,
            before={"cohort": cohort.slug, "role": member.role.value},
        )
        db.session.delete(member)
        db.session.execute(
            delete(StudentProgress).where(
                StudentProgress.cohort_id == cohort.id, StudentProgress.user_id == user.id
            )
        )
        standing.shown_moved([cohort.id])
    db.session.flush()


def rotate_invite(cohort: Cohort) -> str:
    cohort.invite_code = new_invite_code()
    cohort.invite_open = True
    db.session.flush()
    return cohort.invite_code


def set_invite_open(cohort: Cohort, is_open: bool) -> None:
    cohort.invite_open = is_open
    db.session.flush()


def join_with_new_account(
    cohort: Cohort,
    *,
    email: str,
    name: str,
    password: str,
    licence_number: str | None = None,
    licence_state: str | None = None,
) -> User:
    """Sign-up through an invite link: a student account, enrolled in the cohort."""
    if find_user(email) is not None:
        raise AccountError(
            "An account with this email exists: log in to join the cohort.", field="email"
        )
    user = create_user(
        email,
        name=name,
        role=Role.STUDENT,
        password=password,
        licence_number=licence_number,
        licence_state=licence_state,
    )
    enroll(cohort, user, actor=user)  # they joined themselves, through the invite link
    return user
