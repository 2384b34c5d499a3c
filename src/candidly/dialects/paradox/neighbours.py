"""The candidate's neighbouring endpoints: attribute data (``PATCH`` merges, ``PUT`` replaces), unsubscribe, and
messages (emailed through the outbox when the candidate has an email, always recorded in the event log)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.paradox import schemas as wire
from candidly.dialects.paradox import translate
from candidly.dialects.paradox.auth import Who
from candidly.dialects.paradox.fields import key, on_wire
from candidly.dialects.paradox.routes import SUCCESS, find
from candidly.domain import commands as c
from candidly.domain.people import Candidate
from candidly.domain.principals import Scope
from candidly.service.caller import Caller
from candidly.service.reader import Reader

router = APIRouter(tags=["candidates"])
ATTRIBUTES = key("candidate_attribute_data")


def _writer(who: Caller) -> Caller:
    who.principal.require(Scope.WRITE_CANDIDATES)
    return who


def _attributes(_reader: Reader, changed: Candidate) -> dict[str, Any]:
    return on_wire({"success": True, "oid": changed.seq, "attributes": translate.attribute_data(changed)})


async def _set_attributes(who: Caller, oid: str, body: wire.AttributesIn, merge: bool) -> Response:
    def command(r: Reader) -> c.UpdateCandidate:
        person = find(r, oid)
        data = translate.merged_attribute_data(body.attributes, person if merge else None, "attributes")
        return c.UpdateCandidate(person.id, {"attributes_patch": {ATTRIBUTES: data or None}})

    update = await who.read(command)
    return FastJSONResponse(await who.execute(update, answer=_attributes))


@router.patch("/candidate/attributes/{OID}", response_model=wire.AttributesOut)
async def patch_attributes(OID: str, body: wire.AttributesIn, who: Who) -> Response:
    """Merge into the candidate's attribute data (a null value drops a key); the same data as
    ``candidate_attribute_data`` and the candidate's ``attributes``."""
    return await _set_attributes(_writer(who), OID, body, merge=True)


@router.put("/candidate/attributes/{OID}", response_model=wire.AttributesOut)
async def put_attributes(OID: str, body: wire.AttributesIn, who: Who) -> Response:
    """Replace the candidate's attribute data with the one sent."""
    return await _set_attributes(_writer(who), OID, body, merge=False)


@router.put("/candidates/unsubscribe", response_model=wire.UnsubscribeOut)
async def unsubscribe(body: wire.UnsubscribeIn, who: Who) -> Response:
    """``action_id`` 1: the candidate receives no further messages (the outbox sends them no email); 0: again."""
    person = await _writer(who).read(lambda r: find(r, str(body.oid)))
    changed = await who.execute(c.SetSubscription(person.id, unsubscribed=int(body.action_id) == 1))
    return FastJSONResponse(on_wire({"success": True, "oid": changed.seq, "unsubscribed": changed.unsubscribed}))


@router.post("/candidates/send_message", response_model=wire.Success)
async def send_message(body: wire.MessageIn, who: Who) -> Response:
    """Message the candidate: emailed through the outbox when they have an email and have not unsubscribed,
    recorded in the event log either way (and shown in the candidate's ``conversation``)."""
    _writer(who)
    if body.contact_method is not None:
        translate.code(body.contact_method, "contact_method", translate.CONTACT_METHODS)
    person = await who.read(lambda r: find(r, str(body.oid)))
    await who.execute(c.MessageCandidate(person.id, body.message, body.email_subject))
    return FastJSONResponse(SUCCESS)
