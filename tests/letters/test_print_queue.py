"""The print queue: letters for people without e-mail, as tagged PDFs, printed and marked."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from seminars.audit.models import AuditEntry
from seminars.certificates import services as certificates
from seminars.core.timezone import berlin_date, utcnow
from seminars.extensions import db
from seminars.housekeeping.services import send_reminders
from seminars.letters import rendering, services
from seminars.outbox.models import OutboxMessage
from seminars.programme.models import Seminar, SeminarSession
from seminars.registrations import mails, staff
from seminars.registrations.models import Registration
from tests import factories
from tests.conftest import csrf_token_from
from tests.registrations.test_channels import book

QUEUE = "/verwaltung/briefe"


def text(response) -> str:
    return response.get_data(as_text=True)


def letters_of(registration_id: int) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.registration_id == registration_id)
            .order_by(OutboxMessage.id)
        )
    )


def session_days(seminar) -> list[str]:
    """The days of the seminar's sessions as a German letter writes them ("3. März 2027")."""
    from babel.dates import format_date

    sessions = db.session.scalars(
        select(SeminarSession).where(SeminarSession.seminar_id == seminar.id)
    ).all()
    assert sessions
    return [
        format_date(berlin_date(session.starts_at), "d. MMMM y", locale="de")
        for session in sessions
    ]


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    return PdfReader(io.BytesIO(response.data))


def all_text(document: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in document.pages)


def letter_pdf(message: OutboxMessage) -> PdfReader:
    registration = db.session.get(Registration, message.registration_id)
    body = rendering.letters_pdf([(message, registration)], today=berlin_date(utcnow()))
    return PdfReader(io.BytesIO(body))


def test_a_volunteer_without_email_gets_the_confirmation_by_letter(client, login):
    """The issue's acceptance test: staff book a volunteer without e-mail by phone for post;
    the print queue holds the confirmation letter, a tagged PDF naming them and the dates."""
    login("staff")
    seminar = factories.seminar("Gruppen gut leiten", sessions=2)
    response = book(client, seminar, channel="post")
    assert response.status_code == 303
    registration = db.session.scalars(select(Registration)).one()
    assert registration.status == "confirmed" and registration.consent_at is not None

    page = client.get(QUEUE)
    assert page.status_code == 200
    html = text(page)
    assert (
        "Gerda Ohnemail" in html and "Anmeldung bestätigt" in html and "Gruppen gut leiten" in html
    )
    [letter] = letters_of(registration.id)
    assert f'value="{letter.id}"' in html

    link = re.search(r'href="(/verwaltung/briefe/faellig\.pdf[^"]*)"', html).group(1)
    batch = client.get(link.replace("&amp;", "&"))
    assert re.search(
        r'filename="briefe-\d{4}-\d{2}-\d{2}\.pdf"', batch.headers["Content-Disposition"]
    )
    document = pdf_of(batch)
    content = all_text(document)
    assert "Gerda Ohnemail" in content and "Hauptmarkt 3" in content and "99867 Gotha" in content
    assert "Gruppen gut leiten" in content and "Anmeldung bestätigt" in content
    for day in session_days(seminar):
        assert day in content
    assert "Anmeldenummer" in content and str(registration.id) in content
    # The personal page is printed from the registration at the time of printing.
    assert mails.manage_url(registration) in content.replace("\n", "")
    assert mails.manage_url(registration) not in letter.body_text
    # Tagged PDF/UA.
    root = document.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert root["/Lang"] == "de"
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()


def test_the_letter_names_the_session_dates(app):
    seminar = factories.seminar("Recht im Ehrenamt", sessions=2)
    registration = factories.registration(seminar, channel="post", first_name="Gerda")
    mails.queue(registration, mails.CONFIRMED)
    db.session.commit()
    [letter] = letters_of(registration.id)
    content = all_text(letter_pdf(letter))
    for day in session_days(seminar):
        assert day in content
    assert "Gerda" in content and "Recht im Ehrenamt" in content
    # On paper, no "attached calendar file" and no link to click in the text.
    assert "Kalenderdatei" not in letter.body_text and "http" not in letter.body_text
    assert "QR-Code" in letter.body_text


