"""Who may open which page: one declared matrix, enforced before every request.

Every endpoint of the app must have an entry in ``ACCESS``; an endpoint without one is refused
to everybody (and a test fails). Anonymous visitors of a protected page are sent to the login;
logged-in users without the role get 403. Responses of the back office and of the pages behind
a personal link carry ``Cache-Control: no-store``.
"""

from __future__ import annotations

from flask import Flask, abort, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from seminars.accounts.models import ROLE_ADMIN, ROLE_STAFF, ROLE_STEERING, User
from seminars.extensions import db

PUBLIC = "public"
ANY_STAFF = frozenset({ROLE_ADMIN, ROLE_STAFF, ROLE_STEERING})
PERSONAL_DATA = frozenset({ROLE_ADMIN, ROLE_STAFF})
ADMIN_ONLY = frozenset({ROLE_ADMIN})

ACCESS: dict[str, str | frozenset[str]] = {
    "static": PUBLIC,
    # core
    "core.healthz": PUBLIC,
    "core.robots": PUBLIC,
    "core.favicon": PUBLIC,
    "core.privacy": PUBLIC,
    "core.accessibility": PUBLIC,
    "core.easy_language": PUBLIC,
    "core.set_language": PUBLIC,
    # public programme, feeds, API
    "catalogue.index": PUBLIC,
    "catalogue.archive": PUBLIC,
    "catalogue.detail": PUBLIC,
    "feeds.programme_calendar": PUBLIC,
    "feeds.seminar_calendar": PUBLIC,
    "api.seminars": PUBLIC,
    "api.seminar": PUBLIC,
    "api.openapi": PUBLIC,
    # volunteers, through their personal link
    "catalogue.register": PUBLIC,
    "catalogue.sent": PUBLIC,
    "registrations.manage": PUBLIC,
    "registrations.confirm": PUBLIC,
    "registrations.cancel_form": PUBLIC,
    "registrations.cancel": PUBLIC,
    "registrations.change_form": PUBLIC,
    "registrations.change": PUBLIC,
    "registrations.accept": PUBLIC,
    "registrations.decline": PUBLIC,
    "registrations.calendar": PUBLIC,
    # interest lists: subscribing, and the subscriber's page behind the link in every mail
    "interest.subscribe_topic": PUBLIC,
    "interest.subscribe_seminar": PUBLIC,
    "interest.sent": PUBLIC,
    "interest.manage": PUBLIC,
    "interest.confirm": PUBLIC,
    "interest.renew": PUBLIC,
    "interest.unsubscribe": PUBLIC,
    "interest.unsubscribed": PUBLIC,
    "dev_mail.index": PUBLIC,  # exists only in debug mode
    # accounts
    "accounts.login": PUBLIC,
    "accounts.forgot_password": PUBLIC,
    "accounts.set_password": PUBLIC,  # behind the link in the mail
    "accounts.logout": ANY_STAFF,
    "accounts.password": ANY_STAFF,
    "accounts.users": ADMIN_ONLY,
    "accounts.user_new": ADMIN_ONLY,
    "accounts.user_edit": ADMIN_ONLY,
    # the whole audit log (a seminar's and a registration's entries show on their pages)
    "audit.log_page": ADMIN_ONLY,
    # back office
    "backoffice.dashboard": ANY_STAFF,
    # planning (links to registrations, so not for the steering committee)
    "planning.seminars": PERSONAL_DATA,
    "planning.seminar_new": PERSONAL_DATA,
    "planning.seminar": PERSONAL_DATA,
    "planning.seminar_edit": PERSONAL_DATA,
    "planning.seminar_publish": PERSONAL_DATA,
    "planning.seminar_unpublish": PERSONAL_DATA,
    "planning.seminar_cancel": PERSONAL_DATA,
    "planning.seminar_duplicate": PERSONAL_DATA,
    "planning.new_date": PERSONAL_DATA,
    "planning.seminar_delete": PERSONAL_DATA,
    "planning.venues": PERSONAL_DATA,
    "planning.venue_edit": PERSONAL_DATA,
    "planning.topics": PERSONAL_DATA,
    "planning.topic_edit": PERSONAL_DATA,
    "programme_import.upload": PERSONAL_DATA,
    "programme_import.confirm": PERSONAL_DATA,
    # registrations, attendance, exports and mail to participants
    "staff_registrations.registrations": PERSONAL_DATA,
    "staff_registrations.register_by_phone": PERSONAL_DATA,
    "staff_registrations.registration": PERSONAL_DATA,
    "staff_registrations.cancel": PERSONAL_DATA,
    "staff_registrations.move_ahead": PERSONAL_DATA,
    "staff_registrations.resend": PERSONAL_DATA,
    "staff_registrations.answer_offer": PERSONAL_DATA,
    "staff_registrations.contact": PERSONAL_DATA,
    "staff_registrations.attendance": PERSONAL_DATA,
    "staff_calls.calls": PERSONAL_DATA,
    "staff_calls.record_outcome": PERSONAL_DATA,
    "exports.participants": PERSONAL_DATA,
    "exports.sign_in_sheet": PERSONAL_DATA,
    "exports.seminar_overview": PERSONAL_DATA,
    "mailing.compose": PERSONAL_DATA,
    # certificates
    "certificates.verify": PUBLIC,
    "certificates.download_own": PUBLIC,  # behind the personal link
    # accessibility services: materials behind the personal link, the rest for staff
    "accessibility.material": PUBLIC,
    "staff_accessibility.materials": PERSONAL_DATA,
    "staff_accessibility.material_delete": PERSONAL_DATA,
    "staff_accessibility.tell_unavailable": PERSONAL_DATA,
    "staff_certificates.issue_one": PERSONAL_DATA,
    "staff_certificates.issue_all": PERSONAL_DATA,
    "staff_certificates.download": PERSONAL_DATA,
    "staff_certificates.download_all": PERSONAL_DATA,
    "staff_certificates.revoke": PERSONAL_DATA,
    # evaluation, behind the single-use link
    "surveys.answer": PUBLIC,
    "surveys.submit": PUBLIC,
    "surveys.thanks": PUBLIC,
    "staff_surveys.questionnaire": ADMIN_ONLY,
    "staff_surveys.question_edit": ADMIN_ONLY,
    # free text is read by staff before the steering committee sees any of it
    "staff_surveys.review_queue": PERSONAL_DATA,
    "staff_surveys.release_text": PERSONAL_DATA,
    "staff_surveys.hide_text": PERSONAL_DATA,
    # Typing in questionnaires returned by post: office work, not the steering committee's.
    "staff_surveys.paper_code": PERSONAL_DATA,
    "staff_surveys.paper_answers": PERSONAL_DATA,
    # statistics: figures only, for everyone in the back office
    "statistics.overview": ANY_STAFF,
    "statistics.export": ANY_STAFF,
    "statistics.export_xlsx": ANY_STAFF,
    "statistics.service_costs_export": ANY_STAFF,
    "statistics.report": ANY_STAFF,
    "statistics.demand_figures": ANY_STAFF,
    "statistics.demand_export": ANY_STAFF,
    # the venue check: which need a venue misses (names no person, but a need of few)
    "staff_accessibility.venue_check": PERSONAL_DATA,
    "staff_accessibility.venue_check_resolve": PERSONAL_DATA,
    "staff_accessibility.venue_check_reopen": PERSONAL_DATA,
    # accessibility services: the needs of seminars, counted (the names are on the
    # registrations page)
    "staff_accessibility.tasks": PERSONAL_DATA,
    "staff_accessibility.task": PERSONAL_DATA,
    "staff_accessibility.providers": PERSONAL_DATA,
    "staff_accessibility.provider_edit": PERSONAL_DATA,
    # requests for access and erasure
    "staff_letters.queue": PERSONAL_DATA,
    "staff_letters.download_due": PERSONAL_DATA,
    "staff_letters.download_one": PERSONAL_DATA,
    "staff_letters.mark_batch": PERSONAL_DATA,
    "staff_letters.mark_one": PERSONAL_DATA,
    "privacy.person": PERSONAL_DATA,
    "privacy.export": PERSONAL_DATA,
    "privacy.erase": PERSONAL_DATA,
}

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Bitte melden Sie sich an, um diese Seite zu sehen.")
login_manager.login_message_category = "warning"
login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    raw_id, _, raw_version = user_id.partition(":")
    if not raw_id.isdigit() or not raw_version.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not user.active or user.session_version != int(raw_version):
        return None  # logged out elsewhere, password changed, or deactivated
    return user


