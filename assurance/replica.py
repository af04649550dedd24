"""Visitors' reads from a PostgreSQL read replica, when DATABASE_REPLICA_URL is set.

Only GET requests from visitors who are not signed in read from the replica: they read
published dashboards and papers, which never change once written, so a replica a few
seconds behind shows at worst a new publication a few seconds late. Staff read and write
the primary, so nobody reads older data than they have just written; the health check and
every write use the primary too.
"""

import contextvars
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_reading_from_replica = contextvars.ContextVar("assurance_reading_from_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if _reading_from_replica.get() else None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


class ReplicaReadsMiddleware:
    """After AuthenticationMiddleware, which reads the session and the user from the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            REPLICA in settings.DATABASES
            and request.method in ("GET", "HEAD")
            and not request.user.is_authenticated
        ):
            token = _reading_from_replica.set(True)
            try:
                return self.get_response(request)
            finally:
                _reading_from_replica.reset(token)
        return self.get_response(request)
