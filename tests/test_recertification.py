"""Keeping a record alive: reminders 90 and 30 days before it lapses, each sent once through
a real SMTP server however often (and from however many commands) the job runs; renewal by
hours taught as a table instructor, superseding the old record without overstating."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from seminar.core.record_wording import add_months
from seminar.db import db, now_utc
from seminar.models import (
    AuditEntry,
    Cohort,
    CohortMember,
    MemberRole,
    OutboxMessage,
    Record,
    RecordKind,
    RecordReminder,
    User,
)
from seminar.queries.records import RecordStatus, local_today, status_of
from seminar.services import cohorts as cohort_service
from seminar.services import issuing, recertification
from seminar.services import sessions as session_service
from tests.mailserver import MailServer, parts, wait_for
from tests.test_levels_http import advanced  # noqa: F401  (the fixture)


def advanced_record(advanced: Cohort, holder: User, *, lapses_in: int) -> Record:  # noqa: F811
    """An advanced record (36 months' validity) issued so that it lapses in so many days."""
    db.session.add(CohortMember(cohort_id=advanced.id, user_id=holder.id, role=MemberRole.STUDENT))
    expires = local_today() + timedelta(days=lapses_in)
    (issued,) = issuing.issue(
        advanced,
        RecordKind.COMPLETION,
        [holder.id],
        overrides={holder.id: "test"},
        today=add_months(expires, -36),
    )
    db.session.commit()
    assert issued.record.expires_on == expires
    return issued.record


def reminders_to(email: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_email == email, OutboxMessage.kind == "record_expiring")
            .order_by(OutboxMessage.id)
        )
    )


def test_a_record_30_days_from_lapsing_had_one_90_and_one_30_day_reminder(
    app: Flask,
    advanced: Cohort,  # noqa: F811
    make_user,
    runner: FlaskCliRunner,
    mail_server: MailServer,
) -> None:
    holder = make_user("student", email="holder@example.org", name="Hana Holder")
    record = advanced_record(advanced, holder, lapses_in=120)
    today = local_today()
    for days_before in (120, 100, 90, 89, 60, 31, 30, 29, 30):  # a daily cron, with repeats
        day = record.expires_on - timedelta(days=days_before)
        for _ in range(2):  # and a second host running the same job
            result = runner.invoke(args=["seminar", "recertify", "--today", day.isoformat()])
            assert result.exit_code == 0, result.output
    assert runner.invoke(args=["seminar", "remind"]).exit_code == 0  # today: 120 days left
    sent = reminders_to(holder.email)
    assert [m.subject for m in sent] == [
        f"Your record lapses in 90 days: {record.title}",
        f"Your record lapses in 30 days: {record.title}",
    ]
    stages = db.session.scalars(
        select(RecordReminder.days_before).where(RecordReminder.record_id == record.id)
    ).all()
    assert sorted(stages) == [30, 90]
    # Delivered through real SMTP: both, multipart, saying how to keep the record.
    mail_server.wait_for_mail(holder.email, count=2)
    assert wait_for(lambda: all(m.sent_at for m in reminders_to(holder.email)))
    text, html = parts(mail_server.messages_to(holder.email)[-1])
    assert "Dear Hana Holder" in text and record.display_id in text
    assert "renewed by 4 hours taught as a table instructor" in text
    assert "4 more hours taught as a table instructor (0 of 4)" in text
    assert "4 more hours taught as a table instructor (0 of 4)" in html
    assert today  # the reminders did not depend on the real date


def test_a_record_found_late_gets_only_the_urgent_reminder(
    app: Flask,
    advanced: Cohort,  # noqa: F811
    make_user,
) -> None:
    holder = make_user("student")
    advanced_record(advanced, holder, lapses_in=10)
    assert recertification.queue_reminders() == 1
    assert recertification.queue_reminders() == 0
    db.session.commit()
    assert [m.subject.split(":")[0] for m in reminders_to(holder.email)] == [
        "Your record lapses in 10 days"
    ]


