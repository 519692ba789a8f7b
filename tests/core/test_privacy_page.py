def test_the_statement_asks_for_what_only_the_academy_can_say(client, app):
    page = client.get("/datenschutz").get_data(as_text=True)
    assert page.count('class="to-fill"') == 3
    assert "30 Tage nach dem Seminar" in page and "24 Monate nach dem Seminar" in page
    assert "Art. 9 Abs. 2 Buchst. a DSGVO" in page and "TLfDI" in page


def test_filled_in_statement(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "ACADEMY_ADDRESS", "Bahnhofstraße 1, 99084 Erfurt")
    monkeypatch.setitem(app.config, "PRIVACY_OFFICER", "Datenschutz GmbH, dsb@example.org")
    monkeypatch.setitem(app.config, "PRIVACY_PROCESSORS", "Hosting GmbH, Leipzig")
    monkeypatch.setitem(app.config, "NEEDS_RETENTION_DAYS", 14)
    monkeypatch.setitem(app.config, "PRIVACY_UPDATED", "1. Dezember 2026")
    page = client.get("/datenschutz").get_data(as_text=True)
    assert "to-fill" not in page
    assert "Bahnhofstraße 1, 99084 Erfurt" in page and "Hosting GmbH, Leipzig" in page
    assert "14 Tage nach dem Seminar" in page and "Stand: 1. Dezember 2026" in page


def test_the_statement_in_english(client, app):
    client.set_cookie("lang", "en")
    page = client.get("/datenschutz").get_data(as_text=True)
    assert "Privacy" in page and "[please fill in" in page


def test_production_start_warns_about_an_unfilled_statement():
    import logging

    from seminars import create_app

    class Recorder(logging.Handler):
        messages: list[str] = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    recorder = Recorder()
    logger = logging.getLogger("seminars")
    logger.addHandler(recorder)
    try:
        create_app(
            "production",
            {
                "SECRET_KEY": "x" * 64,
                "BASE_URL": "https://seminare.example.org",
                "PRIVACY_OFFICER": "DSB",
                "RATELIMIT_ALLOW_MEMORY": True,
            },
        )
    finally:
        logger.removeHandler(recorder)
    assert any("ACADEMY_ADDRESS, PRIVACY_PROCESSORS" in m for m in recorder.messages)
