"""Security mechanisms every page shares: limits on what a request may carry, the security
event log, the client's address behind a proxy, database conflicts as 409s, and no caching
of anything a signed-in person sees."""

import ipaddress
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import DataError, IntegrityError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("assurance.security")

# Filters and choices are short; nothing the service offers needs a longer query value.
MAX_QUERY_VALUE = 2_000
MAX_QUERY_PARAMETERS = 200
# The longest text any form takes is a few thousand characters; this bounds the rest.
MAX_FORM_VALUE = 100_000
MAX_NAME = 200
# Values a visitor sends are cut to this length in the log, so a hostile one cannot flood it.
LOGGED_VALUE = 150


def _clip(value: object) -> object:
    if isinstance(value, str) and len(value) > LOGGED_VALUE:
        return value[:LOGGED_VALUE] + "…"
    return value


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind BEHIND_PROXY the address the nearest
    trusted proxy saw (it appends to X-Forwarded-For; anything further left is the client's say)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= settings.PROXY_COUNT:
            candidate = forwarded[-settings.PROXY_COUNT]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def log_event(event: str, request: HttpRequest | None = None, user: Any = None, **fields: object) -> None:
    """One security event as one JSON line on the "assurance.security" logger."""
    record: dict[str, object] = {"event": event}
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        record["user"] = user.get_username()
        record["user_id"] = user.pk
    if request is not None:
        record["ip"] = client_ip(request)
        record["method"] = request.method
        record["path"] = _clip(request.path)
    record.update({key: _clip(value) for key, value in fields.items()})
    logger.info(json.dumps(record, ensure_ascii=True, default=str))


def log_publication(publication: Any, *, by: Any, action: str = "published") -> None:
    """A publication or a withdrawal, for the publishing code to call."""
    log_event(
        f"publication_{action}",
        user=by,
        organisation=publication.organisation.slug,
        period=str(publication.period),
        version=publication.version,
        publication_id=publication.pk,
    )


@receiver(user_logged_in, dispatch_uid="assurance.security.signed_in")
def _signed_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: object) -> None:
    log_event("sign_in", request=request, user=user)


@receiver(user_logged_out, dispatch_uid="assurance.security.signed_out")
def _signed_out(sender: object, request: HttpRequest | None, user: Any, **kwargs: object) -> None:
    if user is not None:
        log_event("sign_out", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="assurance.security.sign_in_failed")
def _sign_in_failed(
    sender: object, credentials: Mapping[str, object], request: HttpRequest | None = None, **kwargs: object
) -> None:
    if request is not None and getattr(request, "axes_locked_out", False):
        return  # logged once, as a lock-out, by _locked_out
    log_event("sign_in_failed", request=request, username=credentials.get("username", ""))


def _locked_out(
    sender: object, request: HttpRequest, username: str, ip_address: str, **kwargs: object
) -> None:
    log_event("sign_in_locked_out", request=request, username=username, locked_ip=ip_address)


def connect_lockout_signal() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="assurance.security.locked_out")


def _first_problem(values: Any, *, where: str, max_value: int, max_count: int | None) -> str | None:
    if max_count is not None and len(values) > max_count:
        return f"The {where} has more than {max_count} parameters."
    for name, items in values.lists():
        if len(name) > MAX_NAME:
            return f"The {where} has a parameter name longer than {MAX_NAME} characters."
        if "\x00" in name:
            return f"The {where} has a parameter name containing a NUL character, which is not allowed."
        if max_count is not None and len(items) > max_count:
            return f"The {where} repeats ‘{_clip(name)}’ more than {max_count} times."
        for value in items:
            if "\x00" in value:
                return f"‘{_clip(name)}’ in the {where} contains a NUL character, which is not allowed."
            if len(value) > max_value:
                return f"‘{_clip(name)}’ in the {where} is longer than {max_value:,} characters."
    return None


def request_problem(request: HttpRequest) -> str | None:
    """What is wrong with the request's address, query or form, if anything."""
    if "\x00" in request.path_info:
        return "The web address contains a NUL character, which is not allowed."
    problem = _first_problem(
        request.GET, where="web address", max_value=MAX_QUERY_VALUE, max_count=MAX_QUERY_PARAMETERS
    )
    if problem is None and request.method == "POST":
        problem = _first_problem(request.POST, where="form", max_value=MAX_FORM_VALUE, max_count=None)
    return problem


def bad_request(request: HttpRequest, reason: str) -> HttpResponse:
    from assurance.errors import render_error

    log_event("request_refused", request=request, reason=reason)
    return render_error(request, "errors/400.html", status=400, reason=reason)


class RequestLimitsMiddleware:
    """Answers 400, saying what was wrong, to a NUL character or an over-long value in the
    address, the query or a form: a NUL cannot be stored in PostgreSQL, and no request's
    cost may grow with how hostile its input is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = request_problem(request)
        if problem is not None:
            return bad_request(request, problem)
        return self.get_response(request)


class DatabaseConflictMiddleware:
    """A write the database refused after the form's own checks passed (someone saved a
    clashing record meanwhile, or a database rule such as a trigger said no) answers 409
    with the service's conflict page; nothing was saved, as the transaction rolled back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from assurance.errors import render_error

        if isinstance(exception, IntegrityError):
            log_event("database_conflict", request=request, error=str(exception).splitlines()[0][:200])
            return render_error(request, "errors/409.html", status=409)
        if isinstance(exception, DataError):
            return bad_request(request, "A value is outside what the service can store.")
        return None


class NoStoreMiddleware:
    """Nothing a signed-in person sees (staff pages, exports, papers) is kept by the browser
    or any cache on the way: the next person at a shared computer cannot go back to it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
