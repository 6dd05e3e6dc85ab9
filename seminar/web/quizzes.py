"""Quiz pages: the list, a quiz's overview, taking an attempt, review; staff statistics."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as WerkzeugResponse

from seminar.core.grading import correct_response
from seminar.db import db, now_utc
from seminar.models import Attempt, AttemptQuestion, AttemptState, Quiz
from seminar.queries import quiz_results
from seminar.services import attempts as attempt_service
from seminar.services.attempts import question_of
from seminar.web.access import staff_required, teaches_student
from seminar.web.csv_export import csv_response
from seminar.web.forms import EmptyForm

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")
PER_PAGE = 5


def _quiz_or_404(slug: str) -> Quiz:
    quiz = db.session.execute(
        select(Quiz)
        .options(joinedload(Quiz.current))
        .where(Quiz.slug == slug, Quiz.retired.is_(False), Quiz.current_version_id.is_not(None))
    ).scalar_one_or_none()
    return quiz or abort(404)


def _attempt_or_404(slug: str, attempt_id: int, *, staff_may_view: bool = False) -> Attempt:
    """Another student's attempt is a 404: its existence is nobody else's business."""
    attempt = db.session.execute(
        select(Attempt)
        .options(
            joinedload(Attempt.version),
            joinedload(Attempt.quiz),
            selectinload(Attempt.questions).joinedload(AttemptQuestion.question),
        )
        .where(Attempt.id == attempt_id)
    ).scalar_one_or_none()
    if attempt is None or attempt.quiz.slug != slug:
        abort(404)
    if attempt.user_id != current_user.id and not (
        staff_may_view and teaches_student(current_user, attempt.user_id)
    ):
        abort(404)
    return attempt


@bp.get("/")
@login_required
def index() -> str:
    return render_template("quizzes/index.html", standings=quiz_results.standings(current_user.id))


@bp.get("/<slug>")
@login_required
def show(slug: str) -> str:
    quiz = _quiz_or_404(slug)
    attempt_service.submit_expired(user_id=current_user.id, quiz_id=quiz.id)
    standing = quiz_results.standing(current_user.id, quiz)
    question_count = len(quiz.current.question_ids) if quiz.current else 0
    return render_template("quizzes/show.html", standing=standing, question_count=question_count)


@bp.post("/<slug>/start")
@login_required
def start(slug: str) -> WerkzeugResponse:
    quiz = _quiz_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attempt = attempt_service.start_attempt(current_user.id, quiz)
    except attempt_service.AttemptError as exc:
        flash(str(exc), "error")
        return redirect(url_for("quizzes.show", slug=slug))
    return redirect(url_for("quizzes.attempt", slug=slug, attempt_id=attempt.id))


def _seconds_left(attempt: Attempt) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - now_utc()).total_seconds()))


def _close_if_expired(attempt: Attempt) -> bool:
    if attempt.state == AttemptState.IN_PROGRESS and attempt_service.is_expired(attempt, now_utc()):
        attempt_service.submit_attempt(attempt, auto=True)
        flash("Time is up: your attempt was submitted with the answers you had saved.", "warning")
        return True
    return attempt.state != AttemptState.IN_PROGRESS


@bp.get("/<slug>/attempts/<int:attempt_id>")
@login_required
def attempt(slug: str, attempt_id: int) -> str | WerkzeugResponse:
    attempt = _attempt_or_404(slug, attempt_id)
    if _close_if_expired(attempt):
        return redirect(url_for("quizzes.review", slug=slug, attempt_id=attempt.id))
    pages = max(1, -(-len(attempt.questions) // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    shown = attempt.questions[(page - 1) * PER_PAGE : page * PER_PAGE]
    return render_template(
        "quizzes/attempt.html",
        attempt=attempt,
        items=[(aq, question_of(aq.question)) for aq in shown],
        page=page,
        pages=pages,
        seconds_left=_seconds_left(attempt),
        form=EmptyForm(),
    )


def responses_from_form(form: MultiDict[str, str], attempt: Attempt) -> dict[int, Any]:
    """Turn the attempt page's fields back into responses, for the questions on the page."""
    out: dict[int, Any] = {}
    for aq in attempt.questions:
        name = f"q{aq.position}"
        if f"{name}-shown" not in form:
            continue  # not on this page: leave its saved answer alone
        kind = aq.question.type
        if kind == "single":
            out[aq.position] = {"choice": form.get(name, "")}
        elif kind == "multiple":
            out[aq.position] = {"choices": form.getlist(name)}
        elif kind == "true_false":
            out[aq.position] = {"value": form.get(name, "")}
        elif kind in ("short", "essay"):
            out[aq.position] = {"text": form.get(name, "")}
        elif kind == "numeric":
            out[aq.position] = {"value": form.get(name, "")}
        elif kind == "matching":
            count = len(aq.order)
            out[aq.position] = {"matches": [form.get(f"{name}-{i}", "") for i in range(count)]}
    return out


