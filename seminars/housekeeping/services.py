"""What ``flask --app wsgi housekeeping`` does, in small committed steps.

Each item of a step (one seminar, one reminder) is its own unit of work (``unit()``): it is
committed on its own, and a failing item leaves nothing half done. Every step is idempotent
and safe when several copies run at once: seat changes lock their seminar, a reminder is
claimed by a conditional update before its mail is queued, and the outbox claims messages
with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) or a lease.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from seminars.accessibility import retention as accessibility_retention
from seminars.accessibility import tasks as service_tasks
from seminars.accessibility.alerts import queue_alerts
from seminars.core.unit_of_work import unit
from seminars.extensions import db
from seminars.interest import alerts
from seminars.interest import retention as interest_retention
from seminars.outbox.services import DeliveryReport, deliver
from seminars.privacy import services as privacy
from seminars.programme.models import STATUS_PUBLISHED, Seminar, SeminarSession
from seminars.registrations import allocation, new_dates, reminders
from seminars.registrations.channels import CHANNEL_POST
from seminars.registrations.consistency import free_seats_while_waiting
from seminars.registrations.models import (
    STATUS_CONFIRMED,
    STATUS_OFFERED,
    STATUS_PENDING,
    Registration,
    SessionReminder,
)
from seminars.surveys import answer_counts
from seminars.surveys import services as surveys

log = logging.getLogger(__name__)


@dataclass
class HousekeepingReport:
    expired: int = 0
    # Seminars where a seat was free while a confirmed person waited, and now is offered.
    repaired: int = 0
    # Places on a new date of people who took a seat on the old date after all.
    withdrawn: int = 0
    reminders: int = 0
    survey_invitations: int = 0
    survey_reminders: int = 0
    needs_deleted: int = 0
    # Seminars whose accessibility tasks were out of step with their registrations.
    tasks_reconciled: int = 0
    anonymised: int = 0
    materials_deleted: int = 0
    # Programme alert mails queued to interest subscribers.
    programme_alerts: int = 0
    # Interest subscriptions: unconfirmed ones deleted, renewal requests mailed, and
    # subscriptions ended because they were not renewed.
    interest_unconfirmed_deleted: int = 0
    interest_renewal_requests: int = 0
    interest_ended: int = 0
    # Survey responses counted into the answer counts the statistics read.
    survey_responses_counted: int = 0
    mail: DeliveryReport = field(default_factory=DeliveryReport)


def expire_overdue(now: datetime) -> int:
    overdue = or_(
        and_(Registration.status == STATUS_PENDING, Registration.hold_expires_at <= now),
        and_(Registration.status == STATUS_OFFERED, Registration.offer_expires_at <= now),
    )
    seminar_ids = list(
        db.session.scalars(select(Registration.seminar_id).where(overdue).distinct())
    )
    expired = 0
    for seminar_id in seminar_ids:
        with unit():  # one seminar: its overdue holds and offers, and the seats passed on
            expired += allocation.expire_due(seminar_id, now=now)
    return expired


def withdraw_superseded_places(now: datetime) -> int:
    """Places on a new date whose person took a seat on the old date meanwhile end (the
    seat on the new date goes to the next person): nobody holds both."""
    withdrawn = 0
    for copy_id in new_dates.superseded_copies():
        with unit():  # one place: under the new date's lock, then the old one's
            withdrawn += new_dates.withdraw_superseded(copy_id, now=now)
    return withdrawn


def offer_unserved_seats(now: datetime) -> int:
    """Repair: offer the free seats of every seminar where the consistency check finds a
    seat free while a confirmed person waits (every seat change offers freed seats itself;
    this catches what an older version, a fault or a later start left behind)."""
    seminar_ids = [problem.subject_id for problem in free_seats_while_waiting(now)]
    repaired = 0
    for seminar_id in seminar_ids:
        with unit():  # one seminar: its free seats offered to the people waiting
            offered = allocation.offer_free_seats(seminar_id, now=now)
        if offered:
            repaired += 1
            log.warning(
                "seminar %d had a free seat while people waited; offered to %d registration(s)",
                seminar_id,
                len(offered),
            )
    return repaired


def _reminder_due(starts_at, now: datetime):
    """A session starting at ``starts_at`` is near enough for its reminder: ``REMINDER_DAYS``
    ahead, and for people who take part by post ``POST_REMINDER_DAYS`` earlier still, so
    that the letter can be printed, posted and delivered in time."""
    config = current_app.config
    days = timedelta(days=config["REMINDER_DAYS"])
    by_post = days + timedelta(days=config["POST_REMINDER_DAYS"])
    return or_(
        and_(Registration.channel != CHANNEL_POST, starts_at <= now + days),
        and_(Registration.channel == CHANNEL_POST, starts_at <= now + by_post),
    )


def send_reminders(now: datetime) -> int:
    """The reminder ``REMINDER_DAYS`` before the first session (claimed on the registration)
    and, with ``REMINDER_EVERY_SESSION``, before each later session of a series (claimed by
    its ``SessionReminder`` row), to confirmed people of published seminars; by post
    ``POST_REMINDER_DAYS`` earlier (``_reminder_due``)."""
    first_start = (
        select(SeminarSession.seminar_id, func.min(SeminarSession.starts_at).label("starts_at"))
        .group_by(SeminarSession.seminar_id)
        .subquery()
    )
    due = list(
        db.session.scalars(
            select(Registration.id)
            .join(Seminar, Seminar.id == Registration.seminar_id)
            .join(first_start, first_start.c.seminar_id == Seminar.id)
            .where(
                Registration.status == STATUS_CONFIRMED,
                Registration.reminder_sent_at.is_(None),
                Seminar.status == STATUS_PUBLISHED,
                first_start.c.starts_at > now,
                _reminder_due(first_start.c.starts_at, now),
            )
            .order_by(Registration.id)
        )
    )
    sent = 0
    for registration_id in due:
        # One unit: one reminder, claimed (a second runner's update finds nothing left to
        # claim) together with its mail.
        with unit():
            if reminders.send_reminder_once(registration_id, now=now):
                sent += 1
    if current_app.config["REMINDER_EVERY_SESSION"]:
        sent += _send_session_reminders(now, first_start)
    return sent


def _send_session_reminders(now: datetime, first_start) -> int:
    """The reminders before the later sessions of series, each pair once, and only for the
    next session to come (a daily series reminds of one evening at a time)."""
    earlier = aliased(SeminarSession)
    one_before_it = (
        select(earlier.id)
        .where(
            earlier.seminar_id == SeminarSession.seminar_id,
            earlier.starts_at > now,
            earlier.starts_at < SeminarSession.starts_at,
        )
        .exists()
    )
    already = (
        select(SessionReminder.id)
        .where(
            SessionReminder.registration_id == Registration.id,
            SessionReminder.session_id == SeminarSession.id,
        )
        .exists()
    )
    due = list(
        db.session.execute(
            select(Registration.id, SeminarSession.id)
            .join(Seminar, Seminar.id == Registration.seminar_id)
            .join(SeminarSession, SeminarSession.seminar_id == Seminar.id)
            .join(first_start, first_start.c.seminar_id == Seminar.id)
            .where(
                Registration.status == STATUS_CONFIRMED,
                Seminar.status == STATUS_PUBLISHED,
                SeminarSession.starts_at > first_start.c.starts_at,
                SeminarSession.starts_at > now,
                _reminder_due(SeminarSession.starts_at, now),
                ~one_before_it,
                ~already,
            )
            .order_by(Registration.id, SeminarSession.starts_at)
        )
    )
    sent = 0
    for registration_id, session_id in due:
        # One unit: one reminder for one session, claimed by its row together with its mail.
        with unit():
            if reminders.send_session_reminder_once(registration_id, session_id, now=now):
                sent += 1
    return sent


def reconcile_service_tasks(now: datetime) -> int:
    """Repair: every change of registrations or sessions reconciles its seminar's tasks
    before it commits; this catches what an older version or a bulk change left behind (the
    needs recorded before tasks existed, too). One seminar per unit, alerts included."""
    seminar_ids = service_tasks.seminars_out_of_step(now)
    for seminar_id in seminar_ids:
        with unit():
            queue_alerts(service_tasks.reconcile(seminar_id, now=now))
    return len(seminar_ids)


def forget_old_materials(now: datetime) -> int:
    """With the registrations, a seminar's materials (rows and files) and the free-text
    notes of its accessibility tasks go once its retention has passed."""
    with unit():
        return accessibility_retention.forget_ended_before(privacy.retention_cutoff(now))


def send_programme_alerts(now: datetime) -> int:
    """Alert rows for seminars published without one (the programme import), then the day's
    alert mails to interest subscribers."""
    with unit():
        alerts.catch_up(now)
    return alerts.send_alerts(now)


def run(now: datetime) -> HousekeepingReport:
    report = HousekeepingReport()
    report.expired = expire_overdue(now)
    report.withdrawn = withdraw_superseded_places(now)
    report.repaired = offer_unserved_seats(now)
    report.tasks_reconciled = reconcile_service_tasks(now)
    report.reminders = send_reminders(now)
    report.survey_invitations = surveys.send_invitations(now)
    report.survey_reminders = surveys.send_reminders(now)
    report.programme_alerts = send_programme_alerts(now)
    report.needs_deleted = privacy.delete_free_text_needs(now)
    report.anonymised = privacy.anonymise_old_registrations(now)
    report.materials_deleted = forget_old_materials(now)
    report.interest_unconfirmed_deleted = interest_retention.delete_unconfirmed(now)
    report.interest_renewal_requests = interest_retention.request_renewals(now)
    report.interest_ended = interest_retention.end_unrenewed(now)
    report.survey_responses_counted = answer_counts.count_new_responses()
    report.mail = deliver()
    return report
