"""Public verification: anyone, without an account, can check a record by its identifier.

The page shows only what a verifier needs (status, holder's name, what was completed, when,
what was met, or that it was issued by exception, CE hours and approvals, issuer). The signed
credential, the issuer's keys (current and retired) and profile, the achievement pictures and
the status lists (revocation; supersession) are here too, for wallets and automated verifiers.
Rate-limited per address.
"""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from seminar.core import record_ids
from seminar.core.record_wording import public_account
from seminar.extensions import limiter
from seminar.models import Record
from seminar.queries import issuer as record_issuer
from seminar.queries import records as record_queries
from seminar.queries.records import status_of
from seminar.web.forms import VerifyForm

bp = Blueprint("verify", __name__)


def _verify_limit() -> str:
    return str(current_app.config["VERIFY_RATE_LIMIT"])


def _public(body: str, mimetype: str) -> Response:
    """A machine-readable file for verifiers, who run in other origins."""
    response = Response(body, mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _json(data: object, mimetype: str) -> Response:
    return _public(json.dumps(data, indent=2), mimetype)


@bp.get("/verify")
@limiter.limit(_verify_limit)
def form() -> str | BaseResponse | tuple[str, int]:
    form = VerifyForm(request.args)
    if request.args and form.validate():
        public_id = record_ids.normalise(form.id.data or "")
        if public_id is not None:
            return redirect(f"/verify/{record_ids.display(public_id)}")
        form.id.errors = [
            "That is not a record identifier: it has 16 letters and digits, "
            "like 7G2K-9QXM-4RTB-1HZP."
        ]
    status = 400 if form.errors else 200
    return render_template("verify/form.html", form=form), status


@bp.get("/verify/<rid>")
@limiter.limit(_verify_limit)
def show(rid: str) -> str | BaseResponse | tuple[str, int]:
    record = record_queries.find(rid)
    if record is None:
        form = VerifyForm(formdata=None, data={"id": rid})
        return render_template("verify/unknown.html", rid=rid, form=form), 404
    if rid != record.display_id:
        return redirect(f"/verify/{record.display_id}")
    response = current_app.make_response(_page(record))
    response.headers["Cache-Control"] = "no-store"  # a revocation shows on the next request
    response.headers["X-Robots-Tag"] = "noindex"
    return response


_MAX_PAGES = 10_000


def _page(record: Record) -> str:
    """The verify page. For visitors who are not logged in (everyone a verifier is) it is the
    same for a record in a given state, so each worker keeps it by record and state: the record
    is still read on every request, and a revocation changes the state, hence the page."""
    status = status_of(record)
    key = (record.public_id, status, record.revoked_reason, record.superseded_by_id)
    shared = not current_user.is_authenticated and not session.get("_flashes")
    pages: dict[tuple[object, ...], str] = current_app.extensions.setdefault("verify_pages", {})
    if shared and (page := pages.get(key)) is not None:
        return page
    issuer = record_issuer.issuer()
    page = render_template(
        "verify/show.html",
        record=record,
        status=status,
        issuer=issuer,
        account=public_account(record, issuer_name=issuer.name),
        superseded_by=record.superseded_by,
    )
    if shared:
        if len(pages) >= _MAX_PAGES:
            pages.clear()
        pages[key] = page
    return page


@bp.get("/verify/<rid>.jwt")
@limiter.limit(_verify_limit)
def credential(rid: str) -> Response:
    record = record_queries.find(rid)
    if record is None:
        abort(404)
    response = _public(record.credential_jwt, "application/jwt")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{record.display_id}.jwt"'
    return response


@bp.get("/.well-known/jwks.json")
@limiter.limit(_verify_limit)
def keys() -> Response:
    """Every key records were signed with, retired ones too: a credential's `kid` names its
    key here, whenever it was issued."""
    return _json(record_issuer.key_set(), "application/jwk-set+json")


@bp.get("/issuer")
@limiter.limit(_verify_limit)
def issuer() -> Response:
    return _json(record_issuer.issuer().profile(), "application/ld+json")


@bp.get("/status/<int:number>")
@limiter.limit(_verify_limit)
def status_list(number: int) -> Response:
    """1: the revocation list; 2: the records superseded by a reissue (purpose "message")."""
    if number not in record_issuer.STATUS_LISTS:
        abort(404)
    response = _public(record_issuer.status_list_jwt(number), "application/jwt")
    response.headers["Cache-Control"] = "no-store"  # a change is visible at once
    return response


@bp.get("/badges/<kind>.svg")
@limiter.limit(_verify_limit)
def badge_image(kind: str) -> Response:
    """The picture of an achievement (its address is in every credential of that kind)."""
    if kind not in BADGES:
        abort(404)
    svg = render_template("verify/badge.svg", label=BADGES[kind], issuer=record_issuer.issuer())
    response = _public(svg, "image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    # An SVG opened on its own runs no script and loads nothing: it is a picture.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


BADGES = {"completion": "Completion", "attendance": "CE attendance"}
