"""Journeys through the real app in Chromium, audited page by page.

The tests in this module run in order: the journeys collect the pages they visit; the reflow
and HTML checks at the end look at every one of them.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time

import pytest

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, VNU_JAR, unavailable

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
VARIANTS = [(language, size) for language in ("de", "en") for size in ("desktop", "phone")]
_people = iter(range(1, 10_000))


def wait_for_link(live_server, address: str, count: int = 1, timeout: float = 15) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        links = live_server.links_for(address)
        if len(links) >= count:
            return links[-1]
        time.sleep(0.1)
    raise AssertionError(f"no mail with a link reached {address}")


def choose_language(page, language: str) -> None:
    if language == "en":
        page.select_option("#lang", "en")
        page.click("form.language-switch button")
        page.wait_for_selector('html[lang="en"]')


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_volunteer_finds_registers_confirms_and_cancels(
    live_server, new_page, audit, language, size
):
    page = new_page(VIEWPORTS[size])
    tag = f"{language}-{size}"
    page.goto(live_server.url + "/")
    choose_language(page, language)
    audit.check(page, f"catalogue-{tag}")

    page.select_option("#format", "in_person")
    page.check("#free")
    page.click(".filter-form button[type=submit]")
    assert "free=1" in page.url
    audit.check(page, f"catalogue-filtered-{tag}")

    page.click(".seminar-card h3 a >> nth=0")
    page.wait_for_selector("h1")
    audit.check(page, f"seminar-{tag}")

    page.click(".registration-form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.get_attribute("#first_name", "aria-invalid") == "true"
    audit.check(page, f"registration-errors-{tag}")

    address = f"volunteer{next(_people)}@example.org"
    page.fill("#first_name", "Erika")
    page.fill("#last_name", "Mustermann")
    page.fill("#email", address)
    page.fill("#organisation", "SHG Morbus Crohn Erfurt")
    page.select_option("#county", "th-erfurt")
    page.check("#need_step_free")
    page.check("#consent")
    page.click(".registration-form button[type=submit]")
    page.wait_for_url("**/gesendet*")
    audit.check(page, f"registration-sent-{tag}")

    page.goto(live_server.url + wait_for_link(live_server, address))
    audit.check(page, f"registration-pending-{tag}")
    page.click("form[action$='/bestaetigen'] button")
    page.wait_for_selector(".status--ok")
    audit.check(page, f"registration-confirmed-{tag}")

    page.click("a[href$='/aendern']")
    page.wait_for_selector("#first_name")
    assert page.input_value("#organisation") == "SHG Morbus Crohn Erfurt"
    audit.check(page, f"registration-change-{tag}")
    page.fill("#first_name", "")
    page.fill("#phone", "keine Nummer")
    page.click(".registration-form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.get_attribute("#first_name", "aria-invalid") == "true"
    audit.check(page, f"registration-change-errors-{tag}")
    page.fill("#first_name", "Erika")
    page.fill("#phone", "0361 123456")
    page.check("#need_hearing_loop")
    page.click(".registration-form button[type=submit]")
    page.wait_for_selector(".notice--success")
    audit.check(page, f"registration-changed-{tag}")

    page.click("a[href$='/abmelden']")
    audit.check(page, f"registration-cancel-step-{tag}")
    page.click("form[action$='/abmelden'] button")
    page.wait_for_selector(".status--gone")
    audit.check(page, f"registration-cancelled-{tag}")

    subjects = [
        str(m["Subject"]).strip() for m in live_server.mailbox.messages if str(m["To"]) == address
    ]
    first_word = "Please confirm" if language == "en" else "Bitte bestätigen"
    assert subjects[0].startswith(first_word) and len(subjects) == 3


def survey_path(live_server) -> str:
    """A fresh single-use survey link for a past demo seminar."""
    from datetime import timedelta

    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.surveys import links
    from seminars.surveys.models import SurveyInvitation

    with live_server.app.app_context():
        token = secrets.token_urlsafe(32)
        db.session.add(
            SurveyInvitation(
                seminar_id=1,
                template_id=1,
                token_hash=links.token_hash(token),
                closes_at=utcnow() + timedelta(days=5),
            )
        )
        db.session.commit()
    return f"/befragung/{token}"


def past_registration_path(live_server) -> str:
    """The personal page of a confirmed participant of a past demo seminar (a fresh link)."""
    from sqlalchemy import select

    from seminars.extensions import db
    from seminars.registrations import tokens
    from seminars.registrations.models import STATUS_CONFIRMED, Registration

    with live_server.app.app_context():
        registration = db.session.scalars(
            select(Registration)
            .where(Registration.seminar_id == 1, Registration.status == STATUS_CONFIRMED)
            .order_by(Registration.id)
        ).first()
        assert registration is not None
        token = tokens.token_for(registration.id, registration.token_salt)
    return f"/anmeldung/{token}"


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_every_other_page(live_server, new_page, audit, language, size):
    page = new_page(VIEWPORTS[size])
    tag = f"{language}-{size}"
    page.goto(live_server.url + "/")
    choose_language(page, language)
    for path, name in [
        ("/archiv", "archive"),
        ("/?page=2", "catalogue-page-2"),
        ("/?topic=unbekannt&month=bald", "catalogue-bad-filters"),
        ("/datenschutz", "privacy"),
        ("/barrierefreiheit", "accessibility-statement"),
        ("/leichte-sprache", "easy-language"),
        ("/seminare/999999", "not-found"),
        ("/anmeldung/" + "x" * 43, "unknown-link"),
        ("/pruefen", "verify-form"),
        ("/pruefen/ABCD-EFGH-JKLM", "verify-unknown"),
        (survey_path(live_server), "survey-form"),
        ("/befragung/danke", "survey-thanks"),
        ("/seminare/1/anmeldung/gesendet?platz=warteliste", "registration-sent-waitlist"),
        (past_registration_path(live_server), "registration-taken-place"),
    ]:
        page.goto(live_server.url + path)
        audit.check(page, f"{name}-{tag}")


def an_undelivered_mail(live_server) -> None:
    """A mail to registration 1 that the mail server refused, for the pages that show it."""
    from sqlalchemy import select

    from seminars.extensions import db
    from seminars.outbox.models import STATUS_FAILED, OutboxMessage
    from seminars.registrations.models import Registration
    from tests import factories

    with live_server.app.app_context():
        failed = select(OutboxMessage.id).where(
            OutboxMessage.registration_id == 1, OutboxMessage.status == STATUS_FAILED
        )
        if db.session.scalar(failed) is None:
            factories.failed_mail(db.session.get(Registration, 1))


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_maintenance_page_while_the_database_is_away(
    outage_server, new_page, audit, language, size
):
    page = new_page(VIEWPORTS[size])
    response = page.goto(outage_server.url + "/")
    assert response.status == 503 and response.headers["retry-after"] == "60"
    choose_language(page, language)  # the language switch needs no database either
    audit.check(page, f"maintenance-{language}-{size}")
    response = page.goto(outage_server.url + "/seminare/1")
    assert response.status == 503
    assert page.locator("h1").inner_text() == (
        "Temporarily unavailable" if language == "en" else "Vorübergehend nicht erreichbar"
    )


LETTER_NAME = "Ohnemail"


def letters_to_print(live_server) -> None:
    """Two people without e-mail booked for letters (one in large print): their
    confirmations wait in the print queue. Once per server."""
    from sqlalchemy import select

    from seminars.extensions import db
    from seminars.programme.models import Seminar
    from seminars.registrations import mails
    from seminars.registrations.models import Registration
    from tests import factories

    with live_server.app.app_context():
        if db.session.scalar(select(Registration.id).where(Registration.last_name == LETTER_NAME)):
            return
        seminar = db.session.get(Seminar, 8)
        for first, large in (("Gerda", False), ("Hans-Joachim", True)):
            registration = factories.registration(
                seminar,
                channel="post",
                first_name=first,
                last_name=LETTER_NAME,
                need_large_print=large,
            )
            mails.queue(registration, mails.CONFIRMED)
        db.session.commit()


def a_family_on_one_line(live_server) -> None:
    """Two people without e-mail who share one landline: the search by that number finds
    both, and staff choose one. Once per server."""
    from sqlalchemy import select

    from seminars.extensions import db
    from seminars.programme.models import Seminar
    from seminars.registrations.models import Registration
    from tests import factories

    with live_server.app.app_context():
        if db.session.scalar(select(Registration.id).where(Registration.phone == FAMILY_LINE)):
            return
        for first in ("Hans", "Greta"):
            factories.registration(
                db.session.get(Seminar, 8),
                channel="post",
                first_name=first,
                last_name="Müller",
                phone=FAMILY_LINE,
            )
        db.session.commit()


FAMILY_LINE = "0361 987654"


def texts_to_review(live_server) -> None:
    """Survey answers with free text for two past demo seminars: seminar 1 has enough
    respondents, seminar 2 only two (its texts never reach the steering committee)."""
    from sqlalchemy import func, select

    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.surveys.models import SurveyInvitation
    from tests.statistics.disclosure_world import response

    with live_server.app.app_context():
        # Once per server (the demo has answers of its own, with fewer texts than the
        # variants review).
        added = SurveyInvitation.token_hash == "answered-1-0"
        if db.session.scalar(select(func.count()).select_from(SurveyInvitation).where(added)):
            return
        texts = {
            1: ["Der Austausch mit anderen Gruppen hat mir am meisten geholfen.",
                "Die Übungen zur Gesprächsführung, vor allem das Rollenspiel am Nachmittag.",
                "Dass ich meine Fragen zur Gruppenkasse stellen konnte.",
                "Die Pausen zum Reden.", "Alles.", "Die Unterlagen zum Mitnehmen."],
            2: ["Die Referentin kennt sich aus.", "Viele Beispiele."],
        }  # fmt: skip
        for seminar_id, answers in texts.items():
            for number, text in enumerate(answers):
                db.session.add(
                    response(seminar_id, {"overall": 3 + number % 3, "helped_most": text})
                )
                db.session.add(  # every response came through a used invitation
                    SurveyInvitation(
                        seminar_id=seminar_id, template_id=1,
                        token_hash=f"answered-{seminar_id}-{number}", closes_at=utcnow(),
                    )
                )  # fmt: skip
        db.session.commit()


SUPPORTED_TITLE = "Mit Dolmetschung"


def a_support_task(live_server) -> int:
    """An accessibility task (an interpreter to book) and a provider, once per server."""
    from datetime import timedelta

    from sqlalchemy import select

    from seminars.accessibility import providers
    from seminars.accessibility.models import ServiceTask
    from seminars.extensions import db
    from seminars.programme.models import Seminar
    from tests import factories

    with live_server.app.app_context():
        found = db.session.scalar(
            select(ServiceTask.id)
            .join(Seminar, Seminar.id == ServiceTask.seminar_id)
            .where(Seminar.title == SUPPORTED_TITLE)
        )
        if found is not None:
            return found
        seminar = factories.seminar(SUPPORTED_TITLE, starts_in=timedelta(days=50))
        factories.registration(seminar, commit=False).need_sign_language = True
        factories.registration(seminar, status="waitlisted", commit=False).need_braille = True
        providers.save_provider(
            None,
            name="Dolmetschdienst Thüringen",
            kinds=["sign_language", "speech_to_text"],
            contact="Telefon 0361 000000",
            active=True,
            actor=None,
        )
        db.session.commit()
        return db.session.scalars(
            select(ServiceTask.id).where(
                ServiceTask.seminar_id == seminar.id, ServiceTask.kind == "sign_language"
            )
        ).one()


def staff_login(live_server, page, role: str = "admin") -> None:
    from tests import factories

    with live_server.app.app_context():
        account = factories.user(role)
        email = account.email
    page.goto(live_server.url + "/verwaltung/")
    page.wait_for_url("**/verwaltung/anmelden")
    page.fill("#email", email)
    page.fill("#password", factories.STRONG_PASSWORD)
    page.click("form.registration-form button[type=submit]")
    page.wait_for_url("**/verwaltung/")


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_staff_logs_in_and_finds_the_back_office(live_server, new_page, audit, language, size):
    page = new_page(VIEWPORTS[size])
    tag = f"{language}-{size}"
    page.goto(live_server.url + "/")
    choose_language(page, language)
    page.goto(live_server.url + "/verwaltung/anmelden")
    audit.check(page, f"staff-login-{tag}")
    page.fill("#email", "niemand@akademie.example")
    page.fill("#password", "falsch")
    page.click("form.registration-form button[type=submit]")
    audit.check(page, f"staff-login-failed-{tag}")
    an_undelivered_mail(live_server)
    staff_login(live_server, page)
    assert page.locator(".problem-box").count() == 1
    audit.check(page, f"staff-dashboard-{tag}")
    texts_to_review(live_server)
    task_id = a_support_task(live_server)
    letters_to_print(live_server)
    for path, name in [
        ("/verwaltung/briefe", "letters-to-print"),
        ("/verwaltung/unterstuetzung", "support-tasks"),
        ("/verwaltung/unterstuetzung?beendete=1", "support-tasks-ended"),
        (f"/verwaltung/unterstuetzung/{task_id}", "support-task"),
        ("/verwaltung/unterstuetzung/anbieter", "support-providers"),
        ("/verwaltung/unterstuetzung/anbieter/neu", "support-provider-new"),
        ("/verwaltung/unterstuetzung/anbieter/1", "support-provider-edit"),
        ("/verwaltung/passwort", "staff-password"),
        ("/verwaltung/benutzer", "staff-users"),
        ("/verwaltung/benutzer/neu", "staff-user-new"),
        ("/verwaltung/benutzer/1", "staff-user-edit"),
        ("/verwaltung/seminare", "planning-seminars"),
        ("/verwaltung/seminare/neu", "planning-seminar-new"),
        ("/verwaltung/seminare/1", "planning-seminar"),
        ("/verwaltung/seminare/1/bearbeiten", "planning-seminar-edit"),
        ("/verwaltung/seminare/1/absagen", "planning-seminar-cancel-step"),
        ("/verwaltung/orte", "planning-venues"),
        ("/verwaltung/orte/neu", "planning-venue-new"),
        ("/verwaltung/orte/1", "planning-venue-edit"),
        ("/verwaltung/themen", "planning-topics"),
        ("/verwaltung/themen/neu", "planning-topic-new"),
        ("/verwaltung/themen/1", "planning-topic-edit"),
        ("/verwaltung/seminare/8/anmeldungen", "registrations-list"),
        ("/verwaltung/seminare/8/anmeldungen/neu", "registrations-by-phone"),
        ("/verwaltung/anmeldungen/1", "registration-detail"),
        ("/verwaltung/seminare/8/anwesenheit", "attendance"),
        ("/verwaltung/seminare/8/nachricht", "mail-participants"),
        ("/verwaltung/personendaten", "privacy-search"),
        ("/verwaltung/statistik", "statistics"),
        ("/verwaltung/befragung", "questionnaire"),
        ("/verwaltung/befragung/fragen/neu", "questionnaire-new"),
        ("/verwaltung/befragung/fragen/1", "questionnaire-edit"),
        ("/verwaltung/statistik?year=2026&format=online", "statistics-filtered"),
        ("/verwaltung/befragung/freitexte", "text-review"),
        ("/verwaltung/befragung/freitexte?zeigen=hidden", "text-review-hidden"),
    ]:
        page.goto(live_server.url + path)
        audit.check(page, f"{name}-{tag}")
        if name == "registration-detail":
            assert page.locator(".problem-box").count() == 1
    page.goto(live_server.url + "/verwaltung/befragung/freitexte")
    page.click(".review-item form[action$='/freigeben'] button >> nth=0")
    page.wait_for_selector(".notice--success")
    audit.check(page, f"text-review-released-one-{tag}")
    page.click(".review-item form[action$='/ausblenden'] button >> nth=0")
    page.wait_for_selector(".notice--success")
    page.goto(live_server.url + "/verwaltung/protokoll")
    assert page.locator("#audit-caption").count() == 1
    assert page.locator("text=Freitext freigegeben").count() >= 1 or language != "de"
    audit.check(page, f"audit-log-{tag}")
    page.select_option("#action", "survey.hide_text")
    page.fill("#since", "2020-01-01")
    page.click("form.filter-form button[type=submit]")
    page.wait_for_url("**action=survey.hide_text**")
    audit.check(page, f"audit-log-filtered-{tag}")
    page.goto(live_server.url + "/verwaltung/statistik")
    assert page.locator(".free-text li").count() >= 1
    audit.check(page, f"statistics-with-released-text-{tag}")
    page.goto(live_server.url + "/verwaltung/seminare/neu")
    page.click("form.registration-form button[type=submit]")
    audit.check(page, f"planning-seminar-errors-{tag}")
    page.goto(live_server.url + f"/verwaltung/unterstuetzung/{task_id}")
    page.fill("#planned_cost", "vierhundert")
    page.click("form.registration-form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.get_attribute("#planned_cost", "aria-invalid") == "true"
    audit.check(page, f"support-task-errors-{tag}")
    page.fill("#planned_cost", "1.234,50")
    page.select_option("#status", "requested")
    page.select_option("#provider_id", label="Dolmetschdienst Thüringen")
    page.click("form.registration-form button[type=submit]")
    page.wait_for_selector(".notice--success")
    assert page.input_value("#planned_cost") == "1234,50"
    audit.check(page, f"support-task-saved-{tag}")
    page.goto(live_server.url + "/verwaltung/unterstuetzung/anbieter/neu")
    page.fill("#name", "Dolmetschdienst Thüringen")
    page.click("form.registration-form button[type=submit]")
    page.wait_for_selector(".error-summary")
    audit.check(page, f"support-provider-errors-{tag}")
    page.goto(live_server.url + "/verwaltung/personendaten")
    page.fill("#contact", "nobody@example.org")
    page.click("form.registration-form button[type=submit]")
    audit.check(page, f"privacy-result-{tag}")
    a_family_on_one_line(live_server)
    page.fill("#contact", "+49 361 987654")
    page.click("form.registration-form button[type=submit]")
    assert page.locator("input[name=person]").count() == 2
    audit.check(page, f"privacy-choose-person-{tag}")
    page.click("#person ~ button[type=submit]")
    assert page.get_attribute("#person", "aria-describedby") == "person-hint person-error"
    audit.check(page, f"privacy-choose-person-error-{tag}")
    page.check("#person-1")
    page.click("#person ~ button[type=submit]")
    assert page.locator("input[name=person]").count() == 2  # one per button: export, erase
    audit.check(page, f"privacy-person-chosen-{tag}")
    page.goto(live_server.url + "/verwaltung/seminare/8/nachricht")
    page.fill("#subject", "Hinweis")
    page.fill("#text", "Bitte bringen Sie Ihre Unterlagen mit.")
    page.click("button[value=preview]")
    audit.check(page, f"mail-participants-preview-{tag}")
    page.click(".staff-nav form button")
    page.wait_for_url("**/verwaltung/anmelden")


def calls_to_make(live_server, tag: str = "") -> str:
    """Open calls for people who take part by phone: a seat offered (with someone waiting
    behind), an offer past its deadline, a cancellation to confirm and the reminder of an
    online seminar. The offered person's name."""
    from datetime import timedelta

    from sqlalchemy import select

    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.registrations import allocation
    from seminars.registrations.models import Registration
    from tests import factories

    name = f"Anruf{tag.replace('-', '')}"
    with live_server.app.app_context():
        if db.session.scalar(select(Registration.id).where(Registration.last_name == name)):
            return f"Gerda {name}"
        now = utcnow()
        seminar = factories.seminar(f"Telefonkette {tag}".strip(), capacity=2)
        holder = factories.registration(seminar)
        late = factories.registration(seminar, channel="phone", status="offered")
        late.offer_expires_at = now - timedelta(hours=1)
        factories.registration(
            seminar, status="waitlisted", channel="phone", first_name="Gerda", last_name=name
        )
        factories.registration(seminar, status="waitlisted")
        allocation.cancel(holder.id, now=now)
        db.session.commit()
        from seminars.registrations import mails

        mails.queue(late, mails.SEAT_OFFERED)
        gone = factories.registration(seminar, channel="phone", last_name=f"Ab{name}")
        allocation.cancel(gone.id, now=now)
        # A reminder of an online seminar: the list shows staff the access to say.
        online = factories.seminar(
            f"Online-Telefonkette {tag}".strip(),
            seminar_format="online",
            meeting_url="https://meet.example.org/telefonkette-mit-einem-langen-namen-2027",
        )
        reminded = factories.registration(
            online, channel="phone", street="", postcode="", city="", last_name=f"On{name}"
        )
        mails.queue(reminded, mails.REMINDER)
        db.session.commit()
    return f"Gerda {name}"


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_staff_work_through_the_call_list(live_server, new_page, audit, language, size):
    page = new_page(VIEWPORTS[size])
    tag = f"{language}-{size}"
    page.goto(live_server.url + "/")
    choose_language(page, language)
    person = calls_to_make(live_server, tag)
    staff_login(live_server, page, role="staff")
    page.click("a[href='/verwaltung/anrufe'] >> nth=0")
    page.wait_for_url("**/verwaltung/anrufe")
    row = page.locator("tbody tr", has_text=person)
    assert row.locator("a[href^='tel:']").count() == 1
    audit.check(page, f"calls-{tag}")
    row.locator("summary").click()
    assert row.locator(".call-text").is_visible()
    audit.check(page, f"calls-text-open-{tag}")
    row.locator("button[value=not_reached]").click()
    page.wait_for_selector(".notice--success")
    row = page.locator("tbody tr", has_text=person)
    assert row.count() == 1  # not reached: still to call
    audit.check(page, f"calls-not-reached-{tag}")
    row.locator("button[value=accepted]").click()
    page.wait_for_selector(".notice--success")
    assert page.locator("tbody tr", has_text=person).count() == 0
    audit.check(page, f"calls-accepted-{tag}")
    # Someone who gets letters phones in to accept their offer: answered on their page.
    offered = an_offer_by_post(live_server, tag)
    page.goto(live_server.url + f"/verwaltung/anmeldungen/{offered}")
    assert page.locator("button[value=accepted]").count() == 1
    audit.check(page, f"registration-offer-{tag}")
    page.click("button[value=accepted]")
    page.wait_for_selector(".notice--success")
    assert page.locator("button[value=accepted]").count() == 0
    audit.check(page, f"registration-offer-accepted-{tag}")


