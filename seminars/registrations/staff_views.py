"""Back-office pages for the registrations and the attendance of a seminar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from seminars.accounts.access import current_actor
from seminars.audit.presentation import rows_for
from seminars.core.actions import perform, refusal_on
from seminars.core.i18n import current_language
from seminars.core.routing import parse_id
from seminars.core.timezone import utcnow
from seminars.outbox.undelivered import failed_mails_of
from seminars.registrations import certificate_lookup, phone_calls, staff
from seminars.registrations.call_records import ACCEPTED, DECLINED
from seminars.registrations.forms import applicant_from, county_groups
from seminars.registrations.staff_forms import ContactForm, PhoneRegistrationForm, ReasonForm

bp = Blueprint("staff_registrations", __name__, url_prefix="/verwaltung")


@bp.get("/seminare/<int:seminar_id>/anmeldungen")
def registrations(seminar_id: int):
    return render_template(
        "registrations/staff_list.html", overview=staff.registrations_of(seminar_id)
    )


@bp.route("/seminare/<int:seminar_id>/anmeldungen/neu", methods=["GET", "POST"])
def register_by_phone(seminar_id: int):
    overview = staff.registrations_of(seminar_id)
    form = PhoneRegistrationForm()
    if form.validate_on_submit():
        with refusal_on(form) as refused:
            registration = staff.register_by_phone(
                seminar_id,
                applicant_from(form, locale=current_language()),
                actor=current_actor(),
                now=utcnow(),
            )
        if not refused:
            flash(_("Die Anmeldung ist eingetragen."), "success")
            return redirect(url_for(".registration", registration_id=registration.id), code=303)
    return render_template(
        "registrations/staff_new.html",
        overview=overview,
        form=form,
        county_groups=county_groups(),
    ), 422 if form.errors else 200


def _detail_page(registration_id: int, contact: ContactForm | None = None, status: int = 200):
    item = staff.get_registration(registration_id)
    return render_template(
        "registrations/staff_detail.html",
        registration=item,
        overview=staff.registrations_of(item.seminar_id),
        contact=contact or ContactForm(obj=item),
        reason=ReasonForm(),
        audit=rows_for(
            registration_id=registration_id, show_people=current_actor().sees_personal_data
        ),
        certificates=certificate_lookup.certificates_of(registration_id),
        may_get_certificate=item.id in certificate_lookup.eligible_ids(item.seminar_id),
        failed_mails=failed_mails_of(registration_id),
        offer_overdue=item.offer_expires_at is not None and item.offer_expires_at <= utcnow(),
    ), status


@bp.get("/anmeldungen/<int:registration_id>")
def registration(registration_id: int):
    return _detail_page(registration_id)


def _done(registration_id: int, message: str | Callable[[Any], str], run):
    """Run one action on a registration, report how it went, back to the registration."""
    perform(run, message)
    return redirect(url_for(".registration", registration_id=registration_id), code=303)


def _reason_or_back(registration_id: int) -> str | None:
    form = ReasonForm()
    if form.validate_on_submit():
        return form.reason.data
    flash(_("Bitte geben Sie einen Grund an."), "warning")
    return None


@bp.post("/anmeldungen/<int:registration_id>/absagen")
def cancel(registration_id: int):
    reason = _reason_or_back(registration_id)
    if reason is None:
        return redirect(url_for(".registration", registration_id=registration_id), code=303)
    return _done(
        registration_id,
        _("Die Anmeldung ist abgesagt."),
        lambda: staff.cancel(registration_id, reason=reason, actor=current_actor(), now=utcnow()),
    )


@bp.post("/anmeldungen/<int:registration_id>/vorziehen")
def move_ahead(registration_id: int):
    reason = _reason_or_back(registration_id)
    if reason is None:
        return redirect(url_for(".registration", registration_id=registration_id), code=303)
    return _done(
        registration_id,
        _("Die Person steht jetzt vorn auf der Warteliste."),
        lambda: staff.move_ahead(
            registration_id, reason=reason, actor=current_actor(), now=utcnow()
        ),
    )


@bp.post("/anmeldungen/<int:registration_id>/mail")
def resend(registration_id: int):
    return _done(
        registration_id,
        lambda _kind: staff.resent_text(staff.get_registration(registration_id)),
        lambda: staff.resend_mail(registration_id, actor=current_actor()),
    )


def _offer_answered(result: phone_calls.OfferAnswer) -> str:
    if result.answer == ACCEPTED:
        return _("Angenommen: Die Person hat den Platz. Die Bestätigung geht ihr wie gewohnt zu.")
    if result.answer == DECLINED:
        return _("Abgelehnt: Der Platz geht an die nächste Person auf der Warteliste.")
    return _(
        "Die Frist für das Angebot war schon abgelaufen; der Platz ist an die nächste "
        "Person auf der Warteliste gegangen."
    )


@bp.post("/anmeldungen/<int:registration_id>/angebot")
def answer_offer(registration_id: int):
    answer = request.form.get("answer", "")
    return _done(
        registration_id,
        _offer_answered,
        lambda: phone_calls.answer_offer(
            registration_id, answer, actor=current_actor(), now=utcnow()
        ),
    )


@bp.post("/anmeldungen/<int:registration_id>/kontakt")
def contact(registration_id: int):
    form = ContactForm()
    if form.validate_on_submit():
        values = {name: getattr(form, name).data or "" for name in staff.CONTACT_FIELDS}
        with refusal_on(form) as refused:
            staff.correct_contact(registration_id, values, actor=current_actor())
        if not refused:
            flash(_("Die Kontaktdaten sind korrigiert."), "success")
            return redirect(url_for(".registration", registration_id=registration_id), code=303)
    return _detail_page(registration_id, contact=form, status=422)


@bp.route("/seminare/<int:seminar_id>/anwesenheit", methods=["GET", "POST"])
def attendance(seminar_id: int):
    if request.method == "POST":
        session_id = parse_id(request.form.get("session_id", "")) or 0
        everyone = "all" in request.form
        sheet = staff.attendance_of(seminar_id)
        present = (
            {r.id for r in sheet.people}
            if everyone
            else {i for v in request.form.getlist("present") if (i := parse_id(v)) is not None}
        )
        perform(
            lambda: staff.record_attendance(
                seminar_id, session_id, present, actor=current_actor(), now=utcnow()
            ),
            lambda count: _("Anwesenheit gespeichert: %(n)d anwesend.", n=count),
        )
        return redirect(url_for(".attendance", seminar_id=seminar_id), code=303)
    return render_template(
        "registrations/attendance.html",
        sheet=staff.attendance_of(seminar_id),
        anyone_eligible=bool(certificate_lookup.eligible_ids(seminar_id)),
    )
