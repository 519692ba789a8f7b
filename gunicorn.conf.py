"""What gunicorn does beyond its command line; it reads this file from the working directory
(``deploy/seminars-web.service`` starts it in the app's folder)."""

import logging


def post_worker_init(worker):
    """Each worker loads the PDF engine before its first request, so that the first
    certificate a worker issues does not wait for it. A PDF engine that fails to load must
    not keep the worker (and with it the whole site) from starting: the failure is logged,
    and only documents fail, when they are asked for."""
    from seminars.core.pdf import warm_up

    try:
        warm_up()
    except Exception:
        logging.getLogger("seminars").exception("the PDF engine could not be loaded")
