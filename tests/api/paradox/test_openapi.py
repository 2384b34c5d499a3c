"""The Paradox dialect's OpenAPI document: both security schemes, multipart bodies, every output field, the
errors envelope and the table of codes."""

from __future__ import annotations

from typing import Any

from candidly.bootstrap import Services
from candidly.dialects import paradox
from candidly.dialects.paradox.errors import CODES
from candidly.web.app import surface_services
from tests.api.paradox.conftest import BASE, new_candidate
from tests.helpers import TestClient


def document(client: TestClient) -> dict[str, Any]:
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def test_bearer_and_basic_are_declared_and_the_token_endpoint_needs_neither(client: TestClient) -> None:
    doc = document(client)
    schemes = doc["components"]["securitySchemes"]
    assert (schemes["bearer"]["scheme"], schemes["basic"]["scheme"]) == ("bearer", "basic")
    assert doc["security"] == [{"bearer": []}, {"basic": []}]
    assert {} in doc["paths"]["/auth/token"]["post"]["security"]


def test_create_and_update_take_json_or_multipart_with_binary_files(client: TestClient) -> None:
    paths = document(client)["paths"]
    for operation in (paths["/candidates"]["post"], paths["/candidates/{ID}"]["put"],
                      paths["/candidates/{ID}"]["patch"]):  # fmt: skip
        content = operation["requestBody"]["content"]
        assert list(content) == ["application/json", "multipart/form-data"]
        form = content["multipart/form-data"]["schema"]["properties"]
        assert form["resume"]["format"] == form["offer_letter"]["format"] == "binary"
        assert {"location", "hiring_email", "use_application_id_for_identity", "community_of_interest"} <= set(form)


def test_a_candidate_answer_carries_exactly_the_documented_fields(client: TestClient, px: dict[str, str]) -> None:
    doc = document(client)
    documented = set(doc["components"]["schemas"]["CandidateOut"]["properties"])
    made = new_candidate(client, px)
    # Both ways: a field renamed in the answer but not in the document (or the reverse) is caught.
    assert set(made) == documented, (set(made) - documented, documented - set(made))
    item = set(doc["components"]["schemas"]["ListItem"]["properties"])
    assert item == {"candidate", "stage", "conversation", "note", "interview"}


def test_errors_are_documented_as_the_errors_list_with_every_code(client: TestClient) -> None:
    doc = document(client)
    failure = doc["components"]["schemas"]["Failure"]
    assert set(failure["properties"]) == {"errors"}
    assert "4XX" in doc["paths"]["/candidates"]["get"]["responses"]
    assert all(f"| {int(code)} |" in doc["info"]["description"] for code in CODES)


def test_an_unexpected_failure_is_a_500_in_the_errors_list(services: Services) -> None:
    app = paradox.build_app(surface_services(services))

    @app.get("/boom")
    def boom() -> None:  # a fault no validation foresaw
        raise RuntimeError("disk on fire")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {"errors": [{"code": 1500, "message": "Internal error: the request was not completed",
                                           "field": ""}]}  # fmt: skip
    assert "disk on fire" not in response.text
