"""Testing a Comeet integration: a partner's signed requests, a candidate with a resume, and its link expiring."""

import base64

import httpx

from candidly.testing import CandidlyOrg, Clock

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_candidates_resume_link_works_until_it_expires(candidly_org: CandidlyOrg, candidly_clock: Clock) -> None:
    # A position to apply to, made with the native API; Comeet's client only reads and writes candidates.
    position = httpx.post(f"{candidly_org.base_url}/api/v1/openings", headers=candidly_org.headers,
                          json={"kind": "position", "name": "Backend engineer"}).json()  # fmt: skip
    comeet = candidly_org.comeet  # base_url, key_id and secret, as Comeet's client is configured
    signed = {"Authorization": f"Bearer {candidly_org.comeet_token()}"}  # HS256, iss = key_id, exp in 10 minutes

    created = httpx.post(f"{comeet.base_url}/candidates", headers=signed, json={
        "position_uid": position["id"], "partner_candidate_id": "ats-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
        "resume": {"name": "cv.pdf", "file": base64.b64encode(PDF).decode()},
    })  # fmt: skip
    assert created.status_code == 201, created.text
    read = httpx.get(f"{comeet.base_url}/candidates/{created.json()['uid']}", headers=signed).json()
    assert (read["first_name"], read["email"]) == ("Ada", "ada@example.com")

    resume_url = read["resume"]["url"]  # signed, no credential needed, valid for 15 minutes
    assert httpx.get(resume_url).content == PDF
    candidly_clock.advance(minutes=16)
    assert httpx.get(resume_url).status_code == 403
