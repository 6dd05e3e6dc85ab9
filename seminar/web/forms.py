"""WTForms (through Flask-WTF, for CSRF). Forms validate shape; services enforce rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import flash, request
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from seminar.core.errors import SeminarError
from seminar.core.evaluation import MAX_TEXT, QUESTIONS, SCALE
from seminar.db import db, now_utc
from seminar.models import Role
from seminar.models.users import MIN_PASSWORD_LENGTH
from seminar.services.evidence import PRACTICAL_CHECKLIST
from seminar.web.form_base import Form


class Outcome:
    """What `errors_on` saw: whether the service refused, and why."""

    failed: bool = False
    message: str = ""
    error: SeminarError | None = None  # for views that show more than the message


@contextmanager
def errors_on(form: Form | None = None) -> Iterator[Outcome]:
    """Run the service calls in the block; if one refuses (a SeminarError), undo what the
    block wrote and show the message next to the field it names, keeping what the user typed,
    else at the top of the form, or as a flashed message when there is no form."""
    outcome = Outcome()
    try:
        yield outcome
    except SeminarError as exc:
        db.session.rollback()
        outcome.failed, outcome.message, outcome.error = True, exc.message, exc
        field = getattr(form, exc.field, None) if form is not None and exc.field else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *exc.messages]
        elif form is not None:
            form.form_errors.extend(exc.messages)
        else:
            flash(exc.message, "error")


MAX_JSON_BYTES = 64 * 1024  # an answer or a live tap: far more than any one needs


def json_body() -> Any:
    """The request's JSON, or None when it is not JSON, is larger than MAX_JSON_BYTES, or is
    nested too deeply to read (the standard parser recurses once per level)."""
    if not request.is_json or (request.content_length or 0) > MAX_JSON_BYTES:
        return None
    raw = request.get_data(cache=True)
    if len(raw) > MAX_JSON_BYTES:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


class EmptyForm(Form):
    """A POST that carries only its CSRF token (mark complete, log out, ...)."""


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me logged in on this device")
    next = HiddenField()
    submit = SubmitField("Log in")


class ProfileForm(Form):
    name = StringField(
        "Full name",
        validators=[DataRequired(), Length(max=120)],
        description="As pages show it and records print it.",
    )
    first_name = StringField(
        "First name(s), as on your licence",
        validators=[Optional(), Length(max=120)],
        description="CE rosters give boards your first and last name apart.",
    )
    last_name = StringField(
        "Last name, as on your licence",
        validators=[Optional(), Length(max=120)],
        description="Leave both empty to have them taken from your full name.",
    )
    licence_number = StringField(
        "Licence number",
        validators=[Optional(), Length(max=60)],
        description="Printed on CE certificates. Leave empty if you are not licensed yet.",
    )
    licence_state = StringField(
        "Licensing state or country",
        validators=[Optional(), Length(max=60)],
        description="For example CA, Ontario or United Kingdom.",
    )
    submit = SubmitField("Save profile")


class PasswordChangeForm(Form):
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters, and not a common password.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new", message="The two passwords differ.")],
    )
    submit = SubmitField("Change password")


class RoleForm(Form):
    role = SelectField("Role", choices=[SelectChoice(r.value, r.label) for r in Role])
    submit = SubmitField("Change role")


class LessonEditForm(Form):
    source = TextAreaField("Lesson source (front matter and Markdown)", validators=[DataRequired()])
    note = StringField(
        "What changed (optional)",
        validators=[Optional(), Length(max=300)],
        description="Shown in the version history.",
    )
    base_version_id = HiddenField()
    preview = SubmitField("Preview")
    save = SubmitField("Save as new version")


class EssayGradeForm(Form):
    points = DecimalField("Points", places=2, validators=[InputRequired(), NumberRange(min=0)])
    comment = TextAreaField("Comment for the student", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Save grade")


class AccommodationForm(Form):
    email = EmailField("Student's email", validators=[DataRequired(), Length(max=254)])
    time_multiplier = DecimalField(
        "Time multiplier",
        places=2,
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=5)],
        description="1.5 gives half as much time again on every timed quiz.",
    )
    extra_attempts = IntegerField(
        "Extra attempts", default=0, validators=[InputRequired(), NumberRange(min=0, max=20)]
    )
    note = StringField("Note (optional)", validators=[Optional(), Length(max=300)])
    submit = SubmitField("Save accommodation")


class QuizUploadForm(Form):
    file = FileField("Quiz file (.md, .gift, .txt or .xml)")
    source = TextAreaField("Or paste the quiz text")
    filename = StringField(
        "File name",
        validators=[Optional(), Length(max=120)],
        description="For example category-system.gift: the name before the dot is the slug. "
        ".txt is read as GIFT and .xml as Moodle XML.",
    )
    preview = SubmitField("Preview")
    save = SubmitField("Save as new version")
    save_loaded = SubmitField("Import the questions that load")


class CohortForm(Form):
    slug = StringField(
        "Slug",
        validators=[DataRequired(), Length(max=120)],
        description="Used in links, e.g. spring-2027. Lowercase words and hyphens.",
    )
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    program = SelectField("Program")
    starts_on = DateField("Starts on", validators=[Optional()])
    ends_on = DateField("Ends on", validators=[Optional()])
    submit = SubmitField("Save cohort")


class CsvImportForm(Form):
    file = FileField("CSV file")
    text = TextAreaField(
        "Or paste the CSV",
        description="First line: email,name,licence_number,licence_state,first_name,last_name "
        "(all but email and name optional; first and last name are split from the name when "
        "left out).",
    )
    preview = SubmitField("Preview")


class JoinForm(Form):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters, and not a common password.",
    )
    licence_number = StringField(
        "Licence number (optional)", validators=[Optional(), Length(max=60)]
    )
    licence_state = StringField(
        "Licensing state or country (optional)", validators=[Optional(), Length(max=60)]
    )
    submit = SubmitField("Create my account and join")


class PracticalForm(Form):
    outcome = SelectField(
        "Outcome",
        choices=[SelectChoice("passed", "Passed"), SelectChoice("not_yet", "Not yet")],
    )
    observed = SelectMultipleField("Competencies observed", choices=[])
    note = TextAreaField("Note", validators=[Optional(), Length(max=5000)])
    assessed_on = DateField("Date of the assessment", validators=[DataRequired()])
    submit = SubmitField("Record the assessment")


def practical_form() -> PracticalForm:
    """The sign-off form with the program's checklist, dated today when first shown."""
    form = PracticalForm()
    form.observed.choices = [SelectChoice(item, item) for item in PRACTICAL_CHECKLIST]
    if not form.is_submitted():
        form.assessed_on.data = now_utc().date()
    return form


