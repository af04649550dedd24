"""Error pages in the service's own layout, rendered without touching the database where
possible (a 500 may be the database failing)."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from assurance.scope import BadScope


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


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
