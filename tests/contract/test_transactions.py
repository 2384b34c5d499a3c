"""Units of work: a change is seen by others only once committed, and leaving without a commit undoes it."""

from __future__ import annotations

from candidly.service.ports import Database, Filters
from tests.contract.conftest import person, write


def test_a_change_is_seen_by_other_units_of_work_only_after_its_commit(database: Database, org: str) -> None:
    ada = person(org, first_name="Ada")
    with database.unit_of_work(write=True) as writer:
        writer.candidates.add(ada)
        assert writer.candidates.get(org, ada.id) is not None  # a transaction sees its own writes
        with database.unit_of_work(write=False) as reader:
            assert reader.candidates.get(org, ada.id) is None
            assert reader.candidates.count(org, Filters()) == 0
        writer.commit()
    with database.unit_of_work(write=False) as reader:
        assert reader.candidates.get(org, ada.id) is not None


def test_leaving_without_commit_rolls_everything_back(database: Database, org: str) -> None:
    ada = person(org, first_name="Ada")
    write(database, ada)
    with database.unit_of_work(write=True) as uow:
        uow.candidates.add(person(org))
        ada.first_name = "Changed"
        assert uow.candidates.update(ada, expected_version=1)
        uow.organizations.next_candidate_seq(org)
    with database.unit_of_work(write=True) as uow:
        stored = uow.candidates.get(org, ada.id)
        assert stored is not None and (stored.first_name, stored.version) == ("Ada", 1)
        assert uow.candidates.count(org, Filters()) == 1
        assert uow.organizations.next_candidate_seq(org) == 1  # the number taken in the rolled-back one is free again


def test_an_error_inside_the_unit_of_work_leaves_nothing_behind(database: Database, org: str) -> None:
    try:
        with database.unit_of_work(write=True) as uow:
            uow.candidates.add(person(org))
            raise RuntimeError("a handler failed")
    except RuntimeError:
        pass
    with database.unit_of_work(write=False) as uow:
        assert uow.candidates.count(org, Filters(include_deleted=True)) == 0


def test_an_entity_read_is_a_copy_changed_only_through_update(database: Database, org: str) -> None:
    ada = person(org, first_name="Ada", metadata={"tags": ["a"]})
    write(database, ada)
    with database.unit_of_work(write=True) as uow:
        loaded = uow.candidates.get(org, ada.id)
        assert loaded is not None
        loaded.first_name = "Not saved"
        loaded.metadata["tags"].append("b")
        again = uow.candidates.get(org, ada.id)
        assert again is not None and (again.first_name, again.metadata) == ("Ada", {"tags": ["a"]})


def test_units_of_work_commit_one_after_another(database: Database, org: str) -> None:
    for name in ("Ada", "Bob", "Cy"):
        write(database, person(org, first_name=name))
    with database.unit_of_work(write=False) as uow:
        assert uow.candidates.count(org, Filters()) == 3


def test_after_a_commit_the_unit_of_work_goes_on_in_a_new_transaction(database: Database, org: str) -> None:
    kept, dropped = person(org, first_name="Kept"), person(org, first_name="Dropped")
    with database.unit_of_work(write=True) as uow:
        uow.candidates.add(kept)
        uow.commit()
        uow.candidates.add(dropped)
        with database.unit_of_work(write=False) as reader:
            assert reader.candidates.get(org, dropped.id) is None
    with database.unit_of_work(write=False) as uow:
        assert [p.id for p in uow.candidates.find(org)] == [kept.id]
