"""Back-office pages of the accessibility services: tasks, providers, venue checks and
materials."""

from __future__ import annotations

from datetime import time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from seminars.accessibility import materials, notes, providers, task_lists, tasks
from seminars.accessibility import venue_check as checks
from seminars.accessibility.forms import (
    MaterialForm,
    ProviderForm,
    TaskForm,
    TellUnavailableForm,
    VenueCheckForm,
)
from seminars.accessibility.kinds import KINDS, kind_label
from seminars.accessibility.labels import TASK_STATUS_LABELS
from seminars.accessibility.models import TASK_STATUSES
from seminars.accounts.access import current_actor
from seminars.core.actions import perform, refusal_on
from seminars.core.errors import NotFoundError
from seminars.core.timezone import berlin_date, berlin_to_utc, utcnow
from seminars.programme.queries import seminar_with_details

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


def _material_forms(seminar_id: int, submitted: str | None = None, form=None) -> dict:
    existing = materials.materials_of_seminar(seminar_id)
    forms = {}
    for item in materials.FORMATS:
        if item.key == submitted and form is not None:
            forms[item.key] = form
            continue
        material = existing.get(item.key)
        available_from = (
            material.available_from
            if material
            else materials.default_available_from(seminar_id, utcnow())
        )
        forms[item.key] = MaterialForm(
            formdata=None,
            prefix=item.key,
            data={"available_from": berlin_date(available_from)},
        )
    return {"existing": existing, "forms": forms}


@bp.route("/seminare/<int:seminar_id>/unterlagen", methods=["GET", "POST"], endpoint="materials")
def materials_page(seminar_id: int):
    seminar = seminar_with_details(seminar_id)
    submitted = request.form.get("format") if request.method == "POST" else None
    if submitted is not None and materials.format_of(submitted) is None:
        raise NotFoundError()
    form = MaterialForm(prefix=submitted) if submitted else None
    if submitted and form is not None and form.validate_on_submit():
        upload = form.file.data
        day = form.available_from.data
        with refusal_on(form) as refused:
            materials.upload(
                seminar_id,
                submitted,
                filename=upload.filename if upload else None,
                data=upload.read(materials.MAX_FILE_BYTES + 1) if upload else None,
                available_from=berlin_to_utc(day, time(0, 0)) if day else None,
                actor=current_actor(),
                now=utcnow(),
            )
        if not refused:
            flash(_("Die Unterlagen sind gespeichert."), "success")
            return redirect(url_for(".materials", seminar_id=seminar_id), code=303)
    page = _material_forms(seminar_id, submitted, form)
    return render_template(
        "accessibility/materials.html",
        seminar=seminar,
        formats=materials.FORMATS,
        **page,
    ), 422 if form is not None and form.errors else 200


@bp.post("/seminare/<int:seminar_id>/unterlagen/<int:material_id>/loeschen")
def material_delete(seminar_id: int, material_id: int):
    perform(
        lambda: materials.delete(seminar_id, material_id, actor=current_actor()),
        _("Die Unterlagen sind gelöscht."),
    )
    return redirect(url_for(".materials", seminar_id=seminar_id), code=303)


@bp.route("/unterstuetzung/<int:task_id>/absage-mitteilen", methods=["GET", "POST"])
def tell_unavailable(task_id: int):
    task, seminar = notes.task_for_notice(task_id)
    people = notes.affected(task)
    if request.method == "GET":
        form = TellUnavailableForm(
            data={
                f"text_{language}": notes.prepared_text(task, seminar, language)
                for language in notes.LANGUAGES
            }
        )
    else:
        form = TellUnavailableForm()
        if form.validate_on_submit():
            with refusal_on(form) as refused:
                count = notes.tell_unavailable(
                    task_id,
                    {"de": form.text_de.data, "en": form.text_en.data},
                    actor=current_actor(),
                    now=utcnow(),
                )
            if not refused:
                flash(
                    ngettext(
                        "Die Nachricht geht an %(num)d Person.",
                        "Die Nachricht geht an %(num)d Personen.",
                        count,
                    ),
                    "success",
                )
                return redirect(
                    url_for("staff_registrations.registrations", seminar_id=seminar.id),
                    code=303,
                )
    by_language = {language: 0 for language in notes.LANGUAGES}
    for registration in people:
        language = registration.locale if registration.locale in by_language else "de"
        by_language[language] += 1
    return render_template(
        "accessibility/tell_unavailable.html",
        task=task,
        seminar=seminar,
        form=form,
        count=len(people),
        by_language=by_language,
    ), 422 if form.errors else 200


