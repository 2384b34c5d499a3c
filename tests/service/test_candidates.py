"""Candidate commands through the bus: create, update, delete, subscription, messages, erasure and the GDPR sweep."""

from __future__ import annotations

from datetime import date, timedelta

from candidly.domain import commands as c
from candidly.domain import events as ev
from candidly.domain.errors import Forbidden, InvalidField, NotFound, StaleVersion
from candidly.domain.principals import Scope
from candidly.service.ports import Filters
from tests.service.conftest import Service


def test_a_created_candidate_is_saved_numbered_and_logged_with_its_fields(service: Service) -> None:
    ada = service.candidate(last_name="Lovelace", phone="+44 20 7946 0958")
    bob = service.candidate(first_name="Bob", email="bob@example.com")
    with service.read() as uow:
        stored = uow.candidates.get(service.org, ada.id)
    assert stored == ada and (ada.seq, bob.seq) == (1, 2)
    assert (stored.first_name, stored.last_name, stored.phone) == ("Ada", "Lovelace", "+442079460958")
    [created, _] = service.events(ev.EventType.CANDIDATE_CREATED)
    assert created.candidate_id == ada.id and created.changes["email"] == [None, "ada@example.com"]
    assert created.occurred_at == service.clock.now()


def test_a_created_candidate_keeps_its_files_and_notes_and_joins_its_openings(service: Service) -> None:
    job = service.opening()
    resume = c.AttachmentSpec(kind="resume", name="cv.pdf", content_type="application/pdf", content=b"%PDF")
    ada = service.run(c.CreateCandidate(fields={"first_name": "Ada"}, opening_ids=(job.id,), attachments=(resume,),
                                        notes=("Strong",)))  # fmt: skip
    with service.read() as uow:
        [file] = uow.blobs.attachments(service.org, ada.id)
        assert (file.name, file.size) == ("cv.pdf", 4)
        assert [n.body for n in uow.blobs.notes(service.org, ada.id)] == ["Strong"]
        [joined] = uow.applications.find(service.org, candidate_id=ada.id)
        assert joined.opening_id == job.id
        assert uow.openings.get(service.org, job.id).application_count == 1  # type: ignore[union-attr]


def test_bad_candidate_fields_are_refused_by_name_and_nothing_is_saved(service: Service) -> None:
    with service.refuses(InvalidField, field="email"):
        service.run(c.CreateCandidate(fields={"email": "not an address"}))
    with service.refuses(InvalidField, field="gdpr_expiry_date"):
        service.run(c.CreateCandidate(fields={"gdpr_expiry_date": date(2020, 1, 1)}))
    with service.refuses(InvalidField, field="gender"):
        service.run(c.CreateCandidate(fields={"first_name": "Ada", "gender": "robot"}))
    with service.refuses(NotFound, field="opening_ids[0]"):
        service.run(c.CreateCandidate(fields={"first_name": "Ada"}, opening_ids=("nope",)))


def test_a_key_without_the_scopes_is_refused_before_anything_is_saved(service: Service) -> None:
    with service.refuses(Forbidden, scope=Scope.WRITE_CANDIDATES):
        service.run(c.CreateCandidate(fields={"first_name": "Ada"}), service.actor(Scope.READ_CANDIDATES))
    # A key that may write but not read candidates would be shown the record it made: refused, nothing saved.
    with service.refuses(Forbidden, scope=Scope.READ_CANDIDATES):
        service.run(c.CreateCandidate(fields={"first_name": "Ada"}), service.actor(Scope.WRITE_CANDIDATES))


def test_an_update_changes_the_fields_named_bumps_the_version_and_logs_the_change(service: Service) -> None:
    ada = service.candidate()
    updated = service.run(c.UpdateCandidate(ada.id, {"last_name": "Lovelace", "email": None}, if_version=1))
    assert (updated.version, updated.first_name, updated.last_name, updated.email) == (2, "Ada", "Lovelace", None)
    [change] = service.events(ev.EventType.CANDIDATE_UPDATED)
    assert change.changes == {"last_name": [None, "Lovelace"], "email": ["ada@example.com", None]}


def test_an_update_on_a_stale_version_or_a_missing_candidate_is_refused(service: Service) -> None:
    ada = service.candidate()
    service.run(c.UpdateCandidate(ada.id, {"last_name": "King"}))
    with service.refuses(StaleVersion, current=2):
        service.run(c.UpdateCandidate(ada.id, {"last_name": "Lovelace"}, if_version=1))
    with service.refuses(NotFound):
        service.run(c.UpdateCandidate("missing", {"last_name": "Lovelace"}))
    with service.refuses(InvalidField, field="shoe_size"):
        service.run(c.UpdateCandidate(ada.id, {"shoe_size": 9}))  # type: ignore[typeddict-unknown-key]  # as a client may send
    with service.refuses(InvalidField, field="first_name"):
        service.run(c.UpdateCandidate(ada.id, {"first_name": "x" * 201}))


def test_an_update_with_openings_makes_them_the_candidates_openings_exactly(service: Service) -> None:
    first, second = service.opening(), service.opening(name="Second")
    ada = service.run(c.CreateCandidate(fields={"first_name": "Ada"}, opening_ids=(first.id,)))
    service.run(c.UpdateCandidate(ada.id, {}, opening_ids=(second.id,)))
    with service.read() as uow:
        live = uow.applications.find(service.org, candidate_id=ada.id, deleted_at=None)
        assert [a.opening_id for a in live] == [second.id]
    assert len(service.events(ev.EventType.APPLICATION_DELETED)) == 1