def test_reminder_letter_goes_out_earlier_and_no_mail_is_queued(app):
    start = utcnow().replace(microsecond=0) + timedelta(days=10)
    seminar = factories.seminar(starts_at=start)
    by_post = factories.registration(seminar, channel="post")
    by_mail = factories.registration(seminar)
    # A week before: nothing yet.
    assert send_reminders(start - timedelta(days=7)) == 0
    # REMINDER_DAYS + POST_REMINDER_DAYS (3 + 3) before: the letter, not yet the mail.
    send_reminders(start - timedelta(days=6, hours=-1))
    db.session.commit()
    assert [(m.kind, m.channel) for m in letters_of(by_post.id)] == [("reminder", "letter")]
    assert letters_of(by_mail.id) == []
    # Three days before the start: the reminder letter is there, no mail for that person;
    # the e-mail registration gets its mail at its usual time.
    send_reminders(start - timedelta(days=3, hours=-1))
    db.session.commit()
    assert [(m.kind, m.channel) for m in letters_of(by_post.id)] == [("reminder", "letter")]
    assert [(m.kind, m.channel) for m in letters_of(by_mail.id)] == [("reminder", "email")]
    assert [letter.id for letter in services.due_letters()] == [letters_of(by_post.id)[0].id]


def test_reminder_letter_appears_three_days_before_with_the_default_lead(app):
    app.config["POST_REMINDER_DAYS"] = 0
    start = utcnow().replace(microsecond=0) + timedelta(days=10)
    seminar = factories.seminar(starts_at=start)
    by_post = factories.registration(seminar, channel="post")
    send_reminders(start - timedelta(days=4))
    assert letters_of(by_post.id) == []
    send_reminders(start - timedelta(days=3, hours=-1))
    db.session.commit()
    assert [(m.kind, m.channel) for m in letters_of(by_post.id)] == [("reminder", "letter")]
    assert (
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email")).all()
        == []
    )


def attended(channel="post", **fields):
    seminar = factories.seminar("Gruppen leiten", starts_in=timedelta(days=-5), sessions=1)
    registration = factories.registration(
        seminar, channel=channel, first_name="Jürgen", last_name="Müller", **fields
    )
    sheet = staff.attendance_of(seminar.id)
    for session in sheet.sessions:
        staff.record_attendance(seminar.id, session.id, {registration.id}, actor=None, now=utcnow())
    db.session.commit()
    return seminar, registration


def test_the_certificate_letter_encloses_the_certificate(app):
    _seminar, registration = attended()
    certificate = certificates.issue(registration.id, actor=None, now=utcnow())
    db.session.commit()
    [letter] = letters_of(registration.id)
    assert (letter.kind, letter.channel) == ("certificate", "letter")
    assert "liegt diesem Brief bei" in letter.body_text
    document = letter_pdf(letter)
    assert len(document.pages) == 2
    enclosed = document.pages[-1].extract_text()
    assert "Teilnahmebescheinigung" in enclosed and "Jürgen Müller" in enclosed
    assert certificate.code in enclosed and "Gruppen leiten" in enclosed
    assert certificate.code not in document.pages[0].extract_text()
    root = document.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root


def test_a_revoked_certificate_is_not_enclosed(app):
    _seminar, registration = attended()
    certificate = certificates.issue(registration.id, actor=None, now=utcnow())
    db.session.commit()
    certificates.revoke(certificate.id, reason="Fehler", actor=None, now=utcnow())
    db.session.commit()
    [letter] = [m for m in letters_of(registration.id) if m.kind == "certificate"]
    assert len(letter_pdf(letter).pages) == 1


def test_large_print_letters_use_the_large_class(app):
    seminar = factories.seminar()
    large = factories.registration(seminar, channel="post", need_large_print=True)
    small = factories.registration(seminar, channel="post")
    mails.queue(large, mails.CONFIRMED)
    mails.queue(small, mails.CONFIRMED)
    db.session.commit()
    with app.test_request_context():
        [big] = letters_of(large.id)
        [normal] = letters_of(small.id)
        today = berlin_date(utcnow())
        assert 'class="letter letter--large"' in rendering.letter_html(big, large, today=today)
        assert "letter--large" not in rendering.letter_html(normal, small, today=today)
        html = rendering.document_html([(big, large)], today=today)
    size = re.search(r"\.letter--large \{ font-size: (\d+)pt", html)
    assert size and int(size.group(1)) >= 16


def test_letters_speak_the_registrants_language(app):
    seminar = factories.seminar()
    registration = factories.registration(seminar, channel="post", locale="en")
    mails.queue(registration, mails.CONFIRMED)
    db.session.commit()
    [letter] = letters_of(registration.id)
    content = " ".join(all_text(letter_pdf(letter)).split())
    assert "Registration number" in content and "Anmeldenummer" not in content
    assert letter_pdf(letter).trailer["/Root"]["/Lang"] == "en"


def two_letters():
    seminar = factories.seminar("Öffentlichkeitsarbeit")
    first = factories.registration(seminar, channel="post", first_name="Anna")
    second = factories.registration(seminar, channel="post", first_name="Bernd")
    mails.queue(first, mails.CONFIRMED)
    mails.queue(second, mails.CONFIRMED)
    db.session.commit()
    return first, second


