"""Demo accounts for trying the platform on one machine."""

from __future__ import annotations

from dataclasses import dataclass

from seminar.models import Role
from seminar.services.accounts import create_user, find_user, generate_password

DEMO_ACCOUNTS = (
    ("admin@demo.seminar", "Avery Admin", Role.ADMIN, None, None),
    ("instructor@demo.seminar", "Dr. Ines Instructor", Role.INSTRUCTOR, None, None),
    ("student@demo.seminar", "Dr. Sam Student", Role.STUDENT, "DC-12345", "CA"),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: Role
    password: str | None  # None when the account already existed


def seed_demo_accounts() -> list[DemoLogin]:
    """Create the demo accounts that do not exist yet, with fresh random passwords."""
    logins = []
    for email, name, role, licence, state in DEMO_ACCOUNTS:
        if find_user(email) is not None:
            logins.append(DemoLogin(email, role, None))
            continue
        password = generate_password()
        create_user(
            email,
            name=name,
            role=role,
            password=password,
            licence_number=licence,
            licence_state=state,
        )
        logins.append(DemoLogin(email, role, password))
    return logins
