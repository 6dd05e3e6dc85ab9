"""Open Badges 3.0 credentials signed as VC-JWT (ES256), and the Bitstring Status List that
makes revocation visible to any verifier. Pure: no Flask, no database.

The signing itself is joserfc's; nothing cryptographic is written here. The JWT follows Open
Badges 3.0 section 8.2 (VC-JWT): header `alg` ES256, `typ` JWT, the public key as `jwk` and its
thumbprint as `kid`; the payload is the credential itself with the registered claims `iss`
(issuer.id), `jti` (id), `nbf` (validFrom), `sub` (credentialSubject.id) and `exp` (validUntil).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
ALGORITHM = "ES256"
# The W3C recommendation's minimum (16 KB): a list this long hides which record a verifier checks.
STATUS_LIST_BITS = 131_072


@dataclass(frozen=True)
class Issuer:
    id: str  # the issuer profile's URL
    name: str
    url: str
    email: str = ""

    def profile(self) -> dict[str, Any]:
        profile: dict[str, Any] = {
            "@context": [VC_CONTEXT, OB_CONTEXT],
            "id": self.id,
            "type": ["Profile"],
            "name": self.name,
            "url": self.url,
        }
        if self.email:
            profile["email"] = self.email
        return profile


@dataclass(frozen=True)
class Achievement:
    id: str
    name: str
    description: str
    criteria: str  # narrative: what had to be met
    hours: float  # CE hours it carries (0: none)


@dataclass(frozen=True)
class Award:
    """One holder's record, as the credential states it."""

    id: str  # the verification URL
    subject_id: str  # a stable URN for the holder at this issuer
    holder_name: str
    holder_email: str
    email_salt: str
    achievement: Achievement
    hours: float
    issued_at: datetime
    expires_on: date | None
    evidence: str  # a one-paragraph narrative of what was met
    status_list_url: str
    status_index: int


# --- keys ---------------------------------------------------------------------------------


def load_or_create_key(path: Path, pem: str | None = None) -> ECKey:
    """The issuer's P-256 key: given as PEM, else read from `path`, else generated there once
    (two workers starting at once end up with the same key)."""
    if pem:
        return _private(ECKey.import_key(pem.encode()))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        data = ECKey.generate_key("P-256", private=True).as_pem(private=True)
        # Written whole under a private name, then linked into place: the link fails if
        # another worker got there first, and nobody ever reads a half-written key.
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".issuer-key-")
        try:
            with os.fdopen(fd, "wb") as f:  # mkstemp makes it 0600
                f.write(data)
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temp)
    return _private(ECKey.import_key(path.read_bytes()))


def _private(key: ECKey) -> ECKey:
    if not key.is_private or key.curve_name != "P-256":
        raise ValueError("the issuer key must be a private P-256 (ES256) key")
    return key


def public_jwk(key: ECKey) -> dict[str, Any]:
    return {**key.as_dict(private=False), "kid": key.thumbprint(), "use": "sig", "alg": ALGORITHM}


def jwks(keys: Iterable[ECKey]) -> dict[str, Any]:
    return {"keys": [public_jwk(k) for k in keys]}


def sign(claims: dict[str, Any], key: ECKey) -> str:
    jwk = {k: v for k, v in public_jwk(key).items() if k in ("kty", "crv", "x", "y")}
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": key.thumbprint(), "jwk": jwk}
    return jwt.encode(header, claims, key, algorithms=[ALGORITHM])


# --- Open Badges 3.0 ------------------------------------------------------------------------


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def identity_hash(email: str, salt: str) -> str:
    """Open Badges' salted email hash, so a backpack can match the holder without the address."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def open_badge(award: Award, issuer: Issuer) -> dict[str, Any]:
    """The OpenBadgeCredential (W3C VC data model 2.0) for one award."""
    achievement = award.achievement
    achievement_json: dict[str, Any] = {
        "id": achievement.id,
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria},
        "creator": {"id": issuer.id, "type": ["Profile"], "name": issuer.name},
    }
    subject: dict[str, Any] = {
        "id": award.subject_id,
        "type": ["AchievementSubject"],
        "achievement": achievement_json,
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": award.holder_name,
            },
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": identity_hash(award.holder_email, award.email_salt),
                "salt": award.email_salt,
            },
        ],
    }
    if achievement.hours:
        achievement_json["creditsAvailable"] = achievement.hours
    if award.hours:
        subject["creditsEarned"] = award.hours
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": award.id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": issuer.name, "url": issuer.url},
        "validFrom": iso(award.issued_at),
        "name": achievement.name,
        "description": achievement.description,
        "credentialSubject": subject,
        "evidence": [{"type": ["Evidence"], "narrative": award.evidence}],
        "credentialStatus": {
            "id": f"{award.status_list_url}#{award.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(award.status_index),
            "statusListCredential": award.status_list_url,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if award.expires_on is not None:
        credential["validUntil"] = iso(end_of_day(award.expires_on))
    return credential


def jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The credential plus the registered claims that mirror its own fields."""
    claims = dict(credential)
    issuer = credential["issuer"]
    claims["iss"] = issuer["id"] if isinstance(issuer, dict) else issuer
    claims["jti"] = credential["id"]
    claims["nbf"] = _epoch(credential["validFrom"])
    subject_id = credential.get("credentialSubject", {}).get("id")
    if subject_id:
        claims["sub"] = subject_id
    if "validUntil" in credential:
        claims["exp"] = _epoch(credential["validUntil"])
    return claims


def sign_credential(credential: dict[str, Any], key: ECKey) -> str:
    return sign(jwt_claims(credential), key)


def _epoch(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


# --- Bitstring Status List ------------------------------------------------------------------


def encode_status_list(indexes: Iterable[int], size: int = STATUS_LIST_BITS) -> str:
    """Multibase base64url (prefix "u") of the GZIP-compressed bitstring; bit 0 is the
    left-most bit of the first byte, as the W3C Bitstring Status List specifies."""
    bits = bytearray(size // 8)
    for index in indexes:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def status_list_credential(
    *, list_url: str, issuer: Issuer, revoked: Iterable[int], now: datetime
) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": issuer.name},
        "validFrom": iso(now),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_status_list(revoked),
        },
    }