def test_marking_printed_blanks_the_letter_and_writes_one_audit_entry(client, login):
    account = login("staff")
    first, second = two_letters()
    [one] = letters_of(first.id)
    [two] = letters_of(second.id)
    page = text(client.get(QUEUE))
    response = client.post(
        f"{QUEUE}/gedruckt",
        data={"letter_ids": [str(one.id), str(two.id)], "csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 303
    for registration in (first, second):
        [letter] = letters_of(registration.id)
        assert letter.status == "sent" and letter.sent_at is not None
        assert letter.done_by_id == account.id
        assert (letter.recipient, letter.body_text, letter.body_html) == ("", "", "")
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "letter.printed")
    ).all()
    assert sorted(e.registration_id for e in entries) == sorted([first.id, second.id])
    assert all(e.after == {"letter": "confirmed"} for e in entries)
    assert all("Anger" not in str(e.after) + e.note for e in entries)
    assert "Keine Briefe zu drucken" in text(client.get(QUEUE))
    # Marking again changes nothing and writes nothing.
    client.post(f"{QUEUE}/{one.id}/gedruckt", data={"csrf_token": csrf_token_from(page)})
    again = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "letter.printed"))
    assert len(again.all()) == 2
    # The audit log words the kind.
    login("admin")
    log = text(client.get("/verwaltung/protokoll"))
    assert "Brief gedruckt und versandt" in log and "Anmeldung bestätigt" in log


def test_a_letter_written_after_the_download_is_not_marked(client, login):
    login("staff")
    first, second = two_letters()
    page = text(client.get(QUEUE))
    shown = re.findall(r'name="letter_ids" value="(\d+)"', page)
    link = re.search(r'href="(/verwaltung/briefe/faellig\.pdf[^"]*)"', page).group(1)
    # Meanwhile another letter is written.
    seminar = db.session.get(Seminar, first.seminar_id)
    late = factories.registration(seminar, channel="post", first_name="Carla")
    mails.queue(late, mails.CONFIRMED)
    db.session.commit()
    downloaded = all_text(pdf_of(client.get(link.replace("&amp;", "&"))))
    assert "Carla" not in downloaded and "Anna" in downloaded and "Bernd" in downloaded
    client.post(
        f"{QUEUE}/gedruckt", data={"letter_ids": shown, "csrf_token": csrf_token_from(page)}
    )
    [pending] = services.due_letters()
    assert pending.registration_id == late.id
    assert letters_of(late.id)[0].body_text


def test_marking_nothing_is_refused(client, login):
    login("staff")
    two_letters()
    page = text(client.get(QUEUE))
    response = client.post(
        f"{QUEUE}/gedruckt", data={"csrf_token": csrf_token_from(page)}, follow_redirects=True
    )
    assert "Bitte wählen Sie mindestens einen Brief aus." in text(response)
    assert len(services.due_letters()) == 2


def test_one_letter_as_pdf_and_marked_on_its_own(client, login):
    login("staff")
    first, second = two_letters()
    [one] = letters_of(first.id)
    document = pdf_of(client.get(f"{QUEUE}/{one.id}.pdf"))
    assert "Anna" in all_text(document) and "Bernd" not in all_text(document)
    page = text(client.get(QUEUE))
    client.post(f"{QUEUE}/{one.id}/gedruckt", data={"csrf_token": csrf_token_from(page)})
    assert [letter.registration_id for letter in services.due_letters()] == [second.id]
    # A letter that left the house has no PDF any more.
    assert client.get(f"{QUEUE}/{one.id}.pdf").status_code == 404


def test_a_batch_starts_every_letter_on_a_new_page(client, login):
    login("staff")
    two_letters()
    document = pdf_of(client.get(f"{QUEUE}/faellig.pdf"))
    assert len(document.pages) == 2
    assert "Anna" in document.pages[0].extract_text()
    assert "Bernd" in document.pages[1].extract_text()


def test_the_start_page_counts_the_letters_to_print(client, login):
    login("staff")
    assert "zu drucken" not in text(client.get("/verwaltung/"))
    two_letters()
    page = text(client.get("/verwaltung/"))
    assert "2 Briefe zu drucken" in page and f'href="{QUEUE}"' in page
    login("steering")
    assert "zu drucken" not in text(client.get("/verwaltung/"))


def test_the_navigation_marks_the_print_queue(client, login):
    login("staff")
    page = text(client.get(QUEUE))
    assert f'<a href="{QUEUE}" aria-current="page">Briefe</a>' in page
    assert f'<a href="{QUEUE}">Briefe</a>' in text(client.get("/verwaltung/"))


