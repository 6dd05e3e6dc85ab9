"""What projector screens show people to get in: the check-in code (fixed, or rotating every
few seconds), the link it opens and that link's QR code. Shared by the check-in projector and
the live quiz's lobby; computed on each view (a rotating code is derived, never stored)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import segno

from seminar.models import SeminarSession
from seminar.queries.sessions import current_code, seconds_to_next_code
from seminar.web.filters import absolute_url


def qr_image(link: str) -> str:
    """The link as a QR code image (a data: URI, so nothing of it can run in the page)."""
    return segno.make(link, error="m").svg_data_uri(scale=8, dark="#0a4346")


@dataclass(frozen=True)
class Invitation:
    code: str
    link: str  # opens the check-in (or the live quiz) with the code filled in
    qr: str
    next_in: float | None  # seconds until a rotating code changes; None for a fixed one

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def invitation(
    session: SeminarSession, endpoint: str = "checkin.checkin", **values: object
) -> Invitation | None:
    """How to check in now, or None while check-in is closed."""
    code = current_code(session)
    if code is None:
        return None
    link = absolute_url(endpoint, code=code, **values)
    return Invitation(code, link, qr_image(link), seconds_to_next_code(session))
