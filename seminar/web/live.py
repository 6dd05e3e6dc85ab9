"""Live quiz pages: the host's projector screen and the students' phones, both polling."""

from __future__ import annotations

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
from werkzeug.wrappers import Response as WerkzeugResponse

from seminar.core.errors import SeminarError
from seminar.queries import live as live_queries
from seminar.services import live as live_service
from seminar.web.access import (
    live_for_host,
    live_for_room,
    session_for_staff,
    staff_required,
    teaches,
)
from seminar.web.csv_export import csv_response
from seminar.web.forms import EmptyForm, errors_on

bp = Blueprint("live", __name__)


@bp.post("/sessions/<int:session_id>/live")
@staff_required
def create(session_id: int) -> WerkzeugResponse:
    session = session_for_staff(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    form = request.form
    settings = {
        "seconds": form.get("seconds", 20, type=int),
        "leaderboard": form.get("leaderboard") == "on",
    }
    with errors_on() as outcome:
        if form.get("quiz"):
            live, skipped = live_service.create_from_quiz(session, form["quiz"], **settings)
        else:
            choices = [c.strip() for c in form.get("choices", "").splitlines() if c.strip()]
            right = form.get("correct", 0, type=int) - 1
            live = live_service.create_quick_question(
                session, form.get("stem", ""), choices, right, **settings
            )
            skipped = 0
    if outcome.failed:
        return redirect(url_for("sessions.show", session_id=session.id))
    if skipped:
        flash(f"{skipped} question(s) are not multiple choice and are left out.", "info")
    return redirect(url_for("live.host", live_id=live.id))


@bp.get("/live/<int:live_id>/host")
@staff_required
def host(live_id: int) -> str:
    live = live_for_host(live_id)
    return render_template("live/host.html", live=live, **live_queries.screen(live, host=True))


@bp.post("/live/<int:live_id>/<action>")
@staff_required
def control(live_id: int, action: str) -> WerkzeugResponse:
    live = live_for_host(live_id)
    moves = {
        "next": live_service.open_next,
        "close": live_service.close_question,
        "finish": live_service.finish,
    }
    if action not in moves:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with errors_on():
        moves[action](live)
    return redirect(url_for("live.host", live_id=live.id))


@bp.get("/live/<int:live_id>/state.json")
@login_required
def state(live_id: int) -> Response:
    live = live_for_room(live_id)
    if teaches(live.session.cohort, current_user):
        return jsonify(live_queries.screen(live, host=True))
    if live_queries.seat_of(live, current_user) is None:
        abort(404)
    return jsonify(live_queries.screen(live, host=False, user=current_user))


@bp.route("/live/<int:live_id>", methods=["GET"])
@login_required
def play(live_id: int) -> str:
    live = live_for_room(live_id)
    return render_template(
        "live/play.html",
        live=live,
        seat=live_queries.seat_of(live, current_user),
        **live_queries.screen(live, host=False, user=current_user),
    )


@bp.post("/live/<int:live_id>/join")
@login_required
def join(live_id: int) -> WerkzeugResponse:
    live = live_for_room(live_id)
    if EmptyForm().validate_on_submit():
        with errors_on():
            live_service.join(live, current_user)
    return redirect(url_for("live.play", live_id=live.id))


@bp.post("/live/<int:live_id>/answer")
@login_required
def answer(live_id: int) -> Response | WerkzeugResponse | tuple[Response, int]:
    live = live_for_room(live_id)
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
        message, status = exc.message, 409
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
    live = live_for_host(live_id)
    rows = live_queries.answer_rows(live)
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
