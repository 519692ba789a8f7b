"""Public pages: the catalogue, the archive, a seminar's page and registering on it."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from seminars.catalogue import services
from seminars.catalogue.choices import current_choices
from seminars.catalogue.filters import parse_filters
from seminars.catalogue.fragments import filter_form, interest_box, pagination, rendered_entries
from seminars.catalogue.page_cache import cached_page
from seminars.core.clients import client_key
from seminars.core.i18n import current_language
from seminars.core.markdown import render_markdown
from seminars.core.security import keep_personal_page_private
from seminars.core.timezone import utcnow
from seminars.extensions import limiter
from seminars.interest.forms import SeminarSubscriptionForm
from seminars.interest.services import offers_new_date_list
from seminars.programme.availability import WAITLIST_OPEN
from seminars.programme.models import STATUS_PUBLISHED
from seminars.registrations import allocation
from seminars.registrations.forms import RegistrationForm, applicant_from, county_groups

bp = Blueprint("catalogue", __name__)

# Registering shows one person's input: kept as private as the pages behind a personal link.
PERSONAL_ENDPOINTS = frozenset({"catalogue.register", "catalogue.sent"})


@bp.after_request
def keep_registering_private(response):
    if request.endpoint in PERSONAL_ENDPOINTS:
        keep_personal_page_private(response)
    return response


def _list_page(*, archive: bool):
    choices = current_choices()
    filters, problems = parse_filters(
        request.args, topic_keys=choices.topic_keys, towns=choices.towns
    )
    now = utcnow()
    page = services.list_seminars(
        filters,
        now=now,
        page_size=current_app.config["CATALOGUE_PAGE_SIZE"],
        archive=archive,
        details=False,
    )
    return render_template(
        "catalogue/list.html",
        archive=archive,
        problems=problems,
        page=page,
        filter_form=filter_form(choices, filters, now=now, archive=archive),
        entries=rendered_entries(page.entries),
        pagination=pagination(page, filters, archive=archive),
        interest_box=None if archive else interest_box(choices, filters.topic),
    )


@bp.get("/")
@cached_page
def index():
    return _list_page(archive=False)


@bp.get("/archiv")
@cached_page
def archive():
    return _list_page(archive=True)


def _seminar_page(seminar_id: int, form: RegistrationForm, status: int = 200):
    """The seminar's public page with the registration form."""
    now = utcnow()
    entry = services.get_public_seminar(seminar_id, now=now)
    # Full (or closed while still to come): a list for a new date instead of the form.
    new_date = entry.seminar.status == STATUS_PUBLISHED and offers_new_date_list(
        entry.availability, upcoming=entry.starts_at > now
    )
    return render_template(
        "catalogue/detail.html",
        entry=entry,
        seminar=entry.seminar,
        description=render_markdown(entry.seminar.description),
        form=form,
        county_groups=county_groups(),
        new_date_form=SeminarSubscriptionForm(formdata=None) if new_date else None,
    ), status


@bp.get("/seminare/<int:seminar_id>")
def detail(seminar_id: int):
    return _seminar_page(seminar_id, RegistrationForm(formdata=None))


@bp.post("/seminare/<int:seminar_id>/anmeldung")
@limiter.limit(lambda: current_app.config["REGISTRATION_RATE_LIMIT"])
def register(seminar_id: int):
    form = RegistrationForm()
    if form.is_robot:
        # Answer exactly as for a person, but keep nothing.
        entry = services.get_public_seminar(seminar_id, now=utcnow())
        return _sent(seminar_id, waitlisted=entry.availability.state == WAITLIST_OPEN)
    if not form.validate():
        return _seminar_page(seminar_id, form, status=422)
    result = allocation.register(
        seminar_id,
        applicant_from(form, locale=current_language()),
        now=utcnow(),
        client_key=client_key(),
    )
    return _sent(seminar_id, waitlisted=result.waitlisted)


def _sent(seminar_id: int, *, waitlisted: bool):
    """The answer after registering: whether the person waits for a seat is in the address,
    so the page says it without looking anyone up."""
    place = "warteliste" if waitlisted else None
    return redirect(url_for(".sent", seminar_id=seminar_id, platz=place), code=303)


@bp.get("/seminare/<int:seminar_id>/anmeldung/gesendet")
def sent(seminar_id: int):
    entry = services.get_public_seminar(seminar_id, now=utcnow())
    return render_template(
        "registrations/sent.html",
        seminar=entry.seminar,
        waitlisted=request.args.get("platz") == "warteliste",
    )
