"""Reading what was published: the list, each publication, its paper, its data (CSV and JSON)
and an Atom feed per organisation. Everything here is served from the frozen snapshot, never
from live records; a withdrawn version is gone for the panel and the public, and kept for staff."""

import datetime
import hashlib
import json

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db import connections, router
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date
from django.utils.text import compress_string

from assurance.kept import kept, page_with
from assurance.models import Organisation, Paper, Publication, ReportingPeriod, Withdrawal
from assurance.paper import frozen_report
from assurance.permissions import Access, access, can_publish, can_see_restricted, organisations_for
from assurance.tables import FORMATS, write_table


def readable(user):
    """The publications a reader may read: all of them where the office publishes openly;
    otherwise those of the organisations where the reader holds a role (a panel member, their
    panel's area)."""
    publications = Publication.objects.all()
    if settings.PUBLISH_PUBLICLY:
        return publications
    organisations = organisations_for(user, Access.PUBLISHED)
    return publications if organisations is None else publications.filter(organisation_id__in=organisations)


def get_publication(
    organisation: str, period: str, version: int, user=None, *, frozen_data: bool = True
) -> Publication:
    """The publication at its address. Without `frozen_data`, its snapshot and changes are read
    only when used: a page served from the cache never decodes them."""
    from assurance.dashboard_views import period_from_slug

    publications = readable(user) if user is not None else Publication.objects.all()
    if not frozen_data:
        publications = publications.defer("snapshot", "changes")
    return get_object_or_404(
        publications.select_related("organisation", "period", "published_by", "paper", "withdrawal"),
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


# Publications a page of the list shows: more than an office makes in a decade of quarters.
PUBLICATIONS_A_PAGE = 50


@access(Access.PUBLISHED)
def publication_list(request):
    """One organisation's published dashboards at a time, newest first, with corrections and
    withdrawals: the page shows the same rows however many offices publish. The organisations
    on offer are those whose dashboards the reader may read."""
    publications = readable(request.user)
    offered = list(
        Organisation.objects.filter(pk__in=publications.values("organisation_id"))
        .order_by("name")
        .values_list("slug", "name", "is_home")
    )
    wanted = request.GET.get("organisation", "")
    chosen = next((o for o in offered if o[0] == wanted), None)
    if chosen is None:
        # The reader's own office where they hold a role in one, else the home office.
        own = organisations_for(request.user, Access.PUBLISHED) or set()
        mine = set(Organisation.objects.filter(pk__in=own).values_list("slug", flat=True)) if own else set()
        chosen = next((o for o in offered if o[0] in mine), None) or next(
            (o for o in offered if o[2]), offered[0] if offered else None
        )
    page = Paginator(
        publications.filter(organisation__slug=chosen[0] if chosen else "")
        .select_related("organisation", "period", "paper", "withdrawal")
        # The list shows none of the frozen data, so it is not read.
        .defer("snapshot", "changes")
        .order_by("-period__start_year", "-period__quarter", "-version"),
        PUBLICATIONS_A_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboard/publication_list.html",
        {
            "publications": page.object_list,
            "page_obj": page,
            "organisations": [(slug, name) for slug, name, _ in offered],
            "chosen": chosen[0] if chosen else "",
            "chosen_name": chosen[1] if chosen else "",
            "unknown_organisation": bool(wanted) and wanted != (chosen[0] if chosen else ""),
        },
    )


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


# How long a reader's browser (or a proxy) may keep a published page before asking again; it
# then revalidates with the ETag, which changes when a correction or a withdrawal does.
PUBLISHED_MAX_AGE = 60 * 60


# The versions of one organisation's quarter; the tables' names are put in by _versions_sql.
VERSIONS_SQL = (
    "SELECT p.id, p.version, p.published_at, w.withdrawn_at FROM {publication} p"
    " JOIN {organisation} o ON o.id = p.organisation_id"
    " JOIN {period} r ON r.id = p.period_id"
    " LEFT JOIN {withdrawal} w ON w.publication_id = p.id"
    " WHERE o.slug = %s AND r.start_year = %s AND r.quarter = %s ORDER BY p.version"
)


def _versions_sql(database) -> str:
    def table(model) -> str:
        return database.ops.quote_name(model._meta.db_table)

    models = {
        "publication": Publication,
        "organisation": Organisation,
        "period": ReportingPeriod,
        "withdrawal": Withdrawal,
    }
    names = {key: table(model) for key, model in models.items()}
    # Only the models' own table names are put in; every value is a parameter.
    return VERSIONS_SQL.format(**names)  # noqa: S608  # nosec B608


def period_versions(organisation_slug: str, start_year: int, quarter: int | None) -> list[tuple]:
    """(pk, version, published at, withdrawn at) of every version of one organisation's
    quarter, in order: all that a published page shows besides its own frozen snapshot.

    Plain SQL, because this one query is all that serving a kept page costs: building it with
    the ORM took longer than the rest of the response."""
    database = connections[router.db_for_read(Publication)]
    with database.cursor() as cursor:
        cursor.execute(_versions_sql(database), [organisation_slug, start_year, quarter])
        rows = cursor.fetchall()

    def moment(value):
        # SQLite gives back the UTC time it stored without its zone; PostgreSQL with it.
        if value is None or isinstance(value, datetime.datetime) and value.tzinfo:
            return value
        if isinstance(value, str):
            value = datetime.datetime.fromisoformat(value)
        return value.replace(tzinfo=datetime.UTC)

    return [(pk, version, moment(published), moment(withdrawn)) for pk, version, published, withdrawn in rows]


def validators(versions: list[tuple], pk: int, kind: str) -> tuple[str, int]:
    """The ETag and Last-Modified (a timestamp) of one publication's `kind` of page: they change
    when the period gains a version (a correction) or loses one (a withdrawal)."""
    state = repr([(pk, kind), [v[1:] for v in versions]])
    etag = '"' + hashlib.sha256(state.encode()).hexdigest()[:32] + '"'
    changed = max(t for _, _, published, withdrawn in versions for t in (published, withdrawn) if t)
    return etag, int(changed.timestamp())


def served_like_a_file(request, publication: Publication, kind: str, make) -> HttpResponse:
    """A published page (or its data) for a reader who is not signed in, with an ETag,
    Last-Modified and a long Cache-Control; PublishedPagesMiddleware keeps what this makes and
    serves it again without coming here. `make()` returns (content, content type)."""
    period = publication.period
    versions = period_versions(publication.organisation.slug, period.start_year, period.quarter)
    etag, last_modified = validators(versions, publication.pk, kind)
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified
    content, content_type = make()
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=PUBLISHED_MAX_AGE)
    # Marks the response for PublishedPagesMiddleware to keep.
    response.same_for_everyone = True  # type: ignore[attr-defined]
    return response


