"""Who may do what: every access rule of the web layer, and the loaders that apply them.

Views ask here, never compare roles themselves, and templates ask the `may` object this
module puts in their context. A loader answers 404 (not 403) for something the person may
not see when merely knowing that it exists would tell them something: another student's
attempt, a cohort they do not teach, a record that is not theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from seminar.db import db
from seminar.models import (
    Attempt,
    AttemptQuestion,
    Cohort,
    CohortMember,
    DeclaredHours,
    ExamBooking,
    ExamSlot,
    ImportJob,
    Invitation,
    LiveAnswer,
    LiveParticipant,
    LiveQuiz,
    MemberRole,
    Record,
    Role,
    SeminarSession,
    User,
)
from seminar.queries import catalogue, cohorts, ladder, records
from seminar.queries import declared_hours as declared_queries
from seminar.queries import live as live_queries
from seminar.web.signin import ridden

# --- predicates ----------------------------------------------------------------------------


def is_admin(user: Any) -> bool:
    return bool(user.is_authenticated) and user.role == Role.ADMIN


def is_staff(user: Any) -> bool:
    return bool(user.is_authenticated) and user.role in (Role.INSTRUCTOR, Role.ADMIN)


def teaches(cohort: Cohort, user: Any) -> bool:
    """An admin, or one of the cohort's instructors."""
    if is_admin(user):
        return True
    return cohorts.member_role(cohort.id, user.id) == MemberRole.INSTRUCTOR


def studies_in(cohort_id: int, user: Any) -> bool:
    return cohorts.member_role(cohort_id, user.id) == MemberRole.STUDENT


def teaches_student(viewer: Any, student_id: int) -> bool:
    """An admin, or an instructor of a cohort the student is in."""
    if is_admin(viewer):
        return True
    if not is_staff(viewer):
        return False
    query = cohorts.taught_students(viewer).where(CohortMember.user_id == student_id).limit(1)
    return db.session.execute(query).first() is not None


def may_read_lesson(user: Any, slug: str) -> bool:
    """A student reads the lessons of their cohorts' programs; staff read every lesson."""
    visible = catalogue.visible_lessons(user)
    return visible is None or slug in visible


def may_view_record(record: Record, user: Any) -> bool:
    return record.holder_id == user.id or is_admin(user)


# --- decorators ----------------------------------------------------------------------------


def roles_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Log in first, then allow only the given roles (403 for the others)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required(Role.INSTRUCTOR, Role.ADMIN)
admin_required = roles_required(Role.ADMIN)


# --- loaders: the thing, or 404 -------------------------------------------------------------


def cohort_for_staff(slug: str) -> Cohort:
    """The cohort, for its instructors and admins."""
    cohort = cohorts.get_cohort(slug)
    if cohort is None or not teaches(cohort, current_user):
        abort(404)
    return cohort


def cohort_for_member(slug: str) -> Cohort:
    """The cohort, for anyone in it and for its staff."""
    cohort = cohorts.get_cohort(slug)
    if cohort is None or not (
        cohorts.member_role(cohort.id, current_user.id) or teaches(cohort, current_user)
    ):
        abort(404)
    return cohort


def student_of(cohort: Cohort, user_id: int) -> User:
    """One of the cohort's students (the caller has checked that the viewer teaches it)."""
    return cohorts.student_in(cohort, user_id) or abort(404)


def session_for_staff(session_id: int) -> SeminarSession:
    session = db.session.execute(
        select(SeminarSession)
        .options(joinedload(SeminarSession.cohort))
        .where(SeminarSession.id == session_id)
    ).scalar_one_or_none()
    if session is None or not teaches(session.cohort, current_user):
        abort(404)
    return session


def _live(live_id: int) -> LiveQuiz:
    """The quiz with its session and cohort; its questions come from live_queries (read
    once per worker)."""
    live = db.session.execute(
        select(LiveQuiz)
        .options(joinedload(LiveQuiz.session).joinedload(SeminarSession.cohort))
        .where(LiveQuiz.id == live_id)
    ).scalar_one_or_none()
    return live or abort(404)


def live_for_host(live_id: int) -> LiveQuiz:
    live = _live(live_id)
    if not teaches(live.session.cohort, current_user):
        abort(404)
    return live


def _in_room(live: LiveQuiz) -> bool:
    return studies_in(live.session.cohort_id, current_user) or teaches(
        live.session.cohort, current_user
    )


def live_for_room(live_id: int) -> LiveQuiz:
    """The live quiz, for its session's students and staff."""
    live = _live(live_id)
    return live if _in_room(live) else abort(404)


def live_seat_for_room(
    live_id: int,
) -> tuple[LiveQuiz, LiveParticipant | None, LiveAnswer | None]:
    """The live quiz with the viewer's seat in it and answer to its current question (or
    None): what a phone's screen is made of. A seat is the access rule, as for the polls
    (only the cohort's students take one); without one, the session's students and staff."""
    found = live_queries.with_seat(live_id, current_user.id)
    if found is None:
        abort(404)
    live, seat, answer = found
    if seat is None and not _in_room(live):
        abort(404)
    return live, seat, answer


