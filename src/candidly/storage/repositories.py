"""Repositories over SQLAlchemy Core: explicit row <-> dataclass mapping, keyset pages, versioned updates."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Insert,
    Integer,
    Result,
    Select,
    String,
    Table,
    Update,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError

from candidly.domain.applications import Application
from candidly.domain.attachments import Attachment, Note
from candidly.domain.events import Event
from candidly.domain.openings import EmailTemplate, Opening, Program, Step
from candidly.domain.organizations import Organization
from candidly.domain.people import Candidate
from candidly.domain.principals import ApiKey
from candidly.service.ports import PERSON_ACTIVITY, Filters, Page, PageRequest
from candidly.storage import tables as t
from candidly.storage.numbers import NumberBlocks
from candidly.storage.secrets import SecretBox

E = TypeVar("E")


@dataclasses.dataclass(frozen=True)
class _Shape:
    """What a repository needs to know of a (table, entity) pair, built once per process.

    Building SELECT objects costs more than running them on SQLite, so the hot statements are
    built here once, with bound parameters, and reused by every unit of work.
    """

    fields: list[str]
    select: Select[Any]
    get: Select[Any]
    insert: Insert
    update: Update


_SHAPES: dict[tuple[type[Any], str], _Shape] = {}


def _shape(cls: type[Any], table: Table) -> _Shape:
    key = (cls, table.name)
    shape = _SHAPES.get(key)
    if shape is None:
        fields = [f.name for f in dataclasses.fields(cls) if f.name in table.c]
        base = select(*(table.c[f] for f in fields))
        get = base.where(table.c.organization_id == bindparam("org"), table.c.id == bindparam("ident"))
        versioned = update(table)
        if "version" in table.c:
            versioned = versioned.where(
                table.c.organization_id == bindparam("b_org"),
                table.c.id == bindparam("b_id"),
                table.c.version == bindparam("b_version"),
            )
        shape = _SHAPES[key] = _Shape(fields=fields, select=base, get=get, insert=insert(table), update=versioned)
    return shape


def _find_statement(
    table: Table, base: Select[Any], names: tuple[str, ...], nulls: tuple[str, ...], lists: tuple[str, ...]
) -> Select[Any]:
    """The find query for this combination of columns, built once with bound parameters.

    It has no ORDER BY; ``find`` sorts its rows. Asked to order by id, SQLite's planner, which has no statistics,
    takes an index that yields the rows in id order over the one that finds them: for a page's applications
    (``candidate_id=[...]``) it walked the organization's rows in id order, 2.8 ms against 0.2 for a page of 50
    people among 6,000 (docs/performance.md); for a sign-in by credentials (``opening_id``, ``credential1``) it
    walked the opening's applications instead of using the credential index."""

    def build() -> Select[Any]:
        stmt = base.where(table.c.organization_id == bindparam("org"))
        for name in names:
            column = table.c[name]
            if name in nulls:
                stmt = stmt.where(column.is_(None))
            elif name in lists:
                stmt = stmt.where(column.in_(bindparam(f"p_{name}", expanding=True)))
            else:
                stmt = stmt.where(column == bindparam(f"p_{name}"))
        return stmt

    return _statement(("find", table.name, names, nulls, lists), build)


class _Where:
    """The WHERE of a page or a count, split into its shape and its values.

    Walking the filters names each condition (its shape: which column, which kind of test) and the values it
    binds; the clause itself is only built, as a lambda, when a statement of that shape is first needed. So a
    statement is constructed once per shape per process, and every later call just binds its values.
    """

    def __init__(self) -> None:
        self.shape: list[Hashable] = []
        self.params: dict[str, Any] = {}
        self._builds: list[Callable[[], ColumnElement[bool]]] = []

    def add(self, shape: Hashable, build: Callable[[], ColumnElement[bool]], **params: Any) -> None:
        self.shape.append(shape)
        self._builds.append(build)
        self.params.update(params)

    def clauses(self) -> list[ColumnElement[bool]]:
        return [build() for build in self._builds]

    def equal(self, column: Any, value: Any) -> None:
        """``column == value``; a list means any of its values, and a None among them matches NULL."""
        name = f"eq_{column.name}"
        if not isinstance(value, list | tuple):
            if value is None:
                self.add((name, None), lambda: column.is_(None))
            else:
                self.add((name, "="), lambda: column == bindparam(name), **{name: value})
            return
        present = [v for v in value if v is not None]
        or_null = len(present) < len(value)
        self.add((name, "in", or_null), lambda: _any_of(column, name, or_null), **{name: present})

    def within(self, column: Any, bounds: tuple[datetime | None, datetime | None], name: str = "") -> None:
        """``column`` between the bounds, both inclusive, either open; ``name`` names their parameters."""
        low, high = bounds
        name = name or f"{column.table.name}_{column.name}"
        if low is not None:
            self.add((name, ">="), lambda: column >= bindparam(f"{name}_low"), **{f"{name}_low": low})
        if high is not None:
            self.add((name, "<="), lambda: column <= bindparam(f"{name}_high"), **{f"{name}_high": high})


