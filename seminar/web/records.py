"""Record pages: a holder's records, an admin's register, issuing to a cohort, revoking,
reissuing, the PDF and a cohort's ZIP of PDFs. Public verification lives in verify.py."""

from __future__ import annotations

import io
import re
import zipfile

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from seminar.core import pdf as certificate_pdf
from seminar.core import record_wording
from seminar.core.text import small_int
from seminar.models import Cohort, Record, RecordKind
from seminar.queries import eligibility, issuer
from seminar.queries import records as record_queries
from seminar.queries.cohorts import get_cohort
from seminar.queries.records import RecordStatus, status_of
from seminar.services import issuing, notifications, revocation
from seminar.services.issuing import OverrideNeeded
from seminar.web.access import admin_required, cohort_for_staff, is_admin, record_for_viewer
from seminar.web.forms import EmptyForm, ReissueForm, RevokeForm, errors_on
from seminar.web.paging import paginate

bp = Blueprint("records", __name__)

PAGE_SIZE = 50
REASON_NEEDED = (
    "Give a reason: this student has not met the requirements, or had this record revoked."
)


@bp.get("/records/")
@login_required
def index() -> str:
    if not is_admin(current_user):
        return render_template(
            "records/mine.html",
            records=record_queries.records_of(current_user.id),
            status_of=status_of,
        )
    q = (request.args.get("q") or "").strip()
    cohort_slug = request.args.get("cohort") or ""
    query = record_queries.register(q, cohort_slug)
    return render_template(
        "records/index.html",
        page=paginate(query, per_page=PAGE_SIZE),
        status_of=status_of,
        q=q,
        cohort=get_cohort(cohort_slug) if cohort_slug else None,
        cohorts=record_queries.register_cohorts(),
    )


@bp.get("/records/<rid>")
@login_required
def show(rid: str) -> str | Response:
    record = record_for_viewer(rid)
    if rid != record.display_id:
        return redirect(url_for(".show", rid=record.display_id))
    return _show_page(record)


@bp.get("/records/<rid>.pdf")
@login_required
def pdf(rid: str) -> Response:
    record = record_for_viewer(rid)
    return send_file(
        io.BytesIO(certificate_pdf.render(certificate_for(record))),
        mimetype="application/pdf",
        download_name=pdf_name(record),
    )


@bp.post("/records/<rid>/revoke")
@admin_required
def revoke(rid: str) -> Response | tuple[str, int]:
    record = record_for_viewer(rid)
    form = RevokeForm(prefix="revoke")
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            revocation.revoke(record, reason=form.reason.data or "")
        if not outcome.failed:
            flash(
                f"Record {record.display_id} is revoked; its verification page says so. E-mail "
                f"to the holder is {notifications.delivery_words()}.",
                "success",
            )
            return redirect(url_for(".show", rid=record.display_id))
    return _show_page(record, revoke_form=form), 400


@bp.post("/records/<rid>/reissue")
@admin_required
def reissue(rid: str) -> Response | tuple[str, int]:
    record = record_for_viewer(rid)
    form = ReissueForm(prefix="reissue")
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            new = revocation.reissue(record, reason=form.reason.data or "")
        if not outcome.failed:
            flash(
                f"Reissued as {new.display_id}; {record.display_id} now shows as superseded. "
                f"E-mail to the holder is {notifications.delivery_words()}.",
                "success",
            )
            return redirect(url_for(".show", rid=new.display_id))
    return _show_page(record, reissue_form=form), 400


def _show_page(
    record: Record,
    *,
    revoke_form: RevokeForm | None = None,
    reissue_form: ReissueForm | None = None,
) -> str:
    return render_template(
        "records/show.html",
        record=record,
        account=record_wording.public_account(record, issuer_name=issuer.issuer().name),
        status=status_of(record),
        verify_url=issuer.verify_url(record.public_id),
        revoke_form=revoke_form or RevokeForm(prefix="revoke", formdata=None),
        reissue_form=reissue_form or ReissueForm(prefix="reissue", formdata=None),
    )


# --- issuing to a cohort ------------------------------------------------------------------


