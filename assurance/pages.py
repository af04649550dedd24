"""Pages of fixed text that every visitor may read."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assurance.permissions import Access, access


@access(Access.ANYONE)
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, as public sector bodies must publish one."""
    return render(request, "pages/accessibility.html")
