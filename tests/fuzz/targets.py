"""Every POST endpoint, the page that shows its form, and who sends it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.fuzz.world import World


@dataclass(frozen=True)
class Target:
    endpoint: str
    page: Callable[[World], str]
    action: Callable[[World], str]
    staff: bool = True  # sent by a logged-in administrator; else by an anonymous visitor
    # Values a person would type into an empty form, so that unchanged examples succeed.
    fill: Callable[[World], dict[str, str]] | None = None
    # The form appears on the result of the page's search form (sent to the page by POST).
    after_search: bool = False
    # The form appears after this file (name, content) was uploaded to the page.
    upload: Callable[[World], tuple[str, bytes]] | None = None

    @property
    def id(self) -> str:
        return self.endpoint


def _same(path: Callable[[World], str]) -> tuple[Callable[[World], str], Callable[[World], str]]:
    return path, path


def _seminar(w: World) -> str:
    return f"/verwaltung/seminare/{w.upcoming}"


def _draft(w: World) -> str:
    return f"/verwaltung/seminare/{w.draft}"


def _detail(w: World) -> str:
    return f"/verwaltung/anmeldungen/{w.confirmed}"


def _attendance(w: World) -> str:
    return f"/verwaltung/seminare/{w.finished}/anwesenheit"


SAMPLE_PROGRAMME = (
    "beispiel-programm.csv",
    (Path(__file__).resolve().parents[2] / "docs" / "beispiel-programm.csv").read_bytes(),
)
STRONG = "Blaue Gießkanne tanzt im Novemberregen"
PERSON = {
    "first_name": "Erika",
    "last_name": "Muster",
    "email": "erika.muster@example.org",
    "organisation": "SHG Erfurt",
    "county": "th-erfurt",
    "consent": "y",
}
SEMINAR = {
    "code": "NEU-1",
    "title": "Neues Seminar",
    "summary": "Kurz gesagt",
    "teaching_units": "6",
    "sessions": "15.03.2031 10:00-16:00",
    "venue_id": "1",
    "capacity": "12",
}

TARGETS = [
    Target("accounts.login", *_same(lambda w: "/verwaltung/anmelden"), staff=False,
           fill=lambda w: {"email": w.other_email, "password": STRONG}),
    Target("accounts.logout", lambda w: "/verwaltung/", lambda w: "/verwaltung/abmelden"),
    Target("accounts.password", *_same(lambda w: "/verwaltung/passwort"),
           fill=lambda w: {"current": STRONG, "new": STRONG[::-1], "repeat": STRONG[::-1]}),
    Target("accounts.user_new", *_same(lambda w: "/verwaltung/benutzer/neu"),
           fill=lambda w: {"email": "neu@akademie.example", "name": "Neue Person",
                           "password": STRONG}),
    Target("accounts.user_edit", *_same(lambda w: f"/verwaltung/benutzer/{w.other_user}")),
    Target("accounts.forgot_password", *_same(lambda w: "/verwaltung/passwort-vergessen"),
           staff=False, fill=lambda w: {"email": w.other_email}),
    Target("accounts.set_password",
           *_same(lambda w: f"/verwaltung/passwort-festlegen/{w.reset_token}"), staff=False,
           fill=lambda w: {"new": STRONG[::-1], "repeat": STRONG[::-1]}),
    Target("programme_import.upload", *_same(lambda w: "/verwaltung/import")),
    Target("programme_import.confirm", lambda w: "/verwaltung/import",
           lambda w: "/verwaltung/import/importieren", upload=lambda w: SAMPLE_PROGRAMME),
    Target("staff_certificates.issue_all", _attendance,
           lambda w: f"/verwaltung/seminare/{w.finished}/bescheinigungen"),
    Target("staff_certificates.issue_one", lambda w: f"/verwaltung/anmeldungen/{w.attended}",
           lambda w: f"/verwaltung/anmeldungen/{w.attended}/bescheinigung"),
    Target("staff_certificates.revoke", lambda w: f"/verwaltung/anmeldungen/{w.certified}",
           lambda w: f"/verwaltung/bescheinigungen/{w.certificate}/widerrufen"),
    Target("core.set_language", lambda w: "/", lambda w: "/sprache", staff=False),
    Target("mailing.compose", *_same(lambda w: f"{_seminar(w)}/nachricht"),
           fill=lambda w: {"subject": "Unterlagen", "text": "Bitte Stifte mitbringen."}),
    Target("planning.seminar_cancel", *_same(lambda w: f"{_seminar(w)}/absagen")),
    Target("planning.seminar_delete", _draft, lambda w: f"{_draft(w)}/loeschen"),
    Target("planning.seminar_duplicate", _seminar, lambda w: f"{_seminar(w)}/duplizieren"),
    Target("planning.seminar_edit", *_same(lambda w: f"{_seminar(w)}/bearbeiten")),
    Target("planning.new_date", *_same(lambda w: f"/verwaltung/seminare/{w.full}/neuer-termin"),
           fill=lambda w: {"code": "NEU-2", "sessions": "15.03.2031 10:00-16:00",
                           "capacity": "3"}),
    Target("planning.seminar_new", *_same(lambda w: "/verwaltung/seminare/neu"),
           fill=lambda w: SEMINAR | {"venue_id": str(w.venue)}),
    Target("planning.seminar_publish", _draft, lambda w: f"{_draft(w)}/veroeffentlichen"),
    Target("planning.seminar_unpublish", _seminar, lambda w: f"{_seminar(w)}/zurueckziehen"),
    Target("planning.topic_edit", *_same(lambda w: f"/verwaltung/themen/{w.topic}")),
    Target("planning.topic_new", *_same(lambda w: "/verwaltung/themen/neu"),
           fill=lambda w: {"key": "neu", "name_de": "Neues Thema", "name_en": "New topic"}),
    Target("planning.venue_edit", *_same(lambda w: f"/verwaltung/orte/{w.venue}")),
    Target("planning.venue_new", *_same(lambda w: "/verwaltung/orte/neu"),
           fill=lambda w: {"name": "Haus", "street": "Weg 1", "postcode": "07743",
                           "town": "Jena", "county": "th-jena"}),
    Target("privacy.erase", lambda w: "/verwaltung/personendaten",
           lambda w: "/verwaltung/personendaten/loeschen", after_search=True,
           fill=lambda w: {"contact": w.person_email}),
    Target("privacy.export", lambda w: "/verwaltung/personendaten",
           lambda w: "/verwaltung/personendaten.json", after_search=True,
           fill=lambda w: {"contact": w.person_email}),
    Target("privacy.person", *_same(lambda w: "/verwaltung/personendaten"),
           fill=lambda w: {"contact": w.person_email}),
    Target("registrations.accept", lambda w: f"/anmeldung/{w.offered_token}",
           lambda w: f"/anmeldung/{w.offered_token}/angebot/annehmen", staff=False),
    Target("registrations.decline", lambda w: f"/anmeldung/{w.offered_token}",
           lambda w: f"/anmeldung/{w.offered_token}/angebot/ablehnen", staff=False),
    Target("registrations.cancel", *_same(lambda w: f"/anmeldung/{w.confirmed_token}/abmelden"),
           staff=False),
    Target("registrations.change", *_same(lambda w: f"/anmeldung/{w.confirmed_token}/aendern"),
           staff=False),
    Target("registrations.confirm", lambda w: f"/anmeldung/{w.pending_token}",
           lambda w: f"/anmeldung/{w.pending_token}/bestaetigen", staff=False),
    Target("interest.subscribe_topic", lambda w: "/", lambda w: "/interesse/thema",
           staff=False, fill=lambda w: {"interest-topic": str(w.topic),
                                        "interest-email": "neu@example.org"}),
    Target("interest.subscribe_seminar", lambda w: f"/seminare/{w.closed}",
           lambda w: f"/interesse/seminar/{w.closed}", staff=False,
           fill=lambda w: {"new_date-email": "neu@example.org"}),
    Target("interest.confirm", lambda w: f"/interesse/{w.pending_subscription_token}",
           lambda w: f"/interesse/{w.pending_subscription_token}/bestaetigen", staff=False),
    Target("interest.renew", lambda w: f"/interesse/{w.subscription_token}",
           lambda w: f"/interesse/{w.subscription_token}/verlaengern", staff=False),
    Target("interest.unsubscribe",
           *_same(lambda w: f"/interesse/{w.subscription_token}/abmelden"), staff=False),
    Target("catalogue.register", lambda w: f"/seminare/{w.upcoming}",
           lambda w: f"/seminare/{w.upcoming}/anmeldung", staff=False, fill=lambda w: PERSON),
    Target("staff_letters.mark_batch", lambda w: "/verwaltung/briefe",
           lambda w: "/verwaltung/briefe/gedruckt"),
    Target("staff_letters.mark_one", lambda w: "/verwaltung/briefe",
           lambda w: f"/verwaltung/briefe/{w.letter}/gedruckt"),
    Target("staff_registrations.attendance", *_same(_attendance)),
    Target("staff_registrations.cancel", _detail, lambda w: f"{_detail(w)}/absagen"),
    Target("staff_registrations.contact", _detail, lambda w: f"{_detail(w)}/kontakt"),
    Target("staff_registrations.move_ahead", _detail, lambda w: f"{_detail(w)}/vorziehen"),
    Target("staff_registrations.register_by_phone",
           *_same(lambda w: f"{_seminar(w)}/anmeldungen/neu"), fill=lambda w: PERSON),
    Target("staff_registrations.resend", _detail, lambda w: f"{_detail(w)}/mail"),
    Target("staff_registrations.answer_offer", lambda w: f"/verwaltung/anmeldungen/{w.offered}",
           lambda w: f"/verwaltung/anmeldungen/{w.offered}/angebot"),
    Target("staff_calls.record_outcome", lambda w: "/verwaltung/anrufe",
           lambda w: f"/verwaltung/anrufe/{w.call}"),
    Target("staff_surveys.hide_text", lambda w: "/verwaltung/befragung/freitexte",
           lambda w: f"/verwaltung/befragung/freitexte/{w.response}/{w.text_question}/ausblenden"),
    Target("staff_surveys.question_edit",
           *_same(lambda w: f"/verwaltung/befragung/fragen/{w.text_question}")),
    Target("staff_surveys.question_new", *_same(lambda w: "/verwaltung/befragung/fragen/neu"),
           fill=lambda w: {"key": "neu", "text_de": "Wie war es?", "text_en": "How was it?"}),
    Target("staff_surveys.release_text", lambda w: "/verwaltung/befragung/freitexte",
           lambda w: f"/verwaltung/befragung/freitexte/{w.response}/{w.text_question}/freigeben"),
    Target("staff_surveys.paper_code", *_same(lambda w: "/verwaltung/befragung/papier"),
           fill=lambda w: {"code": w.paper_code}),
    Target("staff_surveys.paper_answers", lambda w: "/verwaltung/befragung/papier",
           lambda w: "/verwaltung/befragung/papier/antworten", after_search=True,
           fill=lambda w: {"code": w.paper_code}),
    Target("surveys.submit", *_same(lambda w: f"/befragung/{w.survey_token}"), staff=False),
    Target("staff_accessibility.task", *_same(lambda w: f"/verwaltung/unterstuetzung/{w.task}")),
    Target("staff_accessibility.provider_edit",
           *_same(lambda w: f"/verwaltung/unterstuetzung/anbieter/{w.provider}")),
    Target("staff_accessibility.provider_new",
           *_same(lambda w: "/verwaltung/unterstuetzung/anbieter/neu"),
           fill=lambda w: {"name": "Druckerei Mitte"}),
    Target("staff_accessibility.tell_unavailable",
           *_same(lambda w: f"/verwaltung/unterstuetzung/{w.task}/absage-mitteilen")),
    Target("staff_accessibility.venue_check_resolve",
           *_same(lambda w: f"{_seminar(w)}/ortspruefung")),
    Target("staff_accessibility.venue_check_reopen",
           lambda w: f"/verwaltung/seminare/{w.supported}/ortspruefung",
           lambda w: (
               f"/verwaltung/seminare/{w.supported}/ortspruefung/hearing_loop/wieder-oeffnen"
           )),
    Target("staff_accessibility.materials", *_same(lambda w: f"{_seminar(w)}/unterlagen")),
    Target("staff_accessibility.material_delete", lambda w: f"{_seminar(w)}/unterlagen",
           lambda w: f"{_seminar(w)}/unterlagen/{w.material}/loeschen"),
]  # fmt: skip

# Endpoints served under two rules (new and edit) appear twice above under their own names.
ALIASES = {
    "planning.topic_new": "planning.topic_edit",
    "planning.venue_new": "planning.venue_edit",
    "staff_surveys.question_new": "staff_surveys.question_edit",
    "staff_accessibility.provider_new": "staff_accessibility.provider_edit",
}
