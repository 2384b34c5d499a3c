"""Native routes for openings and users."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Query
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.native import schemas as wire
from candidly.dialects.native.deps import IfMatch, Who, versioned
from candidly.dialects.native.translate import opening_out, page_out, user_out
from candidly.domain import commands as c
from candidly.domain.openings import POSITION_FIELDS
from candidly.service.ports import Filters, PageRequest

router = APIRouter(tags=["openings"])
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=64)]


@router.post("/openings", status_code=201, response_model=wire.OpeningOut)
async def create_opening(body: wire.OpeningCreate, who: Who) -> Response:
    """Create an opening with its steps, programs and email templates."""
    cmd = c.CreateOpening(
        kind=body.kind,
        name=body.name,
        external_id=body.external_id,
        language=body.language,
        default_group=body.default_group,
        settings=body.settings,
        steps=tuple(c.StepSpec(**s.model_dump()) for s in body.steps),
        programs=tuple(c.ProgramSpec(p.name, tuple(p.step_keys)) for p in body.programs),
        email_templates=tuple(c.TemplateSpec(**t.model_dump()) for t in body.email_templates),
        fields=cast(
            c.OpeningChanges,
            {"status": body.status, **body.model_dump(include=set(POSITION_FIELDS), exclude_unset=True)},
        ),
    )
    return versioned(opening_out(await who.execute(cmd)), 201)


@router.get("/openings/{opening_id}", response_model=wire.OpeningOut)
async def get_opening(opening_id: str, who: Who) -> Response:
    """Fetch an opening."""
    return versioned(opening_out(await who.read(lambda r: r.opening(opening_id))))


@router.get("/openings", response_model=wire.PageOut)
async def list_openings(
    who: Who,
    limit: Limit = 50,
    cursor: Cursor = None,
    kind: Annotated[str | None, Query(max_length=20)] = None,
    external_id: Annotated[str | None, Query(max_length=255)] = None,
) -> Response:
    """List openings, newest last, a keyset page at a time."""
    equal = {k: v for k, v in {"kind": kind, "external_id": external_id}.items() if v is not None}
    page = await who.read(lambda r: r.openings(Filters(equal=equal), PageRequest(limit, cursor)))
    return FastJSONResponse(page_out(page, opening_out))


@router.patch("/openings/{opening_id}", response_model=wire.OpeningOut)
async def update_opening(opening_id: str, body: wire.OpeningPatch, who: Who, version: IfMatch) -> Response:
    """Change an opening's fields, step settings or email templates."""
    changes = body.model_dump(exclude_unset=True)
    if body.steps is not None:
        changes["steps"] = {k: v.model_dump(exclude_unset=True) for k, v in body.steps.items()}
    if body.email_templates is not None:
        changes["email_templates"] = [c.TemplateSpec(**t.model_dump()) for t in body.email_templates]
    return versioned(
        opening_out(await who.execute(c.UpdateOpening(opening_id, cast(c.OpeningChanges, changes), version)))
    )


@router.delete("/openings/{opening_id}", status_code=204)
async def delete_opening(opening_id: str, who: Who, version: IfMatch) -> Response:
    """Delete an opening that has no applications."""
    await who.execute(c.DeleteOpening(opening_id, version))
    return Response(status_code=204)


@router.post("/users", status_code=201, response_model=wire.UserOut, tags=["users"])
async def create_user(body: wire.UserCreate, who: Who) -> Response:
    """Create a user (an organization member)."""
    return versioned(user_out(await who.execute(c.CreateUser(**body.model_dump()))), 201)


@router.get("/users/{user_id}", response_model=wire.UserOut, tags=["users"])
async def get_user(user_id: str, who: Who) -> Response:
    """Fetch a user."""
    return versioned(user_out(await who.read(lambda r: r.user(user_id))))


@router.get("/users", response_model=wire.PageOut, tags=["users"])
async def list_users(
    who: Who,
    limit: Limit = 50,
    cursor: Cursor = None,
    username: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """List users."""
    equal = {"username": username} if username else {}
    page = await who.read(lambda r: r.users(Filters(equal=equal), PageRequest(limit, cursor)))
    return FastJSONResponse(page_out(page, user_out))


@router.patch("/users/{user_id}", response_model=wire.UserOut, tags=["users"])
async def update_user(user_id: str, body: wire.UserPatch, who: Who, version: IfMatch) -> Response:
    """Change a user."""
    changes = cast(c.UserChanges, body.model_dump(exclude_unset=True))
    return versioned(user_out(await who.execute(c.UpdateUser(user_id, changes, version))))


@router.delete("/users/{user_id}", status_code=204, tags=["users"])
async def delete_user(user_id: str, who: Who, version: IfMatch) -> Response:
    """Delete a user."""
    await who.execute(c.DeleteUser(user_id, version))
    return Response(status_code=204)