@bp.route("/cohorts/<slug>/records", methods=["GET", "POST"])
@admin_required
def issue(slug: str) -> str | Response | tuple[str, int]:
    cohort = cohort_for_staff(slug)  # admins only, by the decorator
    scopes = eligibility.scopes(cohort)
    wanted = request.values.get("scope", "completion")
    scope = next((s for s in scopes if s.value == wanted), None) or abort(404)
    form = EmptyForm()
    if request.method == "GET":
        return _issue_page(cohort, scopes, scope, form)
    chosen, reasons = _ticked()
    errors: dict[int, str] = {}
    if form.validate_on_submit():
        if not chosen:
            form.form_errors.append("Tick at least one student.")
        else:
            with errors_on(form) as outcome:  # a refusal is summed up at the top of the page
                issued = issuing.issue(
                    cohort,
                    scope.kind,
                    sorted(chosen),
                    actor=current_user,
                    session=scope.session,
                    overrides=reasons,
                )
            if not outcome.failed:
                flash(_issued_message(issued), "success")
                return redirect(url_for(".index", cohort=cohort.slug))
            if isinstance(outcome.error, OverrideNeeded):  # and beside each reason it needs
                errors = dict.fromkeys(outcome.error.user_ids, REASON_NEEDED)
    page = _issue_page(cohort, scopes, scope, form, chosen=chosen, reasons=reasons, errors=errors)
    return page, 400


def _ticked() -> tuple[set[int], dict[int, str]]:
    """The students ticked on the issue page, and the override reasons typed for them."""
    chosen = {i for i in map(small_int, request.form.getlist("student")) if i is not None}
    reasons = {
        int(k.removeprefix("reason-")): v.strip()
        for k, v in request.form.items()
        if re.fullmatch(r"reason-\d+", k) and v.strip()
    }
    return chosen, reasons


def _issued_message(issued: list[issuing.Issued]) -> str:
    new = sum(i.created for i in issued)
    held = f"; {len(issued) - new} already held theirs" if len(issued) > new else ""
    told = f" E-mail to the holders is {notifications.delivery_words(new)}." if new else ""
    return f"Issued {new} record{'s' if new != 1 else ''}{held}.{told}"


def _issue_page(
    cohort: Cohort,
    scopes: list[eligibility.Scope],
    scope: eligibility.Scope,
    form: EmptyForm,
    *,
    chosen: set[int] | None = None,
    reasons: dict[int, str] | None = None,
    errors: dict[int, str] | None = None,
) -> str:
    """The issue page; on first sight every student ready for the record is ticked."""
    candidates = eligibility.candidates(cohort, scope.kind, session=scope.session)
    return render_template(
        "records/issue.html",
        cohort=cohort,
        scopes=scopes,
        scope=scope,
        candidates=candidates,
        chosen={c.user_id for c in candidates if c.ready} if chosen is None else chosen,
        reasons=reasons or {},
        errors=errors or {},
        form=form,
    )


@bp.get("/cohorts/<slug>/records.zip")
@admin_required
def cohort_zip(slug: str) -> Response:
    cohort = cohort_for_staff(slug)
    records = record_queries.current_records(cohort)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            archive.writestr(pdf_name(record), certificate_pdf.render(certificate_for(record)))
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", download_name=f"{cohort.slug}-records.zip")


# --- the printable certificate ------------------------------------------------------------


def pdf_name(record: Record) -> str:
    name = re.sub(r"[^A-Za-z0-9]+", "-", record.holder_name).strip("-").lower() or "holder"
    return f"{name}-{record.display_id}.pdf"


def certificate_for(record: Record) -> certificate_pdf.Certificate:
    issued_by = issuer.issuer()
    words = record_wording.certificate_words(record, issuer_name=issued_by.name)
    status = status_of(record)
    void = ""
    if status == RecordStatus.REVOKED:
        void = f"REVOKED {record.revoked_at:%Y-%m-%d}"
    elif status == RecordStatus.SUPERSEDED:
        void = "SUPERSEDED"
    return certificate_pdf.Certificate(
        heading=words.heading,
        holder_name=record.holder_name,
        holder_licence=record.holder_licence,
        title=record.title,
        statement=words.statement,
        completed_on=record.completed_on,
        # CE hours are a CE certificate's; a completion record issued before this rule
        # carried them, and its PDF no longer prints them.
        hours=record.hours if record.kind == RecordKind.ATTENDANCE else 0.0,
        issuer=issued_by.name,
        instructors=list(record.evidence.get("instructors", [])),
        display_id=record.display_id,
        verify_url=issuer.verify_url(record.public_id),
        expires_on=record.expires_on,
        void_notice=void,
        notice=words.notice,
        lines=words.lines,
        date_label="Dated" if words.notice else "Completed",
    )
