"""CSV imports of people into a cohort: previewed, then enrolled in committed batches.

The preview stores the valid rows in an ImportJob. Each batch (a POST the import page sends
again and again, IMPORT_BATCH rows at a time) claims the next rows by moving `done` forward
with a conditional UPDATE and enrols or invites them in the same transaction: a batch is all
or nothing, two tabs never do the same rows, no request comes near a worker's timeout, and
an import left half-way (a closed laptop) resumes where it stopped. Nobody's password is
made or shown: new people get an invitation to set their own.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field

from flask import current_app
from sqlalchemy import select

from seminar.core.errors import SeminarError
from seminar.core.text import one_line_problem
from seminar.db import db, now_utc, update_if
from seminar.models import Cohort, CohortMember, ImportJob, User
from seminar.services.accounts import normalise_email
from seminar.services.invitations import EMAIL, add_person

CSV_COLUMNS = ("email", "name", "licence_number", "licence_state", "first_name", "last_name")
# What the accounts table holds: a longer value in a CSV row is that row's error, not a crash.
_EMAIL_MAX = User.__table__.c.email.type.length
_NAME_MAX = User.__table__.c.name.type.length
_LICENCE_MAX = User.__table__.c.licence_number.type.length


class ImportRefused(SeminarError):
    pass


@dataclass
class CsvRow:
    line: int
    email: str
    name: str
    licence_number: str
    licence_state: str
    first_name: str = ""  # as on the licence; empty: split from the name
    last_name: str = ""
    action: str = ""  # "enrol", "invite", "already enrolled"
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

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if not r.error and r.action == action)


def plan_csv(cohort: Cohort, text: str) -> CsvPlan:
    """Read a CSV of students (email,name[,licence_number,licence_state,first_name,last_name])
    without writing."""
    plan = CsvPlan()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    if "email" not in headers or "name" not in headers:
        plan.error = "The first line must name the columns, with at least: email,name"
        return plan
    reader.fieldnames = headers
    records = [(reader.line_num, r) for r in reader]
    emails = [normalise_email(r.get("email") or "") for _, r in records]
    existing: dict[str, User] = {}
    for start in range(0, len(emails), 5000):  # within every database's parameter limit
        chunk = emails[start : start + 5000]
        existing.update(
            {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(chunk)))}
        )
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
        row.error = _row_error(row, user, seen)
        if not row.error:
            row.action = (
                "invite" if user is None else "already enrolled" if user.id in members else "enrol"
            )
        seen.add(row.email)
        plan.rows.append(row)
    if not plan.rows:
        plan.error = "The file has no rows after the header."
    return plan


def _row_error(row: CsvRow, user: User | None, seen: set[str]) -> str:
    if len(row.email) > _EMAIL_MAX or not EMAIL.match(row.email):
        return "not an email address"
    if row.email in seen:
        return "this email appears twice in the file"
    if user is None and not row.name:
        return "a new person needs a name"
    if user is None and max(len(row.name), len(row.first_name), len(row.last_name)) > _NAME_MAX:
        return f"the name is longer than {_NAME_MAX} characters"
    if user is None and (
        problem := one_line_problem(" ".join((row.name, row.first_name, row.last_name)))
    ):
        return problem[0].lower() + problem[1:].rstrip(".")
    if user is None and row.first_name and not row.last_name:
        return "a first name needs its last name"
    if user is None and max(len(row.licence_number), len(row.licence_state)) > _LICENCE_MAX:
        return f"the licence number and state take at most {_LICENCE_MAX} characters each"
    return ""


def create_job(cohort: Cohort, plan: CsvPlan, *, by: User | None) -> ImportJob:
    """Keep the previewed rows; nothing is enrolled until the job starts."""
    if plan.error or not plan.valid:
        raise ImportRefused(plan.error or "No row of the file can be imported.", field="file")
    job = ImportJob(
        cohort_id=cohort.id,
        created_by_id=by.id if by else None,
        rows=[asdict(r) for r in plan.valid],
        skipped=[{"line": r.line, "email": r.email, "error": r.error} for r in plan.errors],
        total=len(plan.valid),
    )
    db.session.add(job)
    db.session.flush()
    return job


def start(job: ImportJob) -> None:
    if job.state == "previewed":
        job.state = "running"
        db.session.flush()


def cancel(job: ImportJob) -> None:
    """Only a job that has not started can be dropped: a started one always finishes."""
    if job.state != "previewed":
        raise ImportRefused("This import has started; it finishes what it began.")
    job.state = "cancelled"
    db.session.flush()


def batch_size() -> int:
    return int(current_app.config.get("IMPORT_BATCH") or 500)


def step(job: ImportJob, *, by: User | None) -> ImportJob:
    """Enrol or invite the next batch of rows; a batch another request claimed is left to it."""
    if job.state != "running":
        return job
    old = job.done
    new = min(job.total, old + batch_size())
    claimed = update_if(
        ImportJob,
        ImportJob.id == job.id,
        ImportJob.done == old,
        ImportJob.state == "running",
        done=new,
    )
    db.session.refresh(job)
    if not claimed:
        return job
    counts = {"enrolled": 0, "invited": 0, "unchanged": 0}
    skipped = []
    cohort = job.cohort
    for row in job.rows[old:new]:
        if row.get("erased"):  # the person was erased while the import waited
            counts["unchanged"] += 1
            continue
        try:
            added = add_person(
                row["email"],
                name=row["name"],
                cohort=cohort,
                licence_number=row["licence_number"] or None,
                licence_state=row["licence_state"] or None,
                first_name=row.get("first_name") or None,
                last_name=row.get("last_name") or None,
                by=by,
                import_id=job.id,
            )
        except SeminarError as exc:  # changed since the preview (e.g. an account made since)
            skipped.append({"line": row["line"], "email": row["email"], "error": exc.message})
            continue
        key = "invited" if added.invited else "enrolled" if added.enrolled else "unchanged"
        counts[key] += 1
    job.enrolled += counts["enrolled"]
    job.invited += counts["invited"]
    job.unchanged += counts["unchanged"]
    if skipped:
        job.skipped = [*job.skipped, *skipped]
    if new >= job.total:  # done: the rows (e-mails, names) are kept no longer than needed
        job.state, job.finished_at, job.rows = "done", now_utc(), []
    db.session.flush()
    return job
