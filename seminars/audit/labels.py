"""Words for the audit log: what each action and each recorded field is called.

Two plain tables, in German first (English through the translations). A new action or field
is one line here; an action or field missing from them still shows, as its code, so an entry
written by a newer part of the app never breaks a page (see ``presentation.py``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Every action written with ``record(`` across seminars/ (tests/audit checks the list).
ACTION_LABELS = {
    "seminar.create": _l("Seminar angelegt"),
    "seminar.update": _l("Seminar geändert"),
    "seminar.status": _l("Status geändert"),
    "seminar.cancel": _l("Seminar abgesagt"),
    "seminar.duplicate": _l("Seminar kopiert"),
    "seminar.new_date": _l("Neuer Termin aus Warteliste angelegt"),
    "seminar.delete": _l("Seminar gelöscht"),
    "seminar.mail": _l("Nachricht an Teilnehmende gesendet"),
    "topic.save": _l("Themenbereich gespeichert"),
    "attendance.record": _l("Anwesenheit erfasst"),
    "registration.create_by_staff": _l("Anmeldung eingetragen (telefonisch)"),
    "registration.cancel": _l("Anmeldung storniert"),
    "registration.move_ahead": _l("Auf der Warteliste vorgezogen"),
    "registration.resend_mail": _l("Nachricht erneut gesendet"),
    "registration.update": _l("Kontaktdaten korrigiert"),
    "registration.self_update": _l("Angaben selbst geändert"),
    "registration.offer_answered_by_phone": _l("Platzangebot am Telefon beantwortet"),
    "call.done": _l("Anruf erledigt"),
    "call.not_reached": _l("Anruf: nicht erreicht"),
    "letter.printed": _l("Brief gedruckt und versandt"),
    "certificate.issue": _l("Teilnahmebescheinigung ausgestellt"),
    "certificate.revoke": _l("Teilnahmebescheinigung widerrufen"),
    "survey.question": _l("Frage der Befragung gespeichert"),
    "survey.release_text": _l("Freitext freigegeben"),
    "survey.hide_text": _l("Freitext zurückgehalten"),
    "person.erase": _l("Personendaten gelöscht"),
    "service_task.update": _l("Unterstützungsleistung bearbeitet"),
    "venue_check.resolve": _l("Ortsprüfung geklärt"),
    "venue_check.reopen": _l("Ortsprüfung wieder geöffnet"),
    "service_task.tell_unavailable": _l("Absage einer Unterstützungsleistung mitgeteilt"),
    "service_material.upload": _l("Unterlagen hochgeladen"),
    "service_material.replace": _l("Unterlagen ersetzt"),
    "service_material.update": _l("Freigabe der Unterlagen geändert"),
    "service_material.delete": _l("Unterlagen gelöscht"),
    "service_provider.save": _l("Anbieter für Unterstützung gespeichert"),
    "user.create": _l("Benutzerkonto angelegt"),
    "user.update": _l("Benutzerkonto geändert"),
    "user.password": _l("Eigenes Passwort geändert"),
    "user.password_reset": _l("Passwort zurückgesetzt"),
    "user.role": _l("Rolle geändert"),
    "user.invite": _l("Einladung verschickt"),
    "user.invitation_accept": _l("Einladung angenommen, Passwort festgelegt"),
    "user.password_reset_request": _l("Link zum Zurücksetzen des Passworts angefordert"),
    "user.password_reset_link": _l("Passwort über den Link festgelegt"),
    "programme.import": _l("Programm importiert"),
}

FIELD_LABELS = {
    # seminars
    "code": _l("Kennung"),
    "title": _l("Titel"),
    "topic_id": _l("Thema"),
    "format": _l("Format"),
    "venue_id": _l("Ort"),
    "meeting_url": _l("Zugangslink"),
    "capacity": _l("Plätze"),
    "waitlist_capacity": _l("Plätze auf der Warteliste"),
    "teaching_units": _l("Unterrichtseinheiten"),
    "certificate_min_sessions": _l("Mindestzahl Termine für die Bescheinigung"),
    "summary": _l("Kurzbeschreibung"),
    "description": _l("Beschreibung"),
    "registration_opens_at": _l("Anmeldung ab"),
    "registration_closes_at": _l("Anmeldung bis"),
    "status": _l("Status"),
    "sessions": _l("Termine"),
    "instructors": _l("Referierende"),
    "from": _l("Kopie von"),
    "told": _l("Benachrichtigte Personen"),
    "audience": _l("Empfängergruppe"),
    "subject": _l("Betreff"),
    "recipients": _l("Empfänger"),
    "notified": _l("Benachrichtigt"),
    "not_notified": _l("Nicht benachrichtigt"),
    "confirmed": _l("Bestätigt"),
    "waitlisted": _l("Warteliste"),
    "waiting": _l("Wartende"),
    "interested": _l("Auf der Interessenliste"),
    "new_date_places": _l("Plätze für Wartende vergeben"),
    # topics
    "key": _l("Schlüssel"),
    "name_de": _l("Name (deutsch)"),
    "name_en": _l("Name (englisch)"),
    "position": _l("Reihenfolge"),
    # attendance
    "session_id": _l("Seminartermin"),
    "present": _l("Anwesend"),
    "of": _l("von"),
    # registrations
    "first_name": _l("Vorname"),
    "last_name": _l("Nachname"),
    "email": _l("E-Mail-Adresse"),
    "phone": _l("Telefon"),
    "organisation": _l("Organisation"),
    "county": _l("Landkreis"),
    "mail": _l("E-Mail"),
    "channel": _l("Nachrichten"),
    "address_extra": _l("Adresszusatz"),
    "street": _l("Straße und Hausnummer"),
    "postcode": _l("Postleitzahl"),
    "city": _l("Ort"),
    "reason": _l("Grund"),
    # calls
    "kind": _l("Anlass"),
    "outcome": _l("Ergebnis"),
    "answer": _l("Antwort"),
    "attempts": _l("Versuche"),
    # letters
    "letter": _l("Brief"),
    # certificates
    "replaces": _l("Ersetzt"),
    # surveys
    "response": _l("Antwort"),
    "question": _l("Frage"),
    "version": _l("Version"),
    "retired": _l("Nicht mehr gestellt"),
    # programme import
    "file": _l("Datei"),
    "created": _l("Neu angelegt"),
    "updated": _l("Aktualisiert"),
    # privacy
    "registrations": _l("Anmeldungen"),
    "subscriptions": _l("Benachrichtigungen (Interessenlisten)"),
    # venue check
    "venue_check": _l("Ortsprüfung"),
    "resolution": _l("Lösung"),
    "note": _l("Notiz"),
    # accessibility services and materials
    "task": _l("Leistung"),
    "available_from": _l("Verfügbar ab"),
    "size": _l("Größe (Bytes)"),
    # accessibility services
    "owner_id": _l("Zuständig"),
    "provider_id": _l("Anbieter"),
    "provider_text": _l("Anbieter (weitere Angaben)"),
    "planned_cost_cents": _l("Geplante Kosten"),
    "actual_cost_cents": _l("Tatsächliche Kosten"),
    "provider": _l("Anbieter"),
    "kinds": _l("Leistungen"),
    "contact": _l("Kontakt"),
    # accounts
    "role": _l("Rolle"),
    "name": _l("Name"),
    "active": _l("Aktiv"),
}


def action_label(action: str) -> str:
    """The action in words; an unknown one as its code (never an error)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def field_label(field: str) -> str:
    label = FIELD_LABELS.get(field)
    return str(label) if label is not None else field.replace("_", " ")
