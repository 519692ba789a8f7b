"""Back-office pages of the accessibility services: tasks, providers, venue checks and
materials."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from seminars.accessibility import venue_check as checks
from seminars.accessibility.forms import VenueCheckForm
from seminars.accounts.access import current_actor
from seminars.core.actions import perform, refusal_on
from seminars.core.timezone import utcnow

bp = Blueprint("staff_accessibility", __name__, url_prefix="/verwaltung")


# --- venue check ---------------------------------------------------------------------------


def _venue_check_page(seminar_id: int, posted: VenueCheckForm | None = None):
    page = checks.check_page(seminar_id)
    forms = {}
    for mismatch in page.mismatches:
        if posted is not None and posted.check.data == mismatch.key:
            forms[mismatch.key] = posted
            continue
        form = VenueCheckForm(formdata=None)
        if mismatch.note is not None:
            form.resolution.data = mismatch.note.resolution
            form.note.data = mismatch.note.note
        forms[mismatch.key] = form
    if posted is not None and posted.check.data not in forms:
        # No form on the page to show the refusal under: say it above the page.
        for message in [*posted.form_errors, *(e for f in posted for e in f.errors)]:
            flash(str(message), "warning")
    return render_template(
        "accessibility/venue_check.html",
        page=page,
        seminar=page.seminar,
        forms=forms,
        resolution_choices=checks.RESOLUTIONS,
        resolution_label=checks.resolution_label,
    ), (422 if posted is not None else 200)


@bp.get("/seminare/<int:seminar_id>/ortspruefung")
def venue_check(seminar_id: int):
    return _venue_check_page(seminar_id)


@bp.post("/seminare/<int:seminar_id>/ortspruefung")
def venue_check_resolve(seminar_id: int):
    form = VenueCheckForm()
    if form.validate_on_submit():
        with refusal_on(form) as refused:
            checks.resolve(
                seminar_id,
                form.check.data or "",
                form.resolution.data or "",
                form.note.data or "",
                actor=current_actor(),
                now=utcnow(),
            )
        if not refused:
            flash(_("Die Ortsprüfung ist gespeichert."), "success")
            return redirect(
                url_for("staff_accessibility.venue_check", seminar_id=seminar_id), code=303
            )
    return _venue_check_page(seminar_id, posted=form)


@bp.post("/seminare/<int:seminar_id>/ortspruefung/<check>/wieder-oeffnen")
def venue_check_reopen(seminar_id: int, check: str):
    perform(
        lambda: checks.reopen(seminar_id, check, actor=current_actor()),
        _("Die Notiz ist zurückgenommen: Die Ortsprüfung ist wieder offen."),
    )
    return redirect(url_for("staff_accessibility.venue_check", seminar_id=seminar_id), code=303)