def current_actor() -> User:
    """The logged-in staff member, as services expect their ``actor`` (a ``User``, not the
    request-bound proxy). Only called behind ``_enforce_access``, so someone is logged in."""
    actor = current_user._get_current_object()
    if not isinstance(actor, User):
        abort(401)
    return actor


def _enforce_access():
    if request.endpoint is None:
        return None  # 404 and 405 are answered by the error handlers
    rule = ACCESS.get(request.endpoint)
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        session["next_path"] = request.full_path if request.method == "GET" else None
        return redirect(url_for("accounts.login"))
    if rule is None or current_user.role not in rule:
        abort(403)
    return None


# Public pages that show one person's data: reached through a personal link or a form post.
PERSONAL_PUBLIC_ENDPOINTS = frozenset(
    {
        "catalogue.register",
        "catalogue.sent",
        "registrations.manage",
        "registrations.confirm",
        "registrations.cancel_form",
        "registrations.cancel",
        "registrations.change_form",
        "registrations.change",
        "registrations.accept",
        "registrations.decline",
        "registrations.calendar",
        "certificates.download_own",
        "accessibility.material",
        "surveys.answer",
        "surveys.submit",
        "surveys.thanks",
        "accounts.set_password",
        "interest.subscribe_topic",
        "interest.subscribe_seminar",
        "interest.sent",
        "interest.manage",
        "interest.confirm",
        "interest.renew",
        "interest.unsubscribe",
        "interest.unsubscribed",
    }
)
BACK_OFFICE_PREFIX = "/verwaltung"


def is_private(path: str, endpoint: str | None) -> bool:
    """Whether no browser, proxy or shared cache may keep a copy of the response."""
    if path == BACK_OFFICE_PREFIX or path.startswith(BACK_OFFICE_PREFIX + "/"):
        return True
    if endpoint is None:
        return False
    return ACCESS.get(endpoint, ADMIN_ONLY) != PUBLIC or endpoint in PERSONAL_PUBLIC_ENDPOINTS


def _forbid_storing_private_pages(response):
    if is_private(request.path, request.endpoint):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_access(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(_enforce_access)
    app.after_request(_forbid_storing_private_pages)
