"""Reads about cohorts and who belongs to them."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from seminar.db import db
from seminar.models import Cohort, CohortMember, MemberRole, Program, Role, User


def get_cohort(slug: str) -> Cohort | None:
    return db.session.execute(
        select(Cohort).options(joinedload(Cohort.program_version)).where(Cohort.slug == slug)
    ).scalar_one_or_none()


def member_role(cohort_id: int, user_id: int) -> MemberRole | None:
    """How someone belongs to a cohort (student or instructor), or None."""
    return db.session.scalar(
        select(CohortMember.role).where(
            CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id
        )
    )


def student_in(cohort: Cohort, user_id: int) -> User | None:
    """The student, if they are one of the cohort's students."""
    return db.session.execute(
        select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(
            CohortMember.cohort_id == cohort.id,
            CohortMember.user_id == user_id,
            CohortMember.role == MemberRole.STUDENT,
        )
    ).scalar_one_or_none()


def instructors(cohort: Cohort) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort.id, CohortMember.role == MemberRole.INSTRUCTOR)
            .order_by(User.name)
        )
    )


def taught_cohort_ids(user: User) -> Select[tuple[int]]:
    return select(CohortMember.cohort_id).where(
        CohortMember.user_id == user.id, CohortMember.role == MemberRole.INSTRUCTOR
    )


def taught_students(viewer: User) -> Select[tuple[int]]:
    """The ids of students in cohorts the viewer teaches (for admins: everyone)."""
    if viewer.role == Role.ADMIN:
        return select(User.id)
    return select(CohortMember.user_id).where(
        CohortMember.cohort_id.in_(taught_cohort_ids(viewer)),
        CohortMember.role == MemberRole.STUDENT,
    )


def cohorts_taught_by(user: User) -> list[Cohort]:
    """Every cohort for an admin; the cohorts an instructor teaches."""
    query = (
        select(Cohort)
        .options(joinedload(Cohort.program_version))
        .order_by(Cohort.starts_on.desc(), Cohort.title)
    )
    if user.role != Role.ADMIN:
        query = query.where(Cohort.id.in_(taught_cohort_ids(user)))
    return list(db.session.scalars(query))


def cohorts_of_student(user_id: int) -> list[Cohort]:
    return list(
        db.session.scalars(
            select(Cohort)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.user_id == user_id, CohortMember.role == MemberRole.STUDENT)
            .order_by(Cohort.starts_on.desc(), Cohort.title)
        )
    )


def cohort_for_invite(code: str) -> Cohort | None:
    cohort = db.session.execute(
        select(Cohort).where(Cohort.invite_code == code)
    ).scalar_one_or_none()
    return cohort if cohort is not None and cohort.invite_open else None


def members(cohort: Cohort) -> list[tuple[CohortMember, User]]:
    """Instructors first, then students, by name."""
    return [
        (member, user)
        for member, user in db.session.execute(
            select(CohortMember, User)
            .join(User, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort.id)
            .order_by(CohortMember.role.desc(), User.name)
        )
    ]


def open_programs() -> list[Program]:
    """Programs a new cohort may follow."""
    return list(
        db.session.scalars(
            select(Program).options(joinedload(Program.current)).where(Program.retired.is_(False))
        )
    )


def member(cohort: Cohort, user_id: int) -> User | None:
    """Anyone in the cohort, student or instructor."""
    return db.session.execute(
        select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id)
    ).scalar_one_or_none()


def all_cohorts() -> list[Cohort]:
    """Every cohort, by title (the People page's choice of where to invite)."""
    return list(db.session.scalars(select(Cohort).order_by(Cohort.title)))
