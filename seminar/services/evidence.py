"""Writes of progress facts: active reading time and practical sign-offs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from seminar.core.errors import SeminarError
from seminar.db import db, insert_ignore, now_utc
from seminar.models import Cohort, LessonReading, PracticalSignoff, User
from seminar.services import audit, standing

# A heartbeat says "this tab was visible and used in the last HEARTBEAT seconds"; gaps longer
# than that (a closed laptop, a tab in the background) never count as reading.
HEARTBEAT = timedelta(seconds=30)

PRACTICAL_CHECKLIST = (
    "Case history and screening for red flags",
    "Category assessment with the indicators, as taught",
    "Patient set-up and comfort, with consent",
    "Re-check of indicators after the procedure",
    "A clear, attributed explanation to the patient",
)


def record_heartbeat(user_id: int, lesson_id: int, *, now: datetime | None = None) -> int:
    """Credit the time since this reader's last heartbeat on the lesson, at most HEARTBEAT."""
    now = now or now_utc()
    reading = db.session.execute(
        select(LessonReading).where(
            LessonReading.user_id == user_id, LessonReading.lesson_id == lesson_id
        )
    ).scalar_one_or_none()
    if reading is None:  # the first beat starts the clock (a second tab may start it too)
        insert_ignore(
            LessonReading,
            {"user_id": user_id, "lesson_id": lesson_id, "seconds": 0, "last_beat_at": now},
            keys=("user_id", "lesson_id"),
        )
        return 0
    gap = (now - reading.last_beat_at).total_seconds()
    beat = HEARTBEAT.total_seconds()
    # A gap much longer than one beat means the reader was away: it starts a new stretch.
    credit = int(min(max(gap, 0), beat)) if gap <= 1.5 * beat else 0
    # One atomic UPDATE: two tabs open on one lesson cannot double-count the same seconds.
    result = db.session.execute(
        update(LessonReading)
        .where(LessonReading.id == reading.id, LessonReading.last_beat_at == reading.last_beat_at)
        .values(seconds=LessonReading.seconds + credit, last_beat_at=now)
        .execution_options(synchronize_session=False)
    )
    credited = credit if result.rowcount == 1 else 0  # type: ignore[attr-defined]
    standing.touch(user_id, credited)
    return credited


def record_practical(
    cohort: Cohort,
    student: User,
    *,
    passed: bool,
    observed: list[str],
    note: str,
    assessed_on: date,
    assessor: User,
) -> PracticalSignoff:
    unknown = set(observed) - set(PRACTICAL_CHECKLIST)
    if unknown:
        raise SeminarError("Pick competencies from the checklist.", field="observed")
    if assessed_on > now_utc().date():
        raise SeminarError("The assessment date cannot be in the future.", field="assessed_on")
    signoff = PracticalSignoff(
        cohort_id=cohort.id,
        user_id=student.id,
        passed=passed,
        checklist=[{"item": item, "observed": item in observed} for item in PRACTICAL_CHECKLIST],
        note=note.strip(),
        assessed_on=assessed_on,
        assessor_id=assessor.id,
    )
    db.session.add(signoff)
    db.session.flush()
    audit.log(
        "practical.signoff",
        target_type="practical",
        target_id=signoff.id,
        target_label=f"{student.name} in {cohort.title}",
        subject=student,
        after={"passed": passed, "assessed_on": assessed_on, "observed": observed, "note": note},
        actor=assessor,
    )
    standing.mark(cohort, [student.id])
    return signoff