class RevokeForm(Form):
    reason = TextAreaField(
        "Reason (shown publicly)",
        validators=[DataRequired(message="Give a reason."), Length(max=1000)],
        description="The verification page shows it with the date; the holder is e-mailed.",
    )


class ReissueForm(Form):
    reason = TextAreaField(
        "Reason for reissuing",
        validators=[DataRequired(message="Give a reason."), Length(max=1000)],
        description="For example: name changed after marriage. Kept in the audit log.",
    )


class VerifyForm(Form):
    class Meta:
        csrf = False  # a GET search form that changes nothing

    id = StringField(
        "Record identifier",
        validators=[DataRequired(message="Type the identifier printed on the record.")],
        description=(
            "16 letters and digits, e.g. 7G2K-9QXM-4RTB-1HZP; case and hyphens do not matter."
        ),
    )


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter that changes nothing

    action = SelectField("Action", validators=[Optional()])
    actor = StringField("Done by", validators=[Optional(), Length(max=120)])
    person = StringField("Concerning", validators=[Optional(), Length(max=120)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])


def evaluation_form() -> Form:
    """The course evaluation's questions as a form: a statement rated on the five-point scale
    (the service says which is missing), or an optional text."""

    class EvaluationForm(Form):
        submit = SubmitField("Send my evaluation")

    for question in QUESTIONS:
        if question.kind == "scale":
            choices = [SelectChoice(str(n), label) for n, label in enumerate(SCALE, start=1)]
            field = RadioField(question.text, choices=choices, validate_choice=False)
        else:
            field = TextAreaField(
                f"{question.text} (optional)", validators=[Optional(), Length(max=MAX_TEXT)]
            )
        setattr(EvaluationForm, question.key, field)
    return EvaluationForm()
