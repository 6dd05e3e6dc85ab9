"""Invitations: an admin (or a cohort's instructor) adds a person by e-mail; the person gets a
single-use link, valid for INVITATION_DAYS, to set their own password and join.

Nobody else ever sees a password or the link: the link's secret is stored hashed, the e-mail
is marked private in the outbox, and resending makes a new link (the old one stops working).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from seminar.core import tokens
from seminar.core.errors import NotAllowed, SeminarError
from seminar.core.text import refuse_unsafe_lines
from seminar.db import db, insert_ignore, now_utc, update_if
from seminar.models import Cohort, Invitation, MemberRole, Role, User
from seminar.queries import links
from seminar.services import audit, notifications, prerequisites
from seminar.services.accounts import create_user, find_user, normalise_email
from seminar.services.cohorts import enroll

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EMAIL_MAX = User.__table__.c.email.type.length
_NAME_MAX = User.__table__.c.name.type.length


class InvitationError(SeminarError):
    pass


@dataclass(frozen=True)
class Added:
    """What adding a person did: invited them (no account yet) or enrolled their account."""

    invitation: Invitation | None
    user: User | None
    enrolled: bool = False  # False with a user: they were already in the cohort

    @property
    def invited(self) -> bool:
        return self.invitation is not None


def _days() -> int:
    return int(current_app.config.get("INVITATION_DAYS") or 14)


def check_person(email: str, name: str) -> str:
    """The normalised e-mail, or an InvitationError naming the field at fault."""
    email = normalise_email(email)
    if len(email) > _EMAIL_MAX or not EMAIL.match(email):
        raise InvitationError(f"'{email}' is not an e-mail address.", field="email")
    if not name.strip():
        raise InvitationError("A new person needs a name.", field="name")
    if len(name.strip()) > _NAME_MAX:
        raise InvitationError(f"A name takes at most {_NAME_MAX} characters.", field="name")
    refuse_unsafe_lines(name=name)
    return email


def _check_rights(
    by: User | None, role: Role, cohort: Cohort | None, member_role: MemberRole
) -> None:
    if member_role == MemberRole.INSTRUCTOR and role == Role.STUDENT:
        raise InvitationError(
            "To teach a cohort, the person needs the instructor or admin role.", field="role"
        )
    if (
        by is not None
        and by.role != Role.ADMIN
        and (cohort is None or role != Role.STUDENT or member_role != MemberRole.STUDENT)
    ):
        raise NotAllowed("Instructors invite students to the cohorts they teach.", field="role")


def add_person(
    email: str,
    *,
    name: str,
    role: Role | str = Role.STUDENT,
    cohort: Cohort | None = None,
    member_role: MemberRole | str = MemberRole.STUDENT,
    licence_number: str | None = None,
    licence_state: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    by: User | None = None,
    import_id: int | None = None,
) -> Added:
    """Enrol the person's account in the cohort, or invite them when they have none."""
    role, member_role = Role(role), MemberRole(member_role)
    _check_rights(by, role, cohort, member_role)
    user = find_user(email)
    if user is not None:
        if cohort is None:
            raise InvitationError(f"{user.email} already has an account.", field="email")
        return Added(None, user, enroll(cohort, user, member_role, actor=by))
    email = check_person(email, name)
    if cohort is not None:
        prerequisites.check_invitation(cohort, email, member_role)
    return Added(
        invite(
            email,
            name=name.strip(),
            role=role,
            cohort=cohort,
            member_role=member_role,
            licence_number=licence_number,
            licence_state=licence_state,
            first_name=first_name,
            last_name=last_name,
            by=by,
            import_id=import_id,
        ),
        None,
    )


def _active_key(email: str, cohort: Cohort | None) -> str:
    return f"{email}|{cohort.id if cohort else ''}"


