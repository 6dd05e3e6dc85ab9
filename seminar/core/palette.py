"""The site's colour tokens, in one place for the pages and the printed certificate.

`seminar/static/css/site.css` declares the same values as CSS custom properties (`--brand`,
`--text`...); a test reads its `:root` block and compares, so a colour changed in one place and
not the other fails the suite. The certificate PDF takes its colours from here.
"""

from __future__ import annotations

# Name (the CSS custom property without its "--") -> hex colour. Text colours keep at least
# 4.5:1 contrast on --surface and on their -soft backgrounds.
TOKENS: dict[str, str] = {
    "bg": "#f6f5f1",  # the page behind cards
    "surface": "#ffffff",  # cards, tables, inputs
    "text": "#1c2422",
    "muted": "#4f5b58",  # secondary text
    "line": "#d9dcd6",  # borders and rules
    "input-border": "#7b8683",  # form controls' borders (3:1 against the surface)
    "brand": "#0f5e63",  # links, primary buttons, progress
    "brand-dark": "#0a4346",  # the header, headings on the certificate
    "brand-soft": "#e3f0ef",
    "ok": "#1e6b3a",
    "ok-soft": "#e4f3e8",
    "warn": "#7a4b00",
    "warn-soft": "#fff3dc",
    "bad": "#a1261b",
    "bad-soft": "#fde8e6",
    "info": "#3b4f9a",  # evidence notes, feedback
    "info-soft": "#eaeefa",
    "focus": "#e0a100",  # the focus ring
}


def rgb(name: str) -> tuple[int, int, int]:
    """A token as the (red, green, blue) the PDF library takes."""
    value = TOKENS[name].lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
