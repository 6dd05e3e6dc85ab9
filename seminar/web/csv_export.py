"""CSV downloads that spreadsheets open safely and correctly.

UTF-8 with a byte-order mark, so Excel reads "Müller" as written (without one it guesses the
legacy code page and shows "MÃ¼ller"). Formula-safe in any locale: a spreadsheet runs a cell
that starts with = + - @ (or a tab or carriage return) as a formula, and where the list
separator is ";" (much of Europe) Excel splits a comma-separated file on ";" instead, so every
piece of a value after a ";" (or a comma, tab, "|" or line break) starts a cell of its own
there. Each such piece that would start a formula is led by an apostrophe, which keeps it text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from flask import Response

BOM = "\ufeff"
# The start of the value, or of a piece after a separator, with any spaces and quotes that a
# spreadsheet skips, followed by what makes a formula (a tab or carriage return there is
# also a separator, whose own piece is looked at in turn).
_FORMULA = re.compile(r"(^|[,;|\t\r\n])([ \"']*)(?=[=+\-@\t\r])")


def cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula ('=HYPERLINK(...)', or 'Eve;=1+1' where ';'
    separates cells) stays text."""
    if not isinstance(value, str):
        return value
    return _FORMULA.sub(lambda m: f"{m[1]}'{m[2]}", value)


def csv_text(header: list[str] | None, rows: Iterable[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)  # "\r\n" line ends, as spreadsheets write them
    if header is not None:
        writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return BOM + out.getvalue()


def csv_response(filename: str, header: list[str] | None, rows: Iterable[list[Any]]) -> Response:
    """A download; `header` None for a file read by column letter (CE Broker's upload)."""
    return Response(
        csv_text(header, rows),
        mimetype="text/csv",
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
