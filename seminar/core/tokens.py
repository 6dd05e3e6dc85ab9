"""Secrets in links and login cookies: a public selector to find the row and a verifier that
is stored only as its SHA-256 digest and compared in constant time.

A database copy (a backup, a leaked dump) therefore holds no usable link or cookie, and the
lookup by selector never lets response time reveal how much of a guess was right.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

SEPARATOR = "."  # never produced by token_urlsafe, so a token splits in one way only


@dataclass(frozen=True)
class Secret:
    selector: str  # stored as is, unique: finds the row
    verifier: str  # shown once (in the link or cookie), stored hashed

    @property
    def token(self) -> str:
        return f"{self.selector}{SEPARATOR}{self.verifier}"

    @property
    def verifier_hash(self) -> str:
        return digest(self.verifier)


def new_secret() -> Secret:
    """96 bits of selector, 256 bits of verifier."""
    return Secret(secrets.token_urlsafe(12), secrets.token_urlsafe(32))


def digest(verifier: str) -> str:
    return hashlib.sha256(verifier.encode()).hexdigest()


def split(token: str) -> Secret | None:
    """The token's two parts, or None for anything that is not a token's shape."""
    selector, sep, verifier = token.partition(SEPARATOR)
    if not sep or not (8 <= len(selector) <= 32) or not (16 <= len(verifier) <= 64):
        return None
    if not all(c.isalnum() or c in "-_" for c in selector + verifier):
        return None
    return Secret(selector, verifier)


def matches(verifier: str, stored_hash: str) -> bool:
    """The verifier is the one whose digest was stored (constant time)."""
    return hmac.compare_digest(digest(verifier), stored_hash)
