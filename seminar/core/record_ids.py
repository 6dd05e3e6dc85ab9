"""Record identifiers: 80 random bits in Crockford base32, shown as XXXX-XXXX-XXXX-XXXX.

Crockford's alphabet leaves out I, L, O and U, so an identifier read aloud or copied from paper
survives the usual confusions: input is case-insensitive, O reads as 0, I and L read as 1, and
hyphens and spaces are ignored.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16  # 80 bits / 5 bits per character
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_public_id() -> str:
    number = secrets.randbits(LENGTH * 5)
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(LENGTH)))


def normalise(text: str) -> str | None:
    """The canonical form of a typed identifier, or None if it cannot be one."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_CONFUSABLE)
    if len(cleaned) != LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def display(public_id: str) -> str:
    return "-".join(public_id[i : i + 4] for i in range(0, LENGTH, 4))
