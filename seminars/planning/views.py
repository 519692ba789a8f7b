"""Back-office pages for planning seminars and venues."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from seminars.accounts.access import current_actor
from seminars.audit.presentation import rows_for
from seminars.core.actions import perform, refusal_on
from seminars.core.i18n import format_session_range
from seminars.core.timezone import berlin_date, utcnow
from seminars.planning import new_dates, seminar_notices, service_tasks, services
from seminars.planning.change_rules import new_past_sessions
from seminars.planning.forms import (
    NewDateForm,
    SeminarForm,
    TopicForm,
    VenueForm,
    venue_county_groups,
)
from seminars.planning.services import ChangedMeanwhile
from seminars.programme.models import STATUS_DRAFT, STATUS_PUBLISHED
from seminars.programme.session_text import format_sessions

bp = Blueprint("planning", __name__, url_prefix="/verwaltung")


def _with_choices(form):
    topics, venues = services.choices()
    if hasattr(form, "topic_id"):
        form.topic_id.choices = [(t.id, t.name_de) for t in topics]
    form.venue_id.choices = [(0, _("– kein Ort (online) –"))] + [
        (v.id, f"{v.name}, {v.town}") for v in venues
    ]
    return form


_FILLED_AS_STORED = (
    "code",
    "title",
    "topic_id",
    "format",
    "meeting_url",
    "capacity",
    "waitlist_capacity",
    "teaching_units",
    "certificate_min_sessions",
    "summary",
    "description",
)


def _fill_from(form: SeminarForm, seminar) -> None:
    for name in _FILLED_AS_STORED:
        getattr(form, name).data = getattr(seminar, name)
    form.venue_id.data = seminar.venue_id or 0
    form.sessions.data = format_sessions((s.starts_at, s.ends_at) for s in seminar.sessions)
    form.instructors.data = "; ".join(i.name for i in seminar.instructors)
    form.registration_opens.data = (
        berlin_date(seminar.registration_opens_at) if seminar.registration_opens_at else None
    )
    form.registration_closes.data = (
        berlin_date(seminar.registration_closes_at) if seminar.registration_closes_at else None
    )
    form.version.data = str(seminar.version)


@bp.get("/seminare")
def seminars():
    return render_template("planning/seminars.html", rows=services.list_seminars())


def _warn_past(past) -> None:
    if past:
        flash(
            _(
                "Achtung: Diese Termine liegen in der Vergangenheit: %(sessions)s",
                sessions="; ".join(format_session_range(*span) for span in past),
            ),
            "warning",
        )


@bp.route("/seminare/neu", methods=["GET", "POST"])
def seminar_new():
    form = _with_choices(SeminarForm())
    if form.validate_on_submit():
        with refusal_on(form) as refused:
            seminar = services.create_seminar(form.data_for_service(), actor=current_actor())
        if not refused:
            flash(_("Das Seminar ist als Entwurf angelegt."), "success")
            _warn_past(new_past_sessions(form.parsed_sessions, utcnow()))
            return redirect(url_for("planning.seminar", seminar_id=seminar.id), code=303)
    return render_template("planning/seminar_form.html", form=form, seminar=None), (
        422 if form.errors else 200
    )


@bp.get("/seminare/<int:seminar_id>")
def seminar(seminar_id: int):
    item = services.get_seminar(seminar_id)
    audit = rows_for(seminar_id=seminar_id, show_people=current_actor().sees_personal_data)
    return render_template(
        "planning/seminar.html",
        seminar=item,
        demand=new_dates.demand_for(seminar_id),
        audit=audit,
        notices=seminar_notices.notices_for(seminar_id, utcnow()),
        service_tasks=service_tasks.tasks_of(seminar_id),
    )


@bp.route("/seminare/<int:seminar_id>/bearbeiten", methods=["GET", "POST"])
def seminar_edit(seminar_id: int):
    """The form; a change that tells people (new dates, place or link) first shows what will
    be sent (the form's values travel on in hidden fields, with its version), and is saved
    when staff confirm ("step=save"); "step=back" shows the form again."""
    item = services.get_seminar(seminar_id)
    form = _with_choices(SeminarForm())
    step = request.form.get("step")
    if request.method == "GET":
        _fill_from(form, item)
    elif step == "back":
        form.validate()  # shows the form as sent, errors and all
    elif form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else -1
        notify, reason = not form.quiet.data, form.quiet_reason.data or ""
        preview = None
        with refusal_on(form) as refused:
            if step != "save":
                preview = services.preview_update(
                    seminar_id,
                    form.data_for_service(),
                    version=version,
                    notify=notify,
                    quiet_reason=reason,
                    now=utcnow(),
                )
            if preview is None:
                saved = services.update_seminar(
                    seminar_id,
                    form.data_for_service(),
                    version=version,
                    notify=notify,
                    quiet_reason=reason,
                    actor=current_actor(),
                    now=utcnow(),
                )
        if not refused and preview is not None:
            return render_template(
                "planning/seminar_preview.html", form=form, seminar=item, preview=preview
            )
        if not refused:
            flash(_("Die Änderungen sind gespeichert."), "success")
            if saved.told:
                flash(
                    ngettext(
                        "%(num)d Person wird per E-Mail benachrichtigt.",
                        "%(num)d Personen werden per E-Mail benachrichtigt.",
                        saved.told,
                    ),
                    "success",
                )
            _warn_past(saved.past)
            return redirect(url_for("planning.seminar", seminar_id=seminar_id), code=303)
        if isinstance(refused.error, ChangedMeanwhile):
            # Not a mistake in the form: say so above the page and show what is saved now.
            flash(str(refused.error.message), "warning")
            fresh = _with_choices(SeminarForm(formdata=None))
            _fill_from(fresh, services.get_seminar(seminar_id))
            fresh.quiet.data, fresh.quiet_reason.data = form.quiet.data, form.quiet_reason.data
            return render_template("planning/seminar_form.html", form=fresh, seminar=item), 409
    return render_template("planning/seminar_form.html", form=form, seminar=item), (
        422 if form.errors else 200
    )


def _act(seminar_id: int, run, message: str):
    """Run one planning action, report how it went, back to the seminar."""
    perform(run, message)
    return redirect(url_for("planning.seminar", seminar_id=seminar_id), code=303)


@bp.post("/seminare/<int:seminar_id>/veroeffentlichen")
def seminar_publish(seminar_id: int):
    return _act(
        seminar_id,
        lambda: services.set_status(
            seminar_id, STATUS_PUBLISHED, actor=current_actor(), now=utcnow()
        ),
        _("Das Seminar ist veröffentlicht."),
    )


@bp.post("/seminare/<int:seminar_id>/zurueckziehen")
def seminar_unpublish(seminar_id: int):
    return _act(
        seminar_id,
        lambda: services.set_status(seminar_id, STATUS_DRAFT, actor=current_actor()),
        _("Das Seminar ist wieder ein Entwurf."),
    )


@bp.route("/seminare/<int:seminar_id>/absagen", methods=["GET", "POST"])
def seminar_cancel(seminar_id: int):
    if request.method == "GET":
        return render_template(
            "planning/seminar_cancel.html", seminar=services.get_seminar(seminar_id)
        )
    return _act(
        seminar_id,
        lambda: services.cancel_seminar(seminar_id, actor=current_actor(), now=utcnow()),
        _("Das Seminar ist abgesagt; alle Angemeldeten werden informiert."),
    )


@bp.post("/seminare/<int:seminar_id>/duplizieren")
def seminar_duplicate(seminar_id: int):
    copy = services.duplicate_seminar(seminar_id, actor=current_actor())
    flash(_("Die Kopie ist als Entwurf angelegt. Bitte prüfen Sie die Termine."), "success")
    return redirect(url_for("planning.seminar_edit", seminar_id=copy.id), code=303)


@bp.route("/seminare/<int:seminar_id>/neuer-termin", methods=["GET", "POST"])
def new_date(seminar_id: int):
    """A new date for the people waiting on a full seminar: a draft, whose places go out
    when it is published."""
    item = services.get_seminar(seminar_id)
    demand = new_dates.demand_for(seminar_id)
    form = _with_choices(NewDateForm())
    if request.method == "GET":
        form.code.data = new_dates.suggested_code(item)
        form.capacity.data = item.capacity
        form.venue_id.data = item.venue_id or 0
    elif form.validate_on_submit():
        with refusal_on(form) as refused:
            copy = new_dates.create_new_date(
                seminar_id, form.data_for_service(), actor=current_actor(), now=utcnow()
            )
        if not refused:
            flash(
                _(
                    "Der neue Termin ist als Entwurf angelegt. Sobald Sie ihn veröffentlichen, "
                    "bekommen die Wartenden der Reihe nach ein Platzangebot."
                ),
                "success",
            )
            return redirect(url_for("planning.seminar", seminar_id=copy.id), code=303)
    return render_template("planning/new_date.html", form=form, seminar=item, demand=demand), (
        422 if form.errors else 200
    )


@bp.post("/seminare/<int:seminar_id>/loeschen")
def seminar_delete(seminar_id: int):
    deleted = perform(
        lambda: services.delete_seminar(seminar_id, actor=current_actor()),
        _("Das Seminar ist gelöscht."),
    )
    if deleted:
        return redirect(url_for("planning.seminars"), code=303)
    return redirect(url_for("planning.seminar", seminar_id=seminar_id), code=303)


@bp.get("/orte")
def venues():
    _topics, venues = services.choices()
    return render_template("planning/venues.html", venues=venues)


@bp.route("/orte/neu", methods=["GET", "POST"])
@bp.route("/orte/<int:venue_id>", methods=["GET", "POST"])
def venue_edit(venue_id: int | None = None):
    venue = services.get_venue(venue_id) if venue_id else None
    form = VenueForm(obj=venue)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in services.VENUE_FIELDS}
        values = {k: (v if v is not None else "") for k, v in values.items()}
        services.save_venue(venue_id, values)
        flash(_("Der Ort ist gespeichert."), "success")
        return redirect(url_for("planning.venues"), code=303)
    return render_template(
        "planning/venue_form.html",
        form=form,
        venue=venue,
        county_groups=venue_county_groups(),
    ), (422 if form.errors else 200)


@bp.get("/themen")
def topics():
    return render_template("planning/topics.html", topics=services.list_topics())


@bp.route("/themen/neu", methods=["GET", "POST"])
@bp.route("/themen/<int:topic_id>", methods=["GET", "POST"])
def topic_edit(topic_id: int | None = None):
    topic = next((t for t in services.list_topics() if t.id == topic_id), None)
    if topic_id is not None and topic is None:
        abort(404)
    form = TopicForm(obj=topic)
    if topic is not None:
        form.key.data = topic.key  # the key never changes
    if form.validate_on_submit():
        with refusal_on(form) as refused:
            services.save_topic(
                topic_id,
                key=form.key.data,
                name_de=form.name_de.data.strip(),
                name_en=form.name_en.data.strip(),
                position=form.position.data or 0,
                actor=current_actor(),
            )
        if not refused:
            flash(_("Der Themenbereich ist gespeichert."), "success")
            return redirect(url_for("planning.topics"), code=303)
    return render_template("planning/topic_form.html", form=form, topic=topic), (
        422 if form.errors else 200
    )