def _attribute_is(column: Any, key: str, param: str) -> Callable[[], ColumnElement[bool]]:
    """The JSON ``column``'s ``key``, as text, equals the parameter ``param``."""
    return lambda: column[key].as_string() == bindparam(param)


def _any_of(column: Any, name: str, or_null: bool) -> ColumnElement[bool]:
    clause = column.in_(bindparam(name, expanding=True))
    return or_(clause, column.is_(None)) if or_null else clause


_STATEMENTS: dict[tuple[Hashable, ...], Select[Any]] = {}


def _statement(key: tuple[Hashable, ...], build: Callable[[], Select[Any]]) -> Select[Any]:
    """The statement of this shape, built on first use. Bounded: attribute filters name keys a client sends."""
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        if len(_STATEMENTS) >= 1024:
            _STATEMENTS.clear()
        stmt = _STATEMENTS[key] = build()
    return stmt


class SqlRepository(Generic[E]):
    """Row <-> entity for one table whose columns are named as the entity's fields."""

    def __init__(self, conn: Connection, table: Table, cls: type[E]) -> None:
        self.conn = conn
        self.table = table
        self.cls = cls
        shape = _shape(cls, table)
        self.fields = shape.fields
        self._select = shape.select
        self._get = shape.get
        self._insert = shape.insert
        self._update = shape.update
        # The rows this command wrote, as written: a command's answer shows what it just created (a TestInvite
        # create answers with the person it added) without reading the row back. Forgotten when the command's
        # savepoint ends (``forget``), so a batch's next command reads what was committed to the savepoint.
        self._written: dict[str, E] = {}

    def _to_entity(self, values: Mapping[str, Any]) -> E:
        """The entity of one row's column values (by column name)."""
        return self.cls(**values)

    def _entities(self, result: Result[Any]) -> list[E]:
        """Every row of ``result`` as an entity. The column names are read once per result, not per row: a Row's
        ``_mapping`` costs about three times the entity's own construction (measured: 0.41 vs 0.12 ms for 51)."""
        names = tuple(result.keys())
        return [self._to_entity(dict(zip(names, row, strict=True))) for row in result]

    def _first(self, result: Result[Any]) -> E | None:
        """The entity of ``result``'s first row, or None when it has none."""
        found = self._entities(result)
        return found[0] if found else None

    def _to_row(self, entity: E) -> dict[str, Any]:
        return {f: getattr(entity, f) for f in self.fields}

    def get(self, organization_id: str, ident: str) -> E | None:
        written = self._written.get(ident)
        if written is not None and getattr(written, "organization_id") == organization_id:  # noqa: B009 - E is generic
            return written
        return self._first(self.conn.execute(self._get, {"org": organization_id, "ident": ident}))

    def add(self, entity: E) -> None:
        self.conn.execute(self._insert, [self._to_row(entity)])
        self._written[getattr(entity, "id")] = entity  # noqa: B009 - E is generic

    def forget(self) -> None:
        """Read the rows this command wrote from the database again (its savepoint ended)."""
        self._written.clear()

    def add_many(self, entities: Sequence[E]) -> None:
        """One executemany for many rows (bulk import)."""
        if entities:
            self.conn.execute(self._insert, [self._to_row(e) for e in entities])

    # Columns a versioned update leaves alone: counters kept by statements of their own (add_counts), which a copy
    # loaded before another command's change would otherwise write back over it.
    _counters: tuple[str, ...] = ()

    def update(self, entity: E, expected_version: int) -> bool:
        """Write ``entity`` if the stored version is still ``expected_version``; bump the version."""
        values = self._to_row(entity)
        for name in self._counters:
            del values[name]
        values["version"] = expected_version + 1
        params = {**values, "b_org": values["organization_id"], "b_id": values["id"], "b_version": expected_version}
        result = self.conn.execute(self._update, params)
        if result.rowcount != 1:
            return False
        entity.version = expected_version + 1  # type: ignore[attr-defined]  # every versioned entity has it
        if values["id"] in self._written:  # another copy of a row this command added: it holds the row now
            self._written[values["id"]] = entity
        return True

    def find(self, organization_id: str, **equal: Any) -> list[E]:
        """Every row of the organization whose columns equal ``equal`` (None means IS NULL, a list one of its
        values), in id order."""
        names = tuple(sorted(equal))
        nulls = tuple(n for n in names if equal[n] is None)
        lists = tuple(n for n in names if isinstance(equal[n], list | tuple))
        stmt = _find_statement(self.table, self._select, names, nulls, lists)
        params = {f"p_{n}": equal[n] for n in names if equal[n] is not None}
        rows = self._entities(self.conn.execute(stmt, {"org": organization_id, **params}))
        return sorted(rows, key=lambda row: getattr(row, "id"))  # noqa: B009 - E is generic

    def _where(self, organization_id: str, filters: Filters) -> _Where:
        c = self.table.c
        where = _Where()
        where.add("org", lambda: c.organization_id == bindparam("org"), org=organization_id)
        if "deleted_at" in c and not filters.include_deleted:
            where.add("live", lambda: c.deleted_at.is_(None))
        for name, value in filters.equal.items():
            where.equal(c[name], value)
        if filters.contains_label is not None:
            dialect = self.conn.dialect.name  # the clause differs per dialect: part of the shape
            where.add(("label", dialect), lambda: _json_contains(dialect, c.labels), label=filters.contains_label)
        if filters.search:
            columns = [c[n] for n in SEARCHABLE if n in c]
            pattern = f"%{filters.search.lower()}%"
            where.add(
                "search", lambda: or_(*(func.lower(x).like(bindparam("search")) for x in columns)), search=pattern
            )
        if filters.in_opening is not None:
            where.add("in_opening", lambda: c.id.in_(_OPENING_PEOPLE), opening=filters.in_opening)
        if filters.created_after is not None or filters.created_before is not None:
            where.within(c.created_at, (filters.created_after, filters.created_before), "created")
        for name, bounds in filters.ranges.items():
            where.within(c[name], bounds)
        for i, (key, text) in enumerate(filters.attributes.items()):
            where.add(("attribute", key), _attribute_is(c.attributes, key, f"attr{i}"), **{f"attr{i}": text})
        return where

    def page(self, organization_id: str, filters: Filters, request: PageRequest) -> Page[E]:
        """One keyset page in id order (ids are time-ordered, so this is creation order)."""
        where = self._where(organization_id, filters)
        forward_desc = request.descending != request.backwards
        if request.cursor is not None:
            where.add(("cursor", forward_desc), lambda: self._after(forward_desc), cursor=request.cursor)
        key = ("page", self._select, forward_desc, *where.shape)  # the base SELECT: one per (entity, table)
        stmt = _statement(key, lambda: self._page_statement(where, forward_desc))
        params = {**where.params, "offset": request.offset, "limit": request.limit + 1}
        return keyset_page(self._entities(self.conn.execute(stmt, params)), request)

    def _after(self, forward_desc: bool) -> ColumnElement[bool]:
        """Rows past the cursor in the page's direction."""
        c = self.table.c
        return c.id < bindparam("cursor") if forward_desc else c.id > bindparam("cursor")

    def _page_statement(self, where: _Where, forward_desc: bool) -> Select[Any]:
        order = self.table.c.id.desc() if forward_desc else self.table.c.id.asc()
        stmt = self._select.where(and_(*where.clauses())).order_by(order)
        return stmt.offset(bindparam("offset", type_=Integer)).limit(bindparam("limit", type_=Integer))

    def owner(self, ident: str) -> str | None:
        """The organization of the live row ``ident``, across organizations."""
        clause = self.table.c.id == ident
        if "deleted_at" in self.table.c:
            clause = and_(clause, self.table.c.deleted_at.is_(None))
        found = self.conn.execute(select(self.table.c.organization_id).where(clause)).scalar()
        return None if found is None else str(found)

    def count(self, organization_id: str, filters: Filters) -> int:
        where = self._where(organization_id, filters)
        key = ("count", self.table.name, *where.shape)
        stmt = _statement(key, lambda: select(func.count()).select_from(self.table).where(and_(*where.clauses())))
        return int(self.conn.execute(stmt, where.params).scalar_one())


