"""Access rules and HTTP security headers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort
from flask_login import current_user, login_required
from sqlalchemy import Select, select

from seminar.db import db
from seminar.models import CohortMember, MemberRole, Role, User

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def roles_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Log in first, then allow only the given roles (403 for the others)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required(Role.INSTRUCTOR, Role.ADMIN)
admin_required = roles_required(Role.ADMIN)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths are followed after login: no scheme, no host, no '//' tricks."""
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(c in target for c in "\\\r\n\t")
    ):
        return default
    return target


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


def taught_students(viewer: Any) -> Select[Any]:
    """The ids of students in cohorts the viewer teaches (for admins: everyone)."""
    if viewer.role == Role.ADMIN:
        return select(User.id)
    teaching = select(CohortMember.cohort_id).where(
        CohortMember.user_id == viewer.id, CohortMember.role == MemberRole.INSTRUCTOR
    )
    return select(CohortMember.user_id).where(
        CohortMember.cohort_id.in_(teaching), CohortMember.role == MemberRole.STUDENT
    )


def teaches_student(viewer: Any, student_id: int) -> bool:
    """An admin, or an instructor of a cohort the student is in."""
    if viewer.role == Role.ADMIN:
        return True
    if viewer.role != Role.INSTRUCTOR:
        return False
    query = taught_students(viewer).where(CohortMember.user_id == student_id).limit(1)
    return db.session.execute(query).first() is not None
