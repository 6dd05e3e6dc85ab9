"""Instructors' quiz pages: upload a quiz file, grade essays, set accommodations."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from seminar.core.content.problems import ContentError
from seminar.core.content.quizzes import QuizFile, parse_quiz, quiz_file
from seminar.core.errors import SeminarError
from seminar.db import db
from seminar.models import Accommodation, Attempt, AttemptQuestion, AttemptState, User
from seminar.services import attempts, quiz_files
from seminar.services.accommodations import set_accommodation
from seminar.services.accounts import find_user
from seminar.web.access import staff_required, taught_students, teaches_student
from seminar.web.forms import AccommodationForm, EssayGradeForm, QuizUploadForm
from seminar.web.uploads import read_text_upload

bp = Blueprint("quiz_admin", __name__, url_prefix="/quizzes/manage")


@bp.route("/upload", methods=["GET", "POST"])
@staff_required
def upload() -> str | Response:
    form = QuizUploadForm()
    parsed = source = None
    if form.validate_on_submit():
        try:
            source = _uploaded_source(form)
            parsed = parse_quiz(source)
            if form.save.data:
                quiz = quiz_files.save_upload(source, author_id=current_user.id)
                flash(f"Saved {quiz.slug} as version {quiz.current.number}.", "success")
                return redirect(url_for("quizzes.show", slug=quiz.slug))
        except ContentError as exc:
            form.source.errors = [f"Line {p.line}: {p.message}" for p in exc.problems]
            parsed = None
        except SeminarError as exc:
            form.source.errors = [str(exc)]
        if source is not None:
            # The preview's Save re-sends the same text, so what is saved is what was shown.
            form.source.data, form.filename.data = source.text, source.name
    return render_template("quizzes/upload.html", form=form, parsed=parsed)


def _uploaded_source(form: QuizUploadForm) -> QuizFile:
    upload = form.file.data
    if upload and upload.filename:
        try:
            text = read_text_upload(upload)
        except UnicodeDecodeError:
            raise SeminarError("The file is not UTF-8 text.") from None
        return quiz_file(upload.filename, text)
    if not (form.source.data or "").strip():
        raise SeminarError("Choose a .md or .gift file, or paste the quiz text.")
    if not form.filename.data:
        raise SeminarError("Give the file name (for example category-system.gift).")
    return quiz_file(form.filename.data, form.source.data or "")


@bp.get("/grading")
@staff_required
def grading() -> str:
    attempts.submit_expired()
    pending = db.session.scalars(
        select(AttemptQuestion)
        .join(Attempt, AttemptQuestion.attempt_id == Attempt.id)
        .options(
            joinedload(AttemptQuestion.attempt).joinedload(Attempt.user),
            joinedload(AttemptQuestion.attempt).joinedload(Attempt.version),
            joinedload(AttemptQuestion.question),
        )
        .where(
            Attempt.state == AttemptState.SUBMITTED,
            AttemptQuestion.fraction.is_(None),
            Attempt.user_id.in_(taught_students(current_user)),
        )
        .order_by(Attempt.submitted_at)
    ).all()
    forms = {aq.id: EssayGradeForm(prefix=f"g{aq.id}") for aq in pending}
    return render_template("quizzes/grading.html", pending=pending, forms=forms)


@bp.post("/grading/<int:aq_id>")
@staff_required
def grade(aq_id: int) -> str | Response:
    aq = db.session.get(AttemptQuestion, aq_id)
    if aq is None or not teaches_student(current_user, aq.attempt.user_id):
        abort(404)
    form = EssayGradeForm(prefix=f"g{aq.id}")
    if form.validate_on_submit():
        points = form.points.data or Decimal(0)
        if points > Decimal(str(aq.points)):
            flash(f"The most this question can score is {aq.points:g} points.", "error")
        else:
            try:
                attempts.grade_essay(
                    aq,
                    fraction=float(points) / aq.points if aq.points else 0.0,
                    comment=form.comment.data or "",
                    grader_id=current_user.id,
                )
            except SeminarError as exc:
                flash(str(exc), "error")
            else:
                flash(f"Graded question {aq.position} for {aq.attempt.user.name}.", "success")
    else:
        flash("Enter the points as a number.", "error")
    return redirect(url_for("quiz_admin.grading"))


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
    rows = db.session.execute(
        select(Accommodation, User)
        .join(User, Accommodation.user_id == User.id)
        .where(User.id.in_(taught_students(current_user)))
        .order_by(User.name)
    ).all()
    return render_template("quizzes/accommodations.html", form=form, rows=rows)
