"""The statistics page, its CSV export and the annual report: the same figures in each."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user

from seminars.core.i18n import current_language
from seminars.core.rate_limits import pdf_rate_limit
from seminars.core.routing import parse_id
from seminars.core.timezone import utcnow
from seminars.programme.models import FORMATS
from seminars.statistics import demand, report_files, services
from seminars.statistics.charts import charts_of
from seminars.statistics.demand import MEASURES
from seminars.statistics.demand_labels import (
    demand_explanation,
    demand_heading,
    demand_years_left_out_note,
    dimension_caption,
    dimension_heading,
    figure_text,
    partial_note,
    rule_note,
)
from seminars.statistics.notes import (
    county_note,
    one_decimal,
    people_without_seat,
    service_costs_note,
    service_rule_note,
    services_left_out_note,
    split_hidden_note,
    years_left_out_note,
)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

bp = Blueprint("statistics", __name__, url_prefix="/verwaltung")


def _filters() -> services.Filters:
    def number(name):
        return parse_id(request.args.get(name))

    topic = request.args.get("topic") or None
    fmt = request.args.get("format") or None
    return services.Filters(
        year=number("year"),
        topic=topic if topic and len(topic) <= 40 else None,
        format=fmt if fmt in FORMATS else None,
        seminar_id=number("seminar"),
    )


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/statistik")
def overview():
    filters = _filters()
    now = utcnow()
    stats = services.statistics(filters, now=now)
    topics, years, seminars = services.filter_choices(filters.year, now=now)
    locale = current_language()
    return render_template(
        "statistics/overview.html",
        stats=stats,
        county_note=county_note(),
        service_costs_note=service_costs_note(),
        service_rule_note=service_rule_note,
        services_left_out_note=services_left_out_note,
        split_hidden_note=split_hidden_note,
        years_left_out_note=years_left_out_note,
        charts=charts_of(stats, locale),
        topics=topics,
        years=years,
        seminars=seminars,
        formats=FORMATS,
        locale=locale,
        new_date_endpoint=new_date_endpoint(),
        without_seat=people_without_seat(count for _seminar, count in stats.overflow),
        decimal=one_decimal(),
    )


@bp.get("/statistik.csv")
def export():
    stats = services.statistics(_filters(), now=utcnow())
    body = report_files.statistics_csv(stats, current_language())
    # Flask adds "; charset=utf-8" to every text type.
    return _attachment(body, "text/csv", "statistik.csv")


@bp.get("/statistik/leistungen.csv")
def service_costs_export():
    table = services.services_of(_filters(), now=utcnow())
    body = report_files.service_costs_csv(table, current_language())
    return _attachment(body, "text/csv", "leistungen-kosten.csv")


@bp.get("/statistik.xlsx")
def export_xlsx():
    stats = services.statistics(_filters(), now=utcnow())
    body = report_files.statistics_xlsx(stats, current_language())
    return _attachment(body, XLSX_MIMETYPE, "statistik.xlsx")


@bp.get("/statistik/bericht.pdf")
@pdf_rate_limit
def report():
    now = utcnow()
    stats = services.statistics(_filters(), now=now)
    body = report_files.annual_report_pdf(stats, now=now, new_date_endpoint=new_date_endpoint())
    return _attachment(body, "application/pdf", "jahresbericht.pdf")


# Staff prepare a new date for a seminar with a full waitlist here (planning).
NEW_DATE_ENDPOINT = "planning.new_date"


def new_date_endpoint() -> str | None:
    """The page for a new date from the waitlist, for the roles that may open it (staff and
    admins, never the steering committee), while the app has it."""
    if NEW_DATE_ENDPOINT in current_app.view_functions and current_user.sees_personal_data:
        return NEW_DATE_ENDPOINT
    return None


@bp.get("/statistik/nachfrage")
def demand_figures():
    figures = demand.demand(
        parse_id(request.args.get("year")), now=utcnow(), locale=current_language()
    )
    return render_template(
        "statistics/demand.html",
        demand=figures,
        measures=MEASURES,
        demand_heading=demand_heading,
        demand_explanation=demand_explanation,
        dimension_heading=dimension_heading,
        dimension_caption=dimension_caption,
        figure_text=figure_text,
        rule_note=rule_note(figures.minimum),
        partial_note=partial_note(),
        years_left_out_note=demand_years_left_out_note,
    )


@bp.get("/statistik/nachfrage.csv")
def demand_export():
    locale = current_language()
    figures = demand.demand(parse_id(request.args.get("year")), now=utcnow(), locale=locale)
    body = report_files.demand_csv(figures, locale)
    return _attachment(body, "text/csv", "nachfrage.csv")