def an_offer_by_post(live_server, tag: str) -> int:
    """A seat offered to someone who gets letters; the registration's id."""
    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.registrations import allocation
    from tests import factories

    with live_server.app.app_context():
        seminar = factories.seminar(f"Briefkette {tag}", capacity=1)
        holder = factories.registration(seminar)
        person = factories.registration(
            seminar, status="waitlisted", channel="post", first_name="Paula", last_name="Brief"
        )
        allocation.cancel(holder.id, now=utcnow())
        db.session.commit()
        return person.id


def a_paper_code(live_server) -> str:
    """A fresh code of a paper questionnaire for a past demo seminar, as printed."""
    import random
    from datetime import timedelta

    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.surveys import links
    from seminars.surveys.models import SurveyInvitation

    code = "".join(random.SystemRandom().choice(links.CODE_ALPHABET) for _ in range(12))
    with live_server.app.app_context():
        db.session.add(
            SurveyInvitation(
                seminar_id=1,
                template_id=1,
                token_hash=links.token_hash(code),
                closes_at=utcnow() + timedelta(days=5),
            )
        )
        db.session.commit()
    return links.show_code(code)


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_staff_type_in_a_questionnaire_returned_by_post(
    live_server, new_page, audit, language, size
):
    page = new_page(VIEWPORTS[size])
    tag = f"{language}-{size}"
    page.goto(live_server.url + "/")
    choose_language(page, language)
    staff_login(live_server, page, role="staff")
    page.goto(live_server.url + "/verwaltung/befragung/papier")
    audit.check(page, f"paper-code-{tag}")
    page.fill("#code", "ABCD-EFGH")
    page.click("form.registration-form button[type=submit]")
    page.wait_for_selector("#code-error")
    assert page.get_attribute("#code", "aria-invalid") == "true"
    audit.check(page, f"paper-code-refused-{tag}")
    code = a_paper_code(live_server)
    page.fill("#code", code.lower().replace("-", " "))
    page.click("form.registration-form button[type=submit]")
    page.wait_for_selector("form.survey-form")
    assert page.locator(f"text={code}").count() >= 1
    audit.check(page, f"paper-answers-{tag}")
    page.check("form.survey-form input[type=radio][value='4'] >> nth=0", force=True)
    page.click("form.survey-form button[type=submit]")
    page.wait_for_selector(".notice--success")
    audit.check(page, f"paper-stored-{tag}")
    page.fill("#code", code)
    page.click("form.registration-form button[type=submit]")
    page.wait_for_selector("#code-error")