def invite(
    email: str,
    *,
    name: str,
    role: Role,
    cohort: Cohort | None,
    member_role: MemberRole,
    licence_number: str | None,
    licence_state: str | None,
    by: User | None,
    import_id: int | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> Invitation:
    """A pending invitation and its e-mail; inviting again to the same place sends a new link
    on the pending invitation (two admins at once: the unique key keeps one)."""
    now = now_utc()
    key = _active_key(email, cohort)
    insert_ignore(
        Invitation,
        {
            "email": email,
            "name": name,
            "role": role.value,
            "licence_number": licence_number or None,
            "licence_state": licence_state or None,
            "first_name": first_name or None,
            "last_name": last_name or None,
            "cohort_id": cohort.id if cohort else None,
            "member_role": member_role.value,
            "selector": tokens.new_secret().selector,
            "verifier_hash": "-",
            "active_key": key,
            "invited_by_id": by.id if by else None,
            "import_id": import_id,
            "created_at": now,
            "sent_at": now,
            "expires_at": now,
        },
        keys=("active_key",),
    )
    invitation = db.session.execute(
        select(Invitation).where(Invitation.active_key == key)
    ).scalar_one()
    invitation.name, invitation.role = name, role.value
    audit.log(
        "user.invite",
        target_type="invitation",
        target_id=str(invitation.id),
        target_label=f"{name} <{email}>" + (f" to {cohort.title}" if cohort else ""),
        after={"role": role.value, "cohort": cohort.slug if cohort else None},
        actor=by,
    )
    send(invitation, by=by)
    return invitation


def send(invitation: Invitation, *, by: User | None = None) -> None:
    """A new link (the old one stops working), valid for INVITATION_DAYS from now, e-mailed."""
    secret = tokens.new_secret()
    now = now_utc()
    invitation.selector, invitation.verifier_hash = secret.selector, secret.verifier_hash
    invitation.sent_at, invitation.expires_at = now, now + timedelta(days=_days())
    db.session.flush()
    cohort = invitation.cohort
    inviter = by or invitation.invited_by
    notifications.queue(
        "invitation",
        to_email=invitation.email,
        to_name=invitation.name,
        private=True,
        invitation_id=invitation.id,
        invitation=invitation,
        cohort=cohort,
        inviter=inviter.name if inviter else site_name(),
        site_name=site_name(),
        role_label=Role(invitation.role).label.lower(),
        link=links.to(f"/invite/{secret.token}"),
        expires=f"{invitation.expires_at:%d %B %Y}",
    )


def site_name() -> str:
    return str(current_app.config.get("ISSUER_NAME") or "S.O.T. Seminar")


def resend(invitation: Invitation, *, by: User | None) -> None:
    if not invitation.pending:
        raise InvitationError("This invitation was already accepted or withdrawn.")
    send(invitation, by=by)


def withdraw(invitation: Invitation, *, by: User | None) -> None:
    """The link stops working; the person can be invited again later."""
    if not invitation.pending:
        raise InvitationError("This invitation was already accepted or withdrawn.")
    invitation.withdrawn_at, invitation.active_key = now_utc(), None
    audit.log(
        "invitation.withdraw",
        target_type="invitation",
        target_id=str(invitation.id),
        target_label=f"{invitation.name} <{invitation.email}>",
        actor=by,
    )
    db.session.flush()


def accept(
    invitation: Invitation,
    *,
    password: str,
    name: str,
    licence_number: str | None = None,
    licence_state: str | None = None,
) -> User:
    """Create the account with the person's own password and enrol it where every pending
    invitation to this e-mail asked. Single use: of two tabs submitting at once, one wins."""
    now = now_utc()
    if not update_if(
        Invitation,
        Invitation.id == invitation.id,
        Invitation.accepted_at.is_(None),
        Invitation.withdrawn_at.is_(None),
        Invitation.expires_at > now,
        accepted_at=now,
        active_key=None,
    ):
        raise InvitationError("This invitation link was already used, withdrawn or expired.")
    if find_user(invitation.email) is not None:
        raise InvitationError(
            "An account with this e-mail address exists: log in, or reset its password."
        )
    # The inviter's first and last name stand unless the person changed their name.
    same_name = not name or name.strip() == invitation.name
    user = create_user(
        invitation.email,
        name=name or invitation.name,
        role=invitation.role,
        password=password,
        licence_number=licence_number or invitation.licence_number,
        licence_state=licence_state or invitation.licence_state,
        first_name=invitation.first_name if same_name else None,
        last_name=invitation.last_name if same_name else None,
    )
    others = db.session.scalars(
        select(Invitation).where(
            Invitation.email == invitation.email,
            Invitation.accepted_at.is_(None),
            Invitation.withdrawn_at.is_(None),
            Invitation.id != invitation.id,
        )
    ).all()
    for each in [invitation, *others]:
        each.accepted_at, each.active_key, each.user_id = now, None, user.id
        if each.cohort is not None:
            try:
                enroll(each.cohort, user, MemberRole(each.member_role), actor=user)
            except prerequisites.NotAdmitted:
                # The cohort's program came to need what a new account has not (a record,
                # hours) after the invitation: the account is made, without that cohort.
                continue
    db.session.flush()
    return user
