"""Long lists in pages of a fixed size, whatever page number a link or a person asks for."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_sqlalchemy.pagination import Pagination

from seminar.core.text import small_int
from seminar.db import db


def paginate(query: Any, *, per_page: int) -> Pagination:
    """The `?page=` of the request; a page past the end shows the last one, and anything that
    is not a page number (a negative, a word, 20 digits) shows the first."""
    wanted = max(1, small_int(request.args.get("page", "")) or 1)
    page = db.paginate(query, page=wanted, per_page=per_page, error_out=False)
    if page.pages and wanted > page.pages:
        page = db.paginate(query, page=page.pages, per_page=per_page, error_out=False)
    return page