def seminar_with_people(live_server) -> tuple[int, str]:
    """An online seminar, one person confirmed and one waiting; its id and its sessions
    moved a week later, as the planning form writes them."""
    from datetime import timedelta

    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.programme.queries import seminar_with_details
    from seminars.programme.session_text import format_sessions
    from seminars.registrations import allocation
    from tests import factories

    with live_server.app.app_context():
        start = (utcnow() + timedelta(days=40)).replace(hour=8, minute=0, second=0, microsecond=0)
        seminar = factories.seminar(
            "Vereinsrecht online", capacity=1, seminar_format="online", starts_at=start, hours=2
        )
        for _ in range(2):
            applicant = factories.applicant(next(_people))
            registration = allocation.register(seminar.id, applicant, now=utcnow()).registration
            db.session.commit()
            allocation.confirm(registration.id, now=utcnow())
            db.session.commit()
        sessions = seminar_with_details(seminar.id).sessions
        moved = format_sessions(
            (s.starts_at + timedelta(days=7), s.ends_at + timedelta(days=7)) for s in sessions
        )
        return seminar.id, moved


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_staff_see_who_is_told_before_new_dates_are_saved(
    live_server, new_page, audit, language, size
):
    page = new_page(VIEWPORTS[size])
    tag = f"{language}-{size}"
    page.goto(live_server.url + "/")
    choose_language(page, language)
    staff_login(live_server, page, role="staff")
    seminar_id, moved = seminar_with_people(live_server)
    page.goto(live_server.url + f"/verwaltung/seminare/{seminar_id}/bearbeiten")
    page.fill("#sessions", moved)
    page.click("form.registration-form button[type=submit]")
    page.wait_for_selector("button[value=save]")
    assert page.locator(".told-counts li").count() == 2
    assert page.locator("pre.mail-body").count() == 2
    audit.check(page, f"planning-seminar-change-preview-{tag}")
    page.click("button[value=back]")
    page.wait_for_selector("#sessions")
    assert page.input_value("#sessions") == moved  # the values came back unchanged
    page.click("form.registration-form button[type=submit]")
    page.click("button[value=save]")
    page.wait_for_selector(".notice--success")
    assert f"/verwaltung/seminare/{seminar_id}" in page.url
    with live_server.app.app_context():
        from tests import factories

        assert factories.outbox_kinds().count("seminar_changed") >= 2


