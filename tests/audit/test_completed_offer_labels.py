"""The fields someone from an interest list gives when accepting a place
(``offer_completion.COMPLETED_FIELDS``) are named in words in the audit log."""

from seminars.registrations.offer_completion import COMPLETED_FIELDS


def test_every_field_given_with_the_name_has_a_label(app):
    from seminars.audit.presentation import _field_label

    for name in COMPLETED_FIELDS:
        assert _field_label(name) != name.replace("_", " "), name
    assert _field_label("county") == "Landkreis"
