"""Error pages in the service's own layout, rendered without touching the database where
possible (a 500 may be the database failing)."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No request context: context processors may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render({"site_name": "Assurance"}))
