"""Repositories behind the port: what the handlers and queries rely on, the same in memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from candidly.domain.ids import new_id
from candidly.domain.organizations import Organization
from candidly.domain.principals import ApiKey
from candidly.service.ports import PERSON_ACTIVITY, Database, Filters, PageRequest
from tests.contract.conftest import T0, application, opening, person, write


def test_an_added_entity_reads_back_whole_in_its_organization_only(database: Database, org: str) -> None:
    ada = person(org, first_name="Ada", email="ada@example.com", metadata={"team": ["a", 1]})
    write(database, ada)
    with database.unit_of_work(write=False) as uow:
        assert uow.candidates.get(org, ada.id) == ada
        assert uow.candidates.get("elsewhere", ada.id) is None
        assert uow.candidates.get(org, new_id()) is None


def test_update_writes_on_the_current_version_only_and_bumps_it(database: Database, org: str) -> None:
    ada = person(org, first_name="Ada")
    write(database, ada)
    with database.unit_of_work(write=True) as uow:
        ada.first_name = "Augusta"
        assert uow.candidates.update(ada, expected_version=1) is True
        assert ada.version == 2
        ada.first_name = "Stale"
        assert uow.candidates.update(ada, expected_version=1) is False  # a lost race: the bus replays
        uow.commit()
    with database.unit_of_work(write=False) as uow:
        stored = uow.candidates.get(org, ada.id)
        assert stored is not None and (stored.first_name, stored.version) == ("Augusta", 2)


def test_find_matches_fields_with_none_as_null_in_id_order_deleted_included(database: Database, org: str) -> None:
    first, second, gone = person(org, status="new"), person(org, status="new"), person(org, status="new")
    gone.deleted_at = T0
    unset = person(org)
    write(database, second, first, gone, unset)
    with database.unit_of_work(write=False) as uow:
        assert [p.id for p in uow.candidates.find(org, status="new")] == sorted([first.id, second.id, gone.id])
        assert [p.id for p in uow.candidates.find(org, status="new", deleted_at=None)] == sorted([first.id, second.id])
        assert [p.id for p in uow.candidates.find(org, status=None)] == [unset.id]
        assert uow.candidates.find("elsewhere", status="new") == []


def test_find_with_a_list_matches_any_of_its_values_in_id_order(database: Database, org: str) -> None:
    ada, bob, eve = person(org), person(org), person(org)
    openings = [opening(org), opening(org)]
    jobs = [application(org, who, job) for job in openings for who in (eve, ada, bob)]
    jobs[0].deleted_at = T0
    write(database, ada, bob, eve, *openings, *jobs)
    with database.unit_of_work(write=False) as uow:
        found = uow.applications.find(org, candidate_id=[eve.id, ada.id], deleted_at=None)
        assert [a.id for a in found] == sorted(a.id for a in jobs[1:] if a.candidate_id in (eve.id, ada.id))
        assert uow.applications.find(org, candidate_id=[]) == []
        assert uow.applications.find("elsewhere", candidate_id=[ada.id]) == []


def test_pages_follow_ids_forwards_backwards_and_descending(database: Database, org: str) -> None:
    people = [person(org, first_name=f"P{i}") for i in range(5)]
    write(database, *people)
    ids = [p.id for p in people]
    with database.unit_of_work(write=False) as uow:
        first = uow.candidates.page(org, Filters(), PageRequest(limit=2))
        assert [p.id for p in first.items] == ids[:2] and first.next_cursor == ids[1] and first.prev_cursor is None
        second = uow.candidates.page(org, Filters(), PageRequest(limit=2, cursor=first.next_cursor))
        assert [p.id for p in second.items] == ids[2:4] and second.prev_cursor == ids[2]
        last = uow.candidates.page(org, Filters(), PageRequest(limit=2, cursor=second.next_cursor))
        assert [p.id for p in last.items] == ids[4:] and last.next_cursor is None
        back = uow.candidates.page(org, Filters(), PageRequest(limit=2, cursor=ids[4], backwards=True))
        assert [p.id for p in back.items] == ids[2:4] and back.prev_cursor == ids[2] and back.next_cursor == ids[3]
        newest = uow.candidates.page(org, Filters(), PageRequest(limit=2, descending=True))
        assert [p.id for p in newest.items] == ids[:2:-1][:2]
        skipped = uow.candidates.page(org, Filters(), PageRequest(limit=2, offset=3))
        assert [p.id for p in skipped.items] == ids[3:5]


def test_deleted_rows_are_hidden_from_pages_and_counts_unless_asked_for(database: Database, org: str) -> None:
    live, gone = person(org), person(org)
    gone.deleted_at = T0
    write(database, live, gone)
    with database.unit_of_work(write=False) as uow:
        assert [p.id for p in uow.candidates.page(org, Filters(), PageRequest()).items] == [live.id]
        assert uow.candidates.count(org, Filters()) == 1
        assert uow.candidates.count(org, Filters(include_deleted=True)) == 2
        assert uow.candidates.count("elsewhere", Filters(include_deleted=True)) == 0


def test_filters_on_values_lists_text_and_creation_time(database: Database, org: str) -> None:
    ada = person(org, 0, first_name="Ada", last_name="Lovelace", email="ada@example.com", status="new")
    bob = person(org, 10, first_name="Bob", email="bob@example.com", status="hired")
    cy = person(org, 20, first_name="Cy", attributes={"journey": "fast", "score": 3})
    write(database, ada, bob, cy)

    def ids(filters: Filters) -> list[str]:
        with database.unit_of_work(write=False) as uow:
            return [p.id for p in uow.candidates.page(org, filters, PageRequest()).items]

    assert ids(Filters(equal={"status": "new"})) == [ada.id]
    assert ids(Filters(equal={"status": ["hired", None]})) == [bob.id, cy.id]
    assert ids(Filters(equal={"id": [ada.id, cy.id]})) == [ada.id, cy.id]
    assert ids(Filters(search="LOVE")) == [ada.id]
    assert ids(Filters(search="example.com")) == [ada.id, bob.id]
    assert ids(Filters(created_after=T0 + timedelta(minutes=10))) == [bob.id, cy.id]
    assert ids(Filters(created_before=T0 + timedelta(minutes=10))) == [ada.id, bob.id]
    assert ids(Filters(ranges={"created_at": (T0 + timedelta(minutes=5), T0 + timedelta(minutes=20))})) == [
        bob.id,
        cy.id,
    ]
    assert ids(Filters(attributes={"journey": "fast"})) == [cy.id]
    assert ids(Filters(attributes={"journey": "slow"})) == []


def test_application_filters_labels_people_in_an_opening_and_person_activity(database: Database, org: str) -> None:
    job, other = opening(org), opening(org)
    ada, bob, cy = person(org), person(org), person(org)
    bob.updated_at = T0 + timedelta(days=3)
    first = application(org, ada, job, labels=["vip", "remote"])
    second = application(org, bob, job, labels=["remote"])
    gone = application(org, cy, job)
    gone.deleted_at = T0
    write(database, job, other, ada, bob, cy, first, second, gone, application(org, cy, other))
    with database.unit_of_work(write=False) as uow:
        labelled = uow.applications.page(org, Filters(contains_label="vip"), PageRequest())
        assert [a.id for a in labelled.items] == [first.id]
        active = Filters(ranges={PERSON_ACTIVITY: (T0 + timedelta(days=1), None)})
        assert [a.id for a in uow.applications.page(org, active, PageRequest()).items] == [second.id]
        in_job = uow.candidates.page(org, Filters(in_opening=job.id), PageRequest())
        assert [p.id for p in in_job.items] == [ada.id, bob.id]  # cy's application there is deleted
        assert uow.applications.count(org, Filters(equal={"opening_id": job.id})) == 2


def test_owner_names_the_organization_of_a_live_row_whoever_asks(database: Database, org: str) -> None:
    ada, gone = person(org), person(org)
    gone.deleted_at = T0
    write(database, ada, gone)
    with database.unit_of_work(write=False) as uow:
        assert uow.candidates.owner(ada.id) == org
        assert uow.candidates.owner(gone.id) is None
        assert uow.candidates.owner(new_id()) is None


def test_expiring_candidates_oldest_expiry_first_erased_ones_left_out(database: Database, org: str) -> None:
    late = person(org, gdpr_expiry_date=date(2026, 1, 10))
    early = person(org, gdpr_expiry_date=date(2026, 1, 5))
    erased = person(org, gdpr_expiry_date=date(2026, 1, 1))
    erased.erased_at = T0
    future = person(org, gdpr_expiry_date=date(2027, 1, 1))
    write(database, late, early, erased, future)
    with database.unit_of_work(write=False) as uow:
        assert [p.id for p in uow.candidates.expiring(date(2026, 1, 15), limit=10)] == [early.id, late.id]
        assert [p.id for p in uow.candidates.expiring(date(2026, 1, 15), limit=1)] == [early.id]


def test_invitation_codes_find_live_applications_in_any_organization(database: Database, org: str) -> None:
    job, ada = opening(org), person(org)
    live = application(org, ada, job, invitation_code="CODE1")
    gone = application(org, ada, job, invitation_code="CODE2")
    gone.deleted_at = T0
    write(database, job, ada, live, gone)
    with database.unit_of_work(write=False) as uow:
        found = uow.applications.by_invitation_code("CODE1")
        assert found is not None and found.id == live.id
        assert uow.applications.by_invitation_code("CODE2") is None


def test_openings_keep_children_and_count_applications_without_a_new_version(database: Database, org: str) -> None:
    from candidly.domain.openings import Step

    job = opening(org)
    job.steps = [Step(id=new_id(), organization_id=org, opening_id=job.id, position=0, name="Coding", key="s1")]
    write(database, job)
    with database.unit_of_work(write=True) as uow:
        uow.openings.add_counts(org, job.id, 3)
        uow.openings.add_counts(org, job.id, -1)
        uow.commit()
    with database.unit_of_work(write=False) as uow:
        stored = uow.openings.get(org, job.id)
        assert stored is not None and (stored.application_count, stored.version) == (2, 1)
        assert [s.name for s in stored.steps] == ["Coding"]


def test_organizations_hand_out_sequence_numbers_once_and_list_oldest_first(database: Database) -> None:
    first, second = (Organization(id=new_id(), name=n, created_at=T0) for n in ("A", "B"))
    write(database, first, second)
    with database.unit_of_work(write=True) as uow:
        assert uow.organizations.next_candidate_seq(first.id) == 1
        assert uow.organizations.next_candidate_seq(first.id, 3) == 2
        uow.commit()
    with database.unit_of_work(write=True) as uow:
        assert uow.organizations.next_candidate_seq(first.id) == 5
        assert [o.id for o in uow.organizations.many([second.id, first.id, new_id()])] == [first.id, second.id]
        assert uow.organizations.get(new_id()) is None


def test_api_keys_by_hash_revoked_and_spanning_more_organizations(database: Database, org: str) -> None:
    key = ApiKey(id=new_id(), organization_id=org, name="k", token_hash="h" * 64, scopes=["admin"],
                 organization_ids=[org], created_at=T0, signing_secret="shh")  # fmt: skip
    with database.unit_of_work(write=True) as uow:
        uow.api_keys.add(key)
        uow.commit()
    with database.unit_of_work(write=True) as uow:
        assert uow.api_keys.by_hash("h" * 64) == key
        uow.api_keys.revoke(key.id, T0)
        uow.api_keys.set_organizations(key.id, [org, "another"])
        uow.commit()
    with database.unit_of_work(write=False) as uow:
        stored = uow.api_keys.get(key.id)
        assert stored is not None and (stored.revoked_at, stored.organization_ids) == (T0, [org, "another"])
        assert uow.api_keys.by_hash("x" * 64) is None
