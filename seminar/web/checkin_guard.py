"""The check-in form page, and the limits on wrong check-in codes that show it again.

Wrong codes are counted per person and per address, and only wrong codes count (like failed
logins in web/auth.py): a room of 300 behind one address checks in, while someone trying
codes from home is stopped. Checking in and joining a live quiz with a code share the counts.
A limited person sees the check-in form again, saying when to retry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, make_response, render_template
from flask_limiter import RequestLimit
from flask_login import current_user
from werkzeug.wrappers import Response

from seminar.extensions import configured_limit, limiter, retry_in
from seminar.queries import sessions as session_queries
from seminar.services.sessions import WrongCode
from seminar.web.forms import Outcome
from seminar.web.session_forms import CheckinForm


def note_wrong_code(outcome: Outcome) -> None:
    """What the limits count: this request gave a code that opens nothing."""
    if isinstance(outcome.error, WrongCode):
        g.wrong_checkin_code = True


def _wrong(response: Response) -> bool:
    return bool(g.get("wrong_checkin_code"))


def _person() -> str:
    who = current_user.id if current_user.is_authenticated else "anonymous"
    return f"checkin-person:{who}"


def checkin_page(form: CheckinForm, status: int = 200) -> Response:
    """The check-in form, what the person is checked in to, and the live quizzes to join."""
    current = session_queries.current_attendance(current_user)
    lives = session_queries.live_quizzes(current.session, unfinished=True) if current else []
    page = render_template("sessions/checkin.html", form=form, current=current, lives=lives)
    return make_response(page, status)


def _refused(limit: RequestLimit) -> Response:
    form = CheckinForm()
    form.form_errors.append(
        f"Too many wrong check-in codes. Try again in {retry_in(limit)}, or ask your instructor."
    )
    return checkin_page(form, 429)


def _limit(setting: str, scope: str, key: Callable[[], str] | None) -> Any:
    return limiter.shared_limit(
        configured_limit(setting),
        scope=scope,
        key_func=key,
        methods=["POST"],
        deduct_when=_wrong,
        on_breach=_refused,
    )


def limit_wrong_codes(view: Callable[..., Any]) -> Callable[..., Any]:
    """Both limits, shared by every view that takes a check-in code."""
    per_address = _limit("CHECKIN_ADDRESS_LIMIT", "checkin-address", None)
    per_person = _limit("CHECKIN_USER_LIMIT", "checkin-person", _person)
    return per_address(per_person(view))
