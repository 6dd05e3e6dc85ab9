"""Admin pages: people and their roles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from seminar.db import db
from seminar.errors import SeminarError
from seminar.forms import RoleForm
from seminar.models import Role, User
from seminar.security import admin_required
from seminar.services import accounts

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


@bp.get("/users")
@admin_required
def users() -> str:
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    query = select(User).order_by(User.name)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(func.lower(User.name).like(like), User.email.like(like)))
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template(
        "admin/users.html", page=page, q=q, role=role, roles=list(Role), role_form=RoleForm
    )


@bp.post("/users/<int:user_id>/role")
@admin_required
def change_role(user_id: int) -> Response:
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose one of the listed roles.", "error")
    else:
        try:
            accounts.set_role(user, form.role.data or "", by=current_user)
        except SeminarError as exc:
            flash(str(exc), "error")
        else:
            flash(f"{user.name} is now {user.role.label.lower()}.", "success")
    keep = {k: v for k, v in request.args.items() if k in ("q", "role", "page")}
    return redirect(url_for("admin.users", **keep))