# The pages served like files, by URL name, and the kind each one's validators are made for.
SERVED_LIKE_FILES = {"publication_detail": "page", "publication_json": "json", "publication_csv": "csv"}
# Headers of the first response that a copy served again must not repeat.
NOT_REPEATED = {"set-cookie", "date", "content-length"}


class PublishedPagesMiddleware:
    """Published pages are served like static files to readers who are not signed in.

    A publication never changes, so its page, made once by the view, is kept whole (content,
    a gzip copy and the headers every later middleware added) in the "publications" cache,
    under the ETag that the period's versions give it. A request with no session and no
    message waiting is answered from there with one query (the versions, so that a correction
    or a withdrawal is seen at once, on every server process) and no template, session or
    user lookup: as cheaply as a file.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = self.wanted(request)
        if found is None:
            return self.get_response(request)
        key, etag, last_modified = found
        cache = caches["publications"]
        kept = cache.get(key)
        if kept is None:
            response = self.get_response(request)
            made_for_everyone = getattr(response, "same_for_everyone", False) and not response.cookies
            if made_for_everyone and response.get("ETag") == etag:
                cache.set(key, self.keep(response))
            return response
        response = self.serve(request, kept)
        # A 304 repeats the kept copy's ETag, Cache-Control and Vary.
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
        return response if not_modified is None else not_modified

    @staticmethod
    def wanted(request) -> tuple[str, str, int] | None:
        """The cache key and validators of a published page that every reader sees alike, or None."""
        if request.method != "GET" or request.META.get("QUERY_STRING") or not settings.PUBLISH_PUBLICLY:
            return None
        request.get_host()  # refuses a host not allowed, as the middleware below would
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return None  # SecurityMiddleware sends it to HTTPS
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
            return None
        try:
            match = resolve(request.path_info)
            kind = SERVED_LIKE_FILES[match.url_name or ""]
            start_year, quarter = ReportingPeriod.parse(match.kwargs["period"])
        except (Resolver404, KeyError, ValueError):
            return None
        if quarter is None:  # only quarters are published
            return None
        versions = period_versions(match.kwargs["organisation"], start_year, quarter)
        pk = next((v[0] for v in versions if v[1] == match.kwargs["version"]), None)
        if pk is None:
            return None
        etag, last_modified = validators(versions, pk, kind)
        return f"published:{etag}", etag, last_modified

    @staticmethod
    def keep(response) -> dict:
        content = response.content
        headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_REPEATED]
        return {"content": content, "gzip": compress_string(content), "headers": headers}

    @staticmethod
    def serve(request, kept: dict) -> HttpResponse:
        response = HttpResponse()
        for header, value in kept["headers"]:
            response[header] = value
        patch_vary_headers(response, ("Accept-Encoding",))
        accepts_gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
        if accepts_gzip and len(kept["gzip"]) < len(kept["content"]):
            response.content = kept["gzip"]
            response["Content-Encoding"] = "gzip"
            # The compressed copy is not byte for byte the page the ETag names.
            response["ETag"] = "W/" + response["ETag"]
        else:
            response.content = kept["content"]
        response["Content-Length"] = str(len(response.content))
        return response


def for_anyone(request) -> bool:
    """Whether the page is the same for every reader: not signed in, no message waiting."""
    return not request.user.is_authenticated and "messages" not in request.COOKIES


@access(Access.PUBLISHED)
def publication_detail(request, organisation: str, period: str, version: int):
    """A published dashboard exactly as it was frozen, with its cover report and each area's appendix."""
    publication = get_publication(organisation, period, version, request.user, frozen_data=False)
    gone = withdrawn_for(request, publication)
    if gone is not None:
        return gone
    if for_anyone(request):
        return served_like_a_file(
            request,
            publication,
            "page",
            lambda: (
                render_to_string(
                    "dashboard/publication_detail.html", publication_context(publication), request=request
                ),
                "text/html; charset=utf-8",
            ),
        )
    return page_with(
        request,
        "dashboard/publication_detail.html",
        {"publication": publication, "paper": getattr(publication, "paper", None)},
        staff_content(request, publication),
    )