def a_programme_alert(live_server) -> tuple[str, str]:
    """A subscriber to a topic and county, a seminar there published for it, and the day's
    alerts sent (tomorrow, after the alert hour): the seminar's title and the mail's link."""
    from datetime import time as clock
    from datetime import timedelta

    from sqlalchemy import func, select

    from seminars.core.timezone import berlin_date, berlin_to_utc, utcnow
    from seminars.extensions import db
    from seminars.interest import alerts
    from seminars.interest.models import ProgrammeAlert
    from seminars.outbox.models import OutboxMessage
    from seminars.planning import services as planning
    from seminars.registrations.mails import links_in
    from tests import factories

    with live_server.app.app_context():
        number = next(_people)
        address = f"interesse{number}@example.org"
        known = db.session.scalar(select(func.max(ProgrammeAlert.id))) or 0
        factories.subscription(
            address,
            topic_id=factories.topic("gruppenleitung").id,
            region="th-jena",
            last_alert_id=known,
        )
        title = f"Neu in Jena {number}"
        place = factories.venue("Jena", county="th-jena")
        seminar = factories.seminar(
            title, status="draft", place=place, starts_in=timedelta(days=20)
        )
        planning.set_status(seminar.id, "published", actor=None)
        db.session.commit()
        tomorrow = berlin_date(utcnow()) + timedelta(days=1)
        alerts.send_alerts(berlin_to_utc(tomorrow, clock(9)))
        db.session.commit()
        body = db.session.scalars(
            select(OutboxMessage.body_text).where(
                OutboxMessage.recipient == address,
                OutboxMessage.kind == "interest_programme_alert",
            )
        ).one()
        [link] = [url for url in links_in(body) if "/seminare/" in url]
        return title, link


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_a_programme_alert_leads_to_the_new_seminar(live_server, new_page, audit, language, size):
    page = new_page(VIEWPORTS[size])
    tag = f"{language}-{size}"
    page.goto(live_server.url + "/")
    choose_language(page, language)
    title, link = a_programme_alert(live_server)
    assert link.startswith(live_server.url + "/")
    page.goto(link)
    assert page.inner_text("h1") == title
    assert page.locator(".registration-form").count() == 1  # open for registration
    audit.check(page, f"programme-alert-seminar-{tag}")


