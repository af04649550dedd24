"""Error pages in the service's own layout, rendered without touching the database where
possible (a 500 may be the database failing)."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from assurance.scope import BadScope
from assurance.security import log_event


def render_error(request: HttpRequest, template: str, *, status: int, **context: object) -> HttpResponse:
    """An error page for any request, even one refused before the middleware that signs
    people in has run (a bad Host header, a NUL byte): it is then shown as to a visitor."""
    if not hasattr(request, "user"):
        request.user = AnonymousUser()
    return render(request, template, context, status=status)


def bad_request(request, exception=None):
    # A Host header not in ALLOWED_HOSTS lands here too: scanners send them all day long.
    log_event("bad_request", request=request, error=type(exception).__name__ if exception else "")
    return render_error(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    log_event("permission_denied", request=request)
    return render_error(request, "errors/403.html", status=403)


def csrf_failure(request, reason=""):
    """A form sent without its security token: usually a page left open across a sign-out."""
    log_event("csrf_failure", request=request, reason=reason)
    return render_error(request, "errors/csrf.html", status=403)


def page_not_found(request, exception=None):
    return render_error(request, "errors/404.html", status=404)


def server_error(request):
    # No request context: context processors may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render({"site_name": "Assurance"}))


class ScopeErrorMiddleware:
    """Answers a page asked for an organisation or period that is not on offer (BadScope) with
    the same written 400 everywhere: what is wrong, and the choices to pick from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadScope):
            return render(request, "errors/bad_scope.html", {"form": exception.form}, status=400)
        return None
