"""TestInvite's task endpoints: list, fetch and search the tasks (openings of kind task) candidates are put in.

A client reads a task to learn the step ids, program ids and email template names its candidate creates take.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from candidly.dialects.base import FastJSONResponse
from candidly.dialects.fields import spelled
from candidly.dialects.testinvite import schemas as wire
from candidly.dialects.testinvite.deps import BEARER, Who
from candidly.dialects.testinvite.paging import Limit, Mode, PageNumber, mode_of, pagination
from candidly.dialects.testinvite.translate import render_task, task_settings
from candidly.domain.errors import NotFound
from candidly.domain.openings import Opening, OpeningKind
from candidly.service.ports import Filters, PageRequest
from candidly.service.reader import Reader

router = APIRouter(tags=["tasks"], dependencies=[BEARER])
TASKS = "/api/integration/rest/v1/tasks"
# The search page writes its path without v1; a client copying it from there finds it too.
UNVERSIONED = "/api/integration/rest/tasks"
# Folder, labels and favorite live in a task's settings, so a search on them reads at most this many tasks.
MAX_TASKS = 10_000
Keep = Callable[[Opening], bool]


def task_of(r: Reader, task_id: str) -> Opening:
    """The caller's task ``task_id`` (an opening of another kind is not a task: 404)."""
    opening = r.opening(task_id)
    if opening.kind != OpeningKind.TASK:
        raise NotFound("task", task_id)
    return opening


def _tasks(r: Reader, title: str | None, keep: Keep | None, limit: int, page: int) -> tuple[list[Opening], int]:
    """One page of the organization's tasks whose title contains ``title`` and that ``keep`` keeps; and their total."""
    query = Filters(equal={"kind": OpeningKind.TASK.value}, search=title)
    if keep is None:
        found = r.openings(query, PageRequest(limit=limit, offset=(page - 1) * limit))
        return found.items, r.count_openings(query)
    matching = [o for o in r.openings(query, PageRequest(limit=MAX_TASKS)).items if keep(o)]
    return matching[(page - 1) * limit : page * limit], len(matching)


def _answer(found: list[Opening], total: int, mode: str, limit: int, page: int, query: dict[str, str]) -> Response:
    """The tasks and the pagination object, whose links carry ``query`` (the filters a GET was given)."""
    tasks = [render_task(o, mode_of(mode)) for o in found]
    answer = {"tasks": tasks, "pagination": pagination(total, page, limit, mode_of(mode), query)}
    return FastJSONResponse(spelled(wire.TaskList, answer))


@router.get(TASKS, response_model=wire.TaskList)
async def list_tasks(
    who: Who,
    mode: Mode = "basic",
    limit: Limit = 10,
    page: PageNumber = 1,
    title: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """The organization's tasks, a page at a time, optionally those whose title contains ``title`` (any case)."""
    found, total = await who.read(lambda r: _tasks(r, title or None, None, limit, page))
    return _answer(found, total, mode, limit, page, {"title": title} if title else {})


def _keep(body: wire.TaskFilter) -> Keep | None:
    """A task must be in one of the folders, carry one of the labels and have the favorite flag given."""
    if not body.folder and not body.labels and body.favorite is None:
        return None
    folders, labels, favorite = set(body.folder or ()), set(body.labels or ()), body.favorite

    def keep(opening: Opening) -> bool:
        shown = task_settings(opening)
        return (
            (not folders or shown["folder"] in folders)
            and (not labels or not labels.isdisjoint(shown["labels"]))
            and (favorite is None or shown["favorite"] == favorite)
        )

    return keep


@router.post(UNVERSIONED + "/filter", response_model=wire.TaskList)
@router.post(TASKS + "/filter", response_model=wire.TaskList)
async def search_tasks(
    who: Who,
    body: Annotated[wire.TaskFilter | None, Body()] = None,
    mode: Mode = "basic",
    limit: Limit = 10,
    page: PageNumber = 1,
) -> Response:
    """The tasks that satisfy every filter of the body (folder, labels, favorite, title), a page at a time."""
    body = body or wire.TaskFilter()
    title, keep = body.title or None, _keep(body)
    found, total = await who.read(lambda r: _tasks(r, title, keep, limit, page))
    return _answer(found, total, mode, limit, page, {})  # the filters travel in the body, not in the links


@router.get(TASKS + "/{task_id}", response_model=wire.DetailedTask | wire.BasicTask)
async def get_task(who: Who, task_id: str, mode: Mode = "basic") -> Response:
    """One task; detailed, with its steps, programs (and the steps each opens), email templates and language."""
    return FastJSONResponse(render_task(await who.read(lambda r: task_of(r, task_id)), mode_of(mode)))
