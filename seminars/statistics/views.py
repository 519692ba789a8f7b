"""The statistics page, its CSV export, and hiding free-text answers that name people."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from seminars.catalogue.models import FORMATS
from seminars.core.i18n import current_language
from seminars.core.rate_limits import pdf_rate_limit
from seminars.core.routing import parse_id
from seminars.core.timezone import utcnow
from seminars.exports.services import to_csv
from seminars.extensions import db
from seminars.statistics import services
from seminars.statistics.charts import bar_chart
from seminars.surveys.labels import scale_labels

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
    if question.kind == "scale5":
        return [
            (f"{value} – {label}", question.counts.get(value, 0)) for value, label in scale_labels()
        ]
    if question.kind == "yes_no":
        return [(_("Ja"), question.counts.get("yes", 0)), (_("Nein"), question.counts.get("no", 0))]
    return sorted(question.counts.items())


def _charts(stats, locale: str) -> dict:
    """An SVG chart and its rows for every question whose figures may be shown."""
    charts = {}
    for question in stats.questions:
        if question.shown and question.kind != "text":
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
        charts=_charts(stats, locale),
        topics=topics,
        years=years,
        seminars=seminars,
        formats=FORMATS,
        locale=locale,
    )


@bp.get("/statistik.csv")
def export():
    stats = services.statistics(_filters(), now=utcnow())
    h = stats.headline
    rows: list[list] = [
        [_("Kennzahl"), _("Wert")],
        [_("Durchgeführte Seminare"), h.seminars_held],
        [_("Anmeldungen"), h.registrations],
        [_("Erreichte Personen"), h.people_reached],
        [_("Auslastung"), round(h.fill_rate, 3) if h.fill_rate is not None else ""],
        [_("Nachfrage auf der Warteliste"), h.waitlist_demand],
        [
            _("Abmeldequote"),
            round(h.cancellation_rate, 3) if h.cancellation_rate is not None else "",
        ],
        [_("Nicht erschienen"), round(h.no_show_rate, 3) if h.no_show_rate is not None else ""],
        [_("Rücklaufquote"), round(h.response_rate, 3) if h.response_rate is not None else ""],
        [],
        [_("Frage"), _("Antwort"), _("Anzahl"), _("Mittelwert"), "n"],
    ]
    for question in stats.questions:
        if question.kind == "text":
            continue
        if not question.shown:
            rows.append(
                [
                    question.key,
                    _("weniger als %(n)d Antworten", n=stats.minimum),
                    "",
                    "",
                    question.n,
                ]
            )
            continue
        for label, count in _question_rows(question):
            mean = round(question.mean, 2) if question.mean is not None else ""
            rows.append([question.key, label, count, mean, question.n])
    rows += [[], [_("Landkreis"), _("Anmeldungen")]]
    rows += [
        [county or "-", count if count is not None else f"< {stats.minimum}"]
        for county, count in stats.counties
    ]
    rows += [[], [_("Seminar"), _("Kennung"), _("Personen ohne Platz")]]
    rows += [[seminar.title, seminar.code, count] for seminar, count in stats.overflow]
    rows += [[], [_("Themenbereich"), _("Frage"), _("Jahr"), _("Mittelwert"), "n"]]
    for (topic_name, key), per_year in sorted(stats.by_year.items()):
        for year, (mean, n) in sorted(per_year.items()):
            rows.append([topic_name, key, year, round(mean, 2) if mean is not None else "", n])
    body = to_csv(rows[0], rows[1:])
    response = Response(body, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="statistik.csv"'
    return response


@bp.post("/statistik/antworten/<int:response_id>/<int:question_id>/ausblenden")
def hide(response_id: int, question_id: int):
    services.hide_text(response_id, question_id, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("Die Antwort ist ausgeblendet."), "success")
    return redirect(url_for("statistics.overview", **request.args), code=303)


@bp.get("/statistik/bericht.pdf")
@pdf_rate_limit
def report():
    from weasyprint import HTML

    from seminars.certificates.pdf import font_config, static_only_fetcher

    now = utcnow()
    stats = services.statistics(_filters(), now=now)
    html = render_template(
        "statistics/report.html", stats=stats, charts=_charts(stats, current_language()), now=now
    )
    body = HTML(string=html, url_fetcher=static_only_fetcher(current_app.static_folder)).write_pdf(
        font_config=font_config(), pdf_variant="pdf/ua-1"
    )
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="jahresbericht.pdf"'
    return response
