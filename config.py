"""Configuration classes, one per environment.

Pick one with ``APP_ENV`` (``development``, ``testing`` or ``production``; default
``development``). Values come from the environment; afterwards every ``FLASK_``-prefixed
variable overrides the key of the same name (``FLASK_CATALOGUE_PAGE_SIZE=10``), as Flask's
``Config.from_prefixed_env`` does.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

DEFAULT_SECRET_KEY = "dev-only-change-me"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {raw!r}") from exc


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a number of seconds, got {raw!r}") from exc


def _env_days(name: str) -> dict[str, int]:
    """``kind=days`` pairs, comma-separated (``braille=28,easy_read=28``)."""
    raw = os.environ.get(name, "")
    days: dict[str, int] = {}
    for pair in filter(None, (part.strip() for part in raw.split(","))):
        key, _, value = pair.partition("=")
        try:
            days[key.strip()] = int(value)
        except ValueError as exc:
            raise RuntimeError(f"{name} must be pairs such as braille=28, got {pair!r}") from exc
    return days


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _sqlite_default() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'seminars.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Accept the common ``postgres://`` and ``postgresql://`` spellings for psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", _sqlite_default())
    )
    # pool_pre_ping: a connection the database dropped is noticed and replaced before use.
    # hide_parameters: database errors never quote the values (names, addresses) in logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    SQLALCHEMY_RECORD_QUERIES = False

    # Logs: JSON lines on stderr ("text" for a terminal), one line per request.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    LOG_REQUESTS = _env_bool("LOG_REQUESTS", True)

    # Languages: German first, English second.
    LANGUAGES = [
        lang.strip() for lang in os.environ.get("LANGUAGES", "de,en").split(",") if lang.strip()
    ]
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"

    # The academy that runs the programme (shown in the footer, the feeds and later documents).
    ACADEMY_NAME = os.environ.get("ACADEMY_NAME", "Paritätische Akademie Thüringen")
    ACADEMY_EMAIL = os.environ.get("ACADEMY_EMAIL", "seminare@example.org")
    ACADEMY_PHONE = os.environ.get("ACADEMY_PHONE", "0361 000000")
    # Where the staff are told about changes made by registrants (e.g. new needs); the
    # academy's address when empty.
    STAFF_NOTIFY_EMAIL = os.environ.get("STAFF_NOTIFY_EMAIL", "")
    # Where people report accessibility barriers (shown in the accessibility statement).
    ACCESSIBILITY_CONTACT = os.environ.get(
        "ACCESSIBILITY_CONTACT", os.environ.get("ACADEMY_EMAIL", "seminare@example.org")
    )
    ACCESSIBILITY_STATEMENT_DATE = os.environ.get("ACCESSIBILITY_STATEMENT_DATE", "2026-11-22")
    # Host name used in the stable UIDs of calendar events.
    CALENDAR_UID_DOMAIN = os.environ.get("CALENDAR_UID_DOMAIN", "selbsthilfe-im-dialog.example")

    # Outgoing mail (the outbox and its sender arrive with the registration flow).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Selbsthilfe im Dialog <seminare@example.org>"
    )
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    # Seconds a request may spend sending its mails, all together; the rest waits in the
    # outbox for the worker (0: requests send nothing themselves).
    MAIL_REQUEST_DEADLINE = _env_float("MAIL_REQUEST_DEADLINE", 5.0)
    # Flask-Mail would swallow mail in testing; the outbox decides what is sent.
    MAIL_SUPPRESS_SEND = False
    # Give up on a message after this many failed attempts (back-off doubles up to 6 hours).
    OUTBOX_MAX_ATTEMPTS = _env_int("OUTBOX_MAX_ATTEMPTS", 20)
    # How long a sender holds one message it is sending; then another sender may take it.
    OUTBOX_LEASE_SECONDS = _env_int("OUTBOX_LEASE_SECONDS", 300)
    # How long recording "sent" is retried while the database is unreachable.
    OUTBOX_RECORD_RETRY_SECONDS = _env_float("OUTBOX_RECORD_RETRY_SECONDS", 10.0)
    # A sent message keeps no address and no text; development keeps them for /dev/mail/.
    OUTBOX_KEEP_SENT_BODIES = _env_bool("OUTBOX_KEEP_SENT_BODIES", False)

    # Links in mails always point here, never to whatever Host header a request carried.
    # Production refuses to start without it. Development may leave it empty: links then
    # follow the address the development server was asked at, and commands (housekeeping,
    # outbox) use http://127.0.0.1:$FLASK_RUN_PORT (or $PORT, else 5000) and say so once.
    BASE_URL = os.environ.get("BASE_URL", "").strip()

    # Logins and rate limits (Flask-Limiter). Every worker must count in one shared place:
    # RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0. Production refuses memory:// (each
    # worker would count on its own) unless RATELIMIT_ALLOW_MEMORY says that is meant.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ALLOW_MEMORY = _env_bool("RATELIMIT_ALLOW_MEMORY", False)
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = False
    # Login attempts per client address, and per account (the address typed in, whoever sends
    # it): one attacker cannot lock out everyone, nor guess on one account from many addresses.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;30 per hour")
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get(
        "LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute;20 per hour"
    )
    # "Passwort vergessen?": requests per client address, and per address typed in (so that
    # nobody floods one colleague's mailbox); the link in the mail works this many hours.
    PASSWORD_RESET_RATE_LIMIT = os.environ.get(
        "PASSWORD_RESET_RATE_LIMIT", "5 per minute;20 per hour"
    )
    PASSWORD_RESET_ACCOUNT_RATE_LIMIT = os.environ.get(
        "PASSWORD_RESET_ACCOUNT_RATE_LIMIT", "3 per hour"
    )
    PASSWORD_RESET_HOURS = _env_int("PASSWORD_RESET_HOURS", 2)
    # An invitation to a new colleague (an account created without a password) works this long.
    INVITATION_DAYS = _env_int("INVITATION_DAYS", 7)
    # Interpreters must be booked this many days before a seminar.
    INTERPRETER_LEAD_DAYS = _env_int("INTERPRETER_LEAD_DAYS", 21)
    # Other accessibility services: days before the first session by kind, e.g.
    # "braille=28,easy_read=28" (defaults in seminars/accessibility/kinds.py).
    SERVICE_LEAD_DAYS = _env_days("SERVICE_LEAD_DAYS")
    # An accessibility task due within this many days counts as due soon (start page, alerts).
    SERVICE_DUE_SOON_DAYS = _env_int("SERVICE_DUE_SOON_DAYS", 7)
    # Materials for download (large print, Braille files, Easy Read): where the files live,
    # and from how many days before the first session registrants may download them.
    MATERIALS_FOLDER = os.environ.get("MATERIALS_FOLDER", str(INSTANCE_DIR / "materials"))
    MATERIALS_DAYS_BEFORE = _env_int("MATERIALS_DAYS_BEFORE", 7)

    # Certificates of attendance.
    # Sessions a person must have attended for a certificate; 0 means all of them.
    CERTIFICATE_MIN_ATTENDANCE = _env_int("CERTIFICATE_MIN_ATTENDANCE", 0)
    CERTIFICATE_LOGO = os.environ.get("CERTIFICATE_LOGO", "")  # a file in static/, e.g. logo.png
    CERTIFICATE_SIGNATURE_NAME = os.environ.get("CERTIFICATE_SIGNATURE_NAME", "Seminarleitung")
    CERTIFICATE_SIGNATURE_ROLE = os.environ.get(
        "CERTIFICATE_SIGNATURE_ROLE", "Paritätische Akademie Thüringen"
    )
    CERTIFICATE_PLACE = os.environ.get("CERTIFICATE_PLACE", "Erfurt")
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per minute")
    REGISTRATION_RATE_LIMIT = os.environ.get(
        "REGISTRATION_RATE_LIMIT", "20 per minute;100 per hour"
    )
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")
    # PDFs rendered on request (annual report, sign-in sheet), per logged-in user.
    PDF_RATE_LIMIT = os.environ.get("PDF_RATE_LIMIT", "10 per minute")

    # Retention of personal data.
    RETENTION_MONTHS = _env_int("RETENTION_MONTHS", 24)
    NEEDS_RETENTION_DAYS = _env_int("NEEDS_RETENTION_DAYS", 30)
    # Key of the pseudonymous person key; derived from SECRET_KEY when empty. Set it before
    # you ever change SECRET_KEY, or "people reached" starts counting returning people anew.
    PERSON_KEY_SECRET = os.environ.get("PERSON_KEY_SECRET", "")
    # How long the operator keeps server logs and backups (stated on the privacy page).
    LOG_RETENTION_DAYS = _env_int("LOG_RETENTION_DAYS", 14)
    BACKUP_RETENTION_DAYS = _env_int("BACKUP_RETENTION_DAYS", 30)

    # The privacy statement (/datenschutz): what only the academy can say. Empty values are
    # shown as "please fill in" and listed in a warning when the app starts in production.
    ACADEMY_ADDRESS = os.environ.get("ACADEMY_ADDRESS", "")
    PRIVACY_OFFICER = os.environ.get("PRIVACY_OFFICER", "")
    PRIVACY_PROCESSORS = os.environ.get("PRIVACY_PROCESSORS", "")
    PRIVACY_UPDATED = os.environ.get("PRIVACY_UPDATED", "")
    SUPERVISORY_AUTHORITY = os.environ.get(
        "SUPERVISORY_AUTHORITY",
        "Thüringer Landesbeauftragter für den Datenschutz und die Informationsfreiheit (TLfDI), "
        "Häßlerstraße 8, 99096 Erfurt",
    )

    # Evaluation surveys.
    SURVEY_ATTENDANCE_GRACE_DAYS = _env_int("SURVEY_ATTENDANCE_GRACE_DAYS", 3)
    SURVEY_REMINDER_DAYS = _env_int("SURVEY_REMINDER_DAYS", 7)
    SURVEY_OPEN_DAYS = _env_int("SURVEY_OPEN_DAYS", 21)
    SURVEY_MIN_RESPONSES = _env_int("SURVEY_MIN_RESPONSES", 3)
    # Questionnaires returned by post are typed in up to this many days after the survey
    # closed (letters in transit); codes typed online get no extra days.
    SURVEY_PAPER_GRACE_DAYS = _env_int("SURVEY_PAPER_GRACE_DAYS", 14)
    # Codes staff may try when typing in paper questionnaires, per account (both steps).
    SURVEY_PAPER_RATE_LIMIT = os.environ.get(
        "SURVEY_PAPER_RATE_LIMIT", "30 per minute;300 per hour"
    )

    # Registration rules.
    # How long an unconfirmed registration holds its seat (or waitlist place) before it
    # expires; short, so that registrations nobody confirms cannot keep a seminar full.
    CONFIRMATION_HOURS = _env_int("CONFIRMATION_HOURS", 2)
    # Unconfirmed seats and waitlist places at once (all seminars), per e-mail address and
    # per client (IP address; IPv6 by /64). A registration with a personal assistant counts 2;
    # 0 switches a cap off.
    PENDING_MAX_PER_ADDRESS = _env_int("PENDING_MAX_PER_ADDRESS", 3)
    PENDING_MAX_PER_CLIENT = _env_int("PENDING_MAX_PER_CLIENT", 5)
    OFFER_HOURS = _env_int("OFFER_HOURS", 48)
    # A seat offered to someone who takes part by post or by phone waits longer: a letter
    # takes days there and back, a call needs the person at home.
    POST_OFFER_HOURS = _env_int("POST_OFFER_HOURS", 120)
    PHONE_OFFER_HOURS = _env_int("PHONE_OFFER_HOURS", 48)
    # Closer to the start than this, no letter reaches someone in time: a freed seat goes to
    # the next person instead (the one by post keeps their place).
    POST_OFFER_MIN_HOURS = _env_int("POST_OFFER_MIN_HOURS", 48)
    OFFER_MIN_HOURS = _env_int("OFFER_MIN_HOURS", 2)
    MEETING_LINK_HOURS = _env_int("MEETING_LINK_HOURS", 48)
    # Days before a session its reminder goes out; with REMINDER_EVERY_SESSION before every
    # session of a series, otherwise before the first one only.
    REMINDER_DAYS = _env_int("REMINDER_DAYS", 3)
    # Days by which a reminder for someone who takes part by post is written earlier: the
    # letter is printed, posted and delivered before the person would have had the mail.
    POST_REMINDER_DAYS = _env_int("POST_REMINDER_DAYS", 3)
    # Registrants change their own details (contact, needs, remarks) on their page until this
    # many hours before the first session; afterwards only the academy can.
    SELF_SERVICE_CHANGE_HOURS = _env_int("SELF_SERVICE_CHANGE_HOURS", 48)
    REMINDER_EVERY_SESSION = _env_bool("REMINDER_EVERY_SESSION", True)

    # Interest lists and programme alerts (``seminars/interest``).
    # An unconfirmed subscription is deleted after this many hours.
    INTEREST_CONFIRMATION_HOURS = _env_int("INTEREST_CONFIRMATION_HOURS", 48)
    # Unconfirmed subscriptions at once per client (IP address; IPv6 by /64); 0: no cap.
    INTEREST_PENDING_MAX_PER_CLIENT = _env_int("INTEREST_PENDING_MAX_PER_CLIENT", 5)
    INTEREST_RATE_LIMIT = os.environ.get("INTEREST_RATE_LIMIT", "10 per minute;50 per hour")
    # A subscription ends (its address deleted) this many months after its confirmation or
    # last renewal; subscribers are asked to renew INTEREST_RENEWAL_NOTICE_DAYS before.
    INTEREST_RETENTION_MONTHS = _env_int("INTEREST_RETENTION_MONTHS", 24)
    INTEREST_RENEWAL_NOTICE_DAYS = _env_int("INTEREST_RENEWAL_NOTICE_DAYS", 30)
    # Programme alerts go out once a day, from this hour (Berlin time), for every seminar
    # published since the subscriber's last alert.
    INTEREST_ALERT_HOUR = _env_int("INTEREST_ALERT_HOUR", 8)

    # Catalogue.
    CATALOGUE_PAGE_SIZE = _env_int("CATALOGUE_PAGE_SIZE", 20)
    # Seconds a rendered catalogue page may be served again before it is built anew.
    # The places shown are never older than this. 0 switches the cache off.
    CATALOGUE_CACHE_SECONDS = _env_int("CATALOGUE_CACHE_SECONDS", 3)
    CATALOGUE_CACHE_ENTRIES = _env_int("CATALOGUE_CACHE_ENTRIES", 512)
    # Seconds each worker keeps the filter form's choices (topics, towns, months; never the
    # places) before reading them again. 0 reads them for every page.
    CATALOGUE_CHOICES_SECONDS = _env_int("CATALOGUE_CHOICES_SECONDS", 10)
    # Where the cached pages live: empty keeps them in each worker (each shows places at most
    # CATALOGUE_CACHE_SECONDS old); a Redis URL (redis://127.0.0.1:6379/1) shares them among
    # all workers and drops them as soon as places or seminars change.
    PAGE_CACHE_URL = os.environ.get("PAGE_CACHE_URL", "").strip()
    # Rendered list entries each worker keeps (catalogue/fragments.py); 0 switches it off.
    CATALOGUE_FRAGMENT_ENTRIES = _env_int("CATALOGUE_FRAGMENT_ENTRIES", 4096)
    API_PAGE_SIZE_MAX = _env_int("API_PAGE_SIZE_MAX", 100)

    # Largest accepted request: a programme file for the import (at most 5 MB, see
    # seminars/programme_import/readers.py) and the form around it. Other forms' text fields
    # are bounded by MAX_FORM_MEMORY_SIZE (Flask's default, 500 kB).
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 5 * 1024 * 1024 + 64 * 1024)

    WTF_CSRF_TIME_LIMIT = None

    # Cookies and transport. Production tightens these (see ProductionConfig).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    HSTS_SECONDS = 0
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust.
    PROXY_FIX_PROXIES = _env_int("PROXY_FIX_PROXIES", 0)


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    OUTBOX_KEEP_SENT_BODIES = _env_bool("OUTBOX_KEEP_SENT_BODIES", True)


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    BASE_URL = "http://seminare.test"
    # Nothing listens here: tests that send mail start their own SMTP server.
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 9
    MAIL_TIMEOUT = 2
    # The tests of the limits set their own.
    LOGIN_RATE_LIMIT = "1000 per minute"
    LOGIN_ACCOUNT_RATE_LIMIT = "1000 per minute"
    PASSWORD_RESET_RATE_LIMIT = "1000 per minute"
    PASSWORD_RESET_ACCOUNT_RATE_LIMIT = "1000 per minute"
    REGISTRATION_RATE_LIMIT = "1000 per minute"
    API_RATE_LIMIT = "1000 per minute"
    PDF_RATE_LIMIT = "1000 per minute"
    SURVEY_PAPER_RATE_LIMIT = "1000 per minute"
    INTEREST_RATE_LIMIT = "1000 per minute"
    CATALOGUE_CACHE_SECONDS = 0
    CATALOGUE_CHOICES_SECONDS = 0
    WTF_CSRF_ENABLED = True


class ProductionConfig(Config):
    ENV_NAME = "production"
    DEBUG = False
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    HSTS_SECONDS = _env_int("HSTS_SECONDS", 31_536_000)
    # Requests send no mail themselves: the outbox worker (``flask outbox work``) does, so
    # that a slow mail server or a rush of registrations never holds a request up.
    MAIL_REQUEST_DEADLINE = _env_float("MAIL_REQUEST_DEADLINE", 0.0)


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    key = (name or os.environ.get("APP_ENV") or "development").strip().lower()
    try:
        return CONFIGS[key]
    except KeyError as exc:
        known = ", ".join(sorted(CONFIGS))
        raise RuntimeError(f"Unknown APP_ENV {key!r}; use one of: {known}") from exc
