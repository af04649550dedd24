"""The panel paper: a publication's frozen dashboard as the Police and Crime Panel's
agenda paper, made with WeasyPrint."""

import datetime
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from assurance import paper_layout, paper_parts, pdf_tags
from assurance.models import Paper

# Relative URLs in the paper resolve against this base, which names no real host: the fetcher
# below answers it from the static files and refuses everything else.
STATIC_BASE = "https://paper.invalid/static/"


class ProjectOnlyFetcher(URLFetcher):
    """WeasyPrint may read `data:` URLs and the project's own static files, nothing else:
    no network, and no file on the server outside the static files."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(STATIC_BASE):
            path = unquote(urlsplit(url).path.removeprefix("/static/"))
            found = finders.find(path) if ".." not in Path(path).parts else None
            if found:
                body = Path(found).read_bytes()
                mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": mime})
        raise ValueError(f"The panel paper may not fetch {url!r}")


def frozen_report(publication, paper: Paper | None = None) -> dict:
    """The cover report a publication froze; for one published before reports were written in
    the service, the paper's own cover (agenda item, meeting date, purpose, recommendation)."""
    report = publication.snapshot.get("report")
    if report:
        return dict(report)
    paper = paper or getattr(publication, "paper", None)
    return {
        "title": publication.title,
        "meeting_name": "Police and Crime Panel",
        "meeting_date": paper.meeting_date.isoformat() if paper and paper.meeting_date else "",
        "agenda_item": paper.agenda_item if paper else "",
        "report_of": "Chief Executive",
        "purpose": paper.purpose if paper else "",
        "background": "",
        "key_points": "",
        "implications": [],
        "recommendation": paper.recommendation if paper else "",
        "contact": {},
        "background_papers": [],
    }


def paper_context(
    paper: Paper,
    *,
    agenda_item: str | None = None,
    meeting_date: datetime.date | None = None,
    preview: bool = False,
):
    """What the paper template reads: the frozen snapshot and cover report, with the agenda item
    and meeting date given again where an agenda pack numbers the paper differently."""
    publication = paper.publication
    report = frozen_report(publication, paper)
    if agenda_item is not None:
        report["agenda_item"] = agenda_item
    if meeting_date is not None:
        report["meeting_date"] = meeting_date.isoformat()
    return {
        "publication": publication,
        "snapshot": publication.snapshot,
        "report": report,
        "paper": paper,
        "pdf": True,
        "preview": preview,
        "site_name": settings.SITE_NAME,
    }


def render_paper_html(paper: Paper, **overrides) -> str:
    return paper_layout.prepare(render_to_string("pdf/paper.html", paper_context(paper, **overrides)))


def write_pdf(document_html: str) -> bytes:
    """A paper's HTML as PDF bytes: tagged (PDF/UA-1) so screen readers can read it, and made in
    parts (assurance.paper_parts) so that a long plan's paper fits in memory."""
    keywords = {"base_url": STATIC_BASE, "url_fetcher": ProjectOnlyFetcher()}
    options = {"pdf_variant": "pdf/ua-1"}
    parts = paper_parts.split(document_html)
    if parts is None:
        return HTML(string=document_html, **keywords).write_pdf(finisher=pdf_tags.finish, **options)
    return paper_parts.write_in_parts(parts, paper_parts.Writer(keywords, options, pdf_tags.finish))


def render_paper(paper: Paper, **overrides) -> bytes:
    """The PDF bytes of a publication's panel paper, with its metadata."""
    return write_pdf(render_paper_html(paper, **overrides))