@bp.post("/<slug>/attempts/<int:attempt_id>")
@login_required
def save_page(slug: str, attempt_id: int) -> WerkzeugResponse:
    attempt = _attempt_or_404(slug, attempt_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    review_url = url_for("quizzes.review", slug=slug, attempt_id=attempt.id)
    try:
        attempt_service.save_answers(attempt, responses_from_form(request.form, attempt))
    except attempt_service.AttemptClosed as exc:
        flash(str(exc), "warning")
        return redirect(review_url)
    action = request.form.get("action", "save")
    page = request.form.get("page", 1, type=int)
    if action == "submit":
        attempt_service.submit_attempt(attempt)
        flash("Your attempt is submitted.", "success")
        return redirect(review_url)
    if action == "finish":
        return redirect(url_for("quizzes.summary", slug=slug, attempt_id=attempt.id))
    target = page + 1 if action == "next" else page - 1 if action == "previous" else page
    return redirect(url_for("quizzes.attempt", slug=slug, attempt_id=attempt.id, page=target))


@bp.post("/<slug>/attempts/<int:attempt_id>/answer")
@login_required
def autosave(slug: str, attempt_id: int) -> tuple[Response, int]:
    """Saves one answer as the student changes it (JavaScript)."""
    attempt = _attempt_or_404(slug, attempt_id)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error="Send a JSON object with 'position' and 'response'."), 400
    position = payload.get("position")
    if not isinstance(position, int):
        return jsonify(error="Which question? 'position' is missing."), 400
    try:
        saved_at = attempt_service.save_answers(attempt, {position: payload.get("response")})
    except attempt_service.AttemptClosed as exc:
        return jsonify(
            error=str(exc), review=url_for("quizzes.review", slug=slug, attempt_id=attempt.id)
        ), 409
    return jsonify(saved_at=saved_at.isoformat(), seconds_left=_seconds_left(attempt)), 200


@bp.get("/<slug>/attempts/<int:attempt_id>/summary")
@login_required
def summary(slug: str, attempt_id: int) -> str | WerkzeugResponse:
    attempt = _attempt_or_404(slug, attempt_id)
    if _close_if_expired(attempt):
        return redirect(url_for("quizzes.review", slug=slug, attempt_id=attempt.id))
    return render_template(
        "quizzes/summary.html",
        attempt=attempt,
        per_page=PER_PAGE,
        seconds_left=_seconds_left(attempt),
        form=EmptyForm(),
    )


@bp.post("/<slug>/attempts/<int:attempt_id>/submit")
@login_required
def submit(slug: str, attempt_id: int) -> WerkzeugResponse:
    attempt = _attempt_or_404(slug, attempt_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if attempt_service.submit_attempt(attempt):
        flash("Your attempt is submitted.", "success")
    return redirect(url_for("quizzes.review", slug=slug, attempt_id=attempt.id))


@bp.get("/<slug>/attempts/<int:attempt_id>/review")
@login_required
def review(slug: str, attempt_id: int) -> str | WerkzeugResponse:
    attempt = _attempt_or_404(slug, attempt_id, staff_may_view=True)
    if not _close_if_expired(attempt):
        return redirect(url_for("quizzes.attempt", slug=slug, attempt_id=attempt.id))
    standing = quiz_results.standing(attempt.user_id, attempt.quiz)
    staff = current_user.is_staff
    show = {
        part: staff or standing.may_see(part, attempt) for part in ("score", "answers", "feedback")
    }
    items = []
    for aq in attempt.questions:
        q = question_of(aq.question)
        items.append((aq, q, correct_response(q) if show["answers"] else None))
    return render_template(
        "quizzes/review.html", attempt=attempt, standing=standing, show=show, items=items
    )


@bp.get("/<slug>/statistics")
@staff_required
def statistics(slug: str) -> str:
    quiz = _quiz_or_404(slug)
    attempt_service.submit_expired(quiz_id=quiz.id)
    return render_template(
        "quizzes/statistics.html", quiz=quiz, reports=quiz_results.question_statistics(quiz)
    )


@bp.get("/<slug>/statistics.csv")
@staff_required
def statistics_csv(slug: str) -> Response:
    quiz = _quiz_or_404(slug)
    attempt_service.submit_expired(quiz_id=quiz.id)  # as the page does, so the two agree
    rows = []
    for r in quiz_results.question_statistics(quiz):
        base = [
            r.version.key,
            r.version.number,
            r.version.type,
            "yes" if r.in_current else "no",
            r.n,
            "" if r.facility is None else f"{100 * r.facility:.1f}",
            "" if r.discrimination is None else f"{r.discrimination:.3f}",
            "negative discrimination" if r.flagged else "",
        ]
        for _key, label, count in r.options or [("", "", 0)]:
            rows.append([*base, label, f"{100 * r.share(count):.1f}" if r.n else ""])
    header = ["question", "version", "type", "in current quiz", "attempts", "facility %",
              "discrimination", "flag", "option", "option share %"]  # fmt: skip
    return csv_response(f"{slug}-statistics.csv", header, rows)
