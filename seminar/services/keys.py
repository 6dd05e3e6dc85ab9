"""The issuer's signing keys: every key a record is signed with is remembered (its public half)
so that the key set keeps publishing it, and `flask seminar keys rotate` puts a new key in
place, retiring the old one without unpublishing it: credentials signed before the rotation
keep verifying against the published key set."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from joserfc.jwk import ECKey
from sqlalchemy import update

from seminar.core import credentials
from seminar.core.errors import SeminarError
from seminar.db import db, insert_ignore, now_utc
from seminar.models import IssuerKey
from seminar.queries import issuer


class RotationError(SeminarError):
    pass


def remember(key: ECKey) -> None:
    """Record the key's public half (once; a race is settled by the unique thumbprint)."""
    insert_ignore(
        IssuerKey,
        {"thumbprint": key.thumbprint(), "public_jwk": credentials.public_part(key)},
        keys=("thumbprint",),
    )


@dataclass(frozen=True)
class Rotation:
    old: str  # the retired key's kid
    new: str  # the new key's kid


def rotate() -> Rotation:
    """A new signing key in the key file; the old one stays in the key set, retired."""
    if current_app.config.get("ISSUER_KEY"):
        raise RotationError(
            "The signing key is given in SEMINAR_ISSUER_KEY, which this command cannot change. "
            "Keep the key in a file instead (SEMINAR_ISSUER_KEY_FILE) and rotate again."
        )
    old = issuer.signing_key()
    remember(old)
    db.session.execute(
        update(IssuerKey)
        .where(IssuerKey.thumbprint == old.thumbprint(), IssuerKey.retired_at.is_(None))
        .values(retired_at=now_utc())
    )
    new = credentials.new_key()
    remember(new)
    db.session.flush()
    # The file is replaced last: had anything above failed, the old key would still sign.
    # (Should the commit fail after this, the new key still signs, and is published as soon
    # as it signs a record, which remembers it.)
    credentials.write_key(issuer.key_file(), new)
    issuer.forget_signing_key()
    return Rotation(old=issuer.key_id(old.thumbprint()), new=issuer.key_id(new.thumbprint()))