def full_seminar_with_waitlist(live_server, tag: str) -> tuple[int, str, str]:
    """A full seminar, one person waiting and one address on its interest list; its id,
    the waiting person's and the subscriber's address."""
    from seminars.core.email_address import normalise_email
    from seminars.extensions import db
    from tests import factories

    number = next(_people)
    waiting = f"wartend-{tag}-{number}@example.org"
    interested = f"interesse-{tag}-{number}@example.org"
    with live_server.app.app_context():
        seminar = factories.seminar(f"Gruppen gut leiten {tag}", capacity=1)
        factories.fill(seminar, 1)
        factories.registration(
            seminar,
            status="waitlisted",
            email=waiting,
            email_normalized=normalise_email(waiting),
            first_name="Wilma",
            last_name="Wartend",
        )
        factories.subscription(interested, seminar_id=seminar.id)
        db.session.commit()
        return seminar.id, waiting, interested


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_staff_give_a_full_seminar_a_new_date_and_the_waiting_take_it(
    live_server, new_page, audit, language, size
):
    from datetime import timedelta

    from seminars.core.timezone import utcnow

    page = new_page(VIEWPORTS[size])
    tag = f"{language}-{size}"
    page.goto(live_server.url + "/")
    choose_language(page, language)
    staff_login(live_server, page, role="staff")
    seminar_id, waiting, interested = full_seminar_with_waitlist(live_server, tag)
    page.goto(live_server.url + f"/verwaltung/seminare/{seminar_id}")
    page.click(f"a[href='/verwaltung/seminare/{seminar_id}/neuer-termin']")
    page.wait_for_selector("#sessions")
    audit.check(page, f"planning-new-date-{tag}")
    # Sent empty: the form says what is missing, in the page's language.
    page.fill("#capacity", "")
    page.click("form.registration-form button[type=submit]")
    page.wait_for_selector("#sessions-error")
    audit.check(page, f"planning-new-date-errors-{tag}")
    start = (utcnow() + timedelta(days=50)).strftime("%Y-%m-%d")
    page.fill("#code", f"NEU-{tag}")
    page.fill("#sessions", f"{start} 09:30-16:00")
    page.fill("#capacity", "2")
    page.click("form.registration-form button[type=submit]")
    page.wait_for_selector(".notice--success")
    audit.check(page, f"planning-new-date-draft-{tag}")
    page.click("form[action$='/veroeffentlichen'] button")
    page.wait_for_selector(".notice--success")
    new_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.goto(live_server.url + f"/verwaltung/seminare/{new_id}/anmeldungen")
    assert page.locator("tbody tr").count() == 2
    audit.check(page, f"planning-new-date-registrations-{tag}")
    # The waiting person accepts from the mail: off the old waitlist.
    visitor = new_page(VIEWPORTS[size])
    visitor.goto(live_server.url + wait_for_link(live_server, waiting))
    visitor.wait_for_selector("form[action$='/angebot/annehmen']")
    audit.check(visitor, f"new-date-offer-{tag}")
    visitor.click("form[action$='/angebot/annehmen'] button")
    visitor.wait_for_selector(".notice--success")
    assert visitor.locator(".status--ok").count() == 1
    audit.check(visitor, f"new-date-accepted-{tag}")
    # The subscriber gives a name first.
    visitor.goto(live_server.url + wait_for_link(live_server, interested))
    visitor.wait_for_selector("#first_name")
    visitor.click("form[action$='/angebot/annehmen'] button[type=submit]")
    visitor.wait_for_selector("#first_name-error")
    audit.check(visitor, f"new-date-offer-name-missing-{tag}")
    visitor.fill("#first_name", "Ida")
    visitor.fill("#last_name", "Interessiert")
    visitor.fill("#organisation", "SHG Jena")
    visitor.click("form[action$='/angebot/annehmen'] button[type=submit]")
    visitor.wait_for_selector(".notice--success")
    assert visitor.locator(".status--ok").count() == 1
    audit.check(visitor, f"new-date-accepted-by-subscriber-{tag}")


