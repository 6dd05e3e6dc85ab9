"""Reads of practical exams: a cohort's slots with their counts, a slot's candidates, a
candidate's booking, who marks a candidate in which role, the examiners' sheets side by side,
each student's exam as their standing sees it, and the evidence a record freezes. Each runs a
fixed number of queries whatever the cohort's size."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from seminar.core.certification import ExamFact
from seminar.core.rubric import MARK_LABELS, ExamSpec, Verdict, percent_words, reconcile, score
from seminar.db import db
from seminar.models import (
    Cohort,
    CohortMember,
    ExamBooking,
    ExamMark,
    ExamSlot,
    MemberRole,
    Role,
    User,
)

ROLE_NAMES = {1: "First examiner", 2: "Second examiner", 3: "Third examiner"}


def spec_of(slot: ExamSlot) -> ExamSpec:
    spec = ExamSpec.from_dict(slot.exam)
    assert spec is not None
    return spec


def has_marks(booking_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(ExamMark.booking_id == booking_id))))


def role_of(booking: ExamBooking, user: User) -> int | None:
    """1 or 2 for the slot's examiners; 3 for any other of the cohort's staff once the exam is
    flagged (a third examiner decides it); None for anyone else."""
    slot = booking.slot
    if user.id == slot.first_examiner_id:
        return 1
    if user.id == slot.second_examiner_id:
        return 2
    if booking.verdict != Verdict.FLAGGED.value:
        return None
    if user.role == Role.ADMIN:
        return 3
    member = db.session.scalar(
        select(CohortMember.role).where(
            CohortMember.cohort_id == booking.cohort_id, CohortMember.user_id == user.id
        )
    )
    return 3 if member == MemberRole.INSTRUCTOR else None


@dataclass
class SlotRow:
    slot: ExamSlot
    counts: Counter[str] = field(default_factory=Counter)  # verdicts of its bookings

    @property
    def seats_left(self) -> int:
        return max(self.slot.capacity - self.slot.booked, 0)


def slots_of(cohort: Cohort) -> list[SlotRow]:
    """The cohort's slots, soonest first, each with its bookings counted by verdict."""
    rows = {
        slot.id: SlotRow(slot)
        for slot in db.session.scalars(
            select(ExamSlot)
            .options(joinedload(ExamSlot.first_examiner), joinedload(ExamSlot.second_examiner))
            .where(ExamSlot.cohort_id == cohort.id)
            .order_by(ExamSlot.starts_at, ExamSlot.id)
        )
    }
    for slot_id, verdict, passed in db.session.execute(
        select(ExamBooking.slot_id, ExamBooking.verdict, ExamBooking.passed).where(
            ExamBooking.slot_id.in_(list(rows)), ExamBooking.cancelled_at.is_(None)
        )
    ):
        counts = rows[slot_id].counts
        counts["booked"] += 1
        counts[_state(verdict, passed)] += 1
    return list(rows.values())


def _state(verdict: str, passed: bool | None) -> str:
    """A booking's state in words staff and candidates share."""
    if verdict in (Verdict.AGREED.value, Verdict.DECIDED.value):
        return "passed" if passed else "failed"
    return "flagged" if verdict == Verdict.FLAGGED.value else "to_mark"


def bookings_of(slot: ExamSlot) -> list[ExamBooking]:
    """The slot's standing bookings with their candidates and sheets, by name."""
    return list(
        db.session.scalars(
            select(ExamBooking)
            .join(User, ExamBooking.user_id == User.id)
            .options(
                joinedload(ExamBooking.user),
                selectinload(ExamBooking.marks).joinedload(ExamMark.examiner),
            )
            .where(ExamBooking.slot_id == slot.id, ExamBooking.cancelled_at.is_(None))
            .order_by(User.name)
        )
    )


def booking_of(cohort: Cohort, user_id: int) -> ExamBooking | None:
    """The candidate's latest booking in the cohort that was not cancelled."""
    return db.session.scalars(
        select(ExamBooking)
        .options(joinedload(ExamBooking.slot))
        .where(
            ExamBooking.cohort_id == cohort.id,
            ExamBooking.user_id == user_id,
            ExamBooking.cancelled_at.is_(None),
        )
        .order_by(ExamBooking.id.desc())
        .limit(1)
    ).first()


