from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from seminars.extensions import db
from seminars.registrations.models import Registration
from tests import factories
from tests.conftest import csrf_token_from


def test_nul_characters_in_query_strings_become_replacement_characters(client, app):
    response = client.get("/?q=Selbst%00hilfe&topic=%00")
    assert response.status_code == 200
    assert 'value="Selbst\ufffdhilfe"' in response.get_data(as_text=True)


def test_nul_characters_leave_form_fields(client, app):
    seminar = factories.seminar()
    token = csrf_token_from(client.get(f"/seminare/{seminar.id}").get_data(as_text=True))
    fields = MultiDict(
        {
            "csrf_token": token,
            "first_name": "Er\x00ika",
            "last_name": "Muster",
            "email": "erika@example.org",
            "organisation": "SHG",
            "county": "th-erfurt",
            "consent": "y",
        }
    )
    response = client.post(f"/seminare/{seminar.id}/anmeldung", data=fields)
    assert response.status_code == 303
    assert db.session.scalars(select(Registration.first_name)).one() == "Erika"
