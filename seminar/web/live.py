"""Live quiz pages: the host's projector screen and the students' phones, both polling."""

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
from werkzeug.wrappers import Response as WerkzeugResponse

from seminar.core.errors import SeminarError
from seminar.db import db
from seminar.models import LiveAnswer, LiveQuestion, LiveQuiz, Quiz, User
from seminar.services import live as live_service
from seminar.services.sessions import is_student
from seminar.web.access import staff_required
from seminar.web.cohorts import teaches
from seminar.web.csv_export import csv_response
from seminar.web.forms import EmptyForm
from seminar.web.sessions import session_for_staff

bp = Blueprint("live", __name__)


def _live(live_id: int) -> LiveQuiz:
    live = db.session.execute(
        select(LiveQuiz)
        .options(joinedload(LiveQuiz.session), selectinload(LiveQuiz.questions))
        .where(LiveQuiz.id == live_id)
    ).scalar_one_or_none()
    return live or abort(404)


def _host(live_id: int) -> LiveQuiz:
    live = _live(live_id)
    if not teaches(live.session.cohort, current_user):
        abort(404)
    return live


@bp.post("/sessions/<int:session_id>/live")
@staff_required
def create(session_id: int) -> WerkzeugResponse:
    session = session_for_staff(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    seconds = request.form.get("seconds", 20, type=int)
    leaderboard = request.form.get("leaderboard") == "on"
    try:
        slug = request.form.get("quiz", "")
        if slug:
            quiz = db.session.execute(select(Quiz).where(Quiz.slug == slug)).scalar_one_or_none()
            if quiz is None or quiz.current is None:
                raise live_service.LiveError("Choose one of the quizzes.")
            drafts, skipped = live_service.drafts_from_quiz(quiz)
            title = quiz.current.title
        else:
            drafts, skipped = [_adhoc()], 0
            title = "Quick question"
        live = live_service.create_live_quiz(
            session, title=title, drafts=drafts, seconds=seconds, leaderboard=leaderboard
        )
    except SeminarError as exc:
        flash(str(exc), "error")
        return redirect(url_for("sessions.show", session_id=session.id))
    if skipped:
        flash(f"{skipped} question(s) are not multiple choice and are left out.", "info")
    return redirect(url_for("live.host", live_id=live.id))


def _adhoc() -> live_service.Draft:
    stem = request.form.get("stem", "").strip()
    choices = [c.strip() for c in request.form.get("choices", "").splitlines() if c.strip()]
    correct = request.form.get("correct", 0, type=int) - 1
    if not stem:
        raise live_service.LiveError("Type the question.")
    if not 0 <= correct < len(choices):
        raise live_service.LiveError("Give the number of the right choice (1 for the first).")
    return live_service.Draft(stem, choices, [correct])


@bp.get("/live/<int:live_id>/host")
@staff_required
def host(live_id: int) -> str:
    live = _host(live_id)
    return render_template("live/host.html", live=live, **_view(live, host=True))


@bp.post("/live/<int:live_id>/<action>")
@staff_required
def control(live_id: int, action: str) -> WerkzeugResponse:
    live = _host(live_id)
    moves = {
        "next": live_service.open_next,
        "close": live_service.close_question,
        "finish": live_service.finish,
    }
    if action not in moves:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        moves[action](live)
    except SeminarError as exc:
        flash(str(exc), "warning")
    return redirect(url_for("live.host", live_id=live.id))


def _view(live: LiveQuiz, *, host: bool, user: User | None = None) -> dict[str, Any]:
    """What a screen shows now; the right answer only once the question is closed."""
    question = live_service.current_question(live)
    view: dict[str, Any] = {
        "status": live.status,
        "index": live.current + 1,
        "total": len(live.questions),
        "seconds_left": live_service.seconds_left(live),
        "question": None,
    }
    if question is not None and live.status in ("open", "closed"):
        view["question"] = {"id": question.id, "stem": question.stem, "choices": question.choices}
        view["answers"] = live_service.answer_count(question)
        if live.status == "closed":
            view["question"]["correct"] = question.correct
            view["counts"] = live_service.choice_counts(question)
    if user is not None and question is not None:
        mine = db.session.execute(
            select(LiveAnswer).where(
                LiveAnswer.live_question_id == question.id, LiveAnswer.user_id == user.id
            )
        ).scalar_one_or_none()
        if mine is not None:
            view["mine"] = {"choice": mine.choice}
            if live.status != "open":
                view["mine"].update(correct=mine.correct, points=mine.points)
    if live.status in ("closed", "finished") and (live.leaderboard or host):
        table = live_service.standings(live)
        view["leaderboard"] = [{"name": n, "score": s} for n, s, _ in table[:5]]
        if user is not None:
            place = next(
                ((i + 1, s) for i, (_, s, uid) in enumerate(table) if uid == user.id), None
            )
            view["me"] = {"rank": place[0], "score": place[1]} if place else None
    return view


@bp.get("/live/<int:live_id>/state.json")
@login_required
def state(live_id: int) -> Response:
    live = _live(live_id)
    if teaches(live.session.cohort, current_user):
        return jsonify(_view(live, host=True))
    if live_service.seat_of(live, current_user) is None:
        abort(404)
    return jsonify(_view(live, host=False, user=current_user))


@bp.route("/live/<int:live_id>", methods=["GET"])
@login_required
def play(live_id: int) -> str:
    live = _live(live_id)
    if not (is_student(live.session, current_user) or teaches(live.session.cohort, current_user)):
        abort(404)
    seat = live_service.seat_of(live, current_user)
    return render_template(
        "live/play.html",
        live=live,
        seat=seat,
        **_view(live, host=False, user=current_user),
    )


@bp.post("/live/<int:live_id>/join")
@login_required
def join(live_id: int) -> WerkzeugResponse:
    live = _live(live_id)
    if EmptyForm().validate_on_submit():
        try:
            live_service.join(live, current_user)
        except SeminarError as exc:
            flash(str(exc), "error")
    return redirect(url_for("live.play", live_id=live.id))


@bp.post("/live/<int:live_id>/answer")
@login_required
def answer(live_id: int) -> Response | WerkzeugResponse | tuple[Response, int]:
    live = _live(live_id)
    wants_json = request.is_json
    data = request.get_json(silent=True) if wants_json else request.form
    if not isinstance(data, dict) and not hasattr(data, "get"):
        return jsonify(error="Send the question and the choice."), 400
    try:
        question_id = int(data.get("question", -1))
        choice = int(data.get("choice", -1))
        record = live_service.answer(live, current_user, question_id, choice)
    except (TypeError, ValueError):
        message, status = "Send the question and the choice.", 400
    except SeminarError as exc:
        message, status = str(exc), 409
    else:
        if wants_json:
            return jsonify(received=True, choice=record.choice)
        flash("Answer received.", "success")
        return redirect(url_for("live.play", live_id=live.id))
    if wants_json:
        return jsonify(error=message), status
    flash(message, "warning")
    return redirect(url_for("live.play", live_id=live.id))


@bp.get("/live/<int:live_id>/answers.csv")
@staff_required
def answers_csv(live_id: int) -> Response:
    live = _host(live_id)
    rows = db.session.execute(
        select(
            LiveQuestion.position,
            LiveQuestion.stem,
            LiveQuestion.choices,
            User.name,
            User.email,
            LiveAnswer.choice,
            LiveAnswer.correct,
            LiveAnswer.points,
            LiveAnswer.answered_at,
        )
        .join(LiveAnswer, LiveAnswer.live_question_id == LiveQuestion.id)
        .join(User, LiveAnswer.user_id == User.id)
        .where(LiveQuestion.live_quiz_id == live.id)
        .order_by(LiveQuestion.position, User.name)
    ).all()
    return csv_response(
        f"live-quiz-{live.id}-answers.csv",
        ["question", "text", "name", "email", "answer", "correct", "points", "answered at"],
        (
            [
                pos + 1,
                stem,
                name,
                email,
                choices[choice],
                "yes" if ok else "no",
                points,
                when.strftime("%Y-%m-%d %H:%M:%S"),
            ]
            for pos, stem, choices, name, email, choice, ok, points, when in rows
        ),
    )
