"""Cohorts: create them, enrol people (one by one, from CSV, or by invite link), manage invites."""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select

from seminar.core.errors import SeminarError
from seminar.core.text import one_line_problem, refuse_unsafe_lines
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
from seminar.services import audit, standing
from seminar.services.accounts import (
    AccountError,
    create_user,
    find_user,
    generate_password,
    new_calendar_token,
    normalise_email,
)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# What the accounts table holds: a longer value in a CSV row is that row's error, not a crash.
_EMAIL_MAX = User.__table__.c.email.type.length
_NAME_MAX = User.__table__.c.name.type.length
_LICENCE_MAX = User.__table__.c.licence_number.type.length


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
    """Add a person to a cohort; False when they were already in it (nothing changes)."""
    if role == MemberRole.INSTRUCTOR and user.role == Role.STUDENT:
        raise CohortError(
            f"{user.email} is a student; make them an instructor first.", field="role"
        )
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


# --- CSV enrolment -----------------------------------------------------------------------------

CSV_COLUMNS = ("email", "name", "licence_number", "licence_state", "first_name", "last_name")


@dataclass
class CsvRow:
    line: int
    email: str
    name: str
    licence_number: str
    licence_state: str
    first_name: str = ""  # as on the licence; empty: split from the name
    last_name: str = ""
    action: str = ""  # "enrol", "create and enrol", "already enrolled"
    error: str = ""


@dataclass
class CsvPlan:
    rows: list[CsvRow] = field(default_factory=list)
    error: str = ""  # a problem with the file as a whole

    @property
    def valid(self) -> list[CsvRow]:
        return [r for r in self.rows if not r.error]

    @property
    def errors(self) -> list[CsvRow]:
        return [r for r in self.rows if r.error]


def plan_csv(cohort: Cohort, text: str) -> CsvPlan:
    """Read a CSV of students (email,name[,licence_number,licence_state,first_name,last_name])
    without writing."""
    plan = CsvPlan()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "email" not in headers or "name" not in headers:
        plan.error = "The first line must name the columns, with at least: email,name"
        return plan
    reader.fieldnames = headers
    records = [(reader.line_num, r) for r in reader]
    emails = [normalise_email(r.get("email") or "") for _, r in records]
    existing = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    members = set(
        db.session.scalars(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id))
    )
    seen: set[str] = set()
    for (line, record), email in zip(records, emails, strict=True):
        row = CsvRow(
            line=line,
            email=email,
            name=(record.get("name") or "").strip(),
            licence_number=(record.get("licence_number") or "").strip(),
            licence_state=(record.get("licence_state") or "").strip(),
            first_name=(record.get("first_name") or "").strip(),
            last_name=(record.get("last_name") or "").strip(),
        )
        user = existing.get(row.email)
        if len(row.email) > _EMAIL_MAX or not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", row.email):
            row.error = "not an email address"
        elif row.email in seen:
            row.error = "this email appears twice in the file"
        elif user is None and not row.name:
            row.error = "a new person needs a name"
        elif user is None and (
            problem := one_line_problem(" ".join((row.name, row.first_name, row.last_name)))
        ):
            row.error = problem[0].lower() + problem[1:].rstrip(".")
        elif user is None and max(len(row.name), len(row.first_name), len(row.last_name)) > (
            _NAME_MAX
        ):
            row.error = f"a name is longer than {_NAME_MAX} characters"
        elif user is None and row.first_name and not row.last_name:
            row.error = "a first name needs its last name"
        elif user is None and max(len(row.licence_number), len(row.licence_state)) > _LICENCE_MAX:
            row.error = f"the licence number and state take at most {_LICENCE_MAX} characters each"
        elif user is not None and user.id in members:
            row.action = "already enrolled"
        elif user is not None:
            row.action = "enrol"
        else:
            row.action = "create and enrol"
        seen.add(row.email)
        plan.rows.append(row)
    if not plan.rows:
        plan.error = "The file has no rows after the header."
    return plan


@dataclass(frozen=True)
class CsvOutcome:
    enrolled: int
    created: list[tuple[str, str]]  # (email, generated password) for new accounts


def apply_csv(cohort: Cohort, plan: CsvPlan) -> CsvOutcome:
    """Enrol every valid row; new accounts get a generated password the admin hands over."""
    enrolled, created = 0, []
    for row in plan.valid:
        if row.action == "already enrolled":
            continue
        user = find_user(row.email)
        if user is None:
            password = generate_password()
            user = create_user(
                row.email,
                name=row.name,
                password=password,
                licence_number=row.licence_number or None,
                licence_state=row.licence_state or None,
                first_name=row.first_name,
                last_name=row.last_name,
            )
            created.append((row.email, password))
        enrolled += enroll(cohort, user)
    return CsvOutcome(enrolled=enrolled, created=created)
