"""The English catalogue is complete, consistent and compiles."""

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
METHODS = [
    ("seminars/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_messages() -> dict:
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"**.html": {}, "**.txt": {}}
    ):
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault(key, f"{filename}:{lineno}")
    return found


def english():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="en")


def test_every_string_in_the_code_has_an_english_translation():
    catalogue = english()
    translated = {}
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            translated[message.id if isinstance(message.id, str) else tuple(message.id)] = True
    missing = {key: where for key, where in source_messages().items() if key not in translated}
    assert missing == {}, "run `make translations` and translate: " + repr(missing)


def test_placeholders_match_and_the_catalogue_compiles():
    catalogue = english()
    problems = [
        (message.id, [str(error) for error in errors]) for message, errors in catalogue.check()
    ]
    assert problems == []
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    assert len(buffer.getvalue()) > 1000


def test_pages_speak_english_when_asked(client):
    from tests import factories

    seminar = factories.seminar("Vereinsrecht", capacity=5)
    headers = {"Accept-Language": "en"}
    listing = client.get("/", headers=headers).get_data(as_text=True)
    assert '<html lang="en">' in listing and "Seminar programme" in listing
    assert "5 places left" in listing and "Group leadership" in listing
    page = client.get(f"/seminare/{seminar.id}", headers=headers).get_data(as_text=True)
    assert "Free of charge for volunteers of self-help groups." in page
    assert "First name" in page and "Vorname" not in page
    missing = client.get("/seminare/999999", headers=headers).get_data(as_text=True)
    assert "Page not found" in missing


def test_mails_are_written_in_the_registrants_language(app):
    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.outbox.models import OutboxMessage
    from seminars.registrations import allocation
    from tests import factories

    seminar = factories.seminar("Vereinsrecht", capacity=5)
    allocation.register(seminar.id, factories.applicant(1, locale="en"), now=utcnow())
    allocation.register(seminar.id, factories.applicant(2, locale="de"), now=utcnow())
    db.session.commit()
    english_mail, german_mail = db.session.query(OutboxMessage).order_by(OutboxMessage.id).all()
    assert english_mail.subject == "Please confirm your registration: Vereinsrecht"
    assert english_mail.body_text.startswith("Dear Erika Muster1,")
    assert '<html lang="en">' in english_mail.body_html
    assert german_mail.subject == "Bitte bestätigen Sie Ihre Anmeldung: Vereinsrecht"


def test_no_translation_says_itself_twice():
    """A translation pasted twice (a line added below the first one) reads as one long
    repeated sentence on the page."""
    doubled = []
    for message in english():
        for text in message.string if isinstance(message.string, tuple) else [message.string]:
            half = len(text) // 2
            if len(text) > 20 and text[:half].strip() == text[half:].strip():
                doubled.append(text)
    assert doubled == []