def keyset_page(rows: list[E], request: PageRequest) -> Page[E]:
    """The page of ``rows`` read in keyset order after the offset, ``limit + 1`` at most: the extra one says there is more."""
    more = len(rows) > request.limit
    rows = rows[: request.limit]
    if request.backwards:
        rows.reverse()
    ids = [getattr(r, "id") for r in rows]  # noqa: B009 - E is generic
    has_next = more if not request.backwards else request.cursor is not None
    has_prev = request.cursor is not None if not request.backwards else more
    return Page(
        items=rows,
        next_cursor=ids[-1] if ids and has_next else None,
        prev_cursor=ids[0] if ids and has_prev else None,
    )


SEARCHABLE = ("first_name", "last_name", "email", "fullname", "name", "username")


def _json_contains(dialect: str, column: Any) -> ColumnElement[bool]:
    """The parameter ``label`` is an element of the JSON array ``column``."""
    if dialect == "postgresql":
        return column.op("@>")(func.jsonb_build_array(bindparam("label", type_=String)))  # type: ignore[no-any-return]
    each = func.json_each(column).table_valued("value")
    return select(each.c.value).where(each.c.value == bindparam("label")).exists()


# A live application's people in the parameter ``opening`` (Filters.in_opening), of the page's organization.
_OPENING_PEOPLE = select(t.applications.c.candidate_id).where(
    t.applications.c.organization_id == bindparam("org"),
    t.applications.c.opening_id == bindparam("opening"),
    t.applications.c.deleted_at.is_(None),
)


