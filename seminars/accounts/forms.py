"""Forms of the account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from seminars.accounts.models import ROLE_ADMIN, ROLE_STAFF, ROLE_STEERING
from seminars.core.forms import Form


def role_choices():
    return [
        (ROLE_STAFF, _l("Mitarbeitende der Akademie")),
        (ROLE_STEERING, _l("Steuerkreis (nur Statistik)")),
        (ROLE_ADMIN, _l("Administration")),
    ]


class LoginForm(Form):
    email = StringField(
        _l("E-Mail-Adresse"),
        validators=[DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an.")), Length(max=254)],
        render_kw={"autocomplete": "username", "type": "email"},
    )
    password = PasswordField(
        _l("Passwort"),
        validators=[DataRequired(_l("Bitte geben Sie Ihr Passwort an.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(Form):
    current = PasswordField(
        _l("Bisheriges Passwort"),
        validators=[DataRequired(_l("Bitte geben Sie Ihr bisheriges Passwort an."))],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("Neues Passwort"),
        validators=[DataRequired(_l("Bitte geben Sie ein neues Passwort an."))],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Neues Passwort wiederholen"),
        validators=[EqualTo("new", _l("Die beiden Passwörter stimmen nicht überein."))],
        render_kw={"autocomplete": "new-password"},
    )


class NewUserForm(Form):
    email = StringField(
        _l("E-Mail-Adresse"),
        validators=[DataRequired(_l("Bitte geben Sie eine E-Mail-Adresse an.")), Length(max=254)],
        render_kw={"type": "email", "autocomplete": "off"},
    )
    name = StringField(_l("Name"), validators=[Length(max=200)])
    role = SelectField(_l("Rolle"), choices=role_choices)
    password = PasswordField(
        _l("Erstes Passwort"),
        validators=[Optional()],
        render_kw={"autocomplete": "new-password"},
    )


class EditUserForm(Form):
    role = SelectField(_l("Rolle"), choices=role_choices)
    active = BooleanField(_l("Konto ist aktiv"))
    new_password = PasswordField(
        _l("Neues Passwort setzen (leer lassen, um es zu behalten)"),
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(Form):
    email = StringField(
        _l("E-Mail-Adresse"),
        validators=[DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an.")), Length(max=254)],
        render_kw={"autocomplete": "username", "type": "email"},
    )


class SetPasswordForm(Form):
    new = PasswordField(
        _l("Neues Passwort"),
        validators=[DataRequired(_l("Bitte geben Sie ein neues Passwort an."))],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Neues Passwort wiederholen"),
        validators=[EqualTo("new", _l("Die beiden Passwörter stimmen nicht überein."))],
        render_kw={"autocomplete": "new-password"},
    )