def invitation_for_staff(invitation_id: int) -> Invitation:
    """An invitation, for admins, and for the instructors of the cohort it invites to."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not is_staff(current_user):
        abort(404)
    if not is_admin(current_user) and (
        invitation.cohort is None or not teaches(invitation.cohort, current_user)
    ):
        abort(404)
    return invitation


def import_for_staff(cohort: Cohort, job_id: int) -> ImportJob:
    """A CSV import into a cohort the viewer teaches (the caller loaded the cohort so)."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.cohort_id != cohort.id:
        abort(404)
    return job


def live_pulse_for_seat(live_id: int) -> dict[str, Any] | None:
    """Where the quiz is, for a student seated in it (only the cohort's students take a
    seat, so the seat is the access rule), in one query: every phone in the room polls this
    about once a second. None for anyone without a seat there."""
    return live_queries.seated_pulse(live_id, current_user.id, ridden())


def record_for_viewer(rid: str) -> Record:
    """The record, for its holder and admins; existence is private."""
    record = records.find(rid)
    if record is None or not may_view_record(record, current_user):
        abort(404)
    return record


def declared_for_viewer(entry_id: int) -> DeclaredHours:
    """Hours declared from another organisation (and their evidence): for the person who
    declared them and for admins."""
    entry = declared_queries.get(entry_id)
    if entry is None or not (entry.user_id == current_user.id or is_admin(current_user)):
        abort(404)
    return entry


def assistant_for(cohort: Cohort, user_id: int) -> User:
    """Someone whose record makes them eligible to assist on the cohort (staff of the cohort
    ask; anyone else's account is 404, so user ids cannot be probed for names)."""
    person = db.session.get(User, user_id)
    if person is None or not person.active or not ladder.may_assist(cohort, person):
        abort(404)
    return person


def attempt_for_viewer(slug: str, attempt_id: int, *, staff_may_view: bool = False) -> Attempt:
    """The student's own attempt (and, where staff may view it, their instructors')."""
    attempt = db.session.execute(
        select(Attempt)
        .options(
            joinedload(Attempt.version),
            joinedload(Attempt.quiz),
            selectinload(Attempt.questions).joinedload(AttemptQuestion.question),
        )
        .where(Attempt.id == attempt_id)
    ).scalar_one_or_none()
    if attempt is None or attempt.quiz.slug != slug:
        abort(404)
    if attempt.user_id != current_user.id and not (
        staff_may_view and teaches_student(current_user, attempt.user_id)
    ):
        abort(404)
    return attempt


# --- for templates -------------------------------------------------------------------------


class Permissions:
    """What the logged-in person may do, as templates ask it (`may.manage_people`)."""

    def __init__(self, user: Any) -> None:
        self._user = user

    @property
    def manage_people(self) -> bool:
        return is_admin(self._user)

    @property
    def manage_cohorts(self) -> bool:
        return is_admin(self._user)

    def invite_as(self, role: str) -> bool:
        """Invite someone with this account role: admins any, instructors students."""
        return is_admin(self._user) or (is_staff(self._user) and role == Role.STUDENT.value)

    @property
    def erase_people(self) -> bool:
        return is_admin(self._user)

    @property
    def issue_records(self) -> bool:
        return is_admin(self._user)

    @property
    def read_audit(self) -> bool:
        return is_admin(self._user)

    @property
    def teach(self) -> bool:
        """Staff pages: cohorts, editing lessons and quizzes, grading, statistics."""
        return is_staff(self._user)

    @property
    def study(self) -> bool:
        """A student's own pages: My path, My records."""
        return bool(self._user.is_authenticated) and not is_staff(self._user)

    def teach_cohort(self, cohort: Cohort) -> bool:
        return bool(self._user.is_authenticated) and teaches(cohort, self._user)


def register_template_access(app: Flask) -> None:
    @app.context_processor
    def permissions() -> dict[str, object]:
        # The user itself, not the proxy: a page asks `may` a dozen times.
        return {"may": Permissions(current_user._get_current_object())}


# --- practical exams ----------------------------------------------------------------------


def exam_slot_for_staff(slot_id: int) -> ExamSlot:
    """A slot, for the staff of its cohort."""
    slot = db.session.get(ExamSlot, slot_id)
    if slot is None or not teaches(slot.cohort, current_user):
        abort(404)
    return slot


def exam_slot_for_candidate(slot_id: int) -> ExamSlot:
    """A slot, for the students of its cohort (who may book it)."""
    slot = db.session.get(ExamSlot, slot_id)
    if slot is None or not studies_in(slot.cohort_id, current_user):
        abort(404)
    return slot


def exam_booking_for_staff(booking_id: int) -> ExamBooking:
    booking = db.session.get(ExamBooking, booking_id)
    if booking is None or not teaches(booking.slot.cohort, current_user):
        abort(404)
    return booking


def exam_booking_for_candidate(booking_id: int) -> ExamBooking:
    """The candidate's own booking; to anyone else it does not exist."""
    booking = db.session.get(ExamBooking, booking_id)
    if booking is None or booking.user_id != current_user.id:
        abort(404)
    return booking