def test_deleting_a_candidate_hides_them_and_removes_their_applications(service: Service) -> None:
    job = service.opening()
    application = service.application(job)
    service.run(c.DeleteCandidate(application.candidate_id))
    with service.read() as uow:
        assert uow.candidates.count(service.org, Filters()) == 0
        gone = uow.applications.get(service.org, application.id)
        assert gone is not None and gone.deleted_at == service.clock.now() and gone.invitation_code is None
        assert uow.openings.get(service.org, job.id).application_count == 0  # type: ignore[union-attr]
    assert [e.type for e in service.events()][-2:] == [ev.EventType.APPLICATION_DELETED, ev.EventType.CANDIDATE_DELETED]
    with service.refuses(NotFound):
        service.run(c.DeleteCandidate(application.candidate_id))


def test_deleting_needs_the_delete_scope_and_a_current_if_match(service: Service) -> None:
    ada = service.candidate()
    with service.refuses(Forbidden, scope=Scope.DELETE_CANDIDATES):
        service.run(c.DeleteCandidate(ada.id), service.actor(Scope.WRITE_CANDIDATES, Scope.READ_CANDIDATES))
    with service.refuses(StaleVersion):
        service.run(c.DeleteCandidate(ada.id, if_version=7))


def test_unsubscribing_is_recorded_once(service: Service) -> None:
    ada = service.candidate()
    assert service.run(c.SetSubscription(ada.id, unsubscribed=True)).unsubscribed is True
    service.run(c.SetSubscription(ada.id, unsubscribed=True))  # no change: no write, no event
    [change] = service.events(ev.EventType.CANDIDATE_UPDATED)
    assert change.changes == {"unsubscribed": [False, True]}
    with service.refuses(NotFound):
        service.run(c.SetSubscription("missing", unsubscribed=True))
    with service.refuses(Forbidden, scope=Scope.WRITE_CANDIDATES):
        service.run(c.SetSubscription(ada.id, unsubscribed=False), service.actor(Scope.READ_CANDIDATES))


def test_a_message_is_logged_for_the_outbox_to_send(service: Service) -> None:
    ada = service.candidate()
    service.run(c.MessageCandidate(ada.id, "Your interview is on Monday", subject="Interview"))
    [sent] = service.events(ev.EventType.CANDIDATE_MESSAGED)
    assert (sent.candidate_id, sent.data) == (
        ada.id,
        {"message": "Your interview is on Monday", "subject": "Interview"},
    )
    with service.read() as uow:
        assert sent in uow.deliveries.unpublished_events(10)
    with service.refuses(InvalidField, field="message"):
        service.run(c.MessageCandidate(ada.id, ""))
    with service.refuses(NotFound):
        service.run(c.MessageCandidate("missing", "Hello"))
    with service.refuses(Forbidden, scope=Scope.WRITE_CANDIDATES):
        service.run(c.MessageCandidate(ada.id, "Hello"), service.actor(Scope.READ_CANDIDATES))


def test_erasure_blanks_the_person_their_files_and_what_the_log_kept(service: Service) -> None:
    job = service.opening()
    application = service.application(job, notes=("Ada is great",), fields={"external_id": "EXT-123456"})
    ada_id = application.candidate_id
    erased = service.run(c.EraseCandidate(ada_id))
    assert (erased.first_name, erased.email, erased.erased_at) == (None, None, service.clock.now())
    with service.read() as uow:
        assert uow.blobs.notes(service.org, ada_id) == []
        gone = uow.applications.get(service.org, application.id)
        assert gone is not None and (gone.external_id, gone.deleted_at) == (None, service.clock.now())
        log = uow.events.for_candidate(service.org, ada_id)
    assert "ada@example.com" not in repr([e.changes for e in log]) and "EXT-123456" not in repr(log)
    assert log[-1].type == ev.EventType.CANDIDATE_ERASED
    with service.refuses(NotFound):
        service.run(c.EraseCandidate(ada_id))
    bob = service.candidate(first_name="Bob")
    with service.refuses(Forbidden, scope=Scope.DELETE_CANDIDATES):
        service.run(c.EraseCandidate(bob.id), service.actor(Scope.WRITE_CANDIDATES))


def test_erasure_takes_the_persons_live_applications_out_of_their_openings_count(service: Service) -> None:
    job = service.opening()
    ada = service.application(job)
    bob = service.application(job, candidate={"first_name": "Bob", "email": "bob@example.com"})
    service.run(c.DeleteCandidate(bob.candidate_id))  # removed once already: erasing them removes nothing more
    service.run(c.EraseCandidate(bob.candidate_id))
    service.run(c.EraseCandidate(ada.candidate_id))
    with service.read() as uow:
        assert uow.openings.get(service.org, job.id).application_count == 0  # type: ignore[union-attr]
    service.run(c.DeleteOpening(job.id))  # refused while the opening counts a live application
    with service.read() as uow:
        assert uow.openings.get(service.org, job.id).deleted_at is not None  # type: ignore[union-attr]


def test_the_gdpr_sweep_erases_only_those_whose_expiry_date_passed(service: Service) -> None:
    today = service.clock.now().date()
    due = service.candidate(gdpr_expiry_date=today + timedelta(days=1))
    kept = service.candidate(first_name="Bob", gdpr_expiry_date=today + timedelta(days=30))
    service.clock.advance(days=2)
    assert service.run(c.GdprSweep(service.clock.now().date())) == 1
    with service.read() as uow:
        assert uow.candidates.get(service.org, due.id).erased_at is not None  # type: ignore[union-attr]
        assert uow.candidates.get(service.org, kept.id).erased_at is None  # type: ignore[union-attr]
    assert service.run(c.GdprSweep(service.clock.now().date())) == 0
