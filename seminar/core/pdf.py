"""The printable certificate: one A4 landscape page, with the verification link and its QR code.

Pure: takes what to print, returns PDF bytes. The fonts are bundled (seminar/fonts) so that the
certificate looks the same on every machine and prints any holder's name.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
from fpdf import FPDF

from seminar.core.palette import rgb

FONTS = Path(__file__).parent.parent / "fonts"  # seminar/fonts, beside static/
# The site's own palette (core/palette.py): the certificate looks like the pages that issue it.
INK = rgb("text")
ACCENT = rgb("brand-dark")
MUTED = rgb("muted")
WARNING = rgb("bad")
BAND_TOP = 168  # mm: the bottom band (issuer and instructors, verification) starts here


@dataclass(frozen=True)
class Certificate:
    heading: str  # "Certificate of Completion" or "CE Attendance Certificate"
    holder_name: str
    holder_licence: str
    title: str  # what was completed
    statement: str  # e.g. "has met every requirement of the Introductory course (version 2):"
    completed_on: date
    hours: float  # CE hours: a CE attendance certificate's only (0 on a completion record)
    issuer: str
    instructors: list[str]
    display_id: str
    verify_url: str
    expires_on: date | None = None
    void_notice: str = ""  # e.g. "REVOKED 2026-11-01": printed across a record no longer valid
    notice: str = ""  # a record issued by exception says so, in plain words, under its title
    date_label: str = "Completed"  # "Dated" on a record issued by exception
    lines: tuple[str, ...] = ()  # the small print: what was met, evidence, CE provider


def _date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def render(cert: Certificate) -> bytes:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(f"{cert.heading}: {cert.holder_name}")
    pdf.set_author(cert.issuer)
    pdf.set_creator("seminar")
    pdf.set_auto_page_break(False)
    pdf.add_font("Sans", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("Sans", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font("Serif", "", str(FONTS / "DejaVuSerif.ttf"))
    pdf.add_font("Serif", "B", str(FONTS / "DejaVuSerif-Bold.ttf"))
    pdf.add_page()
    width, height = pdf.w, pdf.h

    # Frame: a double rule keeps the page calm and makes photocopies easy to spot.
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, width - 28, height - 28)

    pdf.set_text_color(*ACCENT)
    pdf.set_font("Sans", "B", 11)
    pdf.set_xy(20, 24)
    pdf.cell(width - 40, 6, cert.issuer.upper(), align="C")
    pdf.set_font("Serif", "B", 30)
    pdf.set_xy(20, 36)
    pdf.cell(width - 40, 14, cert.heading, align="C")

    pdf.set_text_color(*MUTED)
    pdf.set_font("Sans", "", 12)
    pdf.set_xy(20, 60)
    pdf.cell(width - 40, 7, "This is to record that", align="C")
    pdf.set_text_color(*INK)
    _fit(pdf, "Serif", "B", 26, cert.holder_name, width - 50)  # long names shrink, never clip
    pdf.set_xy(20, 70)
    pdf.cell(width - 40, 13, cert.holder_name, align="C")
    y = 85
    if cert.holder_licence:
        pdf.set_font("Sans", "", 10)
        pdf.set_text_color(*MUTED)
        pdf.set_xy(20, y)
        pdf.cell(width - 40, 5, f"Licence {cert.holder_licence}", align="C")
        y += 7
    pdf.set_text_color(*INK)
    pdf.set_font("Sans", "", 12)
    pdf.set_xy(40, y + 3)
    pdf.multi_cell(width - 80, 7, cert.statement, align="C")
    _fit(pdf, "Serif", "B", 16, cert.title, width - 60)
    pdf.set_x(30)
    pdf.multi_cell(width - 60, 9, cert.title, align="C")

    details = [f"{cert.date_label} {_date(cert.completed_on)}"]
    if cert.hours:
        details.append(f"{cert.hours:g} CE hours")
    if cert.expires_on:
        details.append(f"valid until {_date(cert.expires_on)}")
    pdf.set_font("Sans", "", 11)
    pdf.set_text_color(*MUTED)
    pdf.set_x(30)
    pdf.multi_cell(width - 60, 7, "  ·  ".join(details), align="C")
    if cert.notice:
        pdf.set_font("Sans", "B", 11)
        pdf.set_text_color(*WARNING)
        pdf.set_x(30)
        pdf.multi_cell(width - 60, 6, cert.notice, align="C")
    _small_print(pdf, cert.lines, top=pdf.get_y() + 2, bottom=BAND_TOP - 3)

    # Bottom band: who signs for it on the left, how to check it on the right.
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.2)
    pdf.line(30, BAND_TOP, 120, BAND_TOP)
    pdf.set_text_color(*INK)
    pdf.set_font("Sans", "B", 10)
    pdf.set_xy(30, BAND_TOP + 2)
    pdf.cell(90, 5, cert.issuer)
    if cert.instructors:
        pdf.set_font("Sans", "", 9)
        pdf.set_xy(30, BAND_TOP + 8)
        pdf.multi_cell(90, 4.5, "Instructors: " + ", ".join(cert.instructors))

    qr_size = 34
    qr_x, qr_y = width - 30 - qr_size, height - 22 - qr_size
    pdf.image(_qr_png(cert.verify_url), x=qr_x, y=qr_y, w=qr_size, h=qr_size)
    pdf.set_font("Sans", "", 8.5)
    pdf.set_text_color(*MUTED)
    text_w = 95
    pdf.set_xy(qr_x - text_w - 4, qr_y + 6)
    pdf.multi_cell(text_w, 4.5, "Check this record, without an account, at", align="R")
    pdf.set_text_color(*ACCENT)
    pdf.set_x(qr_x - text_w - 4)
    pdf.multi_cell(text_w, 4.5, cert.verify_url, align="R", link=cert.verify_url)
    pdf.set_text_color(*INK)
    pdf.set_font("Sans", "B", 10)
    pdf.set_x(qr_x - text_w - 4)
    pdf.multi_cell(text_w, 6, f"Record {cert.display_id}", align="R")

    if cert.void_notice:
        with pdf.rotation(18, x=width / 2, y=height / 2):
            pdf.set_text_color(*WARNING)
            pdf.set_font("Sans", "B", 44)
            pdf.set_xy(0, height / 2 - 12)
            pdf.cell(width, 24, cert.void_notice, align="C")
    return bytes(pdf.output())


def _small_print(pdf: FPDF, lines: tuple[str, ...], *, top: float, bottom: float) -> None:
    """What was met and the public evidence, between the title and the bottom band: the type
    shrinks until it all fits (never below 6 pt), so nothing is cut off."""
    if not lines:
        return
    width = pdf.w - 70
    size = 8.5
    while True:
        pdf.set_font("Sans", "", size)
        height = size * 0.5
        needed = sum(len(pdf.multi_cell(width, height, line, dry_run=True, output="LINES"))
                     for line in lines) * height  # fmt: skip
        if top + needed <= bottom or size <= 6:
            break
        size -= 0.5
    pdf.set_text_color(*MUTED)
    pdf.set_y(top)
    for line in lines:
        pdf.set_x(35)
        pdf.multi_cell(width, height, line, align="C")


def _fit(pdf: FPDF, family: str, style: str, size: float, text: str, room: float) -> None:
    pdf.set_font(family, style, size)
    while size > 12 and pdf.get_string_width(text) > room:
        size -= 1
        pdf.set_font(family, style, size)


def _qr_png(url: str) -> io.BytesIO:
    # Error correction "Q": a QR on a creased or stamped paper certificate still scans.
    buffer = io.BytesIO()
    segno.make(url, error="q").save(buffer, kind="png", scale=10, border=2)
    buffer.seek(0)
    return buffer
