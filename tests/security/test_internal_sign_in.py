"""Internal candidates need a secret: their username (credential1) alone never signs them in."""

from __future__ import annotations

from candidly.bootstrap import Services
from tests.access_page.conftest import TI, make_task, sign_in
from tests.helpers import FakeClock, Org, TestClient, table_counts


def test_a_username_alone_does_not_sign_an_internal_candidate_in(
    client: TestClient, org: Org, clock: FakeClock, services: Services
) -> None:
    user = client.post("/api/v1/users", json={"username": "grace", "fullname": "Grace Hopper"}, headers=org.headers)
    for method in (None, "single-credential"):
        settings = {"access_method": method} if method else {}
        task = make_task(client, org, clock.now(), name=f"Task {method}", settings=settings)
        made = client.post(f"{TI}/{task['id']}/candidates", json={"kind": "internal-candidate", "id": user.json()["id"]},
                           headers=org.headers)  # fmt: skip
        assert made.status_code == 200, made.text
        before = table_counts(services)
        guessed = client.post(f"/access/login/{task['id']}", data={"credential1": "grace"}, follow_redirects=False)
        assert guessed.status_code == 403
        assert table_counts(services) == before  # not signed in, loggedIn not set
        native = client.get(f"/api/v1/applications/{made.json()['candidateId']}", headers=org.headers).json()
        assert native["logged_in"] is False
        # The code their invitation email carries (TestInvite shows none for internal candidates) still works.
        assert sign_in(client, native["invitation_code"]).status_code == 303