def staff_content(request, publication: Publication) -> bytes:
    """A publication's page as a signed-in reader sees it, kept while the period's versions,
    the paper's state and whether the reader publishes are unchanged: the frozen snapshot is
    decoded and rendered once, not on every request."""
    period = publication.period
    versions = period_versions(publication.organisation.slug, period.start_year, period.quarter)
    etag, _ = validators(versions, publication.pk, "page")
    paper = getattr(publication, "paper", None)
    state = paper.status if paper is not None else "none"
    publisher = can_publish(request.user)
    return kept(
        f"publication:{etag}:{state}:{publisher}",
        lambda: render_to_string(
            "dashboard/publication_content.html", publication_context(publication), request=request
        ),
        # A failed paper's page holds a form with the reader's own CSRF token.
        keep=state != Paper.Status.FAILED,
    )


@access(Access.PUBLISHED)
def publication_pdf(request, organisation: str, period: str, version: int):
    """The stored panel paper, or a page that says it is still being made."""
    publication = get_publication(organisation, period, version, request.user)
    gone = withdrawn_for(request, publication)
    if gone is not None:
        return gone
    paper = getattr(publication, "paper", None)
    if paper is not None and paper.status == Paper.Status.READY and paper.file:
        org, period = publication.organisation.slug, publication.period.slug
        filename = f"panel-paper-{org}-{period}-v{publication.version}.pdf"
        stored = FileResponse(paper.file.open("rb"), content_type="application/pdf", filename=filename)
        if for_anyone(request) and paper.made_at:
            # The paper never changes once made: readers' browsers and proxies may keep it.
            stored["Last-Modified"] = http_date(int(paper.made_at.timestamp()))
            patch_cache_control(stored, public=True, max_age=PUBLISHED_MAX_AGE)
        return stored
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


def _data_name(publication: Publication) -> str:
    return f"dashboard-{publication.organisation.slug}-{publication.period.slug}-v{publication.version}"


def _as_json(publication: Publication) -> tuple[str, str]:
    return json.dumps(
        published_data(publication), ensure_ascii=False, indent=1
    ), "application/json; charset=utf-8"


def _as_csv(publication: Publication) -> tuple[bytes, str]:
    rows = [["Area", "Item", "RAG", "Status"]]
    for area in publication.snapshot.get("areas", []):
        for item in area["data"].get("items", []):
            rows.append([area["title"], item.get("label", ""), item.get("rag", ""), item.get("status", "")])
    return write_table(rows, "csv"), FORMATS["csv"]


def _published_file(request, organisation: str, period: str, version: int, kind: str, make, ext: str):
    publication = get_publication(organisation, period, version, request.user, frozen_data=False)
    gone = withdrawn_for(request, publication)
    if gone is not None:
        return gone
    response = served_like_a_file(request, publication, kind, lambda: make(publication))
    if response.status_code == 200:
        disposition = "inline" if ext == "json" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{_data_name(publication)}.{ext}"'
    return response


@access(Access.PUBLISHED)
def publication_json(request, organisation: str, period: str, version: int):
    """What the publication published, as JSON."""
    return _published_file(request, organisation, period, version, "json", _as_json, "json")


@access(Access.PUBLISHED)
def publication_csv(request, organisation: str, period: str, version: int):
    """Every rated or tracked item the publication holds, a row each."""
    return _published_file(request, organisation, period, version, "csv", _as_csv, "csv")


class PublicationFeed(Feed):
    """An Atom feed of an organisation's publications, newest first, for readers to follow."""

    feed_type = Atom1Feed
    access = Access.PUBLISHED

    def get_object(self, request, organisation: str):
        self.user = request.user
        return get_object_or_404(Organisation, slug=organisation, kind=Organisation.Kind.OPCC)

    def title(self, organisation):
        return f"Governance dashboards published by {organisation.name}"

    def link(self, organisation):
        return reverse("publication_list")

    def subtitle(self, organisation):
        return "Each quarter's governance dashboard as published to the Police and Crime Panel."

    def items(self, organisation):
        return (
            readable(self.user)
            .filter(organisation=organisation, withdrawal__isnull=True)
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