def seminar_with_services(live_server, tmp_path) -> tuple[int, int, str]:
    """A seminar in a few days: a person whose interpreting is booked and whose large-print
    PDF is ready, another waiting for the same interpreting; its id, the interpreting
    task's id and the first person's personal link."""
    from datetime import timedelta

    from sqlalchemy import select

    from seminars.accessibility import materials
    from seminars.accessibility.models import ServiceTask
    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.registrations import allocation, tokens
    from tests import factories
    from tests.accessibility.helpers import PDF

    with live_server.app.app_context():
        seminar = factories.seminar(
            "Gruppen leiten mit Gebärdensprache", starts_in=timedelta(days=4)
        )
        found = []
        for locale in ("de", "en"):
            applicant = factories.applicant(
                next(_people), locale=locale, need_sign_language=True, need_large_print=True
            )
            registration = allocation.register(seminar.id, applicant, now=utcnow()).registration
            db.session.commit()
            allocation.confirm(registration.id, now=utcnow())
            db.session.commit()
            found.append(registration)
        task = db.session.scalars(
            select(ServiceTask).where(
                ServiceTask.seminar_id == seminar.id, ServiceTask.kind == "sign_language"
            )
        ).one()
        task.status = "booked"
        materials.upload(
            seminar.id,
            "pdf",
            filename="Unterlagen Großdruck.pdf",
            data=PDF,
            available_from=utcnow() - timedelta(hours=1),
            actor=None,
            now=utcnow(),
        )
        db.session.commit()
        token = tokens.token_for(found[0].id, found[0].token_salt)
        return seminar.id, task.id, f"/anmeldung/{token}"


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_people_are_told_of_services_and_staff_share_materials(
    live_server, new_page, audit, language, size, tmp_path
):
    from tests.accessibility.helpers import docx

    page = new_page(VIEWPORTS[size])
    tag = f"{language}-{size}"
    seminar_id, task_id, personal = seminar_with_services(live_server, tmp_path)
    page.goto(live_server.url + "/")
    choose_language(page, language)
    page.goto(live_server.url + personal)
    assert page.locator(".booked-services li").count() == 1
    assert page.locator(".materials a").count() == 1
    audit.check(page, f"personal-page-services-{tag}")

    staff_login(live_server, page, role="staff")
    page.goto(live_server.url + f"/verwaltung/seminare/{seminar_id}/anmeldungen")
    page.click(f"a[href$='/verwaltung/seminare/{seminar_id}/unterlagen']")
    page.wait_for_url(f"**/verwaltung/seminare/{seminar_id}/unterlagen")
    audit.check(page, f"materials-{tag}")
    wrong = tmp_path / "braille.docx"
    wrong.write_bytes(b"not a word file")
    page.set_input_files("#docx-file", str(wrong))
    page.click("form:has(#docx-file) button[type=submit]")
    page.wait_for_selector(".error-summary")
    audit.check(page, f"materials-bad-file-{tag}")
    good = tmp_path / "braille.docx"
    good.write_bytes(docx())
    page.set_input_files("#docx-file", str(good))
    page.click("form:has(#docx-file) button[type=submit]")
    page.wait_for_selector(".notice--success")
    audit.check(page, f"materials-saved-{tag}")

    page.goto(live_server.url + f"/verwaltung/unterstuetzung/{task_id}/absage-mitteilen")
    assert "Gruppen leiten" in page.input_value("#text_de")
    audit.check(page, f"tell-unavailable-{tag}")
    page.click("form.registration-form button[type=submit]")
    page.wait_for_url(f"**/verwaltung/seminare/{seminar_id}/anmeldungen")
    assert page.locator(".notice--success").count() == 1
    with live_server.app.app_context():
        from tests import factories

        assert factories.outbox_kinds().count("service_unavailable") >= 2


