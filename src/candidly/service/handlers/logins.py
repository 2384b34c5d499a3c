"""A candidate's login through the access page: inside their window it marks the application logged in, once."""

from __future__ import annotations

from candidly.domain import commands as c
from candidly.domain.applications import Application
from candidly.domain.events import EventType
from candidly.domain.principals import Scope
from candidly.service.bus import handles, save_versioned
from candidly.service.context import Context, changes_between
from candidly.service.handlers.applications import load_enterable
from candidly.service.ports import UnitOfWork


@handles(c.RecordLogin)
def record_login(uow: UnitOfWork, ctx: Context, cmd: c.RecordLogin) -> Application:
    ctx.actor.principal.require(Scope.WRITE_CANDIDATES)
    application = load_enterable(uow, ctx, cmd.application_id)
    if application.logged_in:
        return application  # coming back changes nothing: no write, no event
    loaded_version = application.version
    before = application.snapshot()
    application.logged_in = True
    application.updated_at = ctx.now
    save_versioned(uow.applications, application, "application", loaded_version, None)
    ctx.record(
        EventType.APPLICATION_UPDATED,
        "application",
        application.id,
        candidate_id=application.candidate_id,
        changes=changes_between(before, application.snapshot()),
        data={"login": cmd.method},
    )
    return application
