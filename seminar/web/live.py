"""Live quiz pages: creating one, the host's projector screen (with its keyboard shortcuts)
and the students' phones, both polling the state the database keeps."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as WerkzeugResponse

from seminar.core.errors import SeminarError
from seminar.db import db
from seminar.models import LiveAnswer, LiveParticipant, LiveQuiz
from seminar.queries import live as live_queries
from seminar.queries.logins import Rider
from seminar.queries.quiz_results import available_quizzes
from seminar.queries.sessions import attendance_of
from seminar.services import live as live_service
from seminar.web.access import (
    live_for_host,
    live_for_room,
    live_pulse_for_seat,
    live_seat_for_room,
    session_for_staff,
    staff_required,
)
from seminar.web.checkin_guard import limit_wrong_codes, note_wrong_code
from seminar.web.csv_export import csv_response
from seminar.web.filters import absolute_url
from seminar.web.forms import EmptyForm, errors_on
from seminar.web.projector import invitation, qr_image
from seminar.web.session_forms import JoinLiveForm, LiveQuizForm, live_quiz_form
from seminar.web.signin import rides_with_login

bp = Blueprint("live", __name__)


def _form() -> LiveQuizForm:
    return live_quiz_form([(q.slug, q.current.title) for q in available_quizzes()])


@bp.get("/sessions/<int:session_id>/live")
@staff_required
def new(session_id: int) -> str:
    return render_template("live/new.html", session=session_for_staff(session_id), form=_form())


@bp.post("/sessions/<int:session_id>/live")
@staff_required
def create(session_id: int) -> WerkzeugResponse:
    session = session_for_staff(session_id)
    form = _form()
    if form.validate_on_submit():
        settings = {"seconds": form.seconds.data or 20, "leaderboard": form.leaderboard.data}
        skipped = 0
        with errors_on(form) as outcome:
            if form.quiz.data:
                live, skipped = live_service.create_from_quiz(
                    session, form.quiz.data, poll=form.poll.data, **settings
                )
            else:
                live = live_service.create_typed_question(
                    session,
                    kind=form.kind.data or "",
                    stem=form.stem.data or "",
                    choices=form.choices.data or "",
                    correct=form.correct.data or "",
                    **settings,
                )
        if not outcome.failed:
            if skipped:
                flash(f"{skipped} question(s) the live quiz cannot ask are left out.", "info")
            return redirect(url_for("live.host", live_id=live.id))
    page = render_template("live/new.html", session=session, form=form)
    return make_response(page, 400)


@bp.get("/live/<int:live_id>/host")
@staff_required
def host(live_id: int) -> str:
    live = live_for_host(live_id)
    invite = invitation(live.session, "live.play", live_id=live.id)
    join_link = absolute_url("live.play", live_id=live.id)
    return render_template(
        "live/host.html",
        live=live,
        invite=invite,
        join_link=join_link,
        join_qr=invite.qr if invite else qr_image(join_link),
        **live_queries.screen(live, host=True),
    )


@bp.post("/live/<int:live_id>/<action>")
@staff_required
def control(live_id: int, action: str) -> WerkzeugResponse | tuple[Response, int]:
    live = live_for_host(live_id)
    move = live_service.MOVES.get(action) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if request.accept_mimetypes.best == "application/json":  # the host page's own timer
        try:
            move(live)
        except SeminarError as exc:
            return jsonify(error=exc.message), 409
        return jsonify(status=live.status, index=live.current + 1), 200
    with errors_on():
        move(live)
    return redirect(url_for("live.host", live_id=live.id))


@bp.get("/live/<int:live_id>/state.json")
@login_required
def state(live_id: int) -> Response:
    # A student's poll is one statement: where the quiz is rides with the login's read.
    seated = live_pulse_for_seat(live_id)
    if seated is not None:
        return jsonify(seated)
    live = live_for_host(live_id)  # not seated: the host's screen, or nothing at all
    pulse = live_queries.pulse(live, host=True)
    if live.status == "lobby":  # a rotating code changes the lobby's QR code
        invite = invitation(live.session, "live.play", live_id=live.id)
        pulse["invite"] = invite.as_json() if invite else None
    return jsonify(pulse)


rides_with_login(
    "live.state",
    lambda args: Rider(live_queries.pulse_rider(), {"pulse_live": args.get("live_id", 0)}),
)

Seated = tuple[LiveParticipant | None, LiveAnswer | None]  # a player's seat and answer


def _phone(
    live: LiveQuiz, form: JoinLiveForm | None, seated: Seated | None = None
) -> dict[str, object]:
    """What a phone's screen shows (live/_phone.html). `seated`: the viewer's seat and
    answer, when the caller read them already (live_seat_for_room). `form`: the join form,
    shown only to someone without a seat (made here when the caller has none)."""
    seat, answer = seated or live_queries.seat_and_answer(live, current_user)
    if seat is None and form is None:
        form = JoinLiveForm()
    session = live.session
    needs_code = (
        seat is None and session.checkin_open and attendance_of(session, current_user) is None
    )
    return {
        "live": live,
        "seat": seat,
        "form": form,
        "needs_code": needs_code,
        **live_queries.screen(live, host=False, user=current_user, answer=answer),
    }


def _play_page(
    live: LiveQuiz, form: JoinLiveForm, status: int = 200, seated: Seated | None = None
) -> WerkzeugResponse:
    page = render_template("live/play.html", **_phone(live, form, seated))
    return make_response(page, status)


@bp.get("/live/<int:live_id>")
@login_required
def play(live_id: int) -> WerkzeugResponse:
    live, seat, answer = live_seat_for_room(live_id)
    form = JoinLiveForm(code=request.args.get("code", ""))
    return _play_page(live, form, seated=(seat, answer))


@bp.get("/live/<int:live_id>/phone")
@login_required
def phone(live_id: int) -> str:
    """The phone's screen alone: its script swaps it in when the host moves on, so 300
    phones ask for this (no menu, no page around it) rather than reload the page at once."""
    live, seat, answer = live_seat_for_room(live_id)
    return render_template("live/_phone.html", **_phone(live, None, (seat, answer)))


@bp.post("/live/<int:live_id>/join")
@limit_wrong_codes
@login_required
def join(live_id: int) -> WerkzeugResponse:
    live = live_for_room(live_id)
    form = JoinLiveForm()
    if not form.validate_on_submit():
        return _play_page(live, form, 400)
    with errors_on(form) as outcome:
        attendance = live_service.join(live, current_user, code=form.code.data or "")
    note_wrong_code(outcome)
    if outcome.failed:
        return _play_page(live, form, 400)
    if attendance is None and live.session.checkin_open:
        flash(
            "You are in. Check in with the code on the screen to have your attendance counted.",
            "info",
        )
    return redirect(url_for("live.play", live_id=live.id))


def _answer_sent() -> tuple[int, list[object]]:
    """The question and the choices picked, as the phone's script (JSON) or its form sends
    them (a tapped button's `choice`, or the ticked boxes of a multiple question)."""
    if not request.is_json:
        return int(request.form.get("question", -1)), request.form.getlist("choice")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    picked = data.get("choices", [data["choice"]] if "choice" in data else None)
    if not isinstance(picked, list):
        raise ValueError("no choices")
    return int(data.get("question", -1)), picked


@bp.post("/live/<int:live_id>/answer")
@login_required
def answer(live_id: int) -> Response | WerkzeugResponse | tuple[Response, int]:
    live, seat, earlier = live_seat_for_room(live_id)
    try:
        question_id, picked = _answer_sent()
        record = live_service.answer(
            live, current_user, question_id, picked, seated=(seat, earlier)
        )
    except (TypeError, ValueError):
        message, status = "Send the question and the choices.", 400
    except SeminarError as exc:
        db.session.rollback()
        message, status = exc.message, 409
    else:
        if request.is_json:
            return jsonify(received=True, choices=record.choices)
        flash("Answer received.", "success")
        return redirect(url_for("live.play", live_id=live.id))
    if request.is_json:
        return jsonify(error=message), status
    flash(message, "warning")
    return redirect(url_for("live.play", live_id=live.id))


def _answer_text(choices: list[str], picked: list[int]) -> str:
    return "; ".join(choices[i] for i in picked if 0 <= i < len(choices))


@bp.get("/live/<int:live_id>/answers.csv")
@staff_required
def answers_csv(live_id: int) -> Response:
    live = live_for_host(live_id)
    rows = live_queries.answer_rows(live)
    return csv_response(
        f"live-quiz-{live.id}-answers.csv",
        ["question", "kind", "text", "name", "email", "answer", "correct", "points", "answered at"],
        (
            [
                pos + 1,
                kind,
                stem,
                name,
                email,
                _answer_text(choices, picked),
                "poll" if ok is None else "yes" if ok else "no",
                points,
                when.strftime("%Y-%m-%d %H:%M:%S"),
            ]
            for pos, kind, stem, choices, name, email, picked, ok, points, when in rows
        ),
    )
