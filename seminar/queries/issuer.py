"""The issuer of records: its profile and public address (from the configuration), its signing
key, and the signed status list that flags every record no longer current.

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
from sqlalchemy import or_, select

from seminar.core import credentials, record_ids
from seminar.db import db, now_utc
from seminar.models import Record
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
    )


def verify_url(public_id: str) -> str:
    return f"{base_url()}/verify/{record_ids.display(public_id)}"


def records_url() -> str:
    """Where holders find their records (and the PDF and badge of each)."""
    return f"{base_url()}/records/"


def signing_key() -> ECKey:
    """The issuer key: `ISSUER_KEY` (PEM) if configured, else `ISSUER_KEY_FILE`, else
    `instance/issuer_key.pem`; kept by the app once read."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = app.extensions.get(_KEY_CACHE)
    if key is None:
        path = Path(app.config.get("ISSUER_KEY_FILE") or Path(app.instance_path) / "issuer_key.pem")
        key = credentials.load_or_create_key(path, app.config.get("ISSUER_KEY"))
        app.extensions[_KEY_CACHE] = key
    return key


def holder_urn(user_id: int) -> str:
    """Stable per holder at this issuer; keyed with the secret so that it reveals nothing
    (not even the order in which accounts were made)."""
    digest = hmac.new(
        str(current_app.config["SECRET_KEY"]).encode(), f"holder:{user_id}".encode(), "sha256"
    ).digest()
    return uuid.UUID(bytes=digest[:16], version=4).urn


def status_list_url() -> str:
    return f"{base_url()}/status/1"


def revoked_indexes() -> list[int]:
    """Status-list positions of every record that is no longer current."""
    return list(
        db.session.scalars(
            select(Record.status_index).where(
                or_(Record.revoked_at.is_not(None), Record.superseded_by_id.is_not(None))
            )
        )
    )


def status_list_jwt() -> str:
    """Signed afresh on every request, so a revocation shows on a verifier's next fetch."""
    credential = credentials.status_list_credential(
        list_url=status_list_url(), issuer=issuer(), revoked=revoked_indexes(), now=now_utc()
    )
    return credentials.sign_credential(credential, signing_key())