def bookable(cohort: Cohort, now: datetime) -> list[SlotRow]:
    """Slots a candidate may still apply for (before their deadline), soonest first."""
    return [row for row in slots_of(cohort) if row.slot.deadline >= now]


def state_words(booking: ExamBooking) -> str:
    state = _state(booking.verdict, booking.passed)
    return {
        "passed": "Passed",
        "failed": "Not passed",
        "flagged": "Flagged for a third examiner",
        "to_mark": "Booked" if not booking.marks else "Being marked",
    }[state]


def chip(booking: ExamBooking) -> str:
    """The design system's chip for the booking's state."""
    return {"passed": "done", "failed": "bad", "flagged": "warn", "to_mark": ""}[
        _state(booking.verdict, booking.passed)
    ]


def sheets(booking: ExamBooking) -> dict[str, Any]:
    """The examiners' sheets side by side, item by item, with each one's score and outcome and
    the reconciliation: what staff see once they may see every sheet."""
    spec = spec_of(booking.slot)
    by_role = {m.role: m for m in booking.marks}
    columns = []
    for role, sheet in sorted(by_role.items()):
        scored = score(spec, sheet.marks)
        columns.append(
            {
                "role": ROLE_NAMES[role],
                "examiner": sheet.examiner.name,
                "percent": percent_words(scored.percent),
                "passed": scored.passed,
            }
        )
    items = []
    for i, item in enumerate(spec.rubric):
        marks = [by_role[r].marks[i] for r in sorted(by_role)]
        items.append(
            {
                "text": item.text,
                "weight": item.weight,
                "critical": item.critical,
                "marks": [MARK_LABELS[m] for m in marks],
                "failed": [m == 0 for m in marks],
                "comments": [by_role[r].comments[i] for r in sorted(by_role)],
                # A critical item one of the two examiners failed and the other did not.
                "split": item.critical and len(marks) > 1 and (marks[0] == 0) != (marks[1] == 0),
            }
        )
    result = reconcile(
        spec, *(by_role[r].marks if r in by_role else None for r in (1, 2, 3))
    )  # fmt: skip
    return {
        "spec": spec,
        "columns": columns,
        "items": items,
        "verdict": result.verdict.value,
        "reasons": result.reasons,
        "percent": percent_words(result.percent) if result.percent is not None else None,
        "passed": result.passed,
    }


def facts_of(cohort: Cohort, ids: Iterable[int]) -> tuple[dict[int, ExamFact], dict[int, Any]]:
    """Each student's exam as their standing sees it (a pass counts; else their latest
    booking), and the booking a record would freeze (their pass), in two queries."""
    facts: dict[int, ExamFact] = {}
    passes: dict[int, ExamBooking] = {}
    for booking in db.session.scalars(
        select(ExamBooking)
        .options(
            joinedload(ExamBooking.slot),
            selectinload(ExamBooking.marks).joinedload(ExamMark.examiner),
        )
        .where(
            ExamBooking.cohort_id == cohort.id,
            ExamBooking.user_id.in_(list(ids)),
            ExamBooking.cancelled_at.is_(None),
        )
        .order_by(ExamBooking.id)
    ):
        if booking.user_id in passes:
            continue  # a pass stands; a later booking cannot undo it
        state = _state(booking.verdict, booking.passed)
        if state == "to_mark" and booking.marks:
            state = "marking"
        elif state == "to_mark":
            state = "booked"
        facts[booking.user_id] = ExamFact(state, booking.percent)
        if state == "passed":
            passes[booking.user_id] = booking
    return facts, passes


def evidence(booking: ExamBooking, decided_on: str) -> dict[str, Any]:
    """The passed exam as a completion record freezes it: its result, rubric scores, each
    examiner's marks and comments, and how the marks were reconciled. Shown to the holder and
    admins only; the public account says no more than that the practical was examined."""
    view = sheets(booking)
    spec: ExamSpec = view["spec"]
    return {
        "title": spec.title,
        "passed_on": decided_on,
        "percent": view["percent"],
        "pass_rule": f"{spec.pass_percent:g}% and every critical item",
        "verdict": view["verdict"],
        "reasons": list(view["reasons"]),
        "examiners": view["columns"],
        "items": [
            {k: item[k] for k in ("text", "weight", "critical", "marks", "comments")}
            for item in view["items"]
        ],
    }