class CandidateRepo(SqlRepository[Candidate]):
    def __init__(self, conn: Connection) -> None:
        super().__init__(conn, t.candidates, Candidate)

    def expiring(self, before: date, limit: int) -> list[Candidate]:
        c = self.table.c
        stmt = (
            self._select.where(c.gdpr_expiry_date < before, c.erased_at.is_(None))
            .order_by(c.gdpr_expiry_date)
            .limit(limit)
        )
        return self._entities(self.conn.execute(stmt))


class ApplicationRepo(SqlRepository[Application]):
    def __init__(self, conn: Connection) -> None:
        super().__init__(conn, t.applications, Application)

    def _where(self, organization_id: str, filters: Filters) -> _Where:
        """The shared filters, and PERSON_ACTIVITY: the application's person changed within the range."""
        person = filters.ranges.get(PERSON_ACTIVITY)
        if person is None:
            return super()._where(organization_id, filters)
        own = {k: v for k, v in filters.ranges.items() if k != PERSON_ACTIVITY}
        where = super()._where(organization_id, dataclasses.replace(filters, ranges=own))
        active = _Where()  # the subquery's own conditions; "org" is the page's organization
        active.within(t.candidates.c.updated_at, person)
        p = t.candidates.c
        where.add(
            ("person", *active.shape),
            lambda: self.table.c.candidate_id.in_(
                select(p.id).where(p.organization_id == bindparam("org"), *active.clauses())
            ),
            **active.params,
        )
        return where

    # Step overrides are JSON, which has no time type: their window bounds are stored as ISO 8601
    # strings and read back as datetimes, so the domain only ever sees datetimes.
    def _to_row(self, entity: Application) -> dict[str, Any]:
        row = super()._to_row(entity)
        row["step_overrides"] = {
            sid: {k: v.isoformat() if isinstance(v, datetime) else v for k, v in o.items()}
            for sid, o in entity.step_overrides.items()
        }
        return row

    def _to_entity(self, values: Mapping[str, Any]) -> Application:
        application = super()._to_entity(values)
        for override in application.step_overrides.values():
            for key in ("active_after", "active_before"):
                if isinstance(override.get(key), str):
                    override[key] = datetime.fromisoformat(override[key])
        return application

    def by_invitation_code(self, code: str) -> Application | None:
        c = self.table.c
        return self._first(self.conn.execute(self._select.where(c.invitation_code == code, c.deleted_at.is_(None))))


