"""Every URL rule of the app, tried by every kind of principal with another principal's objects.

The table below declares who may do what; a route missing from it fails the test, so a new
route cannot escape review. Outcomes: "ok" (2xx, or a redirect that is not to the login page),
"login" (redirect to log in), or an HTTP status that must match exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from seminar.db import db, now_utc
from seminar.models import Attempt, Cohort, User
from seminar.services import cohorts as cohort_service
from tests.conftest import count_queries, login

PRINCIPALS = ("anonymous", "other_student", "other_instructor", "student", "instructor", "admin")
OK, LOGIN = "ok", "login"

# Who may use a route, by kind.
ANYONE = dict.fromkeys(PRINCIPALS, OK)
USER = ANYONE | {"anonymous": LOGIN}
STAFF = USER | {"student": 403, "other_student": 403}
ADMIN = STAFF | {"instructor": 403, "other_instructor": 403}
COHORT_STAFF = STAFF | {"other_instructor": 404}  # instructors of another cohort: not found
COHORT_ADMIN = ADMIN
OWNER = USER | {"other_student": 404, "other_instructor": 404, "instructor": 404, "admin": 404}
OWNER_OR_TEACHER = OWNER | {"instructor": OK, "admin": OK}
TEACHER = STAFF | {"other_instructor": 404}
MEMBER = USER | {"other_student": 404, "other_instructor": 404}  # the cohort's people only
HOLDER = OWNER | {"admin": OK}  # a record: its holder and admins; to anyone else it does not exist


@dataclass
class World:
    slug: str  # the cohort of "student" and "instructor"
    session_id: int  # a seminar session of that cohort
    live_id: int  # a live quiz in it, with the student seated
    cohort_feed: str  # the calendar feed addresses (public by their secret)
    personal_feed: str
    attendance_id: int  # the student's attendance at it
    student_id: int
    attempt_id: int  # the student's submitted attempt
    open_attempt_id: int  # the student's attempt in progress (another quiz)
    aq_id: int
    invite: str
    record_id: str  # the student's completion record (issued by override)
    invitation_id: int  # a pending invitation into the cohort
    invitation_token: str  # the link's secret, as e-mailed
    reset_token: str  # a password reset link of the student's, as e-mailed
    import_id: int  # a previewed CSV import into the cohort
    device_id: int  # another login session (device) of the student's
    exam_slot_id: int  # a practical exam slot of the cohort
    exam_booking_id: int  # the student's booking in it
    declared_id: int = 0  # hours the student declared from another organisation


# endpoint -> (method, url builder, expectations, form data)
ROUTES: dict[str, tuple[str, Callable[[World], str], dict[str, Any], dict[str, Any]]] = {
    "static": ("GET", lambda w: "/static/css/site.css", ANYONE, {}),
    "health.healthz": ("GET", lambda w: "/healthz", ANYONE, {}),
    "auth.login": ("GET", lambda w: "/login", ANYONE, {}),
    "lessons.home": ("GET", lambda w: "/", USER, {}),
    "join.join": ("GET", lambda w: f"/join/{w.invite}", ANYONE, {}),
    "account.show": ("GET", lambda w: "/account/", USER, {}),
    "account.profile": ("POST", lambda w: "/account/profile", USER, {}),
    "account.password": ("POST", lambda w: "/account/password", USER, {}),
    "account.data": ("GET", lambda w: "/account/data", USER, {}),
    "account.data_json": ("GET", lambda w: "/account/data.json", USER, {}),
    "reset.request_reset": ("GET", lambda w: "/reset-password", ANYONE, {}),
    "reset.choose": ("GET", lambda w: f"/reset-password/{w.reset_token}", ANYONE, {}),
    "invitations.accept": ("GET", lambda w: f"/invite/{w.invitation_token}", ANYONE, {}),
    "lessons.catalogue": ("GET", lambda w: "/lessons/", USER, {}),
    "lessons.service_worker": ("GET", lambda w: "/lessons/sw.js", ANYONE, {}),
    "lessons.show": ("GET", lambda w: "/lessons/first-lesson", USER, {}),
    "lessons.asset": ("GET", lambda w: "/lessons/assets/01-basics/img/diagram.svg", USER, {}),
    "lessons.complete": ("POST", lambda w: "/lessons/second-lesson/complete", USER, {}),
    "lessons.incomplete": ("POST", lambda w: "/lessons/second-lesson/incomplete", USER, {}),
    "lessons.heartbeat": ("POST", lambda w: "/lessons/first-lesson/heartbeat", USER, {}),
    "lessons.edit": ("GET", lambda w: "/lessons/first-lesson/edit", STAFF, {}),
    "lessons.history": ("GET", lambda w: "/lessons/first-lesson/history", STAFF, {}),
    "lessons.content_status": ("GET", lambda w: "/content/status", STAFF, {}),
    "lessons.version": ("GET", lambda w: "/lessons/first-lesson/versions/1", STAFF, {}),
    "lessons.restore": ("POST", lambda w: "/lessons/first-lesson/versions/1/restore", STAFF, {}),
    "quizzes.index": ("GET", lambda w: "/quizzes/", USER, {}),
    "quizzes.show": ("GET", lambda w: "/quizzes/check", USER, {}),
    "quizzes.start": ("POST", lambda w: "/quizzes/second/start", USER, {}),
    "quizzes.attempt": (
        "GET",
        lambda w: f"/quizzes/second/attempts/{w.open_attempt_id}",
        OWNER,
        {},
    ),
    "quizzes.save_page": (
        "POST",
        lambda w: f"/quizzes/second/attempts/{w.open_attempt_id}",
        OWNER,
        {"action": "save"},
    ),
    "quizzes.autosave": (
        "POST",
        lambda w: f"/quizzes/second/attempts/{w.open_attempt_id}/answer",
        OWNER,
        {"json": {"position": 1, "response": {"choice": 0}}},
    ),
    "quizzes.summary": (
        "GET",
        lambda w: f"/quizzes/second/attempts/{w.open_attempt_id}/summary",
        OWNER,
        {},
    ),
    "quizzes.review": (
        "GET",
        lambda w: f"/quizzes/check/attempts/{w.attempt_id}/review",
        OWNER_OR_TEACHER,
        {},
    ),
    "quizzes.submit": (
        "POST",
        lambda w: f"/quizzes/check/attempts/{w.attempt_id}/submit",
        OWNER,
        {},
    ),
    "quizzes.statistics": ("GET", lambda w: "/quizzes/check/statistics", STAFF, {}),
    "quizzes.statistics_csv": ("GET", lambda w: "/quizzes/check/statistics.csv", STAFF, {}),
    "quiz_admin.upload": ("GET", lambda w: "/quizzes/manage/upload", STAFF, {}),
    "quiz_admin.grading": ("GET", lambda w: "/quizzes/manage/grading", STAFF, {}),
    "quiz_admin.grade": (
        "POST",
        lambda w: f"/quizzes/manage/grading/{w.aq_id}",
        TEACHER,
        {"points": "1"},
    ),
    "quiz_admin.accommodations": ("GET", lambda w: "/quizzes/manage/accommodations", STAFF, {}),
    "progress.path": ("GET", lambda w: "/path", USER, {}),
    "progress.dashboard": ("GET", lambda w: f"/cohorts/{w.slug}/progress", COHORT_STAFF, {}),
    "progress.dashboard_csv": (
        "GET",
        lambda w: f"/cohorts/{w.slug}/progress.csv",
        COHORT_STAFF,
        {},
    ),
    "progress.student": (
        "GET",
        lambda w: f"/cohorts/{w.slug}/students/{w.student_id}",
        COHORT_STAFF,
        {},
    ),
    "cohorts.index": ("GET", lambda w: "/cohorts/", STAFF, {}),
    "cohorts.show": ("GET", lambda w: f"/cohorts/{w.slug}", COHORT_STAFF, {}),
    "cohorts.create": ("GET", lambda w: "/cohorts/new", ADMIN, {}),
    "cohorts.edit": ("GET", lambda w: f"/cohorts/{w.slug}/edit", COHORT_ADMIN, {}),
    "imports.upload": ("GET", lambda w: f"/cohorts/{w.slug}/import", COHORT_STAFF, {}),
    "imports.show": (
        "GET",
        lambda w: f"/cohorts/{w.slug}/imports/{w.import_id}",
        COHORT_STAFF,
        {},
    ),
    "cohorts.enroll": (
        "POST",
        lambda w: f"/cohorts/{w.slug}/enroll",
        # allowed, and refused: no account, so an invitation, which needs a name
        COHORT_STAFF | {"instructor": 400, "admin": 400},
        {"email": "nobody@example.org"},
    ),
    "cohorts.announce": (
        "POST",
        lambda w: f"/cohorts/{w.slug}/announcements",
        COHORT_STAFF | {"instructor": 400, "admin": 400},  # allowed; refused: nothing written
        {},
    ),
    "cohorts.upgrade_program": (
        "POST",
        lambda w: f"/cohorts/{w.slug}/program/upgrade",
        COHORT_ADMIN,
        {},
    ),
    "progress.practical": (
        "POST",
        lambda w: f"/cohorts/{w.slug}/students/{w.student_id}/practical",
        COHORT_STAFF,
        {"outcome": "not_yet", "assessed_on": "2026-01-05"},
    ),
    "exams.slots": ("GET", lambda w: f"/cohorts/{w.slug}/exams", COHORT_STAFF, {}),
    "exams.create_slot": (
        "POST",
        lambda w: f"/cohorts/{w.slug}/exams",
        COHORT_STAFF | {"instructor": 400, "admin": 400},  # allowed; refused: an empty form
        {},
    ),
    "exams.slot": ("GET", lambda w: f"/exams/slots/{w.exam_slot_id}", COHORT_STAFF, {}),
    "exams.booking": ("GET", lambda w: f"/exams/bookings/{w.exam_booking_id}", COHORT_STAFF, {}),
    "exams.mark": (
        "POST",
        lambda w: f"/exams/bookings/{w.exam_booking_id}/marks",
        COHORT_STAFF | {"instructor": 400, "admin": 400},  # allowed; refused: nothing marked
        {},
    ),
    "exams.candidate": ("GET", lambda w: f"/cohorts/{w.slug}/exam", MEMBER, {}),
    # The student holds a seat already: refused with a message, on their exam page.
    "exams.book": ("POST", lambda w: f"/exams/slots/{w.exam_slot_id}/book", OWNER, {}),
    "sessions.schedule": ("GET", lambda w: f"/cohorts/{w.slug}/sessions", MEMBER, {}),
    "sessions.create": ("GET", lambda w: f"/cohorts/{w.slug}/sessions/new", COHORT_STAFF, {}),
    "sessions.show": ("GET", lambda w: f"/sessions/{w.session_id}", COHORT_STAFF, {}),
    "checkin.projector": (
        "GET",
        lambda w: f"/sessions/{w.session_id}/projector",
        COHORT_STAFF,
        {},
    ),
    "sessions.roster_csv": (
        "GET",
        lambda w: f"/sessions/{w.session_id}/roster.csv",
        COHORT_STAFF,
        {},
    ),
    "sessions.attendance_csv": (
        "GET",
        lambda w: f"/cohorts/{w.slug}/attendance.csv",
        COHORT_STAFF,
        {},
    ),
    "sessions.ce_details": ("GET", lambda w: f"/sessions/{w.session_id}/ce", COHORT_STAFF, {}),
    "sessions.cebroker_csv": (
        "GET",
        lambda w: f"/sessions/{w.session_id}/cebroker.csv",
        COHORT_STAFF,
        {},
    ),
    "ce.rosters_due": ("GET", lambda w: "/ce/rosters", ADMIN, {}),
    "ce.mark_reported": ("POST", lambda w: f"/ce/rosters/{w.session_id}/FL", ADMIN, {}),
    "evaluations.evaluate": ("GET", lambda w: f"/cohorts/{w.slug}/evaluation", MEMBER, {}),
    "evaluations.results": (
        "GET",
        lambda w: f"/cohorts/{w.slug}/evaluation/results",
        COHORT_STAFF,
        {},
    ),
    "sessions.correct": (
        "POST",
        lambda w: f"/sessions/{w.session_id}/attendance/{w.attendance_id}",
        COHORT_STAFF | {"instructor": 400, "admin": 400},  # allowed; refused: no reason given
        {},
    ),
    "checkin.projector_state": (
        "GET",
        lambda w: f"/sessions/{w.session_id}/projector.json",
        COHORT_STAFF,
        {},
    ),
    "checkin.checkin": ("GET", lambda w: "/checkin", USER, {}),
    "calendar.cohort_calendar": ("GET", lambda w: w.cohort_feed, ANYONE, {}),
    "calendar.personal_calendar": ("GET", lambda w: w.personal_feed, ANYONE, {}),
    # After the feeds above: it replaces their addresses.
    "sessions.replace_feed": ("POST", lambda w: f"/cohorts/{w.slug}/sessions/feed", MEMBER, {}),
    "checkin.checkout": ("POST", lambda w: f"/sessions/{w.session_id}/checkout", USER, {}),
    "sessions.control": (
        "POST",
        lambda w: f"/sessions/{w.session_id}/open-checkin",
        COHORT_STAFF,
        {},
    ),
    "live.create": (
        "POST",
        lambda w: f"/sessions/{w.session_id}/live",
        COHORT_STAFF,
        {"stem": "Which?", "choices": "A\nB", "correct": "1"},
    ),
    "live.new": ("GET", lambda w: f"/sessions/{w.session_id}/live", COHORT_STAFF, {}),
    "sessions.confirm_close": (
        "GET",
        lambda w: f"/sessions/{w.session_id}/close",
        COHORT_STAFF,
        {},
    ),
    "live.host": ("GET", lambda w: f"/live/{w.live_id}/host", COHORT_STAFF, {}),
    "live.state": ("GET", lambda w: f"/live/{w.live_id}/state.json", OWNER_OR_TEACHER, {}),
    "live.play": ("GET", lambda w: f"/live/{w.live_id}", MEMBER, {}),
    "live.phone": ("GET", lambda w: f"/live/{w.live_id}/phone", MEMBER, {}),
    "live.join": (
        "POST",
        lambda w: f"/live/{w.live_id}/join",
        MEMBER | {"instructor": 400, "admin": 400},  # allowed; refused: staff take no seat
        {},
    ),
    "live.answer": ("POST", lambda w: f"/live/{w.live_id}/answer", MEMBER, {}),
    "live.answers_csv": ("GET", lambda w: f"/live/{w.live_id}/answers.csv", COHORT_STAFF, {}),
    "live.control": ("POST", lambda w: f"/live/{w.live_id}/finish", COHORT_STAFF, {}),
    "admin.users": ("GET", lambda w: "/admin/users", ADMIN, {}),
    "admin.invite": ("POST", lambda w: "/admin/users/invite", ADMIN | {"admin": 400}, {}),
    "admin.erase": ("GET", lambda w: f"/admin/users/{w.student_id}/erase", ADMIN, {}),
    "admin.audit_log": ("GET", lambda w: "/admin/audit?action=record.issue", ADMIN, {}),
    "admin.outbox": ("GET", lambda w: "/admin/outbox", ADMIN, {}),
    "admin.send_outbox": ("POST", lambda w: "/admin/outbox/send", ADMIN, {}),
    "records.index": ("GET", lambda w: "/records/", USER, {}),
    "records.show": ("GET", lambda w: f"/records/{w.record_id}", HOLDER, {}),
    "records.pdf": ("GET", lambda w: f"/records/{w.record_id}.pdf", HOLDER, {}),
    "records.issue": ("GET", lambda w: f"/cohorts/{w.slug}/records", COHORT_ADMIN, {}),
    "records.cohort_zip": ("GET", lambda w: f"/cohorts/{w.slug}/records.zip", COHORT_ADMIN, {}),
    "verify.form": ("GET", lambda w: f"/verify?id={w.record_id.lower()}", ANYONE, {}),
    "verify.show": ("GET", lambda w: f"/verify/{w.record_id}", ANYONE, {}),
    "verify.credential": ("GET", lambda w: f"/verify/{w.record_id}.jwt", ANYONE, {}),
    "verify.keys": ("GET", lambda w: "/.well-known/jwks.json", ANYONE, {}),
    "verify.issuer": ("GET", lambda w: "/issuer", ANYONE, {}),
    "verify.status_list": ("GET", lambda w: "/status/1", ANYONE, {}),
    "verify.badge_image": ("GET", lambda w: "/badges/completion.svg", ANYONE, {}),
    "admin.change_role": (
        "POST",
        lambda w: f"/admin/users/{w.student_id}/role",
        ADMIN,
        {"role": "student"},
    ),
    # Last: these change a record, who belongs where, an import or invitation, or end sessions.
    "imports.step": (
        "POST",
        lambda w: f"/cohorts/{w.slug}/imports/{w.import_id}/step",
        COHORT_STAFF,
        {},
    ),
    "imports.start": (
        "POST",
        lambda w: f"/cohorts/{w.slug}/imports/{w.import_id}/start",
        COHORT_STAFF,
        {},
    ),
    "imports.cancel": (
        "POST",
        lambda w: f"/cohorts/{w.slug}/imports/{w.import_id}/cancel",
        COHORT_STAFF,
        {},
    ),
    "invitations.manage": (
        "POST",
        lambda w: f"/invitations/{w.invitation_id}/withdraw",  # and /resend
        OWNER | {"instructor": OK, "admin": OK, "student": 404},
        {},
    ),
    "account.end_device": (
        "POST",
        lambda w: f"/account/devices/{w.device_id}/end",
        OWNER,
        {},
    ),
    "exams.cancel": ("POST", lambda w: f"/exams/bookings/{w.exam_booking_id}/cancel", OWNER, {}),
    "account.end_other_devices": ("POST", lambda w: "/account/devices/others/end", USER, {}),
    "records.reissue": (
        "POST",
        lambda w: f"/records/{w.record_id}/reissue",
        ADMIN,
        {"reissue-reason": "Name corrected"},
    ),
    "records.revoke": (
        "POST",
        lambda w: f"/records/{w.record_id}/revoke",
        ADMIN,
        {"revoke-reason": "Issued in error"},
    ),
    "cohorts.invite": ("POST", lambda w: f"/cohorts/{w.slug}/invite/open", COHORT_ADMIN, {}),
    "cohorts.remove_member": (
        "POST",
        lambda w: f"/cohorts/{w.slug}/members/{w.student_id}/remove",
        COHORT_ADMIN,
        {},
    ),
    "levels.hours": ("GET", lambda w: "/hours", USER, {}),
    # Refused without its evidence file (400) for anyone logged in: access, not the upload.
    "levels.declare": (
        "POST",
        lambda w: "/hours",
        {p: 400 for p in PRINCIPALS} | {"anonymous": LOGIN},
        {"organisation": "SOTO-Europe"},
    ),
    # Refused without a credential (400) for anyone logged in: access, not the verification.
    "levels.declare_credential": (
        "POST",
        lambda w: "/hours/credential",
        {p: 400 for p in PRINCIPALS} | {"anonymous": LOGIN},
        {"c-credential": "not a credential"},
    ),
    "levels.licence": ("POST", lambda w: "/hours/licence", USER, {"licensed_on": "2015-03-01"}),
    "levels.evidence": ("GET", lambda w: f"/hours/{w.declared_id}/evidence", HOLDER, {}),
    "levels.review": ("GET", lambda w: "/admin/hours", ADMIN, {}),
    "levels.decide": ("POST", lambda w: f"/admin/hours/{w.declared_id}", ADMIN, {}),
    "levels.table_instructors": (
        "GET",
        lambda w: f"/cohorts/{w.slug}/table-instructors",
        COHORT_STAFF,
        {},
    ),
    # The student holds no record that lets them assist: not found, even to the cohort's staff.
    "levels.add_table_instructor": (
        "POST",
        lambda w: f"/cohorts/{w.slug}/table-instructors/{w.student_id}",
        STAFF | {"instructor": 404, "admin": 404, "other_instructor": 404},
        {},
    ),
    "auth.logout": ("POST", lambda w: "/logout", dict.fromkeys(PRINCIPALS, LOGIN), {}),
}

SECOND_QUIZ = "---\ntitle: Second\n---\n\n## Pick one {#one}\n\n- [x] A\n- [ ] B\n"


def build_world(
    app: Flask, world: Cohort, make_user, teacher: User
) -> tuple[World, dict[str, FlaskClient]]:
    from pathlib import Path

    from seminar.services.content_sync import sync_content

    quizzes = Path(app.config["QUIZZES_DIR"])
    (quizzes / "second.md").write_text(SECOND_QUIZ)
    (quizzes / "check.md").write_text((quizzes / "check.md").read_text() + "\n## Explain {#why}\n")
    sync_content(Path(app.config["LESSONS_DIR"]), quizzes)
    other = cohort_service.create_cohort("other", title="Other", program_slug="basic")
    people = {
        "student": make_user("student"),
        "other_student": make_user("student"),
        "instructor": teacher,
        "other_instructor": make_user("instructor"),
        "admin": make_user("admin"),
    }
    cohort_service.enroll(world, people["student"])
    cohort_service.enroll(other, people["other_student"])
    cohort_service.enroll(other, people["other_instructor"], cohort_service.MemberRole.INSTRUCTOR)
    clients = {"anonymous": app.test_client()}
    for name, user in people.items():
        clients[name] = app.test_client()
        assert login(clients[name], user).status_code == 302
    own = clients["student"]
    done = int(own.post("/quizzes/check/start").headers["Location"].rsplit("/", 1)[1])
    attempt = db.session.get(Attempt, done)
    essay = next(aq for aq in attempt.questions if aq.question.key == "why")
    own.post(
        f"/quizzes/check/attempts/{done}/answer",
        json={"position": essay.position, "response": {"text": "Because."}},
    )
    own.post(f"/quizzes/check/attempts/{done}/submit")
    running = int(own.post("/quizzes/second/start").headers["Location"].rsplit("/", 1)[1])
    db.session.refresh(world)
    from datetime import timedelta

    from seminar.db import now_utc
    from seminar.services import sessions as session_service

    start = now_utc().replace(second=0, microsecond=0)
    seminar = session_service.create_session(
        world, title="Day one", starts_at=start, ends_at=start + timedelta(hours=2),
        location="", ce_hours=2, lessons=[],
    )  # fmt: skip
    code = session_service.open_checkin(seminar)
    attendance = session_service.check_in(people["student"], code)
    from seminar.services import live as live_service

    live = live_service.create_live_quiz(
        seminar,
        title="Live",
        drafts=[live_service.Draft("Pick", ["a", "b"], [0])],
        seconds=20,
        leaderboard=True,
    )
    live_service.join(live, people["student"])
    from seminar.models import RecordKind
    from seminar.services import issuing

    (issued,) = issuing.issue(
        world,
        RecordKind.COMPLETION,
        [people["student"].id],
        overrides={people["student"].id: "test"},
    )
    cohort_token = world.calendar_token
    personal_token = people["student"].calendar_token
    from seminar.models import ImportJob, LoginSession, OutboxMessage
    from seminar.services import imports, invitations, password_reset

    invitation = invitations.add_person(
        "newcomer@example.org", name="New Comer", cohort=world, by=people["admin"]
    ).invitation
    password_reset.request_reset(people["student"].email)
    mails = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    invitation_link = next(m.body for m in mails if m.kind == "invitation")
    reset_link = next(m.body for m in mails if m.kind == "password_reset")
    job = imports.create_job(
        world, imports.plan_csv(world, "email,name\nrow@example.org,Row One\n"), by=None
    )
    second = app.test_client()  # the student on another device
    assert login(second, people["student"]).status_code == 302
    device = db.session.scalars(
        select(LoginSession.id).where(LoginSession.user_id == people["student"].id)
    ).all()[-1]
    assert isinstance(job, ImportJob)
    from datetime import date

    from seminar.services import declared_hours

    declared = declared_hours.declare(
        people["student"],
        organisation="SOTO-Europe",
        course="Basic seminar",
        attended_on=date(2026, 1, 10),
        hours=8,
        file_name="certificate.pdf",
        file_data=b"%PDF-1.4 attendance",
    )
    from seminar.services import exam_slots
    from tests.exam_world import give_exam, open_slot

    give_exam(app, world)
    examiner = make_user("instructor")
    cohort_service.enroll(world, examiner, cohort_service.MemberRole.INSTRUCTOR)
    slot = open_slot(world, teacher, examiner)
    booking = exam_slots.book(slot, people["student"])
    db.session.commit()
    return (
        World(
            slug=world.slug,
            session_id=seminar.id,
            live_id=live.id,
            cohort_feed=f"/calendar/cohort/{cohort_token}.ics",
            personal_feed=f"/calendar/{personal_token}.ics",
            attendance_id=attendance.id,
            student_id=people["student"].id,
            attempt_id=done,
            open_attempt_id=running,
            aq_id=essay.id,
            invite=world.invite_code or "",
            record_id=issued.record.display_id,
            invitation_id=invitation.id,
            invitation_token=re.search(r"/invite/(\S+)", invitation_link).group(1),
            reset_token=re.search(r"/reset-password/(\S+)", reset_link).group(1),
            import_id=job.id,
            device_id=device,
            declared_id=declared.id,
            exam_slot_id=slot.id,
            exam_booking_id=booking.id,
        ),
        clients,
    )


def outcome(response: Any) -> Any:
    if response.status_code in (301, 302, 303):
        return LOGIN if response.headers["Location"].startswith("/login") else OK
    return OK if response.status_code < 400 else response.status_code


def test_every_route_is_declared(app: Flask) -> None:
    rules = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert rules == set(ROUTES), f"undeclared: {rules - set(ROUTES)}; stale: {set(ROUTES) - rules}"


def test_access_matrix(app: Flask, world: Cohort, make_user, teacher: User) -> None:
    w, clients = build_world(app, world, make_user, teacher)
    # The grading form's fields carry a per-answer prefix.
    ROUTES["quiz_admin.grade"][3].clear()
    ROUTES["quiz_admin.grade"][3].update({f"g{w.aq_id}-points": "1"})
    leaks = []
    for endpoint, (method, url_of, expected, data) in ROUTES.items():
        url = url_of(w)
        for principal in PRINCIPALS:
            client = clients[principal]
            if method == "GET":
                response = client.get(url)
            elif "json" in data:
                response = client.post(url, json=data["json"])
            else:
                response = client.post(url, data=data)
            got, want = outcome(response), expected[principal]
            if got != want:
                leaks.append(
                    f"{endpoint} {method} {url} as {principal}: got {got}, expected {want}"
                )
    assert leaks == [], "\n".join(leaks)


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def test_no_get_request_writes(app: Flask, world: Cohort, make_user, teacher: User) -> None:
    """Every page and download, seen by everyone: not one INSERT, UPDATE or DELETE. An attempt
    whose time ran out is among them (it used to be submitted on sight)."""
    w, clients = build_world(app, world, make_user, teacher)
    running = db.session.get(Attempt, w.open_attempt_id)
    assert running is not None
    running.deadline = now_utc() - timedelta(hours=1)
    db.session.commit()
    writes = []
    with count_queries() as statements:
        for endpoint, (method, url_of, _, _) in ROUTES.items():
            if method != "GET":
                continue
            for principal in PRINCIPALS:
                seen = len(statements)
                clients[principal].get(url_of(w))
                writes += [
                    f"{endpoint} as {principal}: {s[:60]}"
                    for s in statements[seen:]
                    if WRITE.match(s)
                ]
    assert len(statements) > 100  # the pages' reads were seen: so would their writes be
    assert writes == [], "\n".join(writes)


@pytest.mark.parametrize("principal", ["other_student", "other_instructor"])
def test_no_data_of_another_cohort_in_pages(
    app: Flask, world: Cohort, make_user, teacher: User, principal: str
) -> None:
    w, clients = build_world(app, world, make_user, teacher)
    student = db.session.execute(select(User).where(User.id == w.student_id)).scalar_one()
    client = clients[principal]
    for url in (
        "/lessons/",
        "/quizzes/",
        "/path",
        "/cohorts/",
        "/quizzes/manage/grading",
        "/quizzes/manage/accommodations",
    ):
        html = client.get(url).get_data(as_text=True)
        assert student.email not in html and student.name not in html, url
