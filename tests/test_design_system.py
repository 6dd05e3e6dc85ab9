"""The design system's single sources: the colour tokens shared by the stylesheet and the
certificate PDF, and the one grade format every page uses."""

from __future__ import annotations

import re
from pathlib import Path

from seminar.core import pdf
from seminar.core.palette import TOKENS, rgb

SITE_CSS = Path(__file__).parent.parent / "seminar" / "static" / "css" / "site.css"


def _root_colours() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", SITE_CSS.read_text(), re.S)
    assert root, "site.css declares its tokens in :root"
    return {
        name: value.lower()
        for name, value in re.findall(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\s*;", root.group(1))
    }


def test_the_stylesheet_and_the_palette_declare_the_same_colours() -> None:
    assert _root_colours() == TOKENS


def test_the_certificate_takes_its_colours_from_the_palette() -> None:
    assert rgb("text") == pdf.INK
    assert rgb("brand-dark") == pdf.ACCENT
    assert rgb("brand") == (0x0F, 0x5E, 0x63)


def test_no_page_formats_a_grade_by_hand() -> None:
    """Grades go through the `grade` filter (one decimal at most): a template that formats a
    score or result with '%.0f' or round() is the inconsistency issue 18 removed."""
    templates = Path(__file__).parent.parent / "seminar" / "templates"
    offenders = [
        f"{path.relative_to(templates)}: {line.strip()[:80]}"
        for path in templates.rglob("*.html")
        for line in path.read_text().splitlines()
        if re.search(r"'%[.0-9]*[fg]'\|format\([^)]*(score|result|pass_mark)", line)
    ]
    assert offenders == []
