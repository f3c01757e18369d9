"""What fuzzing the API document found, each pinned down: a yes/no field takes JSON true or false only (0, 1 and
"yes" were read as booleans the document does not allow), and an empty change of a service is documented as such."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.api.support import assert_error
from tests.factories import make_office, make_staff, sign_in
from waitwell.persistence import Role


@pytest.fixture
def admin_client(client: FlaskClient, runtime) -> FlaskClient:
    sign_in(client, make_staff(runtime, [], role=Role.ADMIN, username="root"))
    return client


@pytest.mark.parametrize("value", [0, 1, "true", "yes", "on"])
def test_a_yes_no_field_is_true_or_false_only(admin_client: FlaskClient, runtime, value) -> None:
    office = make_office(runtime)
    refused = admin_client.post("/api/v1/offices", json={"name": "Norwich DMV", "timezone": "America/New_York",
                                                         "refuse_tickets_when_closed": value})
    error = assert_error(refused, 422, "invalid_request", "refuse_tickets_when_closed", "Use true or false")
    assert error["fields"] == {"json": {"refuse_tickets_when_closed": ["Not a valid boolean. Use true or false."]}}
    service = admin_client.post(f"/api/v1/offices/{office.office_id}/services",
                                json={"name": "Road test", "prefix": "R", "active": value})
    assert_error(service, 422, "invalid_request", "active")
    assert [o["name"] for o in admin_client.get("/api/v1/offices").get_json()] == ["Hartford DMV"], "nothing stored"


def test_changing_a_service_with_no_body_changes_nothing_as_documented(admin_client: FlaskClient, runtime) -> None:
    office = make_office(runtime)
    service_id = office.services["A"]
    document = admin_client.get("/api/v1/openapi.json").get_json()
    assert document["paths"]["/api/v1/services/{service_id}"]["patch"]["requestBody"].get("required") is False
    before = admin_client.get(f"/api/v1/offices/{office.office_id}/services").get_json()
    changed = admin_client.patch(f"/api/v1/services/{service_id}")
    assert changed.status_code == 200
    assert admin_client.get(f"/api/v1/offices/{office.office_id}/services").get_json() == before