@pytest.mark.parametrize("role", [None, "steering"])
def test_only_staff_may_see_or_mark_letters(client, login, role):
    first, _second = two_letters()
    [one] = letters_of(first.id)
    if role:
        login(role)
    for url in (QUEUE, f"{QUEUE}/faellig.pdf", f"{QUEUE}/{one.id}.pdf"):
        response = client.get(url)
        assert response.status_code in (302, 303, 403), url
        assert b"Anna" not in response.data
    client.post(f"{QUEUE}/gedruckt", data={"letter_ids": [str(one.id)]})
    client.post(f"{QUEUE}/{one.id}/gedruckt")
    assert len(services.due_letters()) == 2


def test_volunteers_with_a_personal_link_see_no_letters(client):
    first, _second = two_letters()
    client.get(mails.manage_url(first).replace("http://seminare.test", ""))
    assert client.get(QUEUE).status_code in (302, 303, 403)


def test_the_queue_loads_in_a_constant_number_of_queries(client, login, count_queries):
    login("staff")
    two_letters()
    client.get(QUEUE)
    with count_queries() as few:
        assert client.get(QUEUE).status_code == 200
    seminar = factories.seminar()
    for _ in range(6):
        registration = factories.registration(seminar, channel="post", need_large_print=True)
        mails.queue(registration, mails.REMINDER)
    db.session.commit()
    with count_queries() as many:
        page = text(client.get(QUEUE))
    assert page.count('name="letter_ids"') == 8
    assert many.count == few.count


def test_too_many_letters_at_once_are_refused_not_a_server_error(client, login):
    login("staff")
    two_letters()
    page = text(client.get(QUEUE))
    many = [str(number) for number in range(1, 40_000)]
    response = client.post(
        f"{QUEUE}/gedruckt",
        data={"letter_ids": many, "csrf_token": csrf_token_from(page)},
        follow_redirects=True,
    )
    assert "höchstens 200 Briefe" in text(response)
    assert len(services.due_letters()) == 2
    query = "&".join(f"brief={number}" for number in range(1, 3000))
    assert client.get(f"{QUEUE}/faellig.pdf?{query}").status_code == 200


def test_a_certificate_asked_about_on_the_phone_goes_by_post_once_the_address_is_there(app):
    """A phone registrant without address: the certificate call asks where to send it; the
    address staff then enter sends the certificate letter and closes the question."""
    _seminar, registration = attended(channel="phone", street="", postcode="", city="")
    certificates.issue(registration.id, actor=None, now=utcnow())
    db.session.commit()
    [call] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)
    ).all()
    assert (call.kind, call.channel, call.status) == ("certificate", "call", "pending")
    values = {name: getattr(registration, name) for name in staff.CONTACT_FIELDS}
    address = {"street": "Markt 1", "postcode": "07743", "city": "Jena"}
    staff.correct_contact(registration.id, {**values, **address}, actor=None)
    db.session.commit()
    db.session.expire_all()
    [letter] = [m for m in letters_of(registration.id) if m.channel == "letter"]
    assert (letter.kind, letter.status) == ("certificate", "pending")
    assert letter.recipient.endswith("Markt 1\n07743 Jena")
    assert len(letter_pdf(letter).pages) == 2  # with the certificate enclosed
    assert db.session.get(OutboxMessage, call.id).outcome == "obsolete"
    # A second correction sends nothing more.
    staff.correct_contact(registration.id, {**values, **address, "city": "Jena-Ost"}, actor=None)
    db.session.commit()
    assert len([m for m in letters_of(registration.id) if m.channel == "letter"]) == 1


def test_both_qr_codes_of_a_certificate_letter_scan(app, tmp_path):
    """The letter's code leads to the personal page, the enclosed certificate's to its check;
    both are drawn from one pixel per module, so they must stay sharp enough to read."""
    zxingcpp = pytest.importorskip("zxingcpp")
    import subprocess

    from PIL import Image

    from seminars.registrations.mails import manage_url

    _seminar, registration = attended()
    certificate = certificates.issue(registration.id, actor=None, now=utcnow())
    db.session.commit()
    [letter] = letters_of(registration.id)
    body = rendering.letters_pdf([(letter, registration)], today=berlin_date(utcnow()))
    (tmp_path / "letter.pdf").write_bytes(body)
    subprocess.run(
        ["pdftoppm", "-r", "120", "-png", str(tmp_path / "letter.pdf"), str(tmp_path / "page")],
        check=True,
    )
    found = []
    for page in sorted(tmp_path.glob("page-*.png")):
        found += [code.text for code in zxingcpp.read_barcodes(Image.open(page))]
    with app.test_request_context():
        personal = manage_url(registration)
    assert found == [personal, f"http://seminare.test/pruefen/{certificate.code}"]
