"""The candidate's neighbouring endpoints: attribute data (``PATCH`` merges, ``PUT`` replaces), unsubscribe, and
messages (emailed through the outbox when the candidate has an email, always recorded in the event log)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.paradox import schemas as wire
from candidly.dialects.paradox import translate
from candidly.dialects.paradox.routes import Caller, caller
from candidly.domain import commands as c
from candidly.domain.people import Candidate
from candidly.domain.principals import Scope

router = APIRouter(tags=["candidates"])
ATTRIBUTES = translate.NS + "candidate_attribute_data"


def _writer(request: Request) -> Caller:
    who = caller(request)
    who.principal.require(Scope.WRITE_CANDIDATES)
    return who


def _set_attributes(who: Caller, oid: str, body: wire.AttributesIn, merge: bool) -> Response:
    person = who.find(oid)
    data = translate.merged_attribute_data(body.attributes, person if merge else None, "attributes")
    changed: Candidate = who.execute(c.UpdateCandidate(person.id, {"attributes_patch": {ATTRIBUTES: data or None}}))
    return FastJSONResponse({"success": True, "OID": changed.seq, "attributes": translate.attribute_data(changed)})


@router.patch("/candidate/attributes/{OID}", response_model=wire.AttributesOut)
def patch_attributes(OID: str, body: wire.AttributesIn, request: Request) -> Response:
    """Merge into the candidate's attribute data (a null value drops a key); the same data as
    ``candidate_attribute_data`` and the candidate's ``attributes``."""
    return _set_attributes(_writer(request), OID, body, merge=True)


@router.put("/candidate/attributes/{OID}", response_model=wire.AttributesOut)
def put_attributes(OID: str, body: wire.AttributesIn, request: Request) -> Response:
    """Replace the candidate's attribute data with the one sent."""
    return _set_attributes(_writer(request), OID, body, merge=False)


@router.put("/candidates/unsubscribe", response_model=wire.UnsubscribeOut)
def unsubscribe(body: wire.UnsubscribeIn, request: Request) -> Response:
    """``action_id`` 1: the candidate receives no further messages (the outbox sends them no email); 0: again."""
    who = _writer(request)
    person = who.find(str(body.OID))
    changed: Candidate = who.execute(c.SetSubscription(person.id, unsubscribed=int(body.action_id) == 1))
    return FastJSONResponse({"success": True, "OID": changed.seq, "unsubscribed": changed.unsubscribed})


@router.post("/candidates/send_message", response_model=wire.Success)
def send_message(body: wire.MessageIn, request: Request) -> Response:
    """Message the candidate: emailed through the outbox when they have an email and have not unsubscribed,
    recorded in the event log either way (and shown in the candidate's ``conversation``)."""
    who = _writer(request)
    if body.contact_method is not None:
        translate.code(body.contact_method, "contact_method", translate.CONTACT_METHODS)
    person = who.find(str(body.OID))
    who.execute(c.MessageCandidate(person.id, body.message, body.email_subject))
    return FastJSONResponse({"success": True})
