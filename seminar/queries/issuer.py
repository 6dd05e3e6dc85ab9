"""The issuer of records: its profile and public address (from the configuration), its signing
key and every public key it has signed with (the key set), and the signed status lists that
flag revoked and superseded records.

The key is read, or made once on first use (`core.credentials.load_or_create_key`: atomic, so
workers racing to make it end up with one). That file is the only thing written here, and it is
not the database's: asking for the key is safe in any request, a GET of the JWKS included, which
is why this sits with the reads rather than the services.
"""

from __future__ import annotations

import hmac
import uuid
from pathlib import Path

from flask import current_app
from joserfc.jwk import ECKey
from sqlalchemy import select

from seminar.core import credentials, record_ids
from seminar.db import db, now_utc
from seminar.models import IssuerKey, Record
from seminar.queries.ce import provider, provider_identifiers
from seminar.queries.links import base_url

_KEY_CACHE = "seminar_issuer_key"


def issuer() -> credentials.Issuer:
    config = current_app.config
    base = base_url()
    return credentials.Issuer(
        id=f"{base}/issuer",
        name=config["ISSUER_NAME"],
        url=config.get("ISSUER_URL") or base,
        email=config.get("ISSUER_EMAIL") or "",
        identifiers=provider_identifiers(provider()),
    )


def verify_url(public_id: str) -> str:
    return f"{base_url()}/verify/{record_ids.display(public_id)}"


def records_url() -> str:
    """Where holders find their records (and the PDF and badge of each)."""
    return f"{base_url()}/records/"


def key_file() -> Path:
    app = current_app
    return Path(app.config.get("ISSUER_KEY_FILE") or Path(app.instance_path) / "issuer_key.pem")


def signing_key() -> ECKey:
    """The issuer key: `ISSUER_KEY` (PEM) if configured, else `ISSUER_KEY_FILE`, else
    `instance/issuer_key.pem`; kept by the app once read (until `keys rotate` replaces it)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = app.extensions.get(_KEY_CACHE)
    if key is None:
        key = credentials.load_or_create_key(key_file(), app.config.get("ISSUER_KEY"))
        app.extensions[_KEY_CACHE] = key
    return key


def forget_signing_key() -> None:
    """The next signature reads the key afresh (after a rotation replaced it)."""
    current_app.extensions.pop(_KEY_CACHE, None)


def jwks_url() -> str:
    return f"{base_url()}/.well-known/jwks.json"


def key_id(thumbprint: str) -> str:
    """The `kid` of a key: a URI that dereferences to it, through the key set."""
    return credentials.key_id(jwks_url(), thumbprint)


def signing_kid() -> str:
    return key_id(signing_key().thumbprint())


def key_set() -> dict[str, list[dict[str, object]]]:
    """Every key records were signed with: the current one first, then the others (retired by
    `flask seminar keys rotate`, or current on another host that has not restarted yet)."""
    current = signing_key()
    issuer_id = issuer().id
    keys = [credentials.public_jwk(current, kid=key_id(current.thumbprint()), issuer_id=issuer_id)]
    for stored in db.session.scalars(
        select(IssuerKey)
        .where(IssuerKey.thumbprint != current.thumbprint())
        .order_by(IssuerKey.created_at.desc(), IssuerKey.id.desc())
    ):
        keys.append(
            credentials.public_jwk(
                stored.public_jwk, kid=key_id(stored.thumbprint), issuer_id=issuer_id
            )
        )
    return {"keys": keys}


def holder_urn(user_id: int) -> str:
    """Stable per holder at this issuer; keyed with the secret so that it reveals nothing
    (not even the order in which accounts were made)."""
    digest = hmac.new(
        str(current_app.config["SECRET_KEY"]).encode(), f"holder:{user_id}".encode(), "sha256"
    ).digest()
    return uuid.UUID(bytes=digest[:16], version=4).urn


# The lists by number: 1 revocation (what each credential's status entry points at), 2 the
# records superseded by a reissue, at the same positions.
STATUS_LISTS = {1: "revocation", 2: "message"}


def status_list_url(number: int = 1) -> str:
    return f"{base_url()}/status/{number}"


def flagged_indexes(purpose: str) -> list[int]:
    """Status-list positions of the records revoked, or (purpose "message") superseded."""
    column = Record.revoked_at if purpose == "revocation" else Record.superseded_by_id
    return list(db.session.scalars(select(Record.status_index).where(column.is_not(None))))


def status_list_jwt(number: int) -> str:
    """Signed afresh on every request, so a revocation shows on a verifier's next fetch."""
    purpose = STATUS_LISTS[number]
    credential = credentials.status_list_credential(
        list_url=status_list_url(number),
        issuer=issuer(),
        flagged=flagged_indexes(purpose),
        now=now_utc(),
        purpose=purpose,
    )
    return credentials.sign_credential(credential, signing_key(), kid=signing_kid())


def badge_image_url(kind: str) -> str:
    """The achievement's picture, served publicly (its address is frozen in credentials)."""
    return f"{base_url()}/badges/{kind}.svg"