@bp.get("/unterstuetzung", endpoint="tasks")
def tasks_page():
    now = utcnow()
    with_ended = request.args.get("beendete") == "1"
    rows = task_lists.task_list(now, with_ended=with_ended)
    groups = [
        (urgency, [row for row in rows if row.urgency == urgency])
        for urgency in task_lists.URGENCIES
    ]
    return render_template(
        "accessibility/tasks.html",
        groups=[(urgency, found) for urgency, found in groups if found],
        total=len(rows),
        limit=task_lists.LIST_LIMIT,
        with_ended=with_ended,
        today=berlin_date(now),
    )


def _with_choices(form: TaskForm, row: task_lists.TaskRow) -> TaskForm:
    task = row.task
    form.owner_id.choices = [("", _("– niemand –"))] + [
        (person.id, person.name) for person in providers.owner_choices(task.owner_id)
    ]
    form.status.choices = [(key, str(TASK_STATUS_LABELS[key])) for key in TASK_STATUSES]
    form.provider_id.choices = [("", _("– keiner aus der Liste –"))] + [
        (
            provider.id,
            provider.name if provider.active else _("%(name)s (inaktiv)", name=provider.name),
        )
        for provider in providers.provider_choices(task.kind, task.provider_id)
    ]
    return form


@bp.route("/unterstuetzung/<int:task_id>", methods=["GET", "POST"])
def task(task_id: int):
    now = utcnow()
    row = task_lists.task_row(task_id, now)
    if row is None:
        abort(404)
    item = row.task
    form = _with_choices(TaskForm(), row)
    if request.method == "GET":
        form.owner_id.data = item.owner_id
        form.status.data = item.status
        form.provider_id.data = item.provider_id
        form.provider_text.data = item.provider_text
        form.planned_cost.show(item.planned_cost_cents)
        form.actual_cost.show(item.actual_cost_cents)
        form.note.data = item.note
    elif form.validate_on_submit():
        with refusal_on(form) as refused:
            tasks.update_task(
                task_id,
                actor=current_actor(),
                status=form.status.data or "",
                owner_id=form.owner_id.data,
                provider_id=form.provider_id.data,
                provider_text=form.provider_text.data or "",
                planned_cost_cents=form.planned_cost.cents,
                actual_cost_cents=form.actual_cost.cents,
                note=form.note.data or "",
                now=now,
            )
        if not refused:
            flash(_("Die Aufgabe ist gespeichert."), "success")
            return redirect(url_for("staff_accessibility.task", task_id=task_id), code=303)
    return render_template(
        "accessibility/task.html",
        row=row,
        form=form,
        audit=task_lists.task_log(item),
        today=berlin_date(now),
    ), (422 if form.errors else 200)


@bp.get("/unterstuetzung/anbieter", endpoint="providers")
def providers_page():
    return render_template(
        "accessibility/providers.html",
        providers=providers.list_providers(),
        kinds_of=providers.kinds_of,
    )


@bp.route("/unterstuetzung/anbieter/neu", methods=["GET", "POST"])
@bp.route("/unterstuetzung/anbieter/<int:provider_id>", methods=["GET", "POST"])
def provider_edit(provider_id: int | None = None):
    provider = providers.get_provider(provider_id) if provider_id is not None else None
    form = ProviderForm()
    form.kinds.choices = [(kind.key, kind_label(kind.key)) for kind in KINDS]
    if request.method == "GET" and provider is not None:
        form.name.data = provider.name
        form.kinds.data = providers.kinds_of(provider)
        form.contact.data = provider.contact
        form.active.data = provider.active
    elif form.validate_on_submit():
        with refusal_on(form) as refused:
            providers.save_provider(
                provider_id,
                name=form.name.data or "",
                kinds=list(form.kinds.data or []),
                contact=form.contact.data or "",
                active=bool(form.active.data),
                actor=current_actor(),
            )
        if not refused:
            flash(_("Der Anbieter ist gespeichert."), "success")
            return redirect(url_for("staff_accessibility.providers"), code=303)
    return render_template("accessibility/provider_form.html", form=form, provider=provider), (
        422 if form.errors else 200
    )
