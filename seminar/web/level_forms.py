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


class CredentialForm(Form):
    """Hours from another issuer's Open Badges 3.0 credential, pasted or as its file."""

    credential = TextAreaField(
        "Your credential (Open Badges 3.0, as a JWT)",
        description="Paste the signed credential your issuer gave you: a long text of three "
        "parts separated by dots, starting with eyJ.",
    )
    credential_file = FileField(
        "Or choose its file",
        description="A .jwt or .json file from your issuer or your wallet.",
        render_kw={"accept": ".jwt,.json,.txt,application/jwt,application/json,text/plain"},
    )
    hours = DecimalField(
        "Hours, if it states none",
        places=2,
        validators=[Optional()],
        description="Only if the credential states no hours: an admin then approves yours.",
    )
    submit = SubmitField("Verify and declare")
