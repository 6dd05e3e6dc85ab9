"""Open Badges 3.0 credentials (compact VC-JWT) issued by another organisation, checked before
their hours count here. Pure: no Flask, no database, no network (the key set is fetched by
`services/foreign_credentials.py`, which hands the parsed JSON back to `key_for`).

Nothing pasted is trusted until its signature is checked: `parse` only splits and decodes
(bounded: MAX_TOKEN_CHARS, JSON objects only, a nesting limit), and accepts only the
asymmetric algorithms Open Badges 3.0 issuers use (ES256, EdDSA/Ed25519), so `none` and HS256
(a classic trick: an HMAC keyed with the issuer's *public* key) are refused before any key is
looked at. The key comes from the `kid` URL's key set (never from the token's own `jwk`
header, which anyone can fill in), the signature is joserfc's, and `check` then reads the
verified claims: the credential type, the validity window, the holder and the hours.

Every refusal is a `CredentialProblem` with a sentence for the student.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
import math
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urldefrag, urlsplit

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey

from seminar.core.credentials import identity_hash

MAX_TOKEN_CHARS = 32 * 1024  # a badge with an image URL is a few KB; an embedded image is not
MAX_DEPTH = 20  # JSON nesting; deeper is not a credential
# The algorithm, and the key type and curve it needs.
ALGORITHMS = {"ES256": ("EC", "P-256"), "EdDSA": ("OKP", "Ed25519"), "Ed25519": ("OKP", "Ed25519")}


class CredentialProblem(ValueError):
    """Why a credential is refused: a sentence the student reads next to the field."""


@dataclass(frozen=True)
class Unverified:
    """A token split and decoded, nothing in it checked yet."""

    token: str
    algorithm: str
    kid: str
    claims: dict[str, Any]

    @property
    def jwks_url(self) -> str:
        return urldefrag(self.kid)[0]

    @property
    def issuer_id(self) -> str:
        return issuer_id(self.claims)


@dataclass(frozen=True)
class Verified:
    """What a verified credential states, as recorded with the declared hours."""

    key: str  # the replay key: the same credential is counted once
    issuer_id: str
    issuer_name: str
    achievement: str
    hours: float | None  # None: the credential states none
    issued_on: date
    valid_until: datetime | None
    holder: str  # how the holder was matched ("e-mail (hashed, salted)", ...)

    def summary(self) -> str:
        until = f", valid until {self.valid_until.date().isoformat()}" if self.valid_until else ""
        hours = (
            "no hours stated (the hours are the student's)"
            if self.hours is None
            else f"{self.hours:g} hours stated"
        )
        return (
            f"Signature checked with {self.issuer_name}'s published key; holder matched by "
            f"{self.holder}; issued {self.issued_on.isoformat()}{until}; {hours}."
        )


def parse(text: str) -> Unverified:
    token = "".join(text.split())  # pasted across lines, or with a trailing newline
    if not token:
        raise CredentialProblem("Paste your credential, or choose its file.")
    if len(token) > MAX_TOKEN_CHARS:
        raise CredentialProblem(
            f"This is longer than {MAX_TOKEN_CHARS // 1024} KB: it is not one credential."
        )
    if token.startswith("{"):  # a .json file holding the JWT, as some wallets export it
        token = _jwt_in_json(token)
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise CredentialProblem(
            "This is not a signed credential (a VC-JWT: three parts separated by dots). "
            "Ask its issuer for the credential as a JWT."
        )
    header, claims = _json_part(parts[0]), _json_part(parts[1])
    algorithm = header.get("alg")
    if not isinstance(algorithm, str) or algorithm not in ALGORITHMS:
        raise CredentialProblem(
            f"The credential is signed with {str(algorithm)[:20]!r}, which is not accepted: "
            "only ES256 and EdDSA signatures are."
        )
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise CredentialProblem("The credential does not say where its issuer's key is (no kid).")
    return Unverified(token=token, algorithm=algorithm, kid=kid[:2000], claims=claims)


def _jwt_in_json(text: str) -> str:
    data = _loads(text)
    for key in ("jwt", "credential", "proof", "vc"):
        value = data.get(key)
        if isinstance(value, dict):
            value = value.get("jwt")
        if isinstance(value, str):
            return "".join(value.split())
    raise CredentialProblem(
        "This file holds no signed credential (a VC-JWT): an unsigned JSON badge cannot be "
        "verified. Ask its issuer for the credential as a JWT."
    )


def _json_part(part: str) -> dict[str, Any]:
    try:
        raw = base64.b64decode(part + "=" * (-len(part) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise CredentialProblem("The credential is damaged: part of it is not base64.") from None
    try:
        return _loads(raw.decode())
    except UnicodeDecodeError:
        raise CredentialProblem("The credential is damaged: part of it is not text.") from None


def _loads(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise CredentialProblem("The credential is damaged: part of it is not JSON.") from None
    if not isinstance(data, dict):
        raise CredentialProblem("The credential is damaged: part of it is not a JSON object.")
    if _depth(data) > MAX_DEPTH:
        raise CredentialProblem("The credential is nested too deeply to be read.")
    return data


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def issuer_id(claims: dict[str, Any]) -> str:
    issuer = claims.get("issuer", claims.get("iss"))
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else ""


def issuer_name(claims: dict[str, Any]) -> str:
    issuer = claims.get("issuer")
    name = issuer.get("name") if isinstance(issuer, dict) else None
    return _text(name) or _host(issuer_id(claims)) or "another issuer"


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # "http://[", say: not a URL
        return ""


def web_url_problem(url: str) -> str | None:
    """Why a key set address cannot be fetched, or None: only http(s) with a host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (read to be checked: a port that is not a number raises)
    except ValueError:
        return "Its key address is not a web address."
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Its key address is not a web address (http or https)."
    if parts.username or parts.password:
        return "Its key address carries a user name or password."
    return None


