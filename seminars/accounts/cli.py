"""``flask --app wsgi create-user EMAIL --role ROLE``: asks for the password (or reads stdin)."""

from __future__ import annotations

import sys

import click
from flask_babel import gettext as _

from seminars.accounts.models import ROLES
from seminars.accounts.services import create_user
from seminars.core.errors import DomainError
from seminars.core.unit_of_work import unit


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="", help="Full name shown in the audit log.")
def create_user_command(email: str, role: str, name: str) -> None:
    """Create a staff account. The password is asked for, or read from standard input."""
    if sys.stdin.isatty():
        password = click.prompt(_("Passwort"), hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        with unit():
            user = create_user(email=email, role=role, password=password, name=name, actor=None)
    except DomainError as error:
        click.echo(str(error.message), err=True)
        raise SystemExit(1) from error
    click.echo(_("Konto angelegt: %(email)s (%(role)s)", email=user.email, role=user.role))
