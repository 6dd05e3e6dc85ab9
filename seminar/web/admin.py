"""Admin pages: people (invited, their roles, erased), the audit log, the email outbox."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from seminar.db import db
from seminar.models import OutboxMessage, Role, User
from seminar.queries import audit, cohorts, people
from seminar.queries import invitations as invitation_queries
from seminar.queries.cohorts import get_cohort
from seminar.services import accounts, erasure, invitations, notifications
from seminar.web.access import admin_required
from seminar.web.forms import AuditFilterForm, EmptyForm, RoleForm, errors_on
from seminar.web.paging import paginate
from seminar.web.people_forms import AddPersonForm, EraseForm

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


def _add_form() -> AddPersonForm:
    form = AddPersonForm()
    form.cohort.choices = [
        SelectChoice("", "No cohort"),
        *(SelectChoice(c.slug, c.title) for c in cohorts.all_cohorts()),
    ]
    return form


def _users_page(
    refused: dict[int, RoleForm] | None = None, add_form: AddPersonForm | None = None
) -> str:
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    page = paginate(people.people(q, role), per_page=PER_PAGE)
    return render_template(
        "admin/users.html",
        page=page,
        q=q,
        role=role,
        roles=list(Role),
        role_form=RoleForm,
        refused=refused or {},
        add_form=add_form or _add_form(),
        pending=invitation_queries.pending(),
        pending_total=invitation_queries.count_pending(),
    )


@bp.get("/users")
@admin_required
def users() -> str:
    return _users_page()


@bp.post("/users/invite")
@admin_required
def invite() -> str | Response | tuple[str, int]:
    form = _add_form()
    if form.validate_on_submit():
        cohort = get_cohort(form.cohort.data) if form.cohort.data else None
        with errors_on(form) as outcome:
            added = invitations.add_person(
                form.email.data or "",
                name=form.name.data or "",
                role=form.role.data or Role.STUDENT,
                cohort=cohort,
                by=current_user,
            )
        if not outcome.failed:
            flash(_added_message(added), "success")
            return redirect(url_for("admin.users"))
    return _users_page(add_form=form), 400


def _added_message(added: invitations.Added) -> str:
    if added.invitation is None:
        return f"{added.user.name} already has an account and is now in the cohort."  # type: ignore[union-attr]
    return (
        f"Invitation to {added.invitation.email} {notifications.delivery_words()}. "
        "They choose their own password from the link."
    )


@bp.route("/users/<int:user_id>/erase", methods=["GET", "POST"])
@admin_required
def erase(user_id: int) -> str | Response | tuple[str, int]:
    user = db.session.get(User, user_id) or abort(404)
    form = EraseForm()
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            erasure.erase(user, by=current_user, confirm=form.confirm.data or "")
        if not outcome.failed:
            flash(f"The person is erased; what CE rules keep now reads {user.name}.", "success")
            return redirect(url_for("admin.users"))
    page = render_template("admin/erase.html", person=user, form=form)
    return (page, 400) if form.is_submitted() else page


@bp.post("/users/<int:user_id>/role")
@admin_required
def change_role(user_id: int) -> str | Response | tuple[str, int]:
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            accounts.set_role(user, form.role.data or "", by=current_user)
        if not outcome.failed:
            flash(f"{user.name} is now {user.role.label.lower()}.", "success")
            keep = {k: v for k, v in request.args.items() if k in ("q", "role", "page")}
            return redirect(url_for("admin.users", **keep))
    return _users_page({user.id: form}), 400


@bp.get("/audit")
@admin_required
def audit_log() -> str:
    form = AuditFilterForm(request.args)
    form.action.choices = [
        SelectChoice("", "Any action"),
        *(SelectChoice(k, v) for k, v in audit.ACTIONS.items()),
    ]
    filters = audit.Filters()
    if form.validate():
        filters = audit.Filters(
            action=form.action.data or "",
            actor=(form.actor.data or "").strip(),
            person=(form.person.data or "").strip(),
            since=form.since.data,
            until=form.until.data,
        )
    page = paginate(audit.query(filters), per_page=PER_PAGE)
    keep = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "admin/audit.html",
        page=page,
        form=form,
        keep=keep,
        actions=audit.ACTIONS,
        changes=audit.changes,
        sentence=audit.sentence,
    )


@bp.get("/outbox")
@admin_required
def outbox() -> str:
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    page = paginate(query, per_page=PER_PAGE)
    return render_template(
        "admin/outbox.html",
        page=page,
        smtp=notifications.smtp_configured(),
        form=EmptyForm(),
        max_tries=notifications.MAX_TRIES,
    )


@bp.post("/outbox/send")
@admin_required
def send_outbox() -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not notifications.smtp_configured():
        flash("No mail server is configured (SEMINAR_MAIL_SERVER); messages stay here.", "error")
    else:
        notifications.dispatch()  # in the background: a slow mail server never holds the page
        flash("Sending the unsent messages now; reload this page to see how it went.", "success")
    return redirect(url_for("admin.outbox"))
