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
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as WerkzeugResponse

from seminar.core.questions import FormData
from seminar.db import now_utc
from seminar.models import Attempt, AttemptQuestion, AttemptState, Quiz
from seminar.queries import quiz_results
from seminar.services import attempts as attempt_service
from seminar.web.access import attempt_for_viewer, is_staff, staff_required
from seminar.web.csv_export import csv_response
from seminar.web.forms import EmptyForm, json_body

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")
PER_PAGE = 5
TIME_UP = "Time is up: your attempt was submitted with the answers you had saved."


def _quiz_or_404(slug: str) -> Quiz:
    return quiz_results.available_quiz(slug) or abort(404)


@bp.get("/")
@login_required
def index() -> str:
    return render_template("quizzes/index.html", standings=quiz_results.standings(current_user.id))


@bp.get("/<slug>")
@login_required
def show(slug: str) -> str:
    quiz = _quiz_or_404(slug)
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
        flash(exc.message, "error")
        return redirect(url_for("quizzes.show", slug=slug))
    return redirect(url_for("quizzes.attempt", slug=slug, attempt_id=attempt.id))


def _seconds_left(attempt: Attempt) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - now_utc()).total_seconds()))


@bp.get("/<slug>/attempts/<int:attempt_id>")
@login_required
def attempt(slug: str, attempt_id: int) -> str | WerkzeugResponse:
    attempt = attempt_for_viewer(slug, attempt_id)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect(url_for("quizzes.review", slug=slug, attempt_id=attempt.id))
    if attempt.time_is_up(now_utc()):  # only the summary's Submit is left
        return redirect(url_for("quizzes.summary", slug=slug, attempt_id=attempt.id))
    pages = max(1, -(-len(attempt.questions) // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    shown = attempt.questions[(page - 1) * PER_PAGE : page * PER_PAGE]
    return render_template(
        "quizzes/attempt.html",
        attempt=attempt,
        items=[(aq, aq.question.model) for aq in shown],
        page=page,
        pages=pages,
        seconds_left=_seconds_left(attempt),
        form=EmptyForm(),
    )


def _answer_from(form: FormData, aq: AttemptQuestion) -> Any:
    """One question's answer from the fields named after it, read by its type."""
    return aq.question.kind.read_form(form, f"q{aq.position}", aq.order)


def responses_from_form(form: FormData, attempt: Attempt) -> dict[int, Any]:
    """Turn the attempt page's fields back into responses, for the questions on the page."""
    return {
        aq.position: _answer_from(form, aq)
        for aq in attempt.questions
        if f"q{aq.position}-shown" in form  # not on this page: leave its saved answer alone
    }


@bp.post("/<slug>/attempts/<int:attempt_id>")
@login_required
def save_page(slug: str, attempt_id: int) -> WerkzeugResponse:
    attempt = attempt_for_viewer(slug, attempt_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    review_url = url_for("quizzes.review", slug=slug, attempt_id=attempt.id)
    try:
        saved = attempt_service.save_answers(attempt, responses_from_form(request.form, attempt))
    except attempt_service.AttemptClosed as exc:
        flash(exc.message, "warning")
        return redirect(review_url)
    if saved.time_up:
        flash(TIME_UP, "warning")
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


def _fields(value: Any) -> MultiDict[str, str] | None:
    """Autosave's form fields, {name: [values]}, as the form they came from; None if not."""
    if not isinstance(value, dict):
        return None
    fields: MultiDict[str, str] = MultiDict()
    for name, values in value.items():
        values = values if isinstance(values, list) else [values]
        if not all(isinstance(v, str) for v in values):
            return None
        fields.setlist(name, values)
    return fields


@bp.post("/<slug>/attempts/<int:attempt_id>/answer")
@login_required
def autosave(slug: str, attempt_id: int) -> tuple[Response, int]:
    """Saves one answer as the student changes it (JavaScript): the question's form fields
    ('fields', read as the page's form is), or its response in display positions."""
    attempt = attempt_for_viewer(slug, attempt_id)
    payload = json_body()
    if not isinstance(payload, dict):
        return jsonify(error="Send a JSON object with 'position' and 'fields'."), 400
    position = payload.get("position")
    if not isinstance(position, int):
        return jsonify(error="Which question? 'position' is missing."), 400
    raw = payload.get("response")
    if "fields" in payload:
        fields = _fields(payload["fields"])
        aq = next((aq for aq in attempt.questions if aq.position == position), None)
        if fields is None or aq is None:
            return jsonify(error="Send 'fields' as {name: [values]} of a question shown."), 400
        raw = _answer_from(fields, aq)
    review = url_for("quizzes.review", slug=slug, attempt_id=attempt.id)
    try:
        saved = attempt_service.save_answers(attempt, {position: raw})
    except attempt_service.AttemptClosed as exc:
        return jsonify(error=exc.message, review=review), 409
    if saved.time_up:  # the submission stands (this response commits it)
        return jsonify(error=TIME_UP, review=review, submitted=True), 200
    return jsonify(saved_at=saved.at.isoformat(), seconds_left=_seconds_left(attempt)), 200


@bp.get("/<slug>/attempts/<int:attempt_id>/summary")
@login_required
def summary(slug: str, attempt_id: int) -> str | WerkzeugResponse:
    attempt = attempt_for_viewer(slug, attempt_id)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect(url_for("quizzes.review", slug=slug, attempt_id=attempt.id))
    return render_template(
        "quizzes/summary.html",
        attempt=attempt,
        per_page=PER_PAGE,
        seconds_left=_seconds_left(attempt),
        time_up=attempt.time_is_up(now_utc()),
        form=EmptyForm(),
    )


@bp.post("/<slug>/attempts/<int:attempt_id>/submit")
@login_required
def submit(slug: str, attempt_id: int) -> WerkzeugResponse:
    attempt = attempt_for_viewer(slug, attempt_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    time_up = attempt.time_is_up(now_utc())
    if attempt_service.submit_attempt(attempt, auto=time_up):
        flash(TIME_UP if time_up else "Your attempt is submitted.", "success")
    return redirect(url_for("quizzes.review", slug=slug, attempt_id=attempt.id))


@bp.get("/<slug>/attempts/<int:attempt_id>/review")
@login_required
def review(slug: str, attempt_id: int) -> str | WerkzeugResponse:
    attempt = attempt_for_viewer(slug, attempt_id, staff_may_view=True)
    if attempt.state == AttemptState.IN_PROGRESS:
        if attempt.user_id != current_user.id:
            abort(404)  # staff review submitted attempts only
        return redirect(url_for("quizzes.attempt", slug=slug, attempt_id=attempt.id))
    standing = quiz_results.standing(attempt.user_id, attempt.quiz)
    staff = is_staff(current_user)
    show = {
        part: staff or standing.may_see(part, attempt) for part in ("score", "answers", "feedback")
    }
    items = []
    for aq in attempt.questions:
        q = aq.question.model
        items.append((aq, q, aq.question.kind.correct(q) if show["answers"] else None))
    return render_template(
        "quizzes/review.html", attempt=attempt, standing=standing, show=show, items=items
    )


@bp.get("/<slug>/statistics")
@staff_required
def statistics(slug: str) -> str:
    quiz = _quiz_or_404(slug)
    return render_template(
        "quizzes/statistics.html", quiz=quiz, reports=quiz_results.question_statistics(quiz)
    )


@bp.get("/<slug>/statistics.csv")
@staff_required
def statistics_csv(slug: str) -> Response:
    quiz = _quiz_or_404(slug)
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
