"""Writes of progress facts: active reading time and practical sign-offs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import update

from seminar.core.errors import SeminarError
from seminar.db import db, insert_ignore, now_utc
from seminar.models import Cohort, LessonReading, PracticalSignoff, ReadingClock, User
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
    """Credit the lesson with the time since this reader's last heartbeat on ANY lesson, at most
    HEARTBEAT: one clock per reader, so lessons read side by side share the wall clock."""
    now = now or now_utc()
    insert_ignore(
        LessonReading,
        {"user_id": user_id, "lesson_id": lesson_id, "seconds": 0, "last_beat_at": now},
        keys=("user_id", "lesson_id"),
    )
    clock = db.session.get(ReadingClock, user_id)
    if clock is None:  # the first beat starts the clock (a second tab may start it too)
        insert_ignore(
            ReadingClock,
            {"user_id": user_id, "last_beat_at": now, "lesson_id": lesson_id, "overlaps": 0},
            keys=("user_id",),
        )
        return 0
    gap = (now - clock.last_beat_at).total_seconds()
    beat = HEARTBEAT.total_seconds()
    # A gap much longer than one beat means the reader was away: it starts a new stretch.
    credit = int(min(max(gap, 0), beat)) if gap <= 1.5 * beat else 0
    overlapping = clock.lesson_id not in (None, lesson_id) and 0 <= gap < beat / 2
    # One conditional UPDATE: of two beats at the same moment (two tabs), one moves the clock
    # and is credited; the other finds it moved and credits nothing.
    moved = db.session.execute(
        update(ReadingClock)
        .where(ReadingClock.user_id == user_id, ReadingClock.last_beat_at == clock.last_beat_at)
        .values(
            last_beat_at=now,
            lesson_id=lesson_id,
            overlaps=ReadingClock.overlaps + int(overlapping),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        return 0
    db.session.execute(
        update(LessonReading)
        .where(LessonReading.user_id == user_id, LessonReading.lesson_id == lesson_id)
        .values(seconds=LessonReading.seconds + credit, last_beat_at=now)
        .execution_options(synchronize_session=False)
    )
    standing.touch(user_id, credit, flagged=overlapping and not clock.overlaps)
    return credit


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
