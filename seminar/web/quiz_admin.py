"""Instructors' quiz pages: upload a quiz file, grade essays, set accommodations."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from seminar.core.content.quizzes import QuizParse
from seminar.core.errors import SeminarError
from seminar.db import db
from seminar.models import AttemptQuestion
from seminar.queries import quiz_results
from seminar.services import attempts, quiz_files
from seminar.services.accommodations import set_accommodation
from seminar.services.accounts import find_user
from seminar.web.access import staff_required, teaches_student
from seminar.web.forms import AccommodationForm, EssayGradeForm, QuizUploadForm, errors_on
from seminar.web.uploads import text_from

bp = Blueprint("quiz_admin", __name__, url_prefix="/quizzes/manage")


@bp.route("/upload", methods=["GET", "POST"])
@staff_required
def upload() -> str | Response:
    form = QuizUploadForm()
    parsed = None
    if form.validate_on_submit():
        with errors_on(form):
            name, text = _uploaded(form)
            # The preview's Save re-sends the same text, so what is saved is what was shown.
            form.source.data, form.filename.data = text, name
            file, parsed = quiz_files.read_upload(name, text)
            if form.save.data or form.save_loaded.data:
                partial = bool(form.save_loaded.data)
                quiz, saved = quiz_files.save_upload(
                    file, author_id=current_user.id, partial=partial
                )
                flash(_saved_message(quiz.slug, quiz.current.number, saved), "success")
                return redirect(url_for("quizzes.show", slug=quiz.slug))
    return render_template("quizzes/upload.html", form=form, parsed=parsed)


def _saved_message(slug: str, number: int, parsed: QuizParse) -> str:
    if not (left := parsed.skipped):
        return f"Saved {slug} as version {number}."
    loaded = len(parsed.quiz.questions)
    lines = ", ".join(str(q.line) for q in left)
    return (
        f"Saved {slug} as version {number}: {loaded} question{'s' * (loaded != 1)} loaded, "
        f"{len(left)} left out (line{'s' * (len(left) != 1)} {lines})."
    )


def _uploaded(form: QuizUploadForm) -> tuple[str, str]:
    """The file's name and text: uploaded, or pasted with a name typed."""
    text = text_from(form.file, form.source, what="a quiz file", save_as="UTF-8")
    upload = form.file.data
    if upload and upload.filename:
        return upload.filename, text
    if not form.filename.data:
        raise SeminarError(
            "Give the file name (for example category-system.gift).", field="filename"
        )
    return form.filename.data, text


def _grading_page(refused: dict[int, EssayGradeForm] | None = None) -> str:
    pending = quiz_results.grading_queue(current_user)
    forms = {aq.id: EssayGradeForm(prefix=f"g{aq.id}", formdata=None) for aq in pending}
    return render_template("quizzes/grading.html", pending=pending, forms=forms | (refused or {}))


@bp.get("/grading")
@staff_required
def grading() -> str:
    return _grading_page()


@bp.post("/grading/<int:aq_id>")
@staff_required
def grade(aq_id: int) -> str | Response | tuple[str, int]:
    aq = db.session.get(AttemptQuestion, aq_id)
    if aq is None or not teaches_student(current_user, aq.attempt.user_id):
        abort(404)
    form = EssayGradeForm(prefix=f"g{aq.id}")
    if form.validate_on_submit():
        with errors_on(form) as outcome:
            attempts.grade_essay(
                aq,
                points=float(form.points.data or Decimal(0)),
                comment=form.comment.data or "",
                grader_id=current_user.id,
            )
        if not outcome.failed:
            flash(f"Graded question {aq.position} for {aq.attempt.user.name}.", "success")
            return redirect(url_for("quiz_admin.grading"))
    return _grading_page({aq.id: form}), 400


@bp.route("/accommodations", methods=["GET", "POST"])
@staff_required
def accommodations() -> str | Response:
    form = AccommodationForm()
    if form.validate_on_submit():
        student = find_user(form.email.data or "")
        if student is None:
            form.email.errors = ["No account has this email."]
        elif not teaches_student(current_user, student.id):
            form.email.errors = ["This person is not a student in a cohort you teach."]
        else:
            set_accommodation(
                student,
                time_multiplier=float(form.time_multiplier.data or 1),
                extra_attempts=form.extra_attempts.data or 0,
                note=form.note.data or "",
                set_by_id=current_user.id,
            )
            flash(f"Accommodation saved for {student.name}.", "success")
            return redirect(url_for("quiz_admin.accommodations"))
    rows = quiz_results.accommodations_of_taught(current_user)
    return render_template("quizzes/accommodations.html", form=form, rows=rows)
