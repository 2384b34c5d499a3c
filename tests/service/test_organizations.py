"""Organization and API key commands through the bus: who may make and revoke what."""

from __future__ import annotations

from candidly.domain import commands as c
from candidly.domain.errors import Forbidden, InvalidField, NotFound
from candidly.domain.principals import ALL_SCOPES, Actor, Principal, Scope, hash_token
from tests.service.conftest import OPERATOR, Service


def test_the_operator_makes_an_organization_with_a_key_holding_every_scope(service: Service) -> None:
    org, issued = service.bus.execute(c.CreateOrganization("  Globex "), OPERATOR)
    with service.read() as uow:
        assert uow.organizations.get(org.id) == org and org.name == "Globex"
        key = uow.api_keys.by_hash(hash_token(issued.token))
    assert key is not None and set(key.scopes) == ALL_SCOPES and key.organization_ids == [org.id]
    with service.refuses(Forbidden):
        service.run(c.CreateOrganization("Initech"))  # an organization's key is not the operator
    with service.refuses(InvalidField, field="name"):
        service.bus.execute(c.CreateOrganization("   "), OPERATOR)


def test_a_key_the_operator_allowed_makes_organizations_and_spans_them(service: Service) -> None:
    issued = service.bus.execute(c.CreateApiKey("ats", ("read:candidates",), can_create_organizations=True), OPERATOR)
    ats = Actor(Principal(issued.key.id, (), frozenset(issued.key.scopes), can_create_organizations=True))
    org = service.bus.execute(c.CreateOrganizationForKey("Client Co", metadata={"tier": 1}), ats)
    with service.read() as uow:
        assert uow.api_keys.get(issued.key.id).organization_ids == [org.id]  # type: ignore[union-attr]
    assert org.created_by_key_id == issued.key.id and org.metadata == {"tier": 1}
    with service.refuses(InvalidField, field="name"):
        service.bus.execute(c.CreateOrganizationForKey("C"), ats)
    with service.refuses(Forbidden):
        service.run(c.CreateOrganizationForKey("Client Co"))


def test_an_admin_key_makes_keys_with_scopes_it_holds_only(service: Service) -> None:
    admin = service.actor(Scope.ADMIN, Scope.READ_CANDIDATES)
    issued = service.run(c.CreateApiKey("reader", ("read:candidates",)), admin)
    assert (issued.key.scopes, issued.key.organization_ids) == (["read:candidates"], [service.org])
    with service.refuses(Forbidden, scope="read:salary"):
        service.run(c.CreateApiKey("greedy", ("read:salary",)), admin)
    with service.refuses(InvalidField, field="scopes"):
        service.run(c.CreateApiKey("odd", ("read:everything",)))
    with service.refuses(Forbidden, scope=Scope.ADMIN):
        service.run(c.CreateApiKey("reader", ("read:candidates",)), service.actor(Scope.READ_CANDIDATES))
    with service.refuses(Forbidden):
        service.run(c.CreateApiKey("ats", ("read:candidates",), can_create_organizations=True))
    with service.refuses(Forbidden):
        service.run(c.CreateApiKey("multi", ("read:candidates",), organization_ids=(service.org,)))


def test_the_operator_names_the_organizations_of_a_key(service: Service) -> None:
    other, _ = service.bus.execute(c.CreateOrganization("Globex"), OPERATOR)
    issued = service.bus.execute(c.CreateApiKey("ats", ("admin",), organization_ids=(service.org, other.id)), OPERATOR)
    assert issued.key.organization_ids == [service.org, other.id] and issued.key.organization_id is None
    with service.refuses(NotFound, field="organization_ids[1]"):
        service.bus.execute(c.CreateApiKey("ats", ("admin",), organization_ids=(service.org, "nope")), OPERATOR)
    with service.refuses(InvalidField, field="organization_ids"):
        service.bus.execute(c.CreateApiKey("ats", ("admin",)), OPERATOR)


def test_a_key_is_revoked_by_an_admin_of_its_organization(service: Service) -> None:
    issued = service.run(c.CreateApiKey("reader", ("read:candidates",)))
    with service.refuses(Forbidden, scope=Scope.ADMIN):
        service.run(c.RevokeApiKey(issued.key.id), service.actor(Scope.READ_CANDIDATES))
    service.run(c.RevokeApiKey(issued.key.id))
    with service.read() as uow:
        assert uow.api_keys.get(issued.key.id).revoked_at == service.clock.now()  # type: ignore[union-attr]
    _, foreign = service.bus.execute(c.CreateOrganization("Globex"), OPERATOR)
    with service.refuses(NotFound):
        service.run(c.RevokeApiKey(foreign.key.id))


def test_a_key_of_several_organizations_is_revoked_by_the_operator_only(service: Service) -> None:
    other, _ = service.bus.execute(c.CreateOrganization("Globex"), OPERATOR)
    shared = service.bus.execute(c.CreateApiKey("ats", ("admin",), organization_ids=(service.org, other.id)), OPERATOR)
    with service.refuses(Forbidden):
        service.run(c.RevokeApiKey(shared.key.id))
    service.bus.execute(c.RevokeApiKey(shared.key.id), OPERATOR)
    with service.read() as uow:
        assert uow.api_keys.get(shared.key.id).revoked_at is not None  # type: ignore[union-attr]
