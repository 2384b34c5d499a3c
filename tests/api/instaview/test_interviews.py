"""InstaView interviews and analyses: an interview is a core test session, its analysis the session's result."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.bootstrap import Services
from tests.access_page.conftest import Page, sign_in
from tests.api.instaview.conftest import BASE, native, new_candidate, new_job, uuid
from tests.helpers import Org, TestClient, make_opening, table_counts

RESULT = {
    "scoreboard": {"pointsAchieved": 14, "maxAchievablePoints": 20, "achievementRatio": 0.7},
    "sections": [{"name": "Communication", "scoreboard": {"pointsAchieved": 9, "maxAchievablePoints": 10}},
                 {"uuid": "sec-2", "scoreboard": {"pointsAchieved": 5, "maxAchievablePoints": 10}}],
}  # fmt: skip


def complete(client: TestClient, org: Org, interview_id: str, result: dict[str, Any] = RESULT) -> None:
    response = client.post(
        f"/api/v1/sessions/{native(interview_id)}/complete", json={"result": result}, headers=org.headers
    )
    assert response.status_code == 200, response.text


def interview(client: TestClient, org: Org, **body: Any) -> dict[str, Any]:
    response = client.post(f"{BASE}/interviews", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_an_interview_taken_through_the_access_page_shows_its_analysis(client: TestClient, org: Org) -> None:
    steps = [{"key": "s1", "name": "Interview", "launch_url": "https://interviews.example/go"}]
    job = make_opening(client, org, kind="job", name="Engineer", steps=steps, programs=[], email_templates=[])
    person = new_candidate(client, org, jobIds=[uuid(job["id"])])
    assert person["links"]["interviews"] == f"/instaview/candidates/{person['id']}/interviews"
    application = client.get(f"/api/v1/applications?candidate_id={native(person['id'])}", headers=org.headers)
    code = application.json()["items"][0]["invitation_code"]
    assert sign_in(client, code).status_code == 303
    token = Page(client.get("/access/steps").text).token
    started = client.post(f"/access/steps/{job['steps'][0]['id']}/start", data={"token": token}, follow_redirects=False)
    assert started.status_code == 303

    listed = client.get(person["links"]["interviews"], headers=org.headers).json()
    assert listed["total"] == 1
    taken = listed["data"][0]
    assert (taken["status"], taken["analysis"], taken["jobId"]) == ("IN_PROGRESS", None, uuid(job["id"]))
    assert client.get(person["links"]["analyses"], headers=org.headers).json()["data"] == []
    before = client.get(f"{BASE}/candidates/{person['id']}", headers=org.headers).json()
    assert (before["interviewCount"], before["analysisCount"], before["overallRating"]) == (1, 0, None)

    complete(client, org, taken["id"])
    done = client.get(f"{BASE}/interviews/{taken['id']}", headers=org.headers).json()
    assert (done["status"], done["finishedDate"]) == ("COMPLETED", "2026-01-15T09:00:00Z")
    analysis = done["analysis"]
    assert (analysis["interviewId"], analysis["general"]["overallRating"]) == (taken["id"], 70)
    assert analysis["specific"]["criteria"] == [
        {"name": "Communication", "rating": 90, "pointsAchieved": 9.0, "maxAchievablePoints": 10.0},
        {"name": "sec-2", "rating": 50, "pointsAchieved": 5.0, "maxAchievablePoints": 10.0},
    ]
    assert client.get(person["links"]["analyses"], headers=org.headers).json()["data"] == [analysis]
    after = client.get(f"{BASE}/v1/candidates/{person['id']}", headers=org.headers).json()
    assert (after["interviewCount"], after["analysisCount"], after["overallRating"]) == (1, 1, 70)


def test_an_interview_is_created_read_listed_and_deleted(client: TestClient, org: Org) -> None:
    job = new_job(client, org)
    person = new_candidate(client, org, jobIds=[job["id"]])
    made = interview(client, org, candidateId=person["id"], language="sk", questions=["Why us?"],
                     scheduledAt="2026-01-20T10:00:00+01:00", metadata={"externalInterviewId": "INT-1"})  # fmt: skip
    assert (made["candidateId"], made["jobId"], made["language"], made["questions"]) == (
        person["id"], job["id"], "SK", ["Why us?"]
    )  # fmt: skip
    assert (made["scheduledAt"], made["metadata"], made["status"]) == (
        "2026-01-20T09:00:00Z", {"externalInterviewId": "INT-1"}, "IN_PROGRESS"
    )  # fmt: skip
    assert len(made["id"]) == 36 and made["id"].count("-") == 4
    assert client.get(f"{BASE}/interviews/{made['id']}", headers=org.headers).json() == made
    # A template (agentId) instead of questions; the 32-hex form of every id keeps working on input.
    second = interview(client, org, candidateId=native(person["id"]), jobId=native(job["id"]), agentId=made["agentId"])
    listed = client.get(f"{BASE}/interviews?candidateId={person['id']}", headers=org.headers).json()
    assert [i["id"] for i in listed["data"]] == [second["id"], made["id"]]
    complete(client, org, made["id"])
    finished = client.get(f"{BASE}/interviews?status=COMPLETED&jobId={job['id']}", headers=org.headers).json()
    assert [i["id"] for i in finished["data"]] == [made["id"]]

    deleted = client.delete(f"{BASE}/interviews/{made['id']}", headers=org.headers)
    assert (deleted.status_code, deleted.json()) == (200, True)
    assert client.get(f"{BASE}/interviews/{made['id']}", headers=org.headers).status_code == 404
    left = client.get(f"{BASE}/candidates/{person['id']}", headers=org.headers).json()
    assert (left["interviewCount"], left["analysisCount"], left["overallRating"]) == (1, 0, None)


def test_another_companys_interview_is_403(client: TestClient, org: Org, other_org: Org) -> None:
    job = new_job(client, org)
    made = interview(client, org, candidateId=new_candidate(client, org, jobIds=[job["id"]])["id"], questions=["Hi?"])
    for method in ("GET", "DELETE"):
        assert client.request(method, f"{BASE}/interviews/{made['id']}", headers=other_org.headers).status_code == 403
    assert client.get(f"{BASE}/interviews", headers=other_org.headers).json()["total"] == 0


REJECTS: list[tuple[str, dict[str, Any], int, str]] = [
    ("no questions and no template", {}, 400, "questions"),
    ("too many questions", {"questions": ["q"] * 51}, 400, "questions"),
    ("empty question", {"questions": [""]}, 400, "questions[0]"),
    ("bad language", {"questions": ["q"], "language": "english"}, 400, "language"),
    ("unknown template", {"agentId": "123e4567-e89b-12d3-a456-426614174000"}, 400, "agentId"),
    ("unknown job", {"questions": ["q"], "jobId": "123e4567-e89b-12d3-a456-426614174000"}, 400, "jobId"),
    ("job the candidate is not in", {"questions": ["q"], "jobId": "OTHER"}, 400, "jobId"),
    ("unknown candidate", {"questions": ["q"], "candidateId": "123e4567-e89b-12d3-a456-426614174000"}, 404, ""),
    ("bad time", {"questions": ["q"], "scheduledAt": "tomorrow"}, 400, "scheduledAt"),
    ("wide metadata", {"questions": ["q"], "metadata": {f"k{i}": i for i in range(51)}}, 400, "metadata"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "body", "status", "field"), REJECTS, ids=[r[0] for r in REJECTS])
def test_a_bad_interview_is_refused_naming_the_field_and_nothing_is_written(
    client: TestClient, org: Org, services: Services, name: str, body: dict[str, Any], status: int, field: str
) -> None:
    job = new_job(client, org)
    other = new_job(client, org, "Other")
    person = new_candidate(client, org, jobIds=[job["id"]])
    payload = {"candidateId": person["id"], **body}
    if payload.get("jobId") == "OTHER":
        payload["jobId"] = other["id"]
    before = table_counts(services)
    response = client.post(f"{BASE}/interviews", json=payload, headers=org.headers)
    assert response.status_code == status, response.text
    assert response.json()["message"].startswith(field), response.json()
    assert table_counts(services) == before


def test_a_candidate_in_two_jobs_must_name_the_job(client: TestClient, org: Org, services: Services) -> None:
    jobs = [new_job(client, org)["id"], new_job(client, org, "Second")["id"]]
    person = new_candidate(client, org, jobIds=jobs)
    before = table_counts(services)
    response = client.post(
        f"{BASE}/interviews", json={"candidateId": person["id"], "questions": ["q"]}, headers=org.headers
    )
    assert (response.status_code, response.json()["message"]) == (
        400,
        "jobId: is required: the candidate is assigned to 2 jobs",
    )
    assert table_counts(services) == before


def test_erasing_a_person_blanks_what_their_interviews_were_started_with(
    client: TestClient, org: Org, services: Services
) -> None:
    job = new_job(client, org)
    person = new_candidate(client, org, jobIds=[job["id"]])
    made = interview(client, org, candidateId=person["id"], questions=["Why us?"], metadata={"note": "Jane's pick"})
    erased = client.post(f"/api/v1/candidates/{native(person['id'])}/erase", headers=org.headers)
    assert erased.status_code == 200, erased.text
    shown = client.get(f"{BASE}/interviews/{made['id']}", headers=org.headers).json()
    assert (shown["metadata"], shown["questions"]) == ({}, [])
