"""Moodle XML as question types read and write it: text elements with their format, values.

A question is `<question type="...">` with Moodle's elements; each text is an element holding
`<text>` (CDATA when it has markup), its format in a `format` attribute (Moodle's names:
`html`, `moodle_auto_format`, `plain_text`, `markdown`). The file-level parts (names, ids,
tags, categories, quiz settings) are in `seminar.core.content.moodle_xml`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from seminar.core.errors import SeminarError
from seminar.core.questions.model import MARKDOWN, Question
from seminar.core.questions.syntax import Report

# Our text formats by Moodle's names, and back.
XML_FORMATS = {
    "html": "html",
    "moodle_auto_format": "moodle",
    "plain_text": "plain",
    "markdown": MARKDOWN,
}
FORMAT_NAMES = {ours: theirs for theirs, ours in XML_FORMATS.items()}
# Characters XML 1.0 cannot hold, even in CDATA.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
INDENT = "  "


class LinedElement(ET.Element):
    """An element that remembers the line of its start tag (0 when built, not parsed)."""

    line = 0


class NotXml(SeminarError):
    """A text has a character that XML cannot hold."""


# --- writing ------------------------------------------------------------------------------


def xml_text(text: str) -> str:
    """A text as element content: as is, or in CDATA when it has markup (as Moodle writes it);
    ']]>' is split across two CDATA sections."""
    if bad := _NOT_XML.search(text):
        raise NotXml(
            f"the text '{text[:40]}' has a character XML cannot hold (U+{ord(bad.group()):04X})"
        )
    if escape(text) == text:
        return text
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def value(tag: str, content: str, depth: int) -> str:
    """`<tag>content</tag>` on one line, the content escaped."""
    return f"{INDENT * depth}<{tag}>{escape(content)}</{tag}>"


def text_element(
    tag: str,
    text: str,
    depth: int,
    *,
    fmt: str | None = None,
    attrs: dict[str, str] | None = None,
    children: list[str] | None = None,
) -> list[str]:
    """`<tag format="..."><text>...</text>...</tag>`, as Moodle writes its texts."""
    attributes = dict(attrs or {})
    if fmt is not None:
        attributes["format"] = FORMAT_NAMES[fmt]
    opening = "".join(f" {name}={quoteattr(v)}" for name, v in attributes.items())
    pad = INDENT * depth
    return [
        f"{pad}<{tag}{opening}>",
        f"{pad}{INDENT}<text>{xml_text(text)}</text>",
        *(children or []),
        f"{pad}</{tag}>",
    ]


def feedback(q: Question, name: str, text: str, depth: int) -> list[str]:
    """An answer's `<feedback>`, in the format the question gives that text."""
    return text_element("feedback", text, depth, fmt=q.format_of(name))


# --- reading ------------------------------------------------------------------------------


def child_text(el: ET.Element | None, tag: str, default: str = "") -> str:
    """The stripped text of a child element (Moodle's getpath with a default)."""
    found = el.find(tag) if el is not None else None
    return (found.text or "").strip() if found is not None else default


def comments(el: ET.Element) -> list[str]:
    """The text of each comment inside an element."""
    return [c.text or "" for c in el.iter(ET.Comment)]


def line_of(el: ET.Element | None, fallback: int) -> int:
    return getattr(el, "line", 0) or fallback


@dataclass
class XmlRead:
    """One `<question>` as the types read it: its texts, each with its format (the element's
    `format`, else the question text's, as Moodle reads them), kept by text name."""

    el: ET.Element
    report: Report
    line: int
    default: str = "html"  # the question text's format: every other text's by default
    formats: dict[str, str] = field(default_factory=dict)

    def text(self, holder: ET.Element | None, name: str | None = None) -> str:
        """The `<text>` of an element holding one, its format kept under `name`."""
        if holder is None:
            return ""
        given = holder.get("format")
        fmt = self.default
        if given is not None:
            fmt = XML_FORMATS.get(given.strip(), "")
            if not fmt:
                self.warn(holder, f"unknown text format '{given}': read as HTML, as Moodle does")
                fmt = "html"
        if name:
            self.formats[name] = fmt
        node = holder.find("text")
        if node is not None and any(child.tag is not ET.Comment for child in node):
            self.error(
                node, "this text has markup outside <![CDATA[ ... ]]>: Moodle writes HTML inside it"
            )
        return child_text(holder, "text")

    def texts(self, tag: str, name: str | None = None) -> str:
        return self.text(self.el.find(tag), name)

    def value(self, tag: str, default: str = "") -> str:
        return child_text(self.el, tag, default)

    def warn(self, el: ET.Element | None, message: str) -> None:
        self.report.warn(line_of(el, self.line), message)

    def error(self, el: ET.Element | None, message: str) -> None:
        self.report.error(line_of(el, self.line), message)

    def fraction(self, answer: ET.Element) -> float | None:
        """An answer's `fraction` attribute, a percentage (Moodle writes '33.33333')."""
        raw = answer.get("fraction", "0").strip()
        try:
            weight = float(raw)
        except ValueError:
            self.error(answer, f"fraction '{raw}' is not a number")
            return None
        if not -100 <= weight <= 100:
            self.error(answer, f"fraction {raw} is outside -100..100")
            return None
        return weight


def flag(raw: str | None, default: bool) -> bool:
    """A yes/no element as Moodle reads it: missing is the default; 'false', '0' and empty
    are no, anything else yes."""
    if raw is None:
        return default
    return raw.strip() not in ("false", "0", "")
