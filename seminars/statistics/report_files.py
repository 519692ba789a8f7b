"""The statistics as files: the CSV export and the annual report (PDF), with the same figures
as the page."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import gettext as _

from seminars.core.i18n import current_language
from seminars.core.pdf import html_to_pdf
from seminars.exports.services import to_csv
from seminars.registrations.labels import county_label
from seminars.statistics.charts import charts_of, question_rows
from seminars.statistics.notes import county_note, years_left_out_note
from seminars.surveys.models import KIND_TEXT


def statistics_csv(stats) -> bytes:
    rows = _headline_rows(stats) + [[]] + _question_rows(stats) + [[]]
    rows += _county_rows(stats)
    rows += [[], [_("Seminar"), _("Kennung"), _("Personen ohne Platz")]]
    rows += [[seminar.title, seminar.code, count] for seminar, count in stats.overflow]
    rows += [[], [_("Themenbereich"), _("Frage"), _("Jahr"), _("Mittelwert"), "n"]]
    for (topic_name, key), per_year in sorted(stats.by_year.items()):
        for year, (mean, n) in sorted(per_year.items()):
            rows.append([topic_name, key, year, round(mean, 2), n])
    return to_csv(rows[0], rows[1:])


def annual_report_pdf(stats, *, now: datetime) -> bytes:
    html = render_template(
        "statistics/report.html",
        stats=stats,
        charts=charts_of(stats, current_language()),
        now=now,
        county_note=county_note(),
        years_left_out_note=years_left_out_note,
    )
    return html_to_pdf(html)


def _rate(value: float | None, digits: int = 3):
    return round(value, digits) if value is not None else ""


def _headline_rows(stats) -> list[list]:
    h = stats.headline
    return [
        [_("Kennzahl"), _("Wert")],
        [_("Durchgeführte Seminare"), h.seminars_held],
        [_("Anmeldungen"), h.registrations],
        [_("Erreichte Personen"), h.people_reached],
        [_("Auslastung"), _rate(h.fill_rate)],
        [_("Nachfrage auf der Warteliste"), h.waitlist_demand],
        [_("Abmeldequote"), _rate(h.cancellation_rate)],
        [_("Nicht erschienen"), _rate(h.no_show_rate)],
        [
            _("Rücklaufquote (Seminare mit mindestens %(n)d Antworten)", n=stats.minimum),
            _rate(h.response_rate) if h.response_rate is not None else _("zu wenige Antworten"),
        ],
    ]


def _question_rows(stats) -> list[list]:
    header = [_("Frage"), _("Antwort"), _("Anzahl"), _("Mittelwert"), "n"]
    rows: list[list] = [[*header, _("Seminare nicht enthalten")]]
    for question in stats.questions:
        left_out = question.seminars_left_out
        if not question.shown:
            rows.append([question.key, _("nicht genug Antworten"), "", "", "", left_out])
        elif question.kind == KIND_TEXT:
            n = question.n
            rows.append([question.key, _("Freitextantworten"), n, "", n, left_out])
        else:
            mean = _rate(question.mean, 2)
            for label, count in question_rows(question):
                rows.append([question.key, label, count, mean, question.n, left_out])
    return rows


def _county_rows(stats) -> list[list]:
    table = stats.counties
    rows: list[list] = [[_("Landkreis"), _("Teilnehmende")]]
    if not table.offered:
        return [*rows, [county_note()]]
    rows += [[county_label(county), count] for county, count in table.rows]
    if table.other:
        rows.append([_("Andere Landkreise oder ohne Angabe"), table.other])
    if table.years_left_out:
        rows.append([years_left_out_note(table.years_left_out, stats.minimum)])
    return rows
