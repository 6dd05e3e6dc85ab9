"""The password rule: at least MIN_LENGTH characters, and not a common or breached password.

zxcvbn (offline, with its bundled frequency lists of common passwords, names and words, and
its patterns: keyboard rows, repeats, sequences, dates, l33t) estimates how many guesses a
password takes; below STRONG_ENOUGH a password is refused with zxcvbn's own advice.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 200
# zxcvbn's score 3: about 10^8 guesses or more, beyond every common-password list.
STRONG_ENOUGH = 3
# zxcvbn's cost grows with the length; what it finds in the first 100 characters is enough.
_CHECKED = 100


def problem(password: str, personal: Iterable[str] = ()) -> str | None:
    """Why the password is refused, or None when it is acceptable. `personal` holds the
    person's own words (e-mail, name), which make a weak password."""
    if len(password) < MIN_LENGTH:
        return f"A password needs at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"A password takes at most {MAX_LENGTH} characters."
    words = [w for w in personal if w]
    for word in list(words):
        words.extend(part for part in word.replace("@", " ").replace(".", " ").split() if part)
    result = zxcvbn(password[:_CHECKED], user_inputs=words)
    if result["score"] >= STRONG_ENOUGH:
        return None
    feedback = result["feedback"]
    why = feedback.get("warning") or "This password is too easy to guess."
    advice = " ".join(feedback.get("suggestions") or [])
    return f"{why} {advice or 'Use a few uncommon words.'}".strip()
