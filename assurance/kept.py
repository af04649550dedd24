"""Rendered fragments kept between requests while what they show is unchanged.

A page that is costly to make from many records (the live dashboard) or from a large frozen
snapshot (a publication read by staff) keeps its rendered content under a key that changes
whenever what it shows could have changed; a request whose key is kept costs one cache read.
"""

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.safestring import mark_safe

from assurance.history import audited_models
from assurance.models import Publication, user_display
from assurance.permissions import memberships_of, service_wide_roles

# A history record is written by every change to an audited record, on every write path
# (forms, grids, imports, the admin, commands), so the newest history id of each audited
# table says whether anything changed. On PostgreSQL two transactions may commit their ids
# out of order; a kept live fragment is therefore also made again after this many seconds.
LIVE_SECONDS = 60


# The newest id of one table; only the models' own table and column names are put in, and
# there are no values.
NEWEST_SQL = "(SELECT MAX({column}) FROM {table})"


def newest_ids() -> dict[str, int]:
    """The newest id of each history table, and of publications (0 for none), by table: one
    query, each read from its primary key index."""
    alias = router.db_for_read(Publication)
    tables = _versioned_tables()
    with connections[alias].cursor() as cursor:
        cursor.execute(_records_version_sql(alias))
        row = cursor.fetchone()
    return {table: value or 0 for table, value in zip(tables, row, strict=True)}


def records_version(newest: dict[str, int] | None = None) -> str:
    """A stamp that changes whenever any audited record is created, changed or deleted, or a
    publication is made (from `newest`, when the caller has read it)."""
    return ".".join(str(value) for value in (newest or newest_ids()).values())


@cache
def _versioned_tables() -> tuple[str, ...]:
    return tuple(
        sorted(
            {model.history.model._meta.db_table for model in audited_models()} | {Publication._meta.db_table}
        )
    )


@cache
def _records_version_sql(alias: str) -> str:
    """Made once per database: the tables are the models', which do not change while running."""
    quote = connections[alias].ops.quote_name
    newest = ", ".join(
        NEWEST_SQL.format(column=quote(_id_column(table)), table=quote(table))  # noqa: S608  # nosec B608
        for table in _versioned_tables()
    )
    return "SELECT " + newest


def _id_column(table: str) -> str:
    return "id" if table == Publication._meta.db_table else "history_id"


def kept(key: str, make: Callable[[], str], *, seconds: int | None = None, keep: bool = True) -> bytes:
    """The content kept under `key`, or `make()` encoded (kept for next time unless `keep` is
    false). Kept as UTF-8, as it is sent: a large fragment is encoded once, not per request."""
    cache = caches["kept"]
    content = cache.get(key)
    if content is None:
        content = make().encode()
        if keep:
            cache.set(key, content, **({} if seconds is None else {"timeout": seconds}))
    return content


@cache
def _written_with() -> dict[str, frozenset[str]]:
    """For each model's table, the versioned tables (`newest_ids`) that a write to it moves
    on: an audited model's own history; a many-to-many table's, the history of the models at
    both of its ends (a form of either side saves its own record with the links); a history
    table or publications, itself. A table missing here is written without any: what reads it
    is never kept."""
    versioned = set(_versioned_tables())

    def history_of(model) -> set[str]:
        table = model.history.model._meta.db_table if hasattr(model, "history") else model._meta.db_table
        return {table} & versioned

    written: dict[str, frozenset[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.auto_created:  # the table of a many-to-many field
            ends = [field.related_model for field in model._meta.get_fields() if field.many_to_one]
            histories = [history_of(end) for end in ends]
            if all(histories):
                written[model._meta.db_table] = frozenset().union(*histories)
        elif tables := history_of(model):
            written[model._meta.db_table] = frozenset(tables)
    return written


@cache
def _table_names() -> re.Pattern:
    """Any model's table named in SQL, quoted or not (a whole name: `plan` is not `plan_item`)."""
    names = sorted(
        (m._meta.db_table for m in apps.get_models(include_auto_created=True)), key=len, reverse=True
    )
    return re.compile(r"(?<![\w])(" + "|".join(re.escape(name) for name in names) + r")(?![\w])")


@contextmanager
def tables_read(alias: str = DEFAULT_DB_ALIAS) -> Iterator[set[str]]:
    """The models' tables that the queries run inside the block name, gathered as they run."""
    read: set[str] = set()
    names = _table_names()

    def note(execute, sql, params, many, context):
        read.update(names.findall(sql))
        return execute(sql, params, many, context)

    with connections[alias].execute_wrapper(note):
        yield read


def kept_while_unchanged(
    key: str, make: Callable[[], Any], newest: dict[str, int], *, also: Iterable[str] = (), seconds: int
) -> Any:
    """`make()`'s value, kept under `key` until a record of a table its queries read (or of
    the models `also` names, which it was given rather than read) is written: `newest` is the
    caller's `newest_ids()`, read before. Made afresh, and not kept, when it read a table
    whose writes leave no history. Kept at most `seconds` (see LIVE_SECONDS)."""
    cache = caches["kept"]
    entry = cache.get(key)
    if entry is not None:
        depends_on, value = entry
        if all(newest.get(table) == seen for table, seen in depends_on.items()):
            return value
    with tables_read() as read:
        value = make()
    written = _written_with()
    read |= set(also)
    if all(table in written for table in read):
        depends_on = {table: newest.get(table, 0) for name in read for table in written[name]}
        cache.set(key, (depends_on, value), timeout=seconds)
    return value


# Stands in the page for its kept fragment while the rest of the page is rendered.
FRAGMENT_MARK = "<!-- kept fragment -->"


def page_with(request: HttpRequest, template_name: str, context: dict, fragment: bytes) -> HttpResponse:
    """The page `template_name` with a kept fragment where it shows `{{ content }}`. The
    fragment is put into the rendered page as bytes: it does not pass through the template
    engine or the encoder again, so a large one costs a copy."""
    response = render(request, template_name, {**context, "content": mark_safe(FRAGMENT_MARK)})  # nosec B308 B703
    head, mark, tail = response.content.partition(FRAGMENT_MARK.encode())
    if mark:
        response.content = b"".join((head, fragment, tail))
    return response


# Each form's CSRF field in a kept page: its token is put in afresh for every request.
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_MARK = b"<!-- csrf token -->"


def kept_page(
    request: HttpRequest, key: str, make: Callable[[], HttpResponse], *, seconds: int | None = None
) -> HttpResponse:
    """The whole page `make()` answers, kept for the signed-in user under `key`: the view's
    key names what the page shows (its scope, its records' version); this adds who it is made
    for (the user, their name and roles, and the address). A later request of the same user
    costs one cache read and a new CSRF token. A page that shows a message is made afresh,
    and so is a page that is not a plain 200."""
    if len(get_messages(request)):  # counted without marking them read
        return make()
    user = request.user
    identity = repr(
        (
            user.pk,
            user.get_username(),
            user_display(user),
            sorted(service_wide_roles(user)),
            sorted(memberships_of(user)),
            request.path,
        )
    )
    full_key = "page:" + hashlib.sha256(f"{key}\n{identity}".encode()).hexdigest()
    cache = caches["kept"]
    body = cache.get(full_key)
    if body is not None:
        token = get_token(request).encode()
        return HttpResponse(body.replace(CSRF_MARK, token))
    response = make()
    if response.status_code == 200 and not response.streaming and not response.cookies:
        body = CSRF_FIELD.sub(rb"\1" + CSRF_MARK + rb"\2", response.content)
        cache.set(full_key, body, **({} if seconds is None else {"timeout": seconds}))
    return response
