"""The forms of a seminar day: scheduling a session and its CE details, check-in, the live
quiz, and correcting an attendance."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from seminar.core.ce import Delivery
from seminar.core.checkin_codes import ROTATIONS
from seminar.core.live import KIND_LABELS
from seminar.web.form_base import Form

DELIVERY_CHOICES = [SelectChoice(d.value, d.label) for d in Delivery]
APPROVALS_HELP = (
    "One per line: the jurisdiction, the course number, then optionally the hours approved by "
    "subject, e.g. 'FL 20-123456: General 2, Laws and rules 1'. A line here replaces the "
    "program's approval for that jurisdiction."
)


class SessionForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField("Starts", validators=[DataRequired()])
    ends_at = DateTimeLocalField("Ends", validators=[DataRequired()])
    location = StringField("Location", validators=[Optional(), Length(max=300)])
    ce_hours = DecimalField(
        "CE hours offered",
        places=2,
        validators=[InputRequired(), NumberRange(min=0, max=24)],
        description="The most a student can be credited for this session.",
    )
    lessons = SelectMultipleField("Lessons covered", choices=[], validate_choice=False)
    instructors = SelectMultipleField(
        "Instructors",
        choices=[],
        coerce=int,
        validate_choice=False,
        description="Leave empty for all of the cohort's instructors.",
    )
    delivery = SelectField("Delivery", choices=DELIVERY_CHOICES, validate_choice=False)
    approvals = TextAreaField(
        "Course approvals for this session (optional)",
        validators=[Optional(), Length(max=3000)],
        description=APPROVALS_HELP,
    )
    submit = SubmitField("Save session")


class SessionCeForm(Form):
    delivery = SelectField("Delivery", choices=DELIVERY_CHOICES, validate_choice=False)
    approvals = TextAreaField(
        "Course approvals for this session",
        validators=[Optional(), Length(max=3000)],
        description=APPROVALS_HELP,
    )
    submit = SubmitField("Save CE details")


class CheckinForm(Form):
    code = StringField(
        "Check-in code",
        validators=[DataRequired(), Length(max=12)],
        description="The six characters shown on the projector.",
    )
    submit = SubmitField("Check in")


class OpenCheckinForm(Form):
    rotate = SelectField(
        "Check-in code",
        choices=[
            SelectChoice("", "One code until check-in closes"),
            *(SelectChoice(str(s), f"A new code every {s} seconds") for s in ROTATIONS),
        ],
        default="",
    )

    @property
    def seconds(self) -> int | None:
        return int(self.rotate.data) if str(self.rotate.data or "").isdigit() else None


class LiveQuizForm(Form):
    """A live quiz from a quiz's questions, or one question typed on the spot."""

    quiz = SelectField("Quiz", choices=[], validate_choice=False)
    poll = BooleanField("Ask the quiz's questions as polls (no right answers, no points)")
    kind = SelectField(
        "Kind of question",
        choices=[SelectChoice(k, label) for k, label in KIND_LABELS.items()],
        default="single",
    )
    stem = StringField("Question", validators=[Optional(), Length(max=500)])
    choices = TextAreaField(
        "Choices, one per line",
        validators=[Optional(), Length(max=3000)],
        description="2 to 6; for true/false leave it empty.",
    )
    correct = StringField(
        "Right choices, by number",
        validators=[Optional(), Length(max=40)],
        description="2, or 1, 3 when several are right; for true/false 1 (True) or 2 (False); "
        "nothing for a poll.",
    )
    seconds = IntegerField(
        "Seconds per question", default=20, validators=[Optional(), NumberRange(min=5, max=300)]
    )
    leaderboard = BooleanField(
        "Show a leaderboard (points for right and fast answers)", default=True
    )
    submit = SubmitField("Start the live quiz")


def live_quiz_form(quizzes: list[tuple[str, str]]) -> LiveQuizForm:
    """The form with the quizzes to choose from, as (slug, title)."""
    form = LiveQuizForm()
    form.quiz.choices = [SelectChoice("", "None: the question typed below")] + [
        SelectChoice(slug, title) for slug, title in quizzes
    ]
    return form


class JoinLiveForm(Form):
    code = StringField(
        "Check-in code",
        validators=[Optional(), Length(max=12)],
        description="The code on the screen: it also checks you in to the session.",
    )
    submit = SubmitField("Join the live quiz")


class CorrectionForm(Form):
    checked_in_at = DateTimeLocalField("Checked in", validators=[DataRequired()])
    checked_out_at = DateTimeLocalField("Checked out", validators=[Optional()])
    reason = StringField(
        "Reason (kept in the record's history)",
        validators=[
            DataRequired(message="Give the reason for the correction."),
            Length(max=500),
        ],
    )
    submit = SubmitField("Save correction")
