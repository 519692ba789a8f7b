"""Selbsthilfe im Dialog: the seminar programme for volunteers of self-help groups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, g
from flask_babel import refresh as refresh_babel

from config import DEFAULT_SECRET_KEY, config_for, normalise_database_url
from seminars.extensions import babel, csrf, db, limiter, mail, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    from seminars.core.unit_of_work import Application

    app = Application(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_for(config_name))
    app.config.from_prefixed_env()
    if overrides:
        app.config.update(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    _check_production_settings(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from seminars.core.logs import init_logging

    init_logging(app)  # first, so that the request id exists before anything else runs
    _warn_about_unfilled_privacy_statement(app)
    _warn_about_per_process_limits(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    from seminars.core.input_guard import init_input_guard

    init_input_guard(app)  # before the CSRF check, which reads every form key
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)

    from seminars.core.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)

    @app.before_request
    def start_with_fresh_request_state():
        # A request may run inside an application context that is already active (tests,
        # scripts). Nothing cached there for an earlier request may carry over to this one:
        # not the language, not the CSRF token, not the logged-in user.
        refresh_babel()
        for cached in ("csrf_token", "_login_user"):
            g.pop(cached, None)

    _register_models()
    _connect_domains()
    _connect_seminar_notices()

    from seminars.core.unit_of_work import init_unit_of_work

    init_unit_of_work(app)
    _register_outbox(app)

    from seminars.accounts.access import init_access
    from seminars.core.routing import DatabaseIdConverter

    init_access(app)
    app.url_map.converters["int"] = DatabaseIdConverter
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_cli(app)

    from seminars.core.errors import register_error_handlers
    from seminars.core.security import init_security

    register_error_handlers(app)
    init_security(app)
    return app


def _check_production_settings(app: Flask) -> None:
    if app.config.get("ENV_NAME") != "production":
        return
    if app.config.get("SECRET_KEY") in (None, "", DEFAULT_SECRET_KEY):
        raise RuntimeError("SECRET_KEY must be set to a long random value in production")
    if not str(app.config.get("BASE_URL") or "").strip():
        # Every link in a mail is built from it; guessing would send people to a wrong address.
        raise RuntimeError(
            "BASE_URL must be set in production to the site's public address, e.g. "
            "BASE_URL=https://seminare.example.org (links in mails, calendars and certificates "
            "are built from it)"
        )
    if app.debug:
        # The debugger runs code for whoever sees a traceback, and /dev/mail shows every mail.
        raise RuntimeError("production refuses to run in debug mode: unset FLASK_DEBUG")
    if _limits_counted_per_process(app) and not app.config.get("RATELIMIT_ALLOW_MEMORY"):
        raise RuntimeError(
            "RATELIMIT_STORAGE_URI is memory:// in production: every worker process would keep "
            "its own count, so login and registration limits would not hold with several "
            "workers. Set RATELIMIT_STORAGE_URI=redis://HOST:6379/0 (shared by all workers), "
            "or RATELIMIT_ALLOW_MEMORY=true if only one worker process ever runs."
        )


def _limits_counted_per_process(app: Flask) -> bool:
    storage = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://").strip().lower()
    return bool(app.config.get("RATELIMIT_ENABLED", True)) and storage.startswith("memory://")


def _warn_about_per_process_limits(app: Flask) -> None:
    if app.config.get("ENV_NAME") != "production":
        return
    import logging

    log = logging.getLogger("seminars")
    if not app.config.get("RATELIMIT_ENABLED", True):
        log.warning("rate limits are switched off (RATELIMIT_ENABLED): logins are not throttled")
    elif _limits_counted_per_process(app):
        log.warning(
            "rate limits are counted per worker process (RATELIMIT_STORAGE_URI=memory://, "
            "allowed by RATELIMIT_ALLOW_MEMORY): with several workers every limit is that many "
            "times looser; use RATELIMIT_STORAGE_URI=redis://… for shared counts"
        )


PRIVACY_SETTINGS = ("ACADEMY_ADDRESS", "PRIVACY_OFFICER", "PRIVACY_PROCESSORS")


def _warn_about_unfilled_privacy_statement(app: Flask) -> None:
    missing = [name for name in PRIVACY_SETTINGS if not app.config.get(name)]
    if missing and app.config.get("ENV_NAME") == "production":
        import logging

        logging.getLogger("seminars").warning(
            "the privacy statement (/datenschutz) still asks to fill in: %s", ", ".join(missing)
        )


def _register_models() -> None:
    # Import every model so that metadata (and migrations) know all tables.
    import seminars.accessibility.models  # noqa: F401
    import seminars.accounts.models  # noqa: F401
    import seminars.audit.models  # noqa: F401
    import seminars.certificates.models  # noqa: F401
    import seminars.core.locking  # noqa: F401  (session hooks)
    import seminars.core.sqlite  # noqa: F401  (engine hooks)
    import seminars.interest.models  # noqa: F401
    import seminars.outbox.models  # noqa: F401
    import seminars.programme.models  # noqa: F401
    import seminars.registrations.models  # noqa: F401
    import seminars.surveys.models  # noqa: F401


def _connect_domains() -> None:
    # Registrations show a registration's certificates without importing the certificates
    # package, which builds on them (see registrations/certificate_lookup.py).
    from seminars.certificates import services as certificates
    from seminars.registrations import certificate_lookup

    certificate_lookup.connect(
        certificate_lookup.CertificateLookup(
            active_certificate=certificates.active_certificate,
            certificates_of=certificates.certificates_of,
            eligible_ids=certificates.eligible_ids,
        )
    )
    # Registrations tell a person which services are booked for their needs and offer the
    # materials for them, without importing the accessibility package that builds on them
    # (see registrations/service_notes.py).
    from seminars.accessibility import materials as service_materials
    from seminars.accessibility import notes as service_notes_source
    from seminars.registrations import service_notes

    service_notes.connect(
        service_notes.ServiceNotes(
            booked_services_of=service_notes_source.booked_services_of,
            materials_of=service_materials.materials_for,
        )
    )
    # The audit log names staff members and registered people, whose packages build on it,
    # and words the values of accessibility tasks, channels, calls and letters.
    from seminars.accessibility import task_lists
    from seminars.accounts import labels as account_labels
    from seminars.accounts import names as account_names
    from seminars.audit import directory as audit_directory
    from seminars.letters import kinds as letter_kinds
    from seminars.registrations import labels as registration_labels
    from seminars.registrations import names as registration_names
    from seminars.registrations.call_records import audit_value_text as call_value_text
    from seminars.registrations.needs import need_field_label

    def _audit_value_text(action, name, value):
        # The first domain that words the value wins: calls, accessibility tasks, channels,
        # letters.
        for words in (
            call_value_text,
            task_lists.audit_value_text,
            registration_labels.audit_value_text,
            letter_kinds.audit_value_text,
        ):
            worded = words(action, name, value)
            if worded is not None:
                return worded
        return None

    audit_directory.connect(
        audit_directory.Directory(
            user_names=account_names.names_of,
            registration_names=registration_names.names_of,
            registration_status_label=registration_labels.registration_status_label,
            role_label=account_labels.role_label,
            domain_field_label=need_field_label,
            domain_value_text=_audit_value_text,
        )
    )

    # The seminar's page lists its accessibility tasks; planning may not import the
    # accessibility package, so it asks through a lookup (see planning/service_tasks.py).
    from seminars.core.timezone import utcnow
    from seminars.planning import service_tasks

    service_tasks.connect(lambda seminar_id: task_lists.tasks_of_seminar(seminar_id, utcnow()))


def _connect_seminar_notices() -> None:
    # The seminar's staff page (planning) warns of a venue that misses a need of its
    # registrations, without planning importing accessibility, which builds on programme.
    from seminars.accessibility import venue_check
    from seminars.planning import seminar_notices

    def venue_warning(seminar_id: int, now):
        found = venue_check.open_mismatches_of(seminar_id, now=now)
        if not found:
            return None
        return seminar_notices.Notice(
            "accessibility/_venue_warning.html",
            {"seminar_id": seminar_id, "mismatches": found},
        )

    seminar_notices.connect("venue_check", venue_warning)


def _register_outbox(app: Flask) -> None:
    from sqlalchemy.orm import Session

    from seminars.accessibility import files as material_files
    from seminars.accessibility import watch
    from seminars.catalogue import changes as catalogue_changes
    from seminars.outbox.services import install_session_hooks, send_committed

    install_session_hooks(Session)
    # Accessibility tasks follow the registrations and sessions a transaction changed; the
    # alerts they raise are mail, queued before the commit like any other.
    watch.install(Session)
    # Material files follow the transaction that writes or deletes their rows.
    material_files.install(Session)
    # Pages in the shared page cache are dropped after a commit that changed what they show.
    catalogue_changes.install(Session)

    @app.after_request
    def send_mail_queued_by_this_request(response):
        # The view has committed; its mails go out now (or stay in the outbox for later).
        send_committed()
        return response


def _register_blueprints(app: Flask) -> None:
    from seminars.accessibility.staff_views import bp as staff_accessibility_bp
    from seminars.accessibility.views import bp as accessibility_bp
    from seminars.accounts.views import bp as accounts_bp
    from seminars.api.views import bp as api_bp
    from seminars.audit.staff_views import bp as audit_bp
    from seminars.backoffice.views import bp as backoffice_bp
    from seminars.calls.staff_views import bp as staff_calls_bp
    from seminars.catalogue.views import bp as catalogue_bp
    from seminars.certificates.staff_views import bp as staff_certificates_bp
    from seminars.certificates.views import bp as certificates_bp
    from seminars.core.views import bp as core_bp
    from seminars.exports.views import bp as exports_bp
    from seminars.feeds.views import bp as feeds_bp
    from seminars.interest.views import bp as interest_bp
    from seminars.letters.staff_views import bp as staff_letters_bp
    from seminars.mailing.views import bp as mailing_bp
    from seminars.outbox.views import bp as dev_mail_bp
    from seminars.planning.views import bp as planning_bp
    from seminars.privacy.views import bp as privacy_bp
    from seminars.programme_import.staff_views import bp as programme_import_bp
    from seminars.registrations.staff_views import bp as staff_registrations_bp
    from seminars.registrations.views import bp as registrations_bp
    from seminars.statistics.views import bp as statistics_bp
    from seminars.surveys.staff_views import bp as staff_surveys_bp
    from seminars.surveys.views import bp as surveys_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(registrations_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(dev_mail_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(backoffice_bp)
    app.register_blueprint(planning_bp)
    app.register_blueprint(staff_registrations_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(mailing_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(staff_certificates_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(staff_surveys_bp)
    app.register_blueprint(statistics_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(programme_import_bp)
    app.register_blueprint(staff_accessibility_bp)
    app.register_blueprint(staff_calls_bp)
    app.register_blueprint(staff_letters_bp)
    app.register_blueprint(accessibility_bp)
    app.register_blueprint(interest_bp)


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import format_decimal, format_percent

    from seminars.accessibility.labels import kind_label, task_status_label
    from seminars.accounts.labels import role_label
    from seminars.core import i18n
    from seminars.programme.labels import availability_label, format_label, status_label
    from seminars.registrations.labels import (
        channel_label,
        channel_short_label,
        county_label,
        need_label,
        needs_text,
        registration_status_label,
    )
    from seminars.surveys.labels import scale_labels

    app.jinja_env.globals.update(
        current_language=i18n.current_language,
        format_session_range=i18n.format_session_range,
        format_day=i18n.format_day,
        format_moment=i18n.format_moment,
        format_spoken=i18n.format_spoken,
        format_date_only=i18n.format_date_only,
        format_file_size=i18n.format_file_size,
        iso_date=i18n.iso_date,
        scale_labels=scale_labels,
        format_label=format_label,
        availability_label=availability_label,
        role_label=role_label,
        status_label=status_label,
        registration_status_label=registration_status_label,
        need_label=need_label,
        kind_label=kind_label,
        task_status_label=task_status_label,
        needs_text=needs_text,
        county_label=county_label,
        channel_label=channel_label,
        channel_short_label=channel_short_label,
        format_percent=format_percent,
        format_decimal=format_decimal,
    )
    i18n.install_template_translations(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _register_cli(app: Flask) -> None:
    from seminars.accounts.cli import create_user_command
    from seminars.demo.cli import seed_demo_command
    from seminars.housekeeping.cli import housekeeping_command
    from seminars.outbox.cli import outbox_cli
    from seminars.programme_import.cli import import_programme_command
    from seminars.registrations.cli import check_consistency_command

    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(import_programme_command)
    app.cli.add_command(housekeeping_command)
    app.cli.add_command(check_consistency_command)
    app.cli.add_command(outbox_cli)
