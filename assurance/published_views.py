"""Reading what was published: the list, each publication, its paper, its data (CSV and JSON)
and an Atom feed per organisation. Everything here is served from the frozen snapshot, never
from live records; a withdrawn version is gone for the panel and the public, and kept for staff."""

import json

from django.contrib.syndication.views import Feed
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from assurance.models import Organisation, Paper, Publication
from assurance.paper import frozen_report
from assurance.permissions import Access, access, can_see_restricted
from assurance.tables import table_response


def get_publication(organisation: str, period: str, version: int) -> Publication:
    from assurance.dashboard_views import period_from_slug

    return get_object_or_404(
        Publication.objects.select_related("organisation", "period", "published_by", "paper", "withdrawal"),
        organisation__slug=organisation,
        period=period_from_slug(period),
        version=version,
    )


def withdrawn_for(request, publication: Publication):
    """For a reader who is not staff, the page that stands in for a withdrawn version (410)."""
    if publication.withdrawn is None or can_see_restricted(request.user):
        return None
    current = (
        Publication.objects.filter(
            organisation=publication.organisation, period=publication.period, withdrawal__isnull=True
        )
        .order_by("-version")
        .first()
    )
    return render(
        request,
        "dashboard/withdrawn.html",
        {"publication": publication, "withdrawal": publication.withdrawn, "current": current},
        status=410,
    )


@access(Access.PUBLISHED)
def publication_list(request):
    """Every published dashboard, newest first; corrections and withdrawals listed with their period."""
    publications = (
        Publication.objects.select_related("organisation", "period", "paper", "withdrawal")
        # The list shows none of the frozen data, so it is not read.
        .defer("snapshot", "changes")
        .order_by("organisation__name", "-period__start_year", "-period__quarter", "-version")
    )
    return render(request, "dashboard/publication_list.html", {"publications": publications})


def publication_context(publication: Publication, *, preview: bool = False) -> dict:
    versions = (
        []
        if preview
        else list(
            Publication.objects.filter(organisation=publication.organisation, period=publication.period)
            .order_by("version")
            .values("version", "published_at", "correction_note", "withdrawal__withdrawn_at")
        )
    )
    return {
        "publication": publication,
        "snapshot": publication.snapshot,
        "report": frozen_report(publication),
        "versions": versions,
        "current_version": max(
            (v["version"] for v in versions if not v["withdrawal__withdrawn_at"]), default=publication.version
        ),
        "paper": None if preview else getattr(publication, "paper", None),
        "preview": preview,
    }


@access(Access.PUBLISHED)
def publication_detail(request, organisation: str, period: str, version: int):
    """A published dashboard exactly as it was frozen, with its cover report and each area's appendix."""
    publication = get_publication(organisation, period, version)
    return withdrawn_for(request, publication) or render(
        request, "dashboard/publication_detail.html", publication_context(publication)
    )


@access(Access.PUBLISHED)
def publication_pdf(request, organisation: str, period: str, version: int):
    """The stored panel paper, or a page that says it is still being made."""
    publication = get_publication(organisation, period, version)
    gone = withdrawn_for(request, publication)
    if gone is not None:
        return gone
    paper = getattr(publication, "paper", None)
    if paper is not None and paper.status == Paper.Status.READY and paper.file:
        org, period = publication.organisation.slug, publication.period.slug
        filename = f"panel-paper-{org}-{period}-v{publication.version}.pdf"
        return FileResponse(paper.file.open("rb"), content_type="application/pdf", filename=filename)
    response = render(request, "dashboard/paper_pending.html", {"publication": publication, "paper": paper})
    response["Retry-After"] = "5"
    return response


def published_data(publication: Publication) -> dict:
    """What a publication published, as open data: its snapshot and cover report, no more."""
    snapshot = publication.snapshot
    return {
        "organisation": snapshot.get("organisation"),
        "period": snapshot.get("period"),
        "version": publication.version,
        "published_at": publication.published_at.isoformat(),
        "statuses_as_at": snapshot.get("as_at"),
        "correction_note": publication.correction_note,
        "report": frozen_report(publication),
        "changes_since_previous": publication.changes,
        "areas": [
            {"key": area["key"], "title": area["title"], "data": area["data"]}
            for area in snapshot.get("areas", [])
        ],
    }


@access(Access.PUBLISHED)
def publication_json(request, organisation: str, period: str, version: int):
    publication = get_publication(organisation, period, version)
    gone = withdrawn_for(request, publication)
    if gone is not None:
        return gone
    response = HttpResponse(
        json.dumps(published_data(publication), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    name = f"dashboard-{publication.organisation.slug}-{publication.period.slug}-v{publication.version}"
    response["Content-Disposition"] = f'inline; filename="{name}.json"'
    return response


@access(Access.PUBLISHED)
def publication_csv(request, organisation: str, period: str, version: int):
    """Every rated or tracked item the publication holds, a row each."""
    publication = get_publication(organisation, period, version)
    gone = withdrawn_for(request, publication)
    if gone is not None:
        return gone
    rows = [["Area", "Item", "RAG", "Status"]]
    for area in publication.snapshot.get("areas", []):
        for item in area["data"].get("items", []):
            rows.append([area["title"], item.get("label", ""), item.get("rag", ""), item.get("status", "")])
    name = f"dashboard-{publication.organisation.slug}-{publication.period.slug}-v{publication.version}"
    return table_response(rows, "csv", name)


class PublicationFeed(Feed):
    """An Atom feed of an organisation's publications, newest first, for readers to follow."""

    feed_type = Atom1Feed
    access = Access.PUBLISHED

    def get_object(self, request, organisation: str):
        return get_object_or_404(Organisation, slug=organisation, kind=Organisation.Kind.OPCC)

    def title(self, organisation):
        return f"Governance dashboards published by {organisation.name}"

    def link(self, organisation):
        return reverse("publication_list")

    def subtitle(self, organisation):
        return "Each quarter's governance dashboard as published to the Police and Crime Panel."

    def items(self, organisation):
        return (
            Publication.objects.filter(organisation=organisation, withdrawal__isnull=True)
            .select_related("period", "organisation")
            .defer("snapshot", "changes")
            .order_by("-published_at")[:50]
        )

    def item_title(self, publication):
        return f"{publication.title}: {publication.period.label}, version {publication.version}"

    def item_description(self, publication):
        if publication.correction_note:
            return f"Correction: {publication.correction_note}"
        return f"The governance dashboard for {publication.period.label}."

    def item_link(self, publication):
        return publication.get_absolute_url()

    def item_pubdate(self, publication):
        return publication.published_at

    def item_updateddate(self, publication):
        return publication.published_at
