"""Back-office pages of the accessibility services: tasks, providers, venue checks and
materials."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from seminars.accessibility import providers, task_lists, tasks
from seminars.accessibility.forms import ProviderForm, TaskForm
from seminars.accessibility.kinds import KINDS, kind_label
from seminars.accessibility.labels import TASK_STATUS_LABELS
from seminars.accessibility.models import TASK_STATUSES
from seminars.accounts.access import current_actor
from seminars.core.actions import refusal_on
from seminars.core.timezone import berlin_date, utcnow

bp = Blueprint("staff_accessibility", __name__, url_prefix="/verwaltung")


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
