"""Markdown to safe HTML: Python-Markdown with the documented extensions, then nh3.

Images may only point at files inside the lessons folder; they are checked with their line
before rendering and rewritten to the asset route while sanitising.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import markdown
import nh3

from seminar.core.content.problems import Problem

EXTENSIONS = [
    "tables",
    "fenced_code",
    "footnotes",
    "attr_list",
    "def_list",
    "abbr",
    "toc",
    "admonition",
]
EXTENSION_CONFIGS = {"toc": {"permalink": False, "toc_depth": "2-3"}}

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
ASSET_URL = "/lessons/assets/"
LESSON_URL = "/lessons/"

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "th": {"scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_INLINE_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
_REF_IMAGE = re.compile(r"!\[[^\]]*\]\s*\[([^\]]*)\]")
_REF_DEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s|$)")
_LESSON_LINK = re.compile(r"^(?:\.\./[0-9]+-[a-z0-9-]+/)?[0-9]+-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[dict[str, Any]] = field(default_factory=list)
    words: int = 0


def resolve_asset(src: str, base_dir: str) -> str | None:
    """The asset's path relative to the lessons folder, or None if it may not be served."""
    # Browsers and the server decode %-escapes ('%2e%2e/' is '../'): check what they will see.
    src = unquote(src)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src) or src.startswith(("/", "\\")) or "\\" in src:
        return None
    path = posixpath.normpath(posixpath.join(base_dir, src))
    if path.startswith("../") or path == ".." or path.startswith("/"):
        return None
    if not path.lower().endswith(IMAGE_SUFFIXES):
        return None
    return path


def check_images(
    body: str, *, path: str, first_line: int, base_dir: str, exists: Callable[[str], bool]
) -> list[Problem]:
    """Every image must be an existing picture file inside the lessons folder."""
    problems: list[Problem] = []
    lines = body.splitlines()
    definitions = {}
    for line in lines:
        if m := _REF_DEF.match(line):
            definitions[m.group(1).strip().lower()] = m.group(2)
    for offset, line in enumerate(lines):
        sources = _INLINE_IMAGE.findall(line) + _HTML_IMAGE.findall(line)
        sources += [
            definitions[r.lower()] for r in _REF_IMAGE.findall(line) if r.lower() in definitions
        ]
        for src in sources:
            resolved = resolve_asset(src, base_dir)
            where = first_line + offset
            if resolved is None:
                problems.append(
                    Problem(
                        path,
                        where,
                        f"image '{src}' must be a picture file ({', '.join(IMAGE_SUFFIXES)}) "
                        "inside the lessons folder, given by a relative path",
                    )
                )
            elif not exists(resolved):
                problems.append(Problem(path, where, f"image '{src}' not found"))
    return problems


def _attribute_filter(base_dir: str) -> Callable[[str, str, str], str | None]:
    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if value.startswith("@@PLUGINFILE@@"):
            return None  # a file stored inside a Moodle question: not imported
        if tag == "img" and attribute == "src":
            resolved = resolve_asset(value, base_dir)
            return ASSET_URL + quote(resolved) if resolved else None
        if tag == "a" and attribute == "href" and (m := _LESSON_LINK.match(value)):
            return LESSON_URL + m.group(1)
        return value

    return rewrite


def sanitise(raw_html: str, *, base_dir: str = "") -> str:
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_attribute_filter(base_dir),
        strip_comments=True,
    )


def render_markdown(text: str, *, base_dir: str = "") -> Rendered:
    """Render Markdown once; `base_dir` is the folder (relative to lessons/) images live in."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    raw = md.convert(text)
    toc = [
        {"level": t["level"], "id": t["id"], "name": html.unescape(t["name"])}
        for t in _flatten(getattr(md, "toc_tokens", []))
        if t["level"] in (2, 3)
    ]
    words = len(re.findall(r"\w+", text))
    safe = sanitise(raw, base_dir=base_dir)
    return Rendered(html=_scrollable_regions(safe), toc=toc, words=words)


def _scrollable_regions(safe_html: str) -> str:
    """Wide tables and preformatted text scroll inside a region a keyboard can reach (added
    after sanitising, which allows no such attributes): a phone shows a few dozen characters of a
    line, so a text example scrolls there, and a scrolling region must take the focus."""
    opened = re.sub(
        r"<table\b",
        '<div class="table-scroll" role="region" aria-label="Table" tabindex="0"><table',
        safe_html,
    )
    opened = re.sub(
        r"<pre\b", '<pre role="region" aria-label="Preformatted text" tabindex="0"', opened
    )
    return opened.replace("</table>", "</table></div>")


def _flatten(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for token in tokens:
        out.append(token)
        out.extend(_flatten(token.get("children", [])))
    return out
