"""Forms for people and accounts: adding and inviting people, password resets, invitations
accepted, announcements, erasure. (The rest are in `forms.py`.)"""

from __future__ import annotations

from wtforms import (
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from seminar.core import passwords
from seminar.models import Role
from seminar.web.form_base import Form

PASSWORD_HELP = (
    f"At least {passwords.MIN_LENGTH} characters, and not a common password: a few uncommon "
    "words make a good one."
)


def new_password_field(label: str = "New password") -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(), Length(min=passwords.MIN_LENGTH, max=passwords.MAX_LENGTH)],
        description=PASSWORD_HELP,
    )


def repeat_field() -> PasswordField:
    return PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class AddPersonForm(Form):
    """The People page: anyone, with any role, optionally into a cohort."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    role = SelectField(
        "Role", choices=[SelectChoice(r.value, r.label) for r in Role], default="student"
    )
    cohort = SelectField("Cohort (optional)", choices=[], validate_choice=False)
    submit = SubmitField("Send the invitation")


class EnrolPersonForm(Form):
    """A cohort's page: an account is enrolled; a new person is invited."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    name = StringField(
        "Full name",
        validators=[Optional(), Length(max=120)],
        description="Needed for someone without an account: they are e-mailed an invitation.",
    )
    role = SelectField(
        "As",
        choices=[SelectChoice("student", "Student"), SelectChoice("instructor", "Instructor")],
    )
    submit = SubmitField("Add to the cohort")


class ResetRequestForm(Form):
    email = EmailField("Your e-mail address", validators=[DataRequired(), Length(max=254)])
    submit = SubmitField("E-mail me a link")


class NewPasswordForm(Form):
    password = new_password_field()
    confirm = repeat_field()
    submit = SubmitField("Set my password")


class AcceptInvitationForm(Form):
    name = StringField(
        "Full name",
        validators=[DataRequired(), Length(max=120)],
        description="As it should appear on certificates.",
    )
    password = new_password_field("Choose a password")
    confirm = repeat_field()
    licence_number = StringField(
        "Licence number (optional)", validators=[Optional(), Length(max=60)]
    )
    licence_state = StringField(
        "Licensing state or country (optional)", validators=[Optional(), Length(max=60)]
    )
    submit = SubmitField("Create my account")


class AnnouncementForm(Form):
    subject = StringField("Subject", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        "Message",
        validators=[DataRequired(), Length(max=10_000)],
        description="Plain text. E-mailed to every student of the cohort and shown on their path.",
    )
    submit = SubmitField("Send to the cohort")


class EraseForm(Form):
    confirm = StringField(
        "Type the person's e-mail address to confirm",
        validators=[DataRequired(message="Type the e-mail address to confirm."), Length(max=254)],
    )
    submit = SubmitField("Erase this person")
