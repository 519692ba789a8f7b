"""Bar charts as server-rendered SVG, with a title and a description for screen readers."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

from seminars.surveys.labels import scale_labels
from seminars.surveys.models import KIND_SCALE, KIND_TEXT, KIND_YES_NO

BAR_HEIGHT = 26
GAP = 8
WIDTH = 520
FONT_SIZE = 15
# Room for the labels left of the bars: as much as the longest label needs (about 0.6 em a
# character), at least LABEL_MIN and at most half the chart, so that no label runs off the left.
LABEL_MIN = 100
CHAR_WIDTH = 9


def label_width(rows: list[tuple[str, int]]) -> int:
    longest = max((len(label) for label, _count in rows), default=0)
    return max(LABEL_MIN, min(WIDTH // 2, CHAR_WIDTH * longest + 16))


def bar_chart(chart_id: str, title: str, description: str, rows: list[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per (label, count). The data table beside it carries the numbers
    too; the SVG's title and desc say what it shows."""
    largest = max((count for _label, count in rows), default=0) or 1
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    labels = label_width(rows)
    bar_space = WIDTH - labels - 60
    for index, (label, count) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(bar_space * count / largest)
        parts.append(
            f'<text x="{labels - 8}" y="{y + BAR_HEIGHT * 0.7:.0f}" text-anchor="end" '
            f'font-size="{FONT_SIZE}" fill="#1b1b1b">{escape(label)}</text>'
            f'<rect x="{labels}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
            f'fill="#1d5c4a"></rect>'
            f'<text x="{labels + width + 6}" y="{y + BAR_HEIGHT * 0.7:.0f}" '
            f'font-size="{FONT_SIZE}" fill="#1b1b1b">{count}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def question_rows(question) -> list[tuple[str, int]]:
    """A question's answers as (label, count), in the order of the scale."""
    if question.kind == KIND_SCALE:
        return [
            (f"{value} – {label}", question.counts.get(value, 0)) for value, label in scale_labels()
        ]
    if question.kind == KIND_YES_NO:
        return [(_("Ja"), question.counts.get("yes", 0)), (_("Nein"), question.counts.get("no", 0))]
    return sorted(question.counts.items())


def charts_of(stats, locale: str) -> dict:
    """An SVG chart and its rows for every question whose figures may be shown."""
    charts = {}
    for question in stats.questions:
        if question.shown and question.kind != KIND_TEXT:
            rows = question_rows(question)
            text = question.text(locale)
            description = "; ".join(f"{label}: {count}" for label, count in rows)
            chart = bar_chart(f"chart-{question.key}", text, description, rows)
            charts[question.key] = (chart, rows)
    return charts