_Children = tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]]
_OPENING_CHILDREN: dict[tuple[str, str, int], _Children] = {}


class OpeningRepo(SqlRepository[Opening]):
    """Openings with their steps, programs and templates, loaded and saved together.

    With ``defer_counts`` (PostgreSQL) ``add_counts`` only notes the change, and the unit of work's commit applies
    it in one batch with the COMMIT (``pending_counts``): the opening's row is then locked for no longer
    than the server takes to commit, instead of from the command's middle to its end, which queued concurrent
    creates in one opening behind each other. The openings read meanwhile show the noted change.
    """

    _counters = ("application_count",)

    def __init__(self, conn: Connection, *, defer_counts: bool = False) -> None:
        super().__init__(conn, t.openings, Opening)
        self.steps = SqlRepository(conn, t.steps, Step)
        self.programs = SqlRepository(conn, t.programs, Program)
        self.templates = SqlRepository(conn, t.email_templates, EmailTemplate)
        self.pending_counts: dict[tuple[str, str], int] | None = {} if defer_counts else None

    def _to_entity(self, values: Mapping[str, Any]) -> Opening:
        opening = Opening(**values)
        if self.pending_counts:
            opening.application_count += self.pending_counts.get((opening.organization_id, opening.id), 0)
        steps, programs, templates = self._children(opening.organization_id, opening.id, opening.version)
        opening.steps = [Step(**r) for r in steps]
        opening.programs = [Program(**{**r, "step_ids": list(r["step_ids"])}) for r in programs]
        opening.email_templates = [EmailTemplate(**r) for r in templates]
        return opening

    def _children(self, org: str, oid: str, version: int) -> _Children:
        """Steps, programs and templates of one version of an opening, read once per process.

        Every change to them goes through ``update``, which bumps the version, so a version's
        children never change and are safe to remember; this saves three queries per create.
        """
        key = (org, oid, version)
        cached = _OPENING_CHILDREN.get(key)
        if cached is None:
            steps = sorted(self.steps.find(org, opening_id=oid), key=lambda s: s.position)
            cached = (
                tuple(dataclasses.asdict(s) for s in steps),
                tuple(dataclasses.asdict(p) for p in self.programs.find(org, opening_id=oid)),
                tuple(dataclasses.asdict(t) for t in self.templates.find(org, opening_id=oid)),
            )
            if len(_OPENING_CHILDREN) >= 4096:
                _OPENING_CHILDREN.clear()
            _OPENING_CHILDREN[key] = cached
        return cached

    def add(self, entity: Opening) -> None:
        super().add(entity)
        self._add_children(entity)

    def _add_children(self, entity: Opening) -> None:
        for table, items in (
            (t.steps, entity.steps),
            (t.programs, entity.programs),
            (t.email_templates, entity.email_templates),
        ):
            if items:
                self.conn.execute(insert(table), [dataclasses.asdict(i) for i in items])

    def update(self, entity: Opening, expected_version: int) -> bool:
        if not super().update(entity, expected_version):
            return False
        org, oid = entity.organization_id, entity.id
        for table in (t.steps, t.programs, t.email_templates):
            self.conn.execute(delete(table).where(table.c.organization_id == org, table.c.opening_id == oid))
        self._add_children(entity)
        return True

    def add_counts(self, organization_id: str, opening_id: str, delta: int) -> None:
        if self.pending_counts is None:
            self.conn.execute(_ADD_COUNTS, {"org": organization_id, "ident": opening_id, "delta": delta})
            return
        key = (organization_id, opening_id)
        self.pending_counts[key] = self.pending_counts.get(key, 0) + delta

    def apply_counts(self) -> None:
        """Write the counts noted (``defer_counts``); openings in a fixed order, so that two commands never lock
        two openings each the other way round."""
        if self.pending_counts:
            changes = [{"org": o, "ident": i, "delta": d} for (o, i), d in sorted(self.pending_counts.items()) if d]
            self.pending_counts.clear()
            for change in changes:
                self.conn.execute(_ADD_COUNTS, change)


_ADD_COUNTS = (
    update(t.openings)
    .where(t.openings.c.organization_id == bindparam("org"), t.openings.c.id == bindparam("ident"))
    .values(application_count=t.openings.c.application_count + bindparam("delta"))
)
_TAKE_SEQ = (
    update(t.organizations)
    .where(t.organizations.c.id == bindparam("ident"))
    .values(candidate_seq=t.organizations.c.candidate_seq + bindparam("count"))
    .returning(t.organizations.c.candidate_seq)
)


