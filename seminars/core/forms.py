"""The base of every form: text fields never carry control characters into the database.

A browser never sends them from a keyboard; scripts do. Single-line fields lose every control
character (line breaks become spaces), text areas keep tabs and line breaks. Password fields
are left exactly as typed.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_line(value):
    if not isinstance(value, str):
        return value
    return _LINE_CONTROLS.sub(" ", value.replace("\x00", ""))


def clean_text(value):
    if not isinstance(value, str):
        return value
    return _TEXT_CONTROLS.sub("", value).replace("\r\n", "\n").replace("\r", "\n")


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            cleaner = None
            if issubclass(field_class, TextAreaField):
                cleaner = clean_text
            elif issubclass(field_class, StringField) and not issubclass(
                field_class, PasswordField
            ):
                cleaner = clean_line
            if cleaner is not None:
                options["filters"] = [cleaner, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, **options)
