"""The base of every form in the app."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto  # "read the request", the default Flask-WTF passes here


class Form(FlaskForm):
    """A form read only from a posted form. Flask-WTF would also read a JSON body as the form,
    where a field can arrive as a list or an object nested hundreds deep: no page posts its forms
    as JSON, so such a body is read as an empty form (and refused as one)."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            if formdata is _Auto and request.is_json:
                return None
            return super().wrap_formdata(form, formdata)