class OrganizationRepo:
    """Organizations, and their candidates' numbers: from this process's blocks when given ``numbers``
    (PostgreSQL, storage/numbers.py), else from the counter in the unit of work's own transaction."""

    def __init__(self, conn: Connection, numbers: NumberBlocks | None = None) -> None:
        self.conn = conn
        self.numbers = numbers
        self.taken: list[tuple[str, int, int]] = []  # (organization, first, count) taken from ``numbers``

    def get(self, ident: str) -> Organization | None:
        row = self.conn.execute(select(t.organizations).where(t.organizations.c.id == ident)).first()
        return None if row is None else Organization(**row._mapping)

    def add(self, entity: Organization) -> None:
        self.conn.execute(insert(t.organizations), [dataclasses.asdict(entity)])

    def many(self, idents: Sequence[str]) -> list[Organization]:
        """The organizations named, oldest first (ids are time-ordered)."""
        stmt = select(t.organizations).where(t.organizations.c.id.in_(list(idents))).order_by(t.organizations.c.id)
        return [Organization(**row._mapping) for row in self.conn.execute(stmt)]

    def next_candidate_seq(self, ident: str, count: int = 1) -> int:
        """Take the next ``count`` per-organization sequence numbers and return the first.

        In the transaction, the row lock serialises concurrent takers until they commit, so numbers are never
        handed out twice; blocks are taken from the same counter. An organization not committed yet (created in
        this unit of work) has no block to take from: its numbers come from the transaction.
        """
        if self.numbers is not None and (first := self.numbers.take(ident, count)) is not None:
            self.taken.append((ident, first, count))
            return first
        last = self.conn.execute(_TAKE_SEQ, {"ident": ident, "count": count}).scalar_one()
        return int(last) - count + 1

    def give_back(self) -> None:
        """The unit of work ends without committing: the numbers it took from the blocks are free again."""
        if self.numbers is not None:
            for ident, first, count in self.taken:
                self.numbers.give_back(ident, first, count)
        self.taken.clear()


def take_numbers(engine: Engine, ident: str, count: int) -> int | None:
    """Advance the organization's counter by ``count`` in a statement that commits itself and return the last
    number taken, or None if the organization is not there (committed): a block of NumberBlocks.

    On a pooled connection through the driver: no transaction of SQLAlchemy's, so none that a request's unit of
    work could be said to open besides its own. A driver error is raised as SQLAlchemy would raise it (DBAPIError,
    which the web layer turns into a 503 when the database is unreachable), its connection dropped if it broke.
    """
    sql = str(_TAKE_SEQ.compile(dialect=engine.dialect))
    params = {"ident": ident, "count": count}
    pooled = engine.raw_connection()
    try:
        driver = pooled.driver_connection
        assert driver is not None
        driver.autocommit = True  # the pool hands out connections outside any transaction; the next user sets its own
        with driver.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except engine.dialect.loaded_dbapi.Error as error:
        broken = engine.dialect.is_disconnect(error, pooled.dbapi_connection, None)
        if broken:
            pooled.invalidate(error)
        base = engine.dialect.loaded_dbapi.Error
        raise DBAPIError.instance(sql, params, error, base, connection_invalidated=broken) from error
    finally:
        pooled.close()  # back to the pool (or gone, if invalidated)
    return None if row is None else int(row[0])


class ApiKeyRepo:
    """Keys with their signing secret sealed at rest (``storage/secrets.py``); tokens are stored as a digest only."""

    def __init__(self, conn: Connection, box: SecretBox) -> None:
        self.conn = conn
        self.box = box

    def _one(self, clause: ColumnElement[bool]) -> ApiKey | None:
        row = self.conn.execute(select(t.api_keys).where(clause)).first()
        if row is None:
            return None
        key = ApiKey(**row._mapping)
        key.signing_secret = self.box.open(key.signing_secret)
        return key

    def get(self, ident: str) -> ApiKey | None:
        return self._one(t.api_keys.c.id == ident)

    def by_hash(self, token_hash: str) -> ApiKey | None:
        return self._one(t.api_keys.c.token_hash == token_hash)

    def add(self, entity: ApiKey) -> None:
        row = dataclasses.asdict(entity)
        row["signing_secret"] = self.box.seal(entity.signing_secret)
        self.conn.execute(insert(t.api_keys), [row])

    def revoke(self, ident: str, when: datetime) -> None:
        self.conn.execute(update(t.api_keys).where(t.api_keys.c.id == ident).values(revoked_at=when))

    def set_organizations(self, ident: str, organization_ids: list[str]) -> None:
        self.conn.execute(update(t.api_keys).where(t.api_keys.c.id == ident).values(organization_ids=organization_ids))


