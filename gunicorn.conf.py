"""What gunicorn does beyond its command line; it reads this file from the working directory
(``deploy/seminars-web.service`` starts it in the app's folder)."""


def post_worker_init(worker):
    """Each worker loads the PDF engine before its first request, so that the first
    certificate a worker issues does not wait for it."""
    from seminars.core.pdf import warm_up

    warm_up()
