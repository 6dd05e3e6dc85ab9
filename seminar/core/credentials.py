"""Open Badges 3.0 credentials signed as VC-JWT (ES256), the issuer's published keys, and the
Bitstring Status Lists that make a revocation (and, apart, a supersession) visible to any
verifier. Pure: no Flask, no database.

The signing itself is joserfc's; nothing cryptographic is written here. The JWT follows Open
Badges 3.0 section 8.2 (VC-JWT): header `alg` ES256, `typ` JWT, `kid` a URI that dereferences
to the public key (`<base>/.well-known/jwks.json#<thumbprint>`: the key set, in which the key
carries that same `kid`, as 1EdTech's recommended practice for key provenance asks) and the
key itself as `jwk`; the payload is the credential itself with the registered claims `iss`
(issuer.id), `jti` (id), `nbf` (validFrom), `sub` (credentialSubject.id) and `exp` (validUntil).

Open Badges allows a credential one `credentialStatus`: it points at the revocation list. A
record superseded by a reissue is not revoked (it was true, and was replaced), so it is flagged
in a second list whose purpose is "message" (Bitstring Status List, section 2.1), at the same
index, and said on the verification page that the credential's `id` opens.
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

from seminar.core.ce import Approval, describe

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
ALGORITHM = "ES256"
# The W3C recommendation's minimum (16 KB): a list this long hides which record a verifier checks.
STATUS_LIST_BITS = 131_072


# What a superseded record's bit means in the second list.
SUPERSESSION_MESSAGES = (
    {"status": "0x0", "message": "current"},
    {"status": "0x1", "message": "superseded: replaced by a newer record of the same achievement"},
)


@dataclass(frozen=True)
class Issuer:
    id: str  # the issuer profile's URL
    name: str
    url: str
    email: str = ""
    identifiers: tuple[str, ...] = ()  # e.g. "FL provider 50-12345": its CE provider numbers

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
        if self.identifiers:
            profile["otherIdentifier"] = [_identifier(text) for text in self.identifiers]
        return profile


def _identifier(text: str) -> dict[str, str]:
    return {"type": "IdentifierEntry", "identifier": text, "identifierType": "identifier"}


@dataclass(frozen=True)
class Achievement:
    id: str
    name: str
    description: str
    criteria: str  # narrative: what had to be met
    hours: float  # CE hours it offers (0: none, as on every Certificate of Completion)
    image: str = ""  # the URL of its picture
    approvals: tuple[Approval, ...] = ()  # CE course approvals, by jurisdiction


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
    evidence: str  # a one-paragraph narrative of what was met (and what was not)
    status_list_url: str
    status_index: int
    summary: str  # one sentence: what this credential attests of its holder
    achievement_type: str = "CertificateOfCompletion"


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


def write_key(path: Path, key: ECKey) -> None:
    """Replace the key file with `key`, whole (written aside, then renamed over it), readable
    by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".issuer-key-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(key.as_pem(private=True))
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise


def new_key() -> ECKey:
    return ECKey.generate_key("P-256", private=True)


def key_id(jwks_url: str, thumbprint: str) -> str:
    """The `kid`: a URI that dereferences to the key (the key set, then the key whose `kid`
    it is)."""
    return f"{jwks_url}#{thumbprint}"


def public_jwk(key: ECKey | dict[str, Any], *, kid: str, issuer_id: str) -> dict[str, Any]:
    """A public key as the key set publishes it; `iss` names the issuer it belongs to (1EdTech's
    recommended practice for key provenance)."""
    data = key.as_dict(private=False) if isinstance(key, ECKey) else key
    public = {k: data[k] for k in ("kty", "crv", "x", "y")}
    return {**public, "kid": kid, "use": "sig", "alg": ALGORITHM, "iss": issuer_id}


def public_part(key: ECKey) -> dict[str, str]:
    data = key.as_dict(private=False)
    return {k: data[k] for k in ("kty", "crv", "x", "y")}


def thumbprint(public: dict[str, Any]) -> str:
    return ECKey.import_key(dict(public)).thumbprint()


def sign(claims: dict[str, Any], key: ECKey, *, kid: str) -> str:
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": kid, "jwk": public_part(key)}
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
        "achievementType": award.achievement_type,
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria},
        "creator": {"id": issuer.id, "type": ["Profile"], "name": issuer.name},
    }
    if achievement.image:
        achievement_json["image"] = {
            "id": achievement.image,
            "type": "Image",
            "caption": achievement.name,
        }
    if achievement.approvals:
        achievement_json["otherIdentifier"] = [
            _identifier(describe(a)) for a in achievement.approvals
        ]
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
        "description": award.summary,
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


def sign_credential(credential: dict[str, Any], key: ECKey, *, kid: str) -> str:
    return sign(jwt_claims(credential), key, kid=kid)


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
    *, list_url: str, issuer: Issuer, flagged: Iterable[int], now: datetime, purpose: str
) -> dict[str, Any]:
    """A signed list in which the records at `flagged` have their bit set: "revocation" for
    revoked records, "message" (with its messages) for superseded ones."""
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encode_status_list(flagged),
    }
    if purpose == "message":
        subject["statusSize"] = 1
        subject["statusMessage"] = list(SUPERSESSION_MESSAGES)
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": issuer.name},
        "validFrom": iso(now),
        "credentialSubject": subject,
    }