def password_link_for(live_server, address: str) -> str:
    """The path of the newest password link mailed to an address (after the outbox worker)."""
    import re

    from seminars.outbox.services import deliver

    with live_server.app.app_context():
        deliver()
    links = [
        match
        for message in live_server.mailbox.messages
        if str(message["To"]) == address
        for match in re.findall(
            re.escape(live_server.url) + r"(/verwaltung/passwort-festlegen/\S+)",
            message.get_body(preferencelist=("plain",)).get_content(),
        )
    ]
    assert links, f"no password link reached {address}"
    return links[-1]


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_staff_resets_a_forgotten_password(live_server, new_page, audit, language, size):
    from tests import factories

    page = new_page(VIEWPORTS[size])
    tag = f"{language}-{size}"
    with live_server.app.app_context():
        email = factories.user("staff").email
    page.goto(live_server.url + "/")
    choose_language(page, language)
    page.goto(live_server.url + "/verwaltung/anmelden")
    page.click("a[href$='/passwort-vergessen']")
    page.wait_for_url("**/verwaltung/passwort-vergessen")
    audit.check(page, f"password-forgotten-{tag}")
    page.click("form.registration-form button[type=submit]")
    audit.check(page, f"password-forgotten-errors-{tag}")
    page.fill("#email", email)
    page.click("form.registration-form button[type=submit]")
    page.wait_for_url("**/verwaltung/anmelden")
    audit.check(page, f"password-forgotten-sent-{tag}")
    link = password_link_for(live_server, email)
    page.goto(live_server.url + link)
    audit.check(page, f"password-set-{tag}")
    page.fill("#new", "Grüne Kaffeekanne summt im Märzwind")
    page.fill("#repeat", "Grüne Kaffeekanne summt im Märzwind")
    page.click("form.registration-form button[type=submit]")
    page.wait_for_url("**/verwaltung/anmelden")
    audit.check(page, f"password-set-done-{tag}")
    page.goto(live_server.url + link)
    audit.check(page, f"password-link-used-{tag}")


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_staff_imports_the_programme_from_a_file(
    live_server, new_page, audit, language, size, tmp_path
):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "docs" / "beispiel-programm.csv"
    page = new_page(VIEWPORTS[size])
    tag = f"{language}-{size}"
    page.goto(live_server.url + "/")
    choose_language(page, language)
    staff_login(live_server, page, role="staff")
    page.goto(live_server.url + "/verwaltung/seminare")
    page.click("a[href$='/verwaltung/import']")
    page.wait_for_url("**/verwaltung/import")
    audit.check(page, f"import-upload-{tag}")
    broken = tmp_path / "programm.csv"
    broken.write_text(sample.read_text(encoding="utf-8").replace(";16;", ";viele;"), "utf-8")
    page.set_input_files("#file", str(broken))
    page.click("form.registration-form button[type=submit]")
    page.wait_for_selector(".error-summary")
    audit.check(page, f"import-preview-problems-{tag}")
    page.set_input_files("#file", str(sample))
    page.click("form.registration-form button[type=submit]")
    page.wait_for_selector("form[action$='/importieren']")
    audit.check(page, f"import-preview-{tag}")
    page.click("form[action$='/importieren'] button")
    page.wait_for_url("**/verwaltung/seminare")
    assert page.locator(".notice--success").count() == 1
    audit.check(page, f"import-done-{tag}")


def demand_to_show(live_server) -> None:
    """The hand-counted demand world of the statistics tests, once per server."""
    from sqlalchemy import select

    from seminars.extensions import db
    from seminars.programme.models import Seminar
    from tests.statistics.demand_world import FIRST_TITLE, build_world

    with live_server.app.app_context():
        if db.session.scalar(select(Seminar.id).where(Seminar.title == FIRST_TITLE)) is None:
            build_world()


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_steering_and_staff_read_the_demand_figures(live_server, new_page, audit, language, size):
    demand_to_show(live_server)
    tag = f"{language}-{size}"
    for role in ("steering", "staff"):
        page = new_page(VIEWPORTS[size])
        page.goto(live_server.url + "/")
        choose_language(page, language)
        staff_login(live_server, page, role=role)
        page.goto(live_server.url + "/verwaltung/statistik")
        page.click("a[href$='/verwaltung/statistik/nachfrage']")
        page.wait_for_url("**/verwaltung/statistik/nachfrage")
        assert page.locator("table.demand-table").count() == 3
        audit.check(page, f"demand-{role}-{tag}")
        page.select_option("#year", "2026")
        page.click("form.filter-form button[type=submit]")
        page.wait_for_url("**year=2026**")
        hidden = "weniger als 3" if language == "de" else "fewer than 3"
        assert page.locator("table.demand-table td", has_text=hidden).count() >= 1
        audit.check(page, f"demand-2026-{role}-{tag}")
        page.close()


