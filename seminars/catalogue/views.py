"""Public pages: the catalogue, the archive and a seminar's page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from seminars.catalogue import services
from seminars.catalogue.filters import parse_filters
from seminars.catalogue.page_cache import cached_page
from seminars.core.timezone import berlin_date, utcnow
from seminars.programme.labels import month_options
from seminars.programme.models import FORMATS
from seminars.registrations.forms import RegistrationForm
from seminars.registrations.views import render_seminar_page

bp = Blueprint("catalogue", __name__)


def _list_page(*, archive: bool):
    choices = services.filter_choices()
    filters, problems = parse_filters(
        request.args, topic_keys=choices.topic_keys, towns=choices.towns
    )
    now = utcnow()
    page = services.list_seminars(
        filters,
        now=now,
        page_size=current_app.config["CATALOGUE_PAGE_SIZE"],
        archive=archive,
    )
    return render_template(
        "catalogue/list.html",
        archive=archive,
        filters=filters,
        problems=problems,
        choices=choices,
        formats=FORMATS,
        page=page,
        months=month_options(berlin_date(now), backwards=archive, count=24 if archive else 12),
    )


@bp.get("/")
@cached_page
def index():
    return _list_page(archive=False)


@bp.get("/archiv")
@cached_page
def archive():
    return _list_page(archive=True)


@bp.get("/seminare/<int:seminar_id>")
def detail(seminar_id: int):
    # The page hosts the registration form; the registrations package renders it.
    return render_seminar_page(seminar_id, RegistrationForm(formdata=None))
