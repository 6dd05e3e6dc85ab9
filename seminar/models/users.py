"""Accounts: who a person is (name, licence, role) and how they log in."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import ClassVar

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from seminar.core import passwords
from seminar.db import db, now_utc

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH


class Role(enum.StrEnum):
    STUDENT = "student"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))  # as shown on pages and printed on records
    # As on the licence, for boards and CE trackers (rosters key on them separately).
    first_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    last_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    role: Mapped[Role] = mapped_column(
        db.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    licence_number: Mapped[str | None] = mapped_column(String(60))
    licence_state: Mapped[str | None] = mapped_column(String(60))
    licensed_on: Mapped[date | None]  # when first licensed: years in practice, for admission
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_login_at: Mapped[datetime | None]
    # The secret in this person's calendar feed address (calendar apps cannot log in).
    calendar_token: Mapped[str | None] = mapped_column(String(40), unique=True)

    # The login session this object was loaded for (or started with): "<session id>.<secret>".
    # Not a column: it comes from the login cookie, and goes back into it.
    login: ClassVar[str | None] = None  # set on the instance

    def set_password(self, password: str) -> None:
        """Hash a password that passes the rule (ValueError says why one does not)."""
        why = passwords.problem(password, (self.email or "", self.name or ""))
        if why:
            raise ValueError(why)
        self.password_hash = generate_password_hash(password, method="scrypt")

    def get_id(self) -> str:
        """What the login cookie carries: the account and its login session. An object with
        no login session gives an identifier that never loads (see `web.auth.load_user`)."""
        return f"{self.id}.{self.login or '-'}"

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.INSTRUCTOR, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
