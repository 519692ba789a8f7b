"""What someone registering gives us: a volunteer on the form, or staff on their behalf."""

from __future__ import annotations

from dataclasses import dataclass

from seminars.registrations.channels import CHANNEL_EMAIL


@dataclass(frozen=True)
class Applicant:
    """What a volunteer (or staff on their behalf) enters; plain values only. The needs are
    those of ``needs.NEEDS`` (one field each, checked by the tests) and ``needs_other``."""

    first_name: str
    last_name: str
    email: str
    organisation: str = ""
    county: str | None = None
    phone: str = ""
    need_sign_language: bool = False
    need_speech_to_text: bool = False
    need_step_free: bool = False
    need_hearing_loop: bool = False
    need_personal_assistant: bool = False
    need_seat_near_screen: bool = False
    need_large_print: bool = False
    need_braille: bool = False
    need_easy_read: bool = False
    need_handouts_in_advance: bool = False
    need_dietary: bool = False
    needs_other: str = ""
    remarks: str = ""
    locale: str = "de"
    # How the person hears from the academy (``channels.py``), and where letters go.
    channel: str = CHANNEL_EMAIL
    address_extra: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""

    @property
    def seats(self) -> int:
        return 2 if self.need_personal_assistant else 1
