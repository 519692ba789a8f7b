"""How a registration hears from the academy: by e-mail, by post or by phone.

Volunteers without e-mail take part all the same. Staff book them by phone and choose the
channel; a volunteer registering online may ask for letters instead of mails. Every message
the academy would mail is then produced for the channel (``delivery.py``): a letter in the
print queue, or an entry on the call list.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CHANNEL_EMAIL = "email"
CHANNEL_POST = "post"
CHANNEL_PHONE = "phone"
CHANNELS = (CHANNEL_EMAIL, CHANNEL_POST, CHANNEL_PHONE)

LABELS = {
    CHANNEL_EMAIL: _l("per E-Mail"),
    CHANNEL_POST: _l("per Post"),
    CHANNEL_PHONE: _l("per Telefon"),
}


def label(channel: str) -> str:
    return str(LABELS.get(channel, channel))


def address_lines(registration) -> list[str]:
    """The postal address as it goes into a letter's address window (DIN 5008: name, extra
    line, street, postcode and town); empty when the registration has no address."""
    if not (registration.street and registration.postcode and registration.city):
        return []
    name = f"{registration.first_name} {registration.last_name}".strip()
    lines = [name, registration.address_extra, registration.street]
    lines.append(f"{registration.postcode} {registration.city}")
    return [line for line in lines if line]


def has_address(registration) -> bool:
    return bool(address_lines(registration))


def own_choices(registration) -> list[str]:
    """What registrants may choose on their own page: e-mail only with an e-mail address;
    letters always (with an address); phone only where staff set it, kept until the person
    chooses otherwise (calls are arranged with the academy, not chosen online)."""
    choices = [CHANNEL_EMAIL] if registration.email else []
    choices.append(CHANNEL_POST)
    if registration.channel == CHANNEL_PHONE:
        choices.append(CHANNEL_PHONE)
    return choices
