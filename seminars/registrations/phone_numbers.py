"""Phone numbers compared as numbers, not as typed.

People say and staff type the same number in many ways: "0361 123456", "(0361) 12 34 56",
"+49 361 123456", "0049 361 123456", "+49 (0) 361 123456". ``normalise_phone`` turns each
into one form: digits only, a German country code becomes the leading 0 of the area code,
any other country code is written with 00. The person search and the person key of someone
without e-mail (``person_key.key_without_email``) use it.
"""

from __future__ import annotations

GERMANY = "0049"


def normalise_phone(value: str) -> str:
    """Digits only; "+49"/"0049" (also with "(0)") become "0", another "+" becomes "00"."""
    value = (value or "").strip()
    digits = "".join(ch for ch in value if ch.isdigit())
    if value.startswith("+"):
        digits = "00" + digits
    if digits.startswith(GERMANY):
        national = digits[len(GERMANY) :]
        digits = national if national.startswith("0") else "0" + national
    return digits


def stored_forms(normalised: str) -> set[str]:
    """How a number that normalises to ``normalised`` may be stored, once spaces and
    ( ) / - are taken out (what the phone fields accept besides digits and "+")."""
    if not normalised:
        return set()
    if normalised.startswith("00"):
        return {normalised, "+" + normalised[2:]}
    if normalised.startswith("0"):
        national = normalised[1:]
        return {
            normalised,
            "+49" + national,
            GERMANY + national,
            "+490" + national,
            GERMANY + "0" + national,
        }
    return {normalised}
