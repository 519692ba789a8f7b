"""Templates translate through the request's translations, kept per request and locale."""

from flask import render_template_string
from flask_babel import force_locale, refresh

from seminars.core.i18n import request_translations

PAGE = (
    '{{ _("Seminarprogramm") }}|'
    '{{ ngettext("Noch %(num)d Platz frei", "Noch %(num)d Plätze frei", 2) }}'
)


def test_templates_follow_the_request_language(app):
    # Each request starts with a refresh (as the app's first before_request hook does).
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        refresh()
        assert render_template_string(PAGE) == "Seminar programme|2 places left"
    with app.test_request_context(headers={"Cookie": "lang=de"}):
        refresh()
        assert render_template_string(PAGE) == "Seminarprogramm|Noch 2 Plätze frei"


def test_forced_locales_and_refreshes_are_followed(app):
    with app.test_request_context(headers={"Cookie": "lang=de"}):
        refresh()
        assert render_template_string(PAGE).startswith("Seminarprogramm|")
        with force_locale("en"):
            assert render_template_string(PAGE) == "Seminar programme|2 places left"
        assert render_template_string(PAGE) == "Seminarprogramm|Noch 2 Plätze frei"
        refresh()
        assert render_template_string(PAGE).startswith("Seminarprogramm|")


def test_translations_are_looked_up_once_per_request(app, monkeypatch):
    import seminars.core.i18n as i18n

    calls = []
    real = i18n.get_translations
    monkeypatch.setattr(i18n, "get_translations", lambda: calls.append(1) or real())
    with app.test_request_context():
        refresh()
        first = request_translations()
        assert all(request_translations() is first for _ in range(5))
    assert len(calls) == 1
