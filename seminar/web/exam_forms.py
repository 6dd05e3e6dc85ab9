"""The practical exam's forms: a slot staff open, and an examiner's marking sheet (one mark and
one comment per rubric item, built from the slot's rubric). Forms validate shape; the services
in services/exam_slots.py and services/exams.py enforce the rules."""

from __future__ import annotations

from datetime import timedelta

from wtforms import (
    DateField,
    DateTimeLocalField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from seminar.core.rubric import MARK_LABELS, MAX_COMMENT_CHARS, ExamSpec
from seminar.db import now_utc
from seminar.models import User
from seminar.web.filters import to_local
from seminar.web.form_base import Form


def _optional_int(value: object) -> int | None:
    return int(str(value)) if value not in (None, "", "None") else None


class SlotForm(Form):
    starts_at = DateTimeLocalField("Starts", validators=[DataRequired()])
    place = StringField("Place", validators=[DataRequired(), Length(max=300)])
    capacity = IntegerField("Seats", validators=[InputRequired()])
    opens_at = DateTimeLocalField("Booking opens", validators=[DataRequired()])
    deadline = DateTimeLocalField(
        "Application deadline",
        validators=[DataRequired()],
        description="Booking closes then.",
    )
    cancel_until = DateTimeLocalField("Candidates may cancel until", validators=[DataRequired()])
    no_contact_from = DateField(
        "No contact with examiners from",
        validators=[DataRequired()],
        description="Candidates are told not to contact their examiners from this day.",
    )
    first_examiner = SelectField("First examiner", coerce=_optional_int, choices=[])
    second_examiner = SelectField(
        "Second examiner", coerce=_optional_int, choices=[], validators=[Optional()]
    )
    submit = SubmitField("Open the slot")


def slot_form(staff: list[User], spec: ExamSpec) -> SlotForm:
    """The slot form with the cohort's staff to pick from, and sensible dates when first shown:
    in four weeks, booking open now until a week before, no contact in the last week."""
    form = SlotForm()
    people = [SelectChoice(u.id, u.name) for u in staff]
    form.first_examiner.choices = people
    form.second_examiner.choices = [SelectChoice("", "None"), *people]
    if spec.examiners == 1:
        del form.second_examiner
    if not form.is_submitted():
        start = to_local(now_utc()).replace(hour=9, minute=0, second=0, microsecond=0)
        start = start.replace(tzinfo=None) + timedelta(days=28)
        form.starts_at.data = start
        form.opens_at.data = to_local(now_utc()).replace(tzinfo=None, second=0, microsecond=0)
        form.deadline.data = start - timedelta(days=7)
        form.cancel_until.data = start - timedelta(days=7)
        form.no_contact_from.data = (start - timedelta(days=7)).date()
        form.capacity.data = 6
    return form


class _Sheet(Form):
    submit = SubmitField("Submit my marks")


MARK_CHOICES = [SelectChoice(str(value), label) for value, label in MARK_LABELS.items()]


def sheet_form(spec: ExamSpec) -> Form:
    """A marking sheet for this rubric: `mark-N` and `comment-N` for each item N."""
    fields: dict[str, Field] = {}
    for i, item in enumerate(spec.rubric):
        fields[f"mark_{i}"] = RadioField(
            item.text, choices=MARK_CHOICES, validators=[InputRequired("Mark this item.")]
        )
        fields[f"comment_{i}"] = TextAreaField(
            "Comment", validators=[Optional(), Length(max=MAX_COMMENT_CHARS)]
        )
    form_class = type("SheetForm", (_Sheet,), fields)
    return form_class()


def sheet_values(form: Form, spec: ExamSpec) -> tuple[list[int | None], list[str]]:
    marks = []
    for i in range(len(spec.rubric)):
        raw = form[f"mark_{i}"].data
        marks.append(int(raw) if raw not in (None, "") else None)
    return marks, [form[f"comment_{i}"].data or "" for i in range(len(spec.rubric))]
