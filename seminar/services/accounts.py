"""Accounts: create users, authenticate, change profile, password and role."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from seminar.core import passwords
from seminar.core.errors import NotAllowed, SeminarError
from seminar.core.names import split_name
from seminar.core.text import refuse_unsafe_lines
from seminar.db import db, now_utc
from seminar.models import Role, User
from seminar.services import audit, logins, standing


class AccountError(SeminarError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def generate_password() -> str:
    # Four groups of four: easy to type from a terminal, ~80 bits.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def new_calendar_token() -> str:
    """The secret in a calendar feed's address (calendar apps cannot log in)."""
    return secrets.token_urlsafe(24)


def find_user(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def create_user(
    email: str,
    *,
    name: str,
    role: Role | str = Role.STUDENT,
    password: str,
    licence_number: str | None = None,
    licence_state: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> User:
    """A new account; first and last name (as boards key on them) are split from the full
    name unless given."""
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError(f"'{email}' is not an email address.", field="email")
    if not name.strip():
        raise AccountError("A name is required.", field="name")
    refuse_unsafe_lines(
        name=name,
        first_name=first_name,
        last_name=last_name,
        licence_number=licence_number,
        licence_state=licence_state,
    )
    if find_user(email) is not None:
        raise AccountError(f"An account for {email} already exists.", field="email")
    first, last = _names(name, first_name, last_name)
    user = User(
        email=email,
        name=name.strip(),
        first_name=first,
        last_name=last,
        role=Role(role),
        licence_number=licence_number or None,
        licence_state=licence_state or None,
        calendar_token=new_calendar_token(),
    )
    try:
        user.set_password(password)
    except ValueError as exc:
        raise AccountError(str(exc), field="password") from None
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the same email, created a moment ago by another request
        db.session.rollback()
        raise AccountError(f"An account for {email} already exists.", field="email") from None
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None:
        # Spend the same time as a real check so response time does not reveal accounts.
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = now_utc()
    db.session.flush()
    return user


def _names(name: str, first: str | None, last: str | None) -> tuple[str, str]:
    """The first and last name as given, else split from the full name."""
    first, last = (first or "").strip(), (last or "").strip()
    if not first and not last:
        return split_name(name)
    return first, last


def update_profile(
    user: User,
    *,
    name: str,
    licence_number: str | None,
    licence_state: str | None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> None:
    """Name as shown, first and last name as on the licence (left empty: split from the name
    again), licence."""
    if not name.strip():
        raise AccountError("A name is required.", field="name")
    refuse_unsafe_lines(
        name=name,
        first_name=first_name,
        last_name=last_name,
        licence_number=licence_number,
        licence_state=licence_state,
    )
    if (first_name or "").strip() and not (last_name or "").strip():
        raise AccountError("Give your last name as on your licence.", field="last_name")
    user.name = name.strip()
    user.first_name, user.last_name = _names(name, first_name, last_name)
    user.licence_number = (licence_number or "").strip() or None
    user.licence_state = (licence_state or "").strip() or None
    standing.mark_student(user.id)  # dashboards show the name
    db.session.flush()


def change_password(user: User, *, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError("The current password is not right.", field="current")
    set_password(user, new)


def set_password(user: User, new: str, *, field: str = "new") -> None:
    """A new password, which logs out every other device (this one stays logged in)."""
    try:
        user.set_password(new)
    except ValueError as exc:
        raise AccountError(str(exc), field=field) from None
    logins.end_others(user)
    db.session.flush()


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a password would be refused (checked before anything is written)."""
    return passwords.problem(password, (email, name))


def set_role(user: User, role: Role | str, *, by: User) -> None:
    role = Role(role)
    if user.role == Role.ADMIN and role != Role.ADMIN:
        admins = db.session.scalar(
            select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
        )
        if admins is not None and admins <= 1:
            raise NotAllowed(
                "This is the last admin account; make someone else admin first.", field="role"
            )
    if by.role != Role.ADMIN:
        raise NotAllowed("Only admins change roles.")
    if user.role != role:
        audit.log(
            "user.role",
            target_type="user",
            target_id=user.id,
            target_label=f"{user.name} <{user.email}>",
            subject=user,
            before={"role": user.role.value},
            after={"role": role.value},
            actor=by,
        )
    user.role = role
    db.session.flush()


_DUMMY_HASH = (
    "scrypt:32768:8:1$0000000000000000$"
    "3d8f4c9d1f3b4d3e8c0a6b2b5f1e0e9d5c7a3b1e2f4d6c8a0b2d4f6e8a0c2e4f"
    "3d8f4c9d1f3b4d3e8c0a6b2b5f1e0e9d5c7a3b1e2f4d6c8a0b2d4f6e8a0c2e4f"
)