_EVENT_FIELDS = tuple(f.name for f in dataclasses.fields(Event))
_INSERT_EVENT = insert(t.events)


class SqlEventLog:
    """The event log. With ``defer`` (PostgreSQL) appended events are written with the unit of work's next
    statement or, when none follows (a command's events come last), at the commit (``flush``): beside the
    openings' counts and the COMMIT, in one batch, when the command changed a count."""

    def __init__(self, conn: Connection, *, defer: bool = False) -> None:
        self.conn = conn
        self.pending: list[dict[str, Any]] | None = [] if defer else None

    def append(self, events: Sequence[Event], published_at: datetime | None = None) -> None:
        if events:
            # A shallow copy: dataclasses.asdict deep-copies every payload, which costs more than the insert.
            names = _EVENT_FIELDS
            rows = [{"published_at": published_at, **{n: getattr(e, n) for n in names}} for e in events]
            if self.pending is None:
                self.conn.execute(_INSERT_EVENT, rows)
            else:
                self.pending.extend(rows)

    def flush(self) -> None:
        """Write the events appended and not written yet."""
        if self.pending:
            rows, self.pending[:] = list(self.pending), []  # emptied first: the INSERT's own execution calls this
            self.conn.execute(_INSERT_EVENT, rows)

    def for_candidate(self, organization_id: str, candidate_id: str) -> list[Event]:
        c = t.events.c
        fields = [f.name for f in dataclasses.fields(Event)]
        rows = self.conn.execute(
            select(*(c[f] for f in fields))
            .where(c.organization_id == organization_id, c.candidate_id == candidate_id)
            .order_by(c.id)
        )
        return [Event(**r._mapping) for r in rows]


class SqlBlobs:
    """Attachments (their bytes in the same row, read only when one file is asked for) and notes."""

    _DESCRIPTION = tuple(t.attachments.c[f.name] for f in dataclasses.fields(Attachment))

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_attachment(self, attachment: Attachment, content: bytes) -> None:
        self.conn.execute(insert(t.attachments), [{**dataclasses.asdict(attachment), "content": content}])

    def attachments(self, organization_id: str, candidate_id: str) -> list[Attachment]:
        c = t.attachments.c
        rows = self.conn.execute(
            select(*self._DESCRIPTION)
            .where(c.organization_id == organization_id, c.candidate_id == candidate_id)
            .order_by(c.id)
        )
        return [Attachment(**r._mapping) for r in rows]

    def attachment(self, organization_id: str, ident: str) -> tuple[Attachment, bytes] | None:
        c = t.attachments.c
        row = self.conn.execute(
            select(*self._DESCRIPTION, c.content).where(c.organization_id == organization_id, c.id == ident)
        ).first()
        if row is None:
            return None
        *description, content = row
        return Attachment(*description), content

    def delete_attachments(self, organization_id: str, candidate_id: str) -> int:
        c = t.attachments.c
        return int(
            self.conn.execute(
                delete(t.attachments).where(c.organization_id == organization_id, c.candidate_id == candidate_id)
            ).rowcount
        )

    def add_note(self, note: Note) -> None:
        self.conn.execute(insert(t.notes), [dataclasses.asdict(note)])

    def notes(self, organization_id: str, candidate_id: str) -> list[Note]:
        c = t.notes.c
        rows = self.conn.execute(
            select(t.notes).where(c.organization_id == organization_id, c.candidate_id == candidate_id).order_by(c.id)
        )
        return [Note(**r._mapping) for r in rows]

    def delete_notes(self, organization_id: str, candidate_id: str) -> int:
        c = t.notes.c
        return int(
            self.conn.execute(
                delete(t.notes).where(c.organization_id == organization_id, c.candidate_id == candidate_id)
            ).rowcount
        )
