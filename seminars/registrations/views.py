"""Registering for a seminar, and the registrant's own page behind the link in every mail."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from seminars.catalogue import services as catalogue
from seminars.core.clients import client_key
from seminars.core.i18n import current_language
from seminars.core.markdown import render_markdown
from seminars.core.timezone import utcnow
from seminars.extensions import limiter
from seminars.feeds.views import calendar_response
from seminars.registrations import allocation, services
from seminars.registrations.forms import RegistrationForm, county_groups
from seminars.registrations.models import STATUS_EXPIRED
from seminars.registrations.needs import NEED_KEYS

bp = Blueprint("registrations", __name__)


@bp.after_request
def keep_personal_pages_private(response):
    # Pages behind a personal link: never cached, never indexed, and the link (it is the key)
    # never leaves in a Referer header, e.g. when the online-meeting link is followed.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def applicant_from(form: RegistrationForm, *, locale: str) -> allocation.Applicant:
    return allocation.Applicant(
        first_name=form.first_name.data,
        last_name=form.last_name.data,
        email=form.email.data,
        organisation=form.organisation.data,
        county=form.county.data or None,
        phone=form.phone.data or "",
        **{key: form[key].data for key in NEED_KEYS},
        needs_other=form.needs_other.data or "",
        remarks=form.remarks.data or "",
        locale=locale,
    )


def render_seminar_page(seminar_id: int, form: RegistrationForm, status: int = 200):
    """The seminar's public page with the registration form (used by the catalogue too)."""
    entry = catalogue.get_public_seminar(seminar_id, now=utcnow())
    return render_template(
        "catalogue/detail.html",
        entry=entry,
        seminar=entry.seminar,
        description=render_markdown(entry.seminar.description),
        form=form,
        county_groups=county_groups(),
    ), status


@bp.post("/seminare/<int:seminar_id>/anmeldung")
@limiter.limit(lambda: current_app.config["REGISTRATION_RATE_LIMIT"])
def register(seminar_id: int):
    form = RegistrationForm()
    if form.is_robot:
        # Answer exactly as for a person, but keep nothing.
        return redirect(url_for(".sent", seminar_id=seminar_id), code=303)
    if not form.validate():
        return render_seminar_page(seminar_id, form, status=422)
    allocation.register(
        seminar_id,
        applicant_from(form, locale=current_language()),
        now=utcnow(),
        client_key=client_key(),
    )
    return redirect(url_for(".sent", seminar_id=seminar_id), code=303)


@bp.get("/seminare/<int:seminar_id>/anmeldung/gesendet")
def sent(seminar_id: int):
    entry = catalogue.get_public_seminar(seminar_id, now=utcnow())
    return render_template("registrations/sent.html", seminar=entry.seminar)


def _manage_page(token: str):
    view = services.overview(token, now=utcnow())
    return render_template(
        "registrations/manage.html", view=view, token=token
    ), 410 if view.gone else 200


@bp.get("/anmeldung/<token>")
def manage(token: str):
    return _manage_page(token)


@bp.post("/anmeldung/<token>/bestaetigen")
def confirm(token: str):
    registration = services.confirm_by_token(token, now=utcnow())
    if registration.status == STATUS_EXPIRED:
        flash(_("Die Frist für die Bestätigung ist leider abgelaufen."), "warning")
    else:
        flash(_("Vielen Dank, Ihre Anmeldung ist bestätigt."), "success")
    return redirect(url_for(".manage", token=token), code=303)


@bp.get("/anmeldung/<token>/abmelden")
def cancel_form(token: str):
    view = services.overview(token, now=utcnow())
    if view.gone:
        return _manage_page(token)
    return render_template("registrations/cancel.html", view=view, token=token)


@bp.post("/anmeldung/<token>/abmelden")
def cancel(token: str):
    services.cancel_by_token(token, now=utcnow())
    flash(_("Sie sind abgemeldet. Wir haben Ihnen eine Bestätigung geschickt."), "success")
    return redirect(url_for(".manage", token=token), code=303)


@bp.post("/anmeldung/<token>/angebot/annehmen")
def accept(token: str):
    registration = services.accept_by_token(token, now=utcnow())
    if registration.status == STATUS_EXPIRED:
        flash(_("Die Frist für das Platzangebot ist leider abgelaufen."), "warning")
    else:
        flash(_("Sie haben den Platz angenommen. Ihr Platz ist sicher."), "success")
    return redirect(url_for(".manage", token=token), code=303)


@bp.post("/anmeldung/<token>/angebot/ablehnen")
def decline(token: str):
    services.decline_by_token(token, now=utcnow())
    flash(_("Sie haben den Platz abgelehnt. Er geht an die nächste Person."), "success")
    return redirect(url_for(".manage", token=token), code=303)


@bp.get("/anmeldung/<token>/seminar.ics")
def calendar(token: str):
    view = services.overview(token, now=utcnow())
    return calendar_response([view.seminar], filename=f"seminar-{view.seminar.id}.ics")
