"""Handlers for status maps: an organization's named tables from external status ids to journey statuses."""

from __future__ import annotations

from candidly.domain import commands as c
from candidly.domain.events import EventType
from candidly.domain.ids import new_id
from candidly.domain.principals import Scope
from candidly.domain.status_maps import StatusMap, clean_entries
from candidly.domain.values import text
from candidly.service.bus import handles, save_versioned
from candidly.service.context import Context
from candidly.service.ports import UnitOfWork


@handles(c.SetStatusMap, answers_with=Scope.READ_CANDIDATES)
def set_status_map(uow: UnitOfWork, ctx: Context, cmd: c.SetStatusMap) -> StatusMap:
    """Create the map, or replace the entries of the one with the same name."""
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    name = text(cmd.name, "name", min_length=1, max_length=255)
    entries = clean_entries(cmd.entries)
    found = uow.status_maps.find(ctx.organization_id, name=name)
    if found:
        current = found[0]
        loaded_version = current.version
        current.entries, current.updated_at = entries, ctx.now
        save_versioned(uow.status_maps, current, "status_map", loaded_version, None)
    else:
        current = StatusMap(new_id(), ctx.organization_id, name, ctx.now, ctx.now, entries)
        uow.status_maps.add(current)
    ctx.record(EventType.STATUS_MAP_SET, "status_map", current.id, data={"name": name})
    return current
