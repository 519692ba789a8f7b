"""The statistics page, its CSV export and the annual report: the same figures in each."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from seminars.core.i18n import current_language
from seminars.core.pdf import html_to_pdf
from seminars.core.rate_limits import pdf_rate_limit
from seminars.core.routing import parse_id
from seminars.core.timezone import utcnow
from seminars.exports.services import to_csv
from seminars.programme.models import FORMATS
from seminars.registrations.labels import county_label
from seminars.statistics import services
from seminars.statistics.charts import bar_chart
from seminars.surveys.labels import scale_labels
from seminars.surveys.models import KIND_SCALE, KIND_TEXT, KIND_YES_NO

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


def _question_rows(question) -> list[tuple[str, int]]:
    if question.kind == KIND_SCALE:
        return [
            (f"{value} – {label}", question.counts.get(value, 0)) for value, label in scale_labels()
        ]
    if question.kind == KIND_YES_NO:
        return [(_("Ja"), question.counts.get("yes", 0)), (_("Nein"), question.counts.get("no", 0))]
    return sorted(question.counts.items())


def _charts(stats, locale: str) -> dict:
    """An SVG chart and its rows for every question whose figures may be shown."""
    charts = {}
    for question in stats.questions:
        if question.shown and question.kind != KIND_TEXT:
            rows = _question_rows(question)
            text = question.text_en if locale == "en" else question.text_de
            description = "; ".join(f"{label}: {count}" for label, count in rows)
            chart = bar_chart(f"chart-{question.key}", text, description, rows)
            charts[question.key] = (chart, rows)
    return charts


@bp.get("/statistik")
def overview():
    filters = _filters()
    stats = services.statistics(filters, now=utcnow())
    topics, years, seminars = services.filter_choices(filters.year)
    locale = current_language()
    return render_template(
        "statistics/overview.html",
        stats=stats,
        county_note=county_note(),
        years_left_out_note=years_left_out_note,
        charts=_charts(stats, locale),
        topics=topics,
        years=years,
        seminars=seminars,
        formats=FORMATS,
        locale=locale,
    )


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


def _question_csv_rows(stats) -> list[list]:
    rows: list[list] = [
        [_("Frage"), _("Antwort"), _("Anzahl"), _("Mittelwert"), "n",
         _("Seminare nicht enthalten")],
    ]  # fmt: skip
    for question in stats.questions:
        left_out = question.seminars_left_out
        if not question.shown:
            rows.append([question.key, _("nicht genug Antworten"), "", "", "", left_out])
        elif question.kind == KIND_TEXT:
            rows.append([question.key, _("Freitextantworten"), question.n, "", question.n,
                         left_out])  # fmt: skip
        else:
            mean = _rate(question.mean, 2)
            for label, count in _question_rows(question):
                rows.append([question.key, label, count, mean, question.n, left_out])
    return rows


def _county_csv_rows(stats) -> list[list]:
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


def county_note() -> str:
    return _(
        "Die Reichweite nach Landkreis zeigen wir nur für ganze Jahre: Mit einem Filter nach "
        "Themenbereich, Form oder Seminar ließen sich durch Vergleiche einzelne Personen "
        "herausrechnen."
    )


def years_left_out_note(years: int, minimum: int) -> str:
    return ngettext(
        "%(num)d Jahr mit weniger als %(n)d Teilnehmenden ist nicht enthalten.",
        "%(num)d Jahre mit weniger als %(n)d Teilnehmenden sind nicht enthalten.",
        years,
        n=minimum,
    )


@bp.get("/statistik.csv")
def export():
    stats = services.statistics(_filters(), now=utcnow())
    rows = _headline_rows(stats) + [[]] + _question_csv_rows(stats) + [[]]
    rows += _county_csv_rows(stats)
    rows += [[], [_("Seminar"), _("Kennung"), _("Personen ohne Platz")]]
    rows += [[seminar.title, seminar.code, count] for seminar, count in stats.overflow]
    rows += [[], [_("Themenbereich"), _("Frage"), _("Jahr"), _("Mittelwert"), "n"]]
    for (topic_name, key), per_year in sorted(stats.by_year.items()):
        for year, (mean, n) in sorted(per_year.items()):
            rows.append([topic_name, key, year, round(mean, 2), n])
    body = to_csv(rows[0], rows[1:])
    response = Response(body, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="statistik.csv"'
    return response


@bp.get("/statistik/bericht.pdf")
@pdf_rate_limit
def report():
    now = utcnow()
    stats = services.statistics(_filters(), now=now)
    html = render_template(
        "statistics/report.html",
        stats=stats,
        charts=_charts(stats, current_language()),
        now=now,
        county_note=county_note(),
        years_left_out_note=years_left_out_note,
    )
    body = html_to_pdf(html)
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="jahresbericht.pdf"'
    return response
