"""Lesson pages: catalogue, reading, completion, browser editing, version history and the
content status page."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from seminar.core.content.lessons import asset_checker
from seminar.core.content.markdown import IMAGE_SUFFIXES
from seminar.core.memo import memo_in
from seminar.core.text import small_int
from seminar.models import Lesson, LessonVersion, User
from seminar.queries import catalogue as queries
from seminar.queries.content_status import content_status as status_of_content
from seminar.queries.standing import own_standings
from seminar.services import lessons as lesson_service
from seminar.services.evidence import record_heartbeat
from seminar.web.access import is_staff, may_read_lesson, staff_required
from seminar.web.forms import EmptyForm, LessonEditForm, errors_on

bp = Blueprint("lessons", __name__)

# What a student may keep to read offline: the lesson list, lesson pages and their pictures.
OFFLINE_PAGES = ("lessons.catalogue", "lessons.show", "lessons.asset")


def lessons_root() -> Path:
    return Path(current_app.config["LESSONS_DIR"])


def _lesson_or_404(slug: str) -> Lesson:
    return queries.lesson(slug) or abort(404)


@bp.get("/")
def home() -> Response:
    return redirect(url_for("lessons.catalogue" if current_user.is_authenticated else "auth.login"))


@bp.get("/lessons/")
@login_required
def catalogue() -> str:
    visible = queries.visible_lessons(current_user)
    modules, progress = queries.catalogue(current_user.id, visible)
    return render_template(
        "lessons/catalogue.html",
        modules=modules,
        progress=progress,
        no_cohort=visible == set(),
        standings=own_standings(current_user.id),
    )


@bp.get("/lessons/<slug>")
@login_required
def show(slug: str) -> str:
    visible = queries.visible_lessons(current_user)
    page = queries.lesson_page(slug, current_user.id, visible) or abort(404)
    return render_template("lessons/lesson.html", page=page)


@bp.post("/lessons/<slug>/complete")
@login_required
def complete(slug: str) -> Response:
    if not may_read_lesson(current_user, slug):
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            lesson_service.set_complete(current_user.id, slug, done=True)
        except lesson_service.LessonNotFound:
            abort(404)
    return redirect(url_for("lessons.show", slug=slug, _anchor="lesson-complete"))


@bp.post("/lessons/<slug>/incomplete")
@login_required
def incomplete(slug: str) -> Response:
    if not may_read_lesson(current_user, slug):
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            lesson_service.set_complete(current_user.id, slug, done=False)
        except lesson_service.LessonNotFound:
            abort(404)
    return redirect(url_for("lessons.show", slug=slug, _anchor="lesson-complete"))


@bp.route("/lessons/<slug>/edit", methods=["GET", "POST"])
@staff_required
def edit(slug: str) -> str | Response:
    lesson = _lesson_or_404(slug)
    assert lesson.current is not None
    form = LessonEditForm()
    if not form.is_submitted():
        form.source.data = lesson.current.source
        form.base_version_id.data = str(lesson.current_version_id)
    preview = None
    if form.validate_on_submit():
        base = small_int(form.base_version_id.data or "")
        with errors_on(form):
            if form.save.data:
                version = lesson_service.save_web_edit(
                    lesson,
                    form.source.data or "",
                    author_id=current_user.id,
                    base_version_id=base,
                    note=form.note.data or "",
                    lessons_root=lessons_root(),
                )
                flash(f"Saved as version {version.number}.", "success")
                return redirect(url_for("lessons.show", slug=slug))
            preview = lesson_service.parse_edit(lesson, form.source.data or "", lessons_root())
    return render_template("lessons/edit.html", lesson=lesson, form=form, preview=preview)


@bp.get("/content/status")
@staff_required
def content_status() -> str:
    """Each lesson and quiz file: the version serving and what is wrong with the file now."""
    files = status_of_content(lessons_root(), Path(current_app.config["QUIZZES_DIR"]))
    return render_template("lessons/status.html", files=files)


@bp.get("/lessons/<slug>/history")
@staff_required
def history(slug: str) -> str:
    lesson = _lesson_or_404(slug)
    return render_template(
        "lessons/history.html", lesson=lesson, versions=queries.versions_of(lesson)
    )


def _version_or_404(lesson: Lesson, number: int) -> LessonVersion:
    return queries.version_of(lesson, number) or abort(404)


@bp.get("/lessons/<slug>/versions/<int:number>")
@staff_required
def version(slug: str, number: int) -> str:
    lesson = _lesson_or_404(slug)
    return render_template(
        "lessons/version.html", lesson=lesson, version=_version_or_404(lesson, number)
    )


@bp.post("/lessons/<slug>/versions/<int:number>/restore")
@staff_required
def restore(slug: str, number: int) -> Response:
    lesson = _lesson_or_404(slug)
    old = _version_or_404(lesson, number)
    if EmptyForm().validate_on_submit():
        with errors_on() as outcome:
            new = lesson_service.restore_version(
                lesson, old, author_id=current_user.id, lessons_root=lessons_root()
            )
        if not outcome.failed:
            flash(f"Version {number} is serving again, as version {new.number}.", "success")
    return redirect(url_for("lessons.history", slug=slug))


@bp.post("/lessons/<slug>/heartbeat")
@login_required
def heartbeat(slug: str) -> tuple[object, int]:
    """Active reading time, for CE evidence: the page's script beats while the tab is in use."""
    if not may_read_lesson(current_user, slug):
        abort(404)
    lesson = _lesson_or_404(slug)
    if lesson.retired:
        abort(404)
    credited = record_heartbeat(current_user.id, lesson.id)
    return {"credited": credited}, 200


@bp.get("/lessons/assets/<path:filename>")
@login_required
def asset(filename: str) -> Response:
    # send_from_directory refuses '..' and absolute paths but follows symlinks: a link in
    # lessons/ (a git checkout can carry one) must not serve a file from outside it.
    if not filename.lower().endswith(IMAGE_SUFFIXES) or not asset_checker(lessons_root())(filename):
        abort(404)
    response = send_from_directory(lessons_root(), filename, max_age=3600)
    # An SVG opened on its own must not run script in our origin.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    return response


@bp.get("/lessons/sw.js")
def service_worker() -> Response:
    """The service worker that keeps a student's lessons readable offline (static/js/sw.js),
    served from /lessons/ so that its scope is the lessons and nothing else."""
    response = send_from_directory(Path(current_app.root_path) / "static" / "js", "sw.js")
    response.headers["Cache-Control"] = "no-cache"  # a new version is picked up at once
    return response


def offline_key(user: User) -> str:
    """Names one person's offline copy of the lessons in their browser. Derived from the
    secret key, not the bare id: nothing to guess; a new login session, a new copy. Every
    lesson page sends it: each worker derives a login session's key once."""
    message = f"offline-lessons:{user.id}:{user.login}"

    def derive() -> str:
        secret = str(current_app.config["SECRET_KEY"]).encode()
        return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()[:24]

    return memo_in(current_app.extensions, "offline_keys", size=4096).get(message, derive)


@bp.after_request
def mark_for_offline(response: Response) -> Response:
    """Pages a student may keep offline say whose they are; the service worker keeps only
    what carries this, under that person's key: never a staff page, never a write."""
    if (
        request.method == "GET"
        and request.endpoint in OFFLINE_PAGES
        and response.status_code == 200
        and current_user.is_authenticated
        and not is_staff(current_user)
    ):
        response.headers["X-Offline-Key"] = offline_key(current_user)
        response.vary.add("Cookie")
    return response
