"""Rendered fragments kept between requests while what they show is unchanged.

A page that is costly to make from many records (the live dashboard) or from a large frozen
snapshot (a publication read by staff) keeps its rendered content under a key that changes
whenever what it shows could have changed; a request whose key is kept costs one cache read.
"""

import hashlib
import re
from collections.abc import Callable
from functools import cache

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import connections, router
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


def records_version() -> str:
    """A stamp that changes whenever any audited record is created, changed or deleted, or a
    publication is made: one query of the newest id of each history table, each read from its
    primary key index."""
    alias = router.db_for_read(Publication)
    with connections[alias].cursor() as cursor:
        cursor.execute(_records_version_sql(alias))
        row = cursor.fetchone()
    return ".".join("0" if value is None else str(value) for value in row)


@cache
def _records_version_sql(alias: str) -> str:
    """Made once per database: the tables are the models', which do not change while running."""
    tables = sorted(
        {model.history.model._meta.db_table for model in audited_models()} | {Publication._meta.db_table}
    )
    quote = connections[alias].ops.quote_name
    newest = ", ".join(
        NEWEST_SQL.format(column=quote(_id_column(table)), table=quote(table))  # noqa: S608  # nosec B608
        for table in tables
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