def test_hours_taught_renew_the_record_which_supersedes_the_old(
    app: Flask,
    world: Cohort,
    advanced: Cohort,  # noqa: F811
    make_user,
    runner: FlaskCliRunner,
) -> None:
    holder = make_user("student", name="Tia Teacher")
    record = advanced_record(advanced, holder, lapses_in=60)
    cohort_service.move_to_current_program(world)  # whose holders of `advanced` may assist
    cohort_service.enroll(world, holder, MemberRole.TABLE_INSTRUCTOR)
    db.session.execute(
        CohortMember.__table__.update()
        .where(CohortMember.user_id == holder.id, CohortMember.cohort_id == world.id)
        .values(joined_at=now_utc() - timedelta(days=30))
    )
    starts = now_utc().replace(microsecond=0) - timedelta(days=3)
    for day, hours in ((0, 3), (1, 0.5)):
        session_service.create_session(
            world, title=f"Tables {day}", starts_at=starts + timedelta(days=day),
            ends_at=starts + timedelta(days=day, hours=hours), location="", ce_hours=hours,
            lessons=[],
        )  # fmt: skip
    db.session.commit()
    assert recertification.renew_maintained() == []  # 3.5 of 4 hours: not yet
    session_service.create_session(
        world, title="Tables 2", starts_at=starts + timedelta(days=2),
        ends_at=starts + timedelta(days=2, hours=1), location="", ce_hours=1, lessons=[],
    )  # fmt: skip
    db.session.commit()
    result = runner.invoke(args=["seminar", "recertify"])
    assert result.exit_code == 0 and "renewed" in result.output
    again = runner.invoke(args=["seminar", "recertify"])
    assert "renewed" not in again.output  # once
    db.session.expire_all()
    old = db.session.get(Record, record.id)
    new = old.superseded_by
    assert status_of(old) == RecordStatus.SUPERSEDED and status_of(new) == RecordStatus.VALID
    assert new.expires_on == add_months(old.expires_on, 36)
    assert new.completed_on == old.completed_on  # completed then; renewed now
    renewal = new.evidence["renewal"]
    assert renewal["renews"] == old.display_id
    assert renewal["maintained"].startswith("4.5 hours taught as a table instructor from ")
    assert renewal["period_start"] == old.expires_on.isoformat()
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "record.renew")
        )
        == 1
    )
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "record_renewed")
    ).one()
    assert new.display_id in mail.body and "Tia Teacher" in mail.body
    # The renewed record's own period starts where the old one ended: nothing counts twice.
    assert recertification.renew_maintained() == []


def test_the_demo_has_both_levels_and_a_record_nearing_expiry(
    app: Flask, runner: FlaskCliRunner
) -> None:
    from pathlib import Path

    from seminar.queries.cohorts import get_cohort

    repo = Path(__file__).resolve().parent.parent
    app.config.update(LESSONS_DIR=str(repo / "lessons"), QUIZZES_DIR=str(repo / "quizzes"))
    assert runner.invoke(args=["seminar", "sync"]).exit_code == 0
    for _ in range(2):  # a second run adds nothing
        result = runner.invoke(args=["seminar", "demo"])
        assert result.exit_code == 0, result.output
    basic, upper = get_cohort("demo"), get_cohort("demo-advanced")
    assert basic.program_version.program.slug == "sot-basic"
    assert upper.program_version.program.slug == "sot-advanced"
    (lapsing,) = db.session.scalars(
        select(Record).where(Record.expires_on.is_not(None), Record.superseded_by_id.is_(None))
    ).all()
    assert 0 < (lapsing.expires_on - local_today()).days <= 30
    assert (
        db.session.scalar(
            select(CohortMember.role).where(
                CohortMember.cohort_id == basic.id, CohortMember.user_id == lapsing.holder_id
            )
        )
        == MemberRole.TABLE_INSTRUCTOR
    )
    remind = runner.invoke(args=["seminar", "remind"])
    assert "queued 1 record reminder(s)" in remind.output
