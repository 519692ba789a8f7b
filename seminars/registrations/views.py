"""The registrant's own page behind the link in every mail (registering is on the seminar's
page, ``catalogue/views.py``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from seminars.core.actions import refusal_on
from seminars.core.security import keep_personal_page_private
from seminars.core.timezone import utcnow
from seminars.programme.ical import calendar_response
from seminars.registrations import offer_completion, self_service, services
from seminars.registrations.forms import (
    CompleteOfferForm,
    OwnDetailsForm,
    county_groups,
    own_details_from,
)
from seminars.registrations.models import STATUS_EXPIRED

bp = Blueprint("registrations", __name__)


bp.after_request(keep_personal_page_private)


def _manage_page(token: str, name_form: CompleteOfferForm | None = None):
    view = services.overview(token, now=utcnow())
    if name_form is None and offer_completion.needs_name(view.registration):
        name_form = CompleteOfferForm(formdata=None)
    status = 410 if view.gone else 422 if name_form is not None and name_form.errors else 200
    return render_template(
        "registrations/manage.html",
        view=view,
        token=token,
        name_form=name_form,
        county_groups=county_groups(),
    ), status


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
    if view.gone or view.taken_place:
        return _manage_page(token)
    return render_template("registrations/cancel.html", view=view, token=token)


@bp.post("/anmeldung/<token>/abmelden")
def cancel(token: str):
    services.cancel_by_token(token, now=utcnow())
    flash(_("Sie sind abgemeldet. Wir haben Ihnen eine Bestätigung geschickt."), "success")
    return redirect(url_for(".manage", token=token), code=303)


def _change_page(token: str, form: OwnDetailsForm, status: int = 200):
    page = self_service.change_page(token, now=utcnow())
    return render_template(
        "registrations/change.html",
        page=page,
        form=form,
        token=token,
        county_groups=county_groups(),
    ), status


@bp.get("/anmeldung/<token>/aendern")
def change_form(token: str):
    page = self_service.change_page(token, now=utcnow())
    form = OwnDetailsForm(obj=page.registration).offer_channels(page.registration)
    return _change_page(token, form)


@bp.post("/anmeldung/<token>/aendern")
def change(token: str):
    page = self_service.change_page(token, now=utcnow())
    form = OwnDetailsForm().offer_channels(page.registration)
    if form.validate_on_submit():
        with refusal_on(form) as refused:
            self_service.change_own_details(token, own_details_from(form), now=utcnow())
        if not refused:
            flash(_("Ihre Angaben sind geändert."), "success")
            return redirect(url_for(".manage", token=token), code=303)
    return _change_page(token, form, 422)


@bp.post("/anmeldung/<token>/angebot/annehmen")
def accept(token: str):
    """Accept the offered seat; someone without a name yet (from an interest list) gives it
    in the same form."""
    if offer_completion.needs_name(services.find_by_token(token)):
        form = CompleteOfferForm()
        if not form.validate_on_submit():
            return _manage_page(token, form)
        registration = offer_completion.complete_and_accept(
            token,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            organisation=form.organisation.data,
            county=form.county.data or None,
            now=utcnow(),
        )
    else:
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
