"""A person's first and last name, as licensing boards and CE trackers key on them, guessed
from the one name an account was made with. Pure. The guess is only a start: people correct
theirs on their account page, as it is on their licence.

"Ada Lovelace" -> ("Ada", "Lovelace"); "Ludwig van Beethoven" -> ("Ludwig", "van Beethoven");
"Lovelace, Ada" -> ("Ada", "Lovelace"); "Dr. Ada Lovelace, DC" -> ("Ada", "Lovelace");
"Martin Luther King Jr." -> ("Martin Luther", "King Jr."); "Teller" -> ("", "Teller").
"""

from __future__ import annotations

# Words that begin a family name ("van Beethoven", "de la Cruz"), in any case.
PARTICLES = {
    "al", "bin", "da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "ibn",
    "la", "le", "st.", "ten", "ter", "van", "von",
}  # fmt: skip
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
TITLES = {"dr", "dr.", "prof", "prof.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mx"}
# Letters after a name, after a comma ("Ada Lovelace, DC"): not part of the name.
POSTNOMINALS = {
    "bsc", "dacbr", "dacnb", "dc", "d.c.", "do", "d.o.", "ficc", "md", "m.d.", "msc", "phd",
    "ph.d.", "rn",
}  # fmt: skip


def split_name(full: str) -> tuple[str, str]:
    """(first names, last name) of a full name, as well as words allow."""
    parts = [p.strip() for p in " ".join(full.split()).split(",")]
    parts = [p for p in parts if p and p.lower() not in POSTNOMINALS]
    suffix = ""
    if len(parts) > 1 and parts[-1].lower() in SUFFIXES:
        suffix = parts.pop()
    if len(parts) == 2:  # "Lovelace, Ada": the family name first
        last, first = parts
        return _without_titles(first.split()), _join(last, suffix)
    words = _without_titles(" ".join(parts).split()).split()
    if words and words[-1].lower() in SUFFIXES and len(words) > 1:
        suffix = _join(words.pop(), suffix)
    if len(words) <= 1:
        return "", _join(" ".join(words), suffix)
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in PARTICLES:
        start -= 1
    return " ".join(words[:start]), _join(" ".join(words[start:]), suffix)


def _without_titles(words: list[str]) -> str:
    while len(words) > 1 and words[0].lower() in TITLES:
        words = words[1:]
    return " ".join(words)


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)
