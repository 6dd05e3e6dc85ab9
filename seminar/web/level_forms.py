"""Forms for levels: hours declared from another organisation, an admin's decision on them,
the licence date, and inviting a table instructor. (The rest are in `forms.py`.)"""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, DecimalField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from seminar.web.form_base import Form


class DeclareHoursForm(Form):
    organisation = StringField(
        "Organisation",
        validators=[Length(max=200)],
        description="Who gave the seminar, e.g. SOTO-Europe.",
    )
    course = StringField("Seminar or course", validators=[Length(max=200)])
    attended_on = DateField("Date attended", validators=[Optional()])
    hours = DecimalField("Hours attended", places=2, validators=[Optional()])
    evidence = FileField(
        "Certificate of attendance",
        description="A PDF, PNG or JPEG file of at most 5 MB.",
        render_kw={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"},
    )
    submit = SubmitField("Declare these hours")


class LicenceDateForm(Form):
    licensed_on = DateField(
        "Date of first licensure",
        validators=[Optional()],
        description="Some courses ask for years in practice; leave it empty to remove it.",
    )
    submit = SubmitField("Save the licence date")


class DecisionForm(Form):
    reason = TextAreaField(
        "Reason",
        validators=[Length(max=1000)],
        description="Needed to reject: the person reads it.",
    )
    approve = SubmitField("Approve")
    reject = SubmitField("Reject")