def interest_link_for(live_server, address: str, timeout: float = 15) -> str:
    """The path of the subscriber's page from the newest mail to ``address``; the mail must
    carry the one-click unsubscribe headers."""
    import re

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(live_server.mailbox.messages):
            if str(message["To"]) != address:
                continue
            assert str(message["List-Unsubscribe"]).endswith("/abmelden>")
            assert str(message["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
            body = message.get_body(preferencelist=("plain",)).get_content()
            found = re.search(re.escape(live_server.url) + r"(/interesse/[A-Za-z0-9_-]+)\s", body)
            assert found, body
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no mail with a link reached {address}")


CLOSED_TITLE = "Anmeldung geschlossen"


def a_closed_seminar(live_server) -> int:
    """A seminar still to come whose registration has closed, once per server."""
    from datetime import timedelta

    from sqlalchemy import select

    from seminars.core.timezone import utcnow
    from seminars.extensions import db
    from seminars.programme.models import Seminar
    from tests import factories

    with live_server.app.app_context():
        found = db.session.scalar(select(Seminar.id).where(Seminar.title == CLOSED_TITLE))
        if found is not None:
            return found
        seminar = factories.seminar(
            CLOSED_TITLE, registration_closes_at=utcnow() - timedelta(days=1)
        )
        return seminar.id


@pytest.mark.parametrize(("language", "size"), VARIANTS)
def test_volunteer_asks_to_hear_of_new_seminars_confirms_and_unsubscribes(
    live_server, new_page, audit, language, size
):
    # Every variant leaves an unconfirmed subscription from the same address.
    live_server.app.config["INTEREST_PENDING_MAX_PER_CLIENT"] = 100
    page = new_page(VIEWPORTS[size])
    tag = f"{language}-{size}"
    page.goto(live_server.url + "/")
    choose_language(page, language)
    page.click(".interest-form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.get_attribute("#interest-email", "aria-invalid") == "true"
    audit.check(page, f"interest-errors-{tag}")

    address = f"interest{next(_people)}@example.org"
    page.select_option("#interest-topic", index=1)
    page.select_option("#interest-region", "online")
    page.fill("#interest-email", address)
    page.click(".interest-form button[type=submit]")
    page.wait_for_url("**/interesse/gesendet*")
    audit.check(page, f"interest-sent-{tag}")

    page.goto(live_server.url + interest_link_for(live_server, address))
    audit.check(page, f"interest-pending-{tag}")
    page.click("form[action$='/bestaetigen'] button")
    page.wait_for_selector(".status--ok")
    audit.check(page, f"interest-confirmed-{tag}")
    page.click("a[href$='/abmelden']")
    page.wait_for_selector("form[action$='/abmelden']")
    audit.check(page, f"interest-unsubscribe-step-{tag}")
    page.click("form[action$='/abmelden'] button")
    page.wait_for_url("**/interesse/abgemeldet")
    audit.check(page, f"interest-unsubscribed-{tag}")

    # A seminar that is full for good offers the list for a new date.
    page.goto(f"{live_server.url}/seminare/{a_closed_seminar(live_server)}")
    page.wait_for_selector("#neuer-termin")
    audit.check(page, f"seminar-new-date-{tag}")
    page.click("#neuer-termin button[type=submit]")
    page.wait_for_selector(".error-summary")
    audit.check(page, f"new-date-errors-{tag}")
    page.fill("#new_date-email", address)
    page.click("#neuer-termin button[type=submit]")
    page.wait_for_url("**/interesse/gesendet*")
    page.goto(live_server.url + "/interesse/" + "x" * 43)
    audit.check(page, f"interest-unknown-link-{tag}")


def tab_to(page, selector: str, limit: int = 250) -> None:
    """Press Tab until the element has the focus; it must show a visible focus indicator."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            outline = target.evaluate(
                "element => { const s = getComputedStyle(element);"
                " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"
            )
            assert outline, f"{selector} has no visible focus indicator"
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_registration_with_the_keyboard_alone(live_server, new_page, audit):
    page = new_page(DESKTOP)
    page.goto(live_server.url + "/?free=1&format=in_person")
    tab_to(page, ".skip-link")
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    tab_to(page, ".seminar-card h3 a >> nth=0")
    page.keyboard.press("Enter")
    page.wait_for_selector(".registration-form")

    address = f"keyboard{next(_people)}@example.org"
    fields = [
        ("#first_name", "Karl"),
        ("#last_name", "Tastatur"),
        ("#email", address),
        ("#organisation", "SHG Tinnitus Gera"),
    ]
    for selector, text in fields:
        tab_to(page, selector)
        page.keyboard.type(text)
    tab_to(page, "#county")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#need_hearing_loop")
    page.keyboard.press("Space")
    tab_to(page, "#consent")
    page.keyboard.press("Space")
    tab_to(page, ".registration-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/gesendet*")

    page.goto(live_server.url + wait_for_link(live_server, address))
    tab_to(page, "form[action$='/bestaetigen'] button")
    page.keyboard.press("Enter")
    page.wait_for_selector(".status--ok")
    tab_to(page, "a[href$='/abmelden']")
    page.keyboard.press("Enter")
    tab_to(page, "form[action$='/abmelden'] button")
    page.keyboard.press("Enter")
    page.wait_for_selector(".status--gone")
    audit.check(page, "keyboard-cancelled")


_SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > window.innerWidth"
_WIDE_ELEMENTS = """Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 5).map(e => e.tagName + '.' + e.className).join(', ')"""


def test_no_page_scrolls_sideways_at_320_px_or_with_200_percent_text(new_page, audit):
    if not audit.urls:
        pytest.skip("no pages were visited (run the whole module)")
    narrow = new_page({"width": 320, "height": 640})
    wide = new_page(DESKTOP)
    overflowing = []
    for url in sorted(audit.urls):
        narrow.goto(url)
        if narrow.evaluate(_SCROLLS_SIDEWAYS):
            overflowing.append(f"320 px: {url}: {narrow.evaluate(_WIDE_ELEMENTS)}")
        wide.goto(url)
        wide.evaluate("document.documentElement.style.fontSize = '200%'")
        if wide.evaluate(_SCROLLS_SIDEWAYS):
            overflowing.append(f"200 % text: {url}: {wide.evaluate(_WIDE_ELEMENTS)}")
    assert overflowing == [], "\n".join(overflowing)


def test_every_visited_page_is_valid_html(audit):
    if not audit.pages:
        pytest.skip("no pages were visited (run the whole module)")
    if shutil.which("java") is None or not VNU_JAR.exists():
        unavailable(f"the Nu Html Checker needs java and {VNU_JAR} (npm ci)")
    files = [str(ARTIFACTS / "html" / name) for name in sorted(audit.pages)]
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr[:5000]
