"""``gunicorn.conf.py``: what each app-server worker does when it starts."""

import logging
import runpy
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_a_worker_loads_the_pdf_engine_when_it_starts(monkeypatch):
    loaded = []
    monkeypatch.setattr("seminars.core.pdf.warm_up", lambda: loaded.append(True))
    runpy.run_path(str(CONFIG))["post_worker_init"](worker=None)
    assert loaded == [True]


def test_a_broken_pdf_engine_does_not_stop_the_worker(monkeypatch, caplog):
    def broken():
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr("seminars.core.pdf.warm_up", broken)
    # The app's logging set-up stops "seminars" records from reaching the root logger.
    logger = logging.getLogger("seminars")
    logger.addHandler(caplog.handler)
    try:
        runpy.run_path(str(CONFIG))["post_worker_init"](worker=None)
    finally:
        logger.removeHandler(caplog.handler)
    assert "PDF engine could not be loaded" in caplog.text
    assert "libpango" in caplog.text  # the cause is in the log


def test_warming_up_needs_no_application():
    from seminars.core import pdf

    pdf.warm_up()  # a worker has no application context yet when it starts
