"""Password reset by e-mail: a single-use link, valid for one hour, to set a new password.

Asking answers the same whether or not an account exists (the caller shows one page and
takes the same time); only an active account gets the e-mail. Using the link sets the new
password, spends every other open link of that account and ends every login session.
"""

from __future__ import annotations

from datetime import timedelta

from seminar.core import tokens
from seminar.core.errors import SeminarError
from seminar.db import db, now_utc, update_if
from seminar.models import PasswordReset, User
from seminar.queries import links
from seminar.services import logins, notifications
from seminar.services.accounts import find_user, set_password
from seminar.services.invitations import site_name

VALID_FOR = timedelta(hours=1)


class ResetError(SeminarError):
    pass


def request_reset(email: str) -> None:
    """E-mail a reset link if an active account has this address; nothing otherwise."""
    user = find_user(email)
    secret = tokens.new_secret()  # made either way: the same work whatever the answer
    if user is None or not user.active:
        return
    now = now_utc()
    reset = PasswordReset(
        user_id=user.id,
        selector=secret.selector,
        verifier_hash=secret.verifier_hash,
        created_at=now,
        expires_at=now + VALID_FOR,
    )
    db.session.add(reset)
    db.session.flush()
    notifications.queue(
        "password_reset",
        to_email=user.email,
        to_name=user.name,
        private=True,
        user=user,
        site_name=site_name(),
        link=links.to(f"/reset-password/{secret.token}"),
        expires=f"{reset.expires_at:%H:%M} UTC on {reset.expires_at:%d %B %Y}",
    )


def complete(reset: PasswordReset, new_password: str) -> User:
    """Set the new password; the link (and any other open one) is spent, every device logged
    out. Of two tabs submitting at once, one wins."""
    now = now_utc()
    if not update_if(
        PasswordReset,
        PasswordReset.id == reset.id,
        PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > now,
        used_at=now,
    ):
        raise ResetError("This link was already used or has expired. Ask for a new one.")
    user = db.session.get(User, reset.user_id)
    assert user is not None
    set_password(user, new_password, field="password")
    update_if(
        PasswordReset,
        PasswordReset.user_id == user.id,
        PasswordReset.used_at.is_(None),
        used_at=now,
    )  # every other open link of the account is spent too
    logins.end_all(user)
    return user
