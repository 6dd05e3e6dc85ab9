"""Hours declared with another organisation's Open Badges 3.0 credential (a VC-JWT): its
issuer's key set fetched (bounded), the credential verified (`core.foreign_credentials`), and
the hours recorded as declared hours: already approved when the credential states them and
comes from an issuer FOREIGN_ISSUERS lists ("verified credential from <issuer>"), else
pending, with the hours it states or the hours the student gives, for an admin to approve as
a certificate of attendance is. Either way the JWT is kept as the evidence and what
was verified is shown to admins; the same credential counts once (a unique key on its issuer
and id, settled by the database). The key set must be on the site of the issuer the
credential names (`issuer_host`); FOREIGN_ISSUERS lists the only hosts whose stated hours
count without an admin (none by default: anyone can sign a badge on a site of their own).

The fetch (SSRF rule): only http and https URLs, without user names; the host name is resolved
once and EVERY address it resolves to must be a public one (`is_public_address`: no loopback,
private, link-local such as cloud metadata, multicast or reserved address), and the connection
goes to that vetted address (so a second, different DNS answer cannot point it inward);
redirects are not followed; FETCH_TIMEOUT seconds in all and at most MAX_JWKS_BYTES are read.
Private and loopback addresses are allowed only when the app is TESTING or the setting
FOREIGN_KEYS_ALLOW_PRIVATE is true (an intranet issuer). Our own issuer's credentials are
refused before any fetch: hours attended here already count.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from seminar.core import foreign_credentials as foreign
from seminar.core.levels import hours as hours_words
from seminar.db import db, insert_ignore, now_utc
from seminar.models import Decision, DeclaredHours, IssuerKey, User
from seminar.queries import issuer as our_issuer
from seminar.services import audit
from seminar.services.declared_hours import MAX_HOURS, DeclarationError

FETCH_TIMEOUT = 5.0  # seconds for the whole fetch of a key set
MAX_JWKS_BYTES = 64 * 1024
MAX_TOKEN_CHARS = foreign.MAX_TOKEN_CHARS
OWN = "This credential was issued here: hours attended here already count by themselves."


def declare(user: User, *, credential: str, hours: float | None) -> DeclaredHours:
    """Record the hours a verified credential states (approved; pending when FOREIGN_ISSUERS
    does not list its issuer), or the hours the student gives for a credential that states
    none (pending an admin's decision)."""
    try:
        unverified = foreign.parse(credential)
        if _is_ours(unverified):
            raise foreign.CredentialProblem(OWN)
        host = foreign.issuer_host(unverified)  # before any fetch: the key is on its site
        key = foreign.key_for(_fetch_jwks(unverified.jwks_url), unverified)
        claims = foreign.verify_signature(unverified, key)
        verified = foreign.check(claims, email=user.email, now=now_utc())
    except foreign.CredentialProblem as problem:
        raise DeclarationError(str(problem), field="credential") from None
    if verified.issuer_id and verified.issuer_id == our_issuer.issuer().id:
        raise DeclarationError(OWN, field="credential")
    stated = verified.hours
    if stated is None and (hours is None or not 0 < hours <= MAX_HOURS):
        raise DeclarationError(
            "The credential states no hours: give the hours you attended (above 0, up to "
            f"{MAX_HOURS}); an admin approves them.",
            field="hours",
        )
    if stated is not None and stated > MAX_HOURS:
        raise DeclarationError(
            f"The credential states {stated:g} hours, more than one declaration counts "
            f"({MAX_HOURS}): declare them with certificates of attendance instead.",
            field="credential",
        )
    trusted = _trusted(host)
    approved = stated is not None and trusted
    note = f" Issuer's site: {host}." + (
        "" if trusted else " Not an issuer whose hours count at once: check them."
    )
    values: dict[str, Any] = {
        "user_id": user.id,
        "organisation": verified.issuer_name,
        "course": verified.achievement,
        "attended_on": verified.issued_on,
        "hours": round(stated if stated is not None else float(hours or 0), 2),
        "file_name": "credential.jwt",
        "file_type": "application/jwt",
        "file_data": unverified.token.encode(),
        "state": Decision.APPROVED if approved else Decision.PENDING,
        "decided_at": now_utc() if approved else None,
        "reason": f"Verified credential from {verified.issuer_name}" if approved else "",
        "credential_key": verified.key,
        "verified": verified.summary() + note,
        "created_at": now_utc(),
    }
    if not insert_ignore(DeclaredHours, values, keys=("credential_key",)):
        raise DeclarationError(
            "This credential has already been declared: its hours count once.", field="credential"
        )
    entry = db.session.scalars(
        select(DeclaredHours).where(DeclaredHours.credential_key == verified.key)
    ).one()
    audit.log(
        "declared_hours.credential",
        target_type="declared_hours",
        target_id=entry.id,
        target_label=f"{hours_words(entry.hours)} h at {entry.organisation}: {user.name}",
        subject=user,
        after={
            "issuer": verified.issuer_id,
            "achievement": entry.course,
            "hours": entry.hours,
            "state": entry.state.value,
            "verified": entry.verified,
        },
        actor=user,
    )
    return entry


def _trusted(host: str) -> bool:
    """Only the issuers FOREIGN_ISSUERS lists are taken at their word: anyone can publish a
    key and sign a badge for any hours, so a credential from any other site goes to an admin
    with the hours it states (verified: signed there, for this student)."""
    listed = current_app.config.get("FOREIGN_ISSUERS") or []
    if isinstance(listed, str):  # SEMINAR_FOREIGN_ISSUERS="a.org, b.org", not JSON
        listed = listed.replace(",", " ").split()
    return host in {str(h).strip().lower() for h in listed}


def _is_ours(unverified: foreign.Unverified) -> bool:
    """Issued by this platform: by its issuer id, its key set address, or one of its keys."""
    ours = our_issuer.issuer().id
    if unverified.issuer_id == ours or unverified.jwks_url == our_issuer.jwks_url():
        return True
    thumbprint = unverified.kid.rpartition("#")[2]
    return bool(
        thumbprint
        and db.session.scalar(select(IssuerKey.id).where(IssuerKey.thumbprint == thumbprint))
    )


def _fetch_jwks(url: str) -> Any:
    problem = foreign.web_url_problem(url)
    if problem:
        raise foreign.CredentialProblem(problem)
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise foreign.CredentialProblem(
            "Its key address has a port that is not a number."
        ) from None
    address = _vetted_address(host, port)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    deadline = time.monotonic() + FETCH_TIMEOUT
    unreachable = foreign.CredentialProblem(
        f"The issuer's key set at {url[:200]} could not be fetched: try again later."
    )
    connection = (_PinnedTLS if parts.scheme == "https" else _Pinned)(host, port, address)
    try:
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        if response.status != 200:
            raise unreachable
        body = b""
        while len(body) <= MAX_JWKS_BYTES and time.monotonic() < deadline:
            # Each wait is what is left of FETCH_TIMEOUT: a server dripping bytes is cut off.
            if connection.vetted is not None:
                connection.vetted.settimeout(max(0.05, deadline - time.monotonic()))
            chunk = response.read1(16 * 1024)
            if not chunk:
                break
            body += chunk
        else:
            raise foreign.CredentialProblem("The issuer's key set is too large or too slow.")
    except (OSError, http.client.HTTPException, ssl.SSLError):
        raise unreachable from None
    finally:
        connection.close()
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise foreign.CredentialProblem("The issuer's key address does not hold JSON.") from None


def _vetted_address(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise foreign.CredentialProblem(f"The issuer's host {host[:100]} is not known.") from None
    addresses = [str(info[4][0]) for info in infos]
    config = current_app.config
    inward_allowed = config.get("TESTING") or config.get("FOREIGN_KEYS_ALLOW_PRIVATE")
    if not addresses or (
        not inward_allowed and not all(foreign.is_public_address(a) for a in addresses)
    ):
        raise foreign.CredentialProblem(
            f"The issuer's key address ({host[:100]}) is not on the public internet."
        )
    return addresses[0]


class _Pinned(http.client.HTTPConnection):
    """Connects to the address vetted, whatever the host name would resolve to now."""

    def __init__(self, host: str, port: int, address: str) -> None:
        super().__init__(host, port, timeout=FETCH_TIMEOUT)
        self.address = address
        self.vetted: socket.socket | None = None  # kept: http.client drops `sock` on HTTP/1.0

    def connect(self) -> None:
        self.sock = self.vetted = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLS(_Pinned):
    def connect(self) -> None:
        super().connect()
        context = ssl.create_default_context()  # certificates checked against the host name
        self.sock = self.vetted = context.wrap_socket(self.sock, server_hostname=self.host)
