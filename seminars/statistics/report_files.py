"""The statistics as files: CSV, XLSX and the annual report (PDF), with the same figures as
the page. Questions appear with their wording in the user's language, shares in per cent (the
spreadsheet conventions are in ``seminars.exports.sheets``)."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import gettext as _

from seminars.accessibility.labels import kind_label
from seminars.core.i18n import current_language
from seminars.core.pdf import html_to_pdf
from seminars.exports.sheets import (
    PERCENT_SUFFIX,
    Fixed,
    Percent,
    Sheet,
    to_csv_rows,
    to_xlsx_sheets,
)
from seminars.registrations.labels import county_label
from seminars.statistics.charts import charts_of, question_rows
from seminars.statistics.demand import MEASURES, Demand
from seminars.statistics.demand_labels import (
    demand_heading,
    demand_years_left_out_note,
    dimension_heading,
    figure_text,
    partial_note,
)
from seminars.statistics.notes import (
    county_note,
    service_costs_note,
    service_rule_note,
    services_left_out_note,
    split_hidden_note,
    years_left_out_note,
)
from seminars.statistics.service_costs import ServiceCosts, ServiceFigures, ServiceRow
from seminars.surveys.models import KIND_TEXT


def statistics_sheets(stats, locale: str) -> list[Sheet]:
    """The figures as tables: headline, survey, counties, waitlist overflow, the years."""
    overflow = Sheet(
        _("Warteliste"),
        [_("Seminar"), _("Kennung"), _("Personen ohne Platz")],
        [[seminar.title, seminar.code, count] for seminar, count in stats.overflow],
    )
    years = Sheet(_("Jahre"), [_("Themenbereich"), _("Frage"), _("Jahr"), _("Mittelwert"), "n"])
    for (topic_name, key), per_year in sorted(stats.by_year.items()):
        for year, (mean, n) in sorted(per_year.items()):
            years.rows.append([topic_name, stats.question_text(key, locale), year, Fixed(mean), n])
    return [
        _headline_sheet(stats),
        _question_sheet(stats, locale),
        _county_sheet(stats),
        overflow,
        years,
        service_costs_sheet(stats.services, locale),
    ]


def statistics_csv(stats, locale: str) -> bytes:
    """All sheets one below the other, an empty row between them."""
    rows: list[list] = []
    for sheet in statistics_sheets(stats, locale):
        if rows:
            rows.append([])
        rows += [sheet.header, *sheet.rows]
    return to_csv_rows(rows, locale=locale)


def service_costs_csv(table: ServiceCosts, locale: str) -> bytes:
    sheet = service_costs_sheet(table, locale)
    return to_csv_rows([sheet.header, *sheet.rows], locale=locale)


def statistics_xlsx(stats, locale: str) -> bytes:
    return to_xlsx_sheets(statistics_sheets(stats, locale))


def annual_report_pdf(stats, *, now: datetime, new_date_endpoint: str | None = None) -> bytes:
    html = render_template(
        "statistics/report.html",
        stats=stats,
        new_date_endpoint=new_date_endpoint,
        charts=charts_of(stats, current_language()),
        now=now,
        county_note=county_note(),
        years_left_out_note=years_left_out_note,
        service_costs_note=service_costs_note(),
        service_rule_note=service_rule_note,
        services_left_out_note=services_left_out_note,
        split_hidden_note=split_hidden_note,
    )
    return html_to_pdf(html)


def demand_csv(figures: Demand, locale: str) -> bytes:
    """The demand tables one below the other, with the same figures and words as the page."""
    rows: list[list] = [
        [_("Jahr"), figures.year if figures.year is not None else _("Alle Jahre")],
        [],
        [_("Aufteilung"), _("Gruppe"), *(demand_heading(measure) for measure in MEASURES)],
    ]
    for table in figures.tables:
        dimension = dimension_heading(table.dimension)
        listed = [*table.rows, *([table.pooled] if table.pooled else []), table.total]
        for row in listed:
            cells = [figure_text(row.figures[measure], figures.minimum) for measure in MEASURES]
            rows.append([dimension, row.label, *cells])
    if figures.partial:
        rows.append([partial_note()])
    if figures.years_left_out:
        rows.append([demand_years_left_out_note(figures.years_left_out, figures.minimum)])
    return to_csv_rows(rows, locale=locale)


def _share(value: float | None):
    return Percent(value) if value is not None else ""


def _waitlist_demand(stats) -> int | str:
    h = stats.headline
    if h.waitlist_demand_shown == "small_only":
        return _("nur kleine Wartelisten (je Seminar weniger als %(n)d Personen)", n=stats.minimum)
    if h.waitlist_demand_shown == "at_least":
        return _("mindestens %(n)d", n=h.waitlist_demand)
    return h.waitlist_demand


def _headline_sheet(stats) -> Sheet:
    h = stats.headline
    rows: list[list] = [
        [_("Durchgeführte Seminare"), h.seminars_held],
        [_("Anmeldungen"), h.registrations],
        [_("Erreichte Personen"), h.people_reached],
        [_("Auslastung") + PERCENT_SUFFIX, _share(h.fill_rate)],
        [_("Nachfrage auf der Warteliste"), _waitlist_demand(stats)],
        [_("Abmeldequote") + PERCENT_SUFFIX, _share(h.cancellation_rate)],
        [_("Nicht erschienen") + PERCENT_SUFFIX, _share(h.no_show_rate)],
        [
            _("Rücklaufquote (Seminare mit mindestens %(n)d Antworten)", n=stats.minimum)
            + PERCENT_SUFFIX,
            _share(h.response_rate) if h.response_rate is not None else _("zu wenige Antworten"),
        ],
    ]
    return Sheet(_("Kennzahlen"), [_("Kennzahl"), _("Wert")], rows)


def _question_sheet(stats, locale: str) -> Sheet:
    header = [_("Frage"), _("Antwort"), _("Anzahl"), _("Mittelwert"), "n"]
    sheet = Sheet(_("Befragung"), [*header, _("Seminare nicht enthalten")])
    for question in stats.questions:
        text = question.text(locale)
        left_out = question.seminars_left_out
        if not question.shown:
            sheet.rows.append([text, _("nicht genug Antworten"), "", "", "", left_out])
        elif question.kind == KIND_TEXT:
            n = question.n
            sheet.rows.append([text, _("Freitextantworten"), n, "", n, left_out])
        else:
            mean = Fixed(question.mean) if question.mean is not None else ""
            for label, count in question_rows(question):
                sheet.rows.append([text, label, count, mean, question.n, left_out])
    return sheet


def _county_sheet(stats) -> Sheet:
    table = stats.counties
    sheet = Sheet(_("Landkreise"), [_("Landkreis"), _("Teilnehmende")])
    if not table.offered:
        sheet.rows.append([county_note()])
        return sheet
    sheet.rows += [[county_label(county), count] for county, count in table.rows]
    if table.other:
        sheet.rows.append([_("Andere Landkreise oder ohne Angabe"), table.other])
    if table.years_left_out:
        sheet.rows.append([years_left_out_note(table.years_left_out, stats.minimum)])
    return sheet


def _service_cells(figures: ServiceFigures, interpreting: bool) -> list:
    return [
        figures.services,
        figures.sessions if interpreting else "",
        Fixed(figures.hours, 1) if interpreting else "",
        Fixed(figures.cost_euros, 2),
        *(
            [Fixed(figures.planned_only_euros, 2), figures.unpriced]
            if figures.split_shown
            else [
                _("enthalten*") if figures.has_planned else "",
                _("ja*") if figures.unpriced else "",
            ]
        ),
    ]


def service_costs_sheet(table: ServiceCosts, locale: str) -> Sheet:
    """Services by year, topic and kind, the totals of each year and of all years."""
    sheet = Sheet(
        _("Leistungen und Kosten"),
        [
            _("Jahr"),
            _("Themenbereich"),
            _("Leistung"),
            _("Anzahl Leistungen"),
            _("Termine gedolmetscht"),
            _("Stunden gedolmetscht"),
            _("Kosten (EUR)"),
            _("davon erst geplant (EUR)"),
            _("Leistungen ohne Kostenangabe"),
        ],
    )
    if not table.offered:
        sheet.rows.append([service_costs_note()])
        return sheet

    def row_of(row: ServiceRow, topic_text: str) -> list:
        return [
            row.year,
            topic_text,
            kind_label(row.kind or ""),
            *_service_cells(row.figures, row.interpreting),
        ]

    for year in table.years:
        for row in year.rows:
            topic = row.topic.name(locale) if row.topic else _("Andere Themenbereiche")
            sheet.rows.append(row_of(row, topic))
        for row in year.kind_totals:
            sheet.rows.append(row_of(row, _("Alle Themenbereiche")))
        sheet.rows.append(
            [
                year.year,
                _("Alle Themenbereiche"),
                _("Alle Leistungen"),
                *_service_cells(year.total, True),
            ]
        )
    if len(table.years) > 1:
        sheet.rows.append(
            [
                _("Alle Jahre"),
                _("Alle Themenbereiche"),
                _("Alle Leistungen"),
                *_service_cells(table.total, True),
            ]
        )
    if table.split_hidden:
        sheet.rows.append([split_hidden_note(table.minimum)])
    if table.left_out:
        sheet.rows.append([services_left_out_note(table.minimum)])
    return sheet
