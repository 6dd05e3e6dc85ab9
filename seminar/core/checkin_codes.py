"""Check-in codes, pure: a fixed code drawn when check-in opens, or a rotating one.

A rotating code (as Moodle's attendance plugin offers) changes every N seconds on the
projector, so a code texted to someone at home expires. It is derived, never stored: an HMAC
of the session's secret (drawn when check-in opens) and the number of the time step. Reading
the current code writes nothing, any worker or host computes the same one, and a new secret
when check-in reopens makes every earlier code worthless. The current and the previous code
are accepted, so a student who typed the code just before it changed is not refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on a projector
LENGTH = 6
ROTATIONS = (10, 15, 30, 60)  # seconds a rotating code is shown for, as staff may choose


def random_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_secret() -> str:
    return secrets.token_hex(16)


def step(now: datetime, seconds: int) -> int:
    """The number of the time step `now` falls in (steps of `seconds`, from the epoch)."""
    return int(now.timestamp()) // seconds


def code_for(secret: str, number: int) -> str:
    digest = hmac.new(secret.encode(), str(number).encode(), hashlib.sha256).digest()
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:LENGTH])


def current_code(secret: str, seconds: int, now: datetime) -> str:
    return code_for(secret, step(now, seconds))


def accepted_codes(secret: str, seconds: int, now: datetime) -> tuple[str, str]:
    """The code on the projector now and the one before it."""
    number = step(now, seconds)
    return code_for(secret, number), code_for(secret, number - 1)


def seconds_to_next(seconds: int, now: datetime) -> float:
    """How long the current code stays on the projector."""
    return seconds - (now.timestamp() % seconds)