def issuer_host(unverified: Unverified) -> str:
    """The host of the issuer's site, checked against the key's: a key served from one site
    cannot vouch for an issuer that names another (1EdTech's key provenance). Anyone can
    publish a key; what a verified credential proves is that the site it names issued it."""
    ident = unverified.issuer_id
    host = ident[len("did:web:") :].split(":")[0] if ident.startswith("did:web:") else _host(ident)
    key_host = _host(unverified.jwks_url)
    if not host or host.lower() != key_host.lower():
        raise CredentialProblem(
            f"The credential's key is not published by the site of the issuer it names "
            f"({_text(host)[:80] or 'no web address'}; the key is at {_text(key_host)[:80]}), "
            "so it cannot be verified as theirs."
        )
    return host.lower()


def is_public_address(address: str) -> bool:
    """True for an address on the public internet: not loopback, private (RFC 1918, unique
    local), link-local (cloud metadata at 169.254.169.254), multicast, reserved or unspecified."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def key_for(jwks: Any, unverified: Unverified) -> ECKey | OKPKey:
    """The public key the `kid` names in the fetched key set: the key with that `kid` (the
    whole URI, or the fragment after `#`), of the type and curve the algorithm needs."""
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        raise CredentialProblem("The issuer's key address does not hold a key set (JWKS).")
    fragment = urldefrag(unverified.kid)[1]
    kty, crv = ALGORITHMS[unverified.algorithm]
    for data in keys:
        if not isinstance(data, dict) or data.get("kid") not in (unverified.kid, fragment):
            continue
        if data.get("kty") != kty or data.get("crv") != crv:
            break
        public = {k: data[k] for k in ("kty", "crv", "x", "y") if isinstance(data.get(k), str)}
        try:
            return (ECKey if kty == "EC" else OKPKey).import_key(public)
        except (JoseError, ValueError, TypeError, KeyError):
            break
    raise CredentialProblem(
        "The issuer's key set has no usable key for this credential: it may have been "
        "withdrawn, or the credential was not signed by that issuer."
    )


def verify_signature(unverified: Unverified, key: ECKey | OKPKey) -> dict[str, Any]:
    try:
        with warnings.catch_warnings():  # joserfc flags "EdDSA" as superseded by "Ed25519"
            warnings.simplefilter("ignore")
            token = jwt.decode(unverified.token, key, algorithms=[unverified.algorithm])
    except (JoseError, ValueError, TypeError):
        raise CredentialProblem(
            "The signature does not match: the credential was changed after it was issued, "
            "or was not signed by the issuer it names."
        ) from None
    return dict(token.claims)


def check(claims: dict[str, Any], *, email: str, now: datetime) -> Verified:
    """The verified claims read as Open Badges 3.0: an OpenBadgeCredential, within its validity
    window, about the person with this e-mail address; its hours if it states them."""
    credential = claims.get("vc") if isinstance(claims.get("vc"), dict) else claims
    types = credential.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or "OpenBadgeCredential" not in types:
        raise CredentialProblem("This is not an Open Badges 3.0 credential (OpenBadgeCredential).")
    starts = _moment(credential.get("validFrom"), claims.get("nbf"))
    ends = _moment(credential.get("validUntil"), claims.get("exp"))
    if starts is None:
        raise CredentialProblem("The credential does not say when it was issued (validFrom).")
    if starts > now:
        raise CredentialProblem("The credential is not valid yet (its validFrom is to come).")
    if ends is not None and ends <= now:
        raise CredentialProblem(
            f"The credential expired on {ends.date().isoformat()}: "
            "ask its issuer for a current one."
        )
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    holder = _holder(subject, email)
    if holder is None:
        raise CredentialProblem(
            "This credential was not issued to you: it does not name your e-mail address "
            f"({email}). Ask its issuer to issue it to that address."
        )
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, dict) else {}
    claims = {**claims, **credential}
    return Verified(
        key=replay_key(issuer_id(claims), credential.get("id", claims.get("jti")), claims),
        issuer_id=issuer_id(claims)[:300],
        issuer_name=issuer_name(claims)[:200],
        achievement=_text(achievement.get("name")) or _text(credential.get("name")) or "Badge",
        hours=_hours(subject.get("creditsEarned"), achievement.get("creditsAvailable")),
        issued_on=starts.date(),
        valid_until=ends,
        holder=holder,
    )


def replay_key(issuer: str, credential_id: Any, claims: dict[str, Any]) -> str:
    """The same credential counts once: by its issuer and id, else by its whole content."""
    if isinstance(credential_id, str) and credential_id:
        basis = f"{issuer}\n{credential_id}"
    else:
        basis = json.dumps(claims, sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(basis.encode()).hexdigest()


def _holder(subject: dict[str, Any], email: str) -> str | None:
    email = email.strip().lower()
    subject_id = subject.get("id")
    if isinstance(subject_id, str) and subject_id.lower() == f"mailto:{email}":
        return "e-mail (the subject's id)"
    identifiers = subject.get("identifier")
    for entry in identifiers if isinstance(identifiers, list) else []:
        if not isinstance(entry, dict) or entry.get("identityType") != "emailAddress":
            continue
        stated = entry.get("identityHash")
        if not isinstance(stated, str):
            continue
        if entry.get("hashed") is True:
            salt = entry.get("salt") if isinstance(entry.get("salt"), str) else ""
            if hmac.compare_digest(stated.lower(), identity_hash(email, salt).lower()):
                return "e-mail (hashed, salted)"
        elif stated.strip().lower() == email:
            return "e-mail"
    return None


def _moment(text: Any, epoch: Any) -> datetime | None:
    if isinstance(text, str):
        try:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise CredentialProblem("The credential's dates are not readable.") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if isinstance(epoch, int | float) and not isinstance(epoch, bool):
        try:
            return datetime.fromtimestamp(epoch, UTC)
        except (OverflowError, OSError, ValueError):
            raise CredentialProblem("The credential's dates are not readable.") from None
    return None


def _hours(*values: Any) -> float | None:
    """The first number stated, earned before available; a negative one is no hours."""
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value) if value > 0 else None
    return None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    printable = "".join(c if c.isprintable() else " " for c in value)
    return " ".join(printable.split())[:200]
