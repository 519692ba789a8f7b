"""Subscribing to news of new seminars or of a new date, and the subscriber's own page behind
the link in every mail (confirm, renew, unsubscribe)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from seminars.core.actions import refusal_on
from seminars.core.clients import client_key
from seminars.core.errors import DomainError
from seminars.core.i18n import current_language
from seminars.core.security import keep_personal_page_private
from seminars.core.timezone import utcnow
from seminars.extensions import csrf, limiter
from seminars.interest import services
from seminars.interest.forms import SeminarSubscriptionForm, TopicSubscriptionForm, region_groups

bp = Blueprint("interest", __name__, url_prefix="/interesse")

# Every page here shows one person's input or sits behind a personal link.
bp.after_request(keep_personal_page_private)

# Both forms together: INTEREST_RATE_LIMIT per client.
interest_rate_limit = limiter.shared_limit(
    lambda: current_app.config["INTEREST_RATE_LIMIT"], scope="interest-subscribe"
)


class FromElsewhere(DomainError):
    default_message = _l("Bitte nutzen Sie das Formular auf unserer Seite.")


def _sent():
    return redirect(url_for(".sent"), code=303)


@bp.post("/thema")
# No CSRF token: the form is on the catalogue pages, which are cached and shared between
# visitors (catalogue/page_cache.py), where a session's token must never appear. A forged
# request can do no more than anybody can with the form itself: the address it names gets a
# mail asking to confirm (double opt-in), within the rate limit and the cap per client.
# Browsers say when a form was sent from another site; such a request is refused.
@csrf.exempt
@interest_rate_limit
def subscribe_topic():
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise FromElsewhere()
    form = TopicSubscriptionForm(topics=services.topics(), language=current_language())
    if form.validate():
        with refusal_on(form) as refused:
            services.subscribe_to_topic(
                form.email.data,
                topic_id=form.topic_id,
                region=form.region_value,
                locale=current_language(),
                now=utcnow(),
                client_key=client_key(),
            )
        if not refused:
            return _sent()
    return render_template(
        "interest/subscribe_topic.html", form=form, region_groups=region_groups()
    ), 422


@bp.post("/seminar/<int:seminar_id>")
@interest_rate_limit
def subscribe_seminar(seminar_id: int):
    seminar = services.seminar_for_new_date(seminar_id)
    form = SeminarSubscriptionForm()
    if form.validate():
        with refusal_on(form) as refused:
            services.subscribe_to_seminar(
                form.email.data,
                seminar_id=seminar_id,
                locale=current_language(),
                now=utcnow(),
                client_key=client_key(),
            )
        if not refused:
            return _sent()
    return render_template("interest/subscribe_seminar.html", form=form, seminar=seminar), 422


@bp.get("/gesendet")
def sent():
    """The one answer to subscribing, whatever happened to the address."""
    return render_template("interest/sent.html")


@bp.get("/<token>")
def manage(token: str):
    view = services.overview(token, now=utcnow())
    return render_template("interest/manage.html", view=view, token=token)


@bp.post("/<token>/bestaetigen")
def confirm(token: str):
    services.confirm(token, now=utcnow())
    flash(_("Vielen Dank, Ihre Benachrichtigung ist bestätigt."), "success")
    return redirect(url_for(".manage", token=token), code=303)


@bp.post("/<token>/verlaengern")
def renew(token: str):
    services.renew(token, now=utcnow())
    flash(_("Vielen Dank, Ihre Benachrichtigung ist verlängert."), "success")
    return redirect(url_for(".manage", token=token), code=303)


@bp.route("/<token>/abmelden", methods=["GET", "POST"])
# One-click unsubscribe (RFC 8058): mail programs POST "List-Unsubscribe=One-Click" to the
# link in the List-Unsubscribe header, without a CSRF token or a session. The token in the
# address is the authorisation (only its owner has it), and the worst a forged request could
# do with it is what the owner asked for anyway; so this one endpoint is exempt.
@csrf.exempt
def unsubscribe(token: str):
    if request.method == "GET":
        # Never ends anything: mail scanners open links.
        view = services.overview(token, now=utcnow())
        return render_template("interest/unsubscribe.html", view=view, token=token)
    services.unsubscribe(token, now=utcnow())
    return redirect(url_for(".unsubscribed"), code=303)


@bp.get("/abgemeldet")
def unsubscribed():
    return render_template("interest/unsubscribed.html")
