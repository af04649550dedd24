"""The two rules that never break, on the real demo data and every registered area:
1. restricted content never reaches a published page, a public or panel member's page, or the
   panel paper;
2. a published dashboard never changes.
Marked text is planted in the live records, and looked for in the HTML and in the PDF text."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse

from assurance.dashboard import take_snapshot
from assurance.models import Publication, Visibility
from assurance.permissions import Role
from assurance.publishing import publication_publish
from assurance.registry import Scope
from tests.conftest import pdf_text, requires_pdftotext
from tests.factories import make_user

RESTRICTED = "RESTRICTED-MARKER-7Q"
LATER = "AFTER-PUBLISHING-MARKER-3X"


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("load_demo", force=True, stdout=StringIO())


def readers() -> dict[str, Client]:
    panel = Client()
    panel.force_login(make_user(Role.PANEL))
    return {"public": Client(), "panel": panel}


def every_published_page(client: Client) -> str:
    pages = [client.get(reverse("home")), client.get(reverse("publication_list"))]
    for publication in Publication.objects.all():
        pages.append(client.get(publication.get_absolute_url()))
    assert all(p.status_code == 200 for p in pages)
    return "".join(p.content.decode() for p in pages)


@requires_pdftotext
def test_restricted_records_of_the_published_quarter_are_left_out_everywhere(demo):
    from meetings.models import Action, AgendaItem

    home_publication = Publication.objects.filter(organisation__is_home=True).get()
    quarter = home_publication.period
    closed_items = AgendaItem.objects.filter(
        visibility=Visibility.RESTRICTED,
        meeting__date__gte=quarter.start_date,
        meeting__date__lte=quarter.end_date,
        meeting__body__owner=home_publication.organisation,
    )
    assert closed_items.exists(), "the demo's published quarter must hold closed-session items"
    for item in closed_items:
        item.title = f"{RESTRICTED} {item.title}"
        item.save()
    actions = Action.objects.filter(item__in=closed_items)
    assert actions.exists(), "the demo's closed-session items must have actions"
    for action in actions:
        action.description = f"{RESTRICTED} {action.description}"
        action.save()

    # Staff see the planted text on the live dashboard: it is there to leak.
    editor = Client()
    editor.force_login(make_user(Role.EDITOR))
    live = editor.get(reverse("dashboard"), {"period": quarter.slug}).content.decode()
    assert RESTRICTED in live
    staff_view = take_snapshot(
        Scope(organisation=home_publication.organisation, period=quarter, include_restricted=True)
    )
    assert RESTRICTED in json.dumps(staff_view)

    with TestCase.captureOnCommitCallbacks(execute=True):
        correction = publication_publish(
            organisation=home_publication.organisation,
            period=quarter,
            by=make_user(Role.PUBLISHER),
            correction_note="Closed items retitled",
            warnings_acknowledged=True,
        )
    assert RESTRICTED not in json.dumps(correction.snapshot)
    for name, client in readers().items():
        assert RESTRICTED not in every_published_page(client), name
        response = client.get(correction.get_pdf_url())
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(response.getvalue())
        assert "Appendix" in text
        assert RESTRICTED not in text, name
        # Closed-session pages themselves are staff only.
        item_url = closed_items.first().get_absolute_url()
        assert client.get(item_url).status_code in (302, 403), name


@requires_pdftotext
def test_a_published_dashboard_never_changes_when_the_live_data_does(demo):
    from delivery_plans.models import ProgressUpdate

    publication = Publication.objects.filter(organisation__is_home=True).get()
    # The same readers before and after: a new panel member's name could differ in length.
    clients = readers()
    pages_before = {name: c.get(publication.get_absolute_url()).content for name, c in clients.items()}
    pdf_before = Client().get(publication.get_pdf_url()).getvalue()

    updates = ProgressUpdate.objects.filter(
        period=publication.period, commitment__plan__owner=publication.organisation
    )
    assert updates.exists()
    for update in updates:
        update.text = f"{LATER} {update.text}"
        update.save()

    editor = Client()
    editor.force_login(make_user(Role.EDITOR))
    assert LATER in editor.get(reverse("dashboard"), {"period": publication.period.slug}).content.decode()
    for name, client in clients.items():
        page = client.get(publication.get_absolute_url()).content
        assert LATER.encode() not in page, name
        # Byte-for-byte what it was, but for the per-request CSRF token and CSP nonce.
        assert len(page) == len(pages_before[name]), name
    pdf_after = Client().get(publication.get_pdf_url()).getvalue()
    assert pdf_after == pdf_before
    assert LATER not in pdf_text(pdf_after)


def test_every_link_on_a_published_page_is_open_to_its_readers(demo):
    """A published page never sends the public or the panel to a staff page."""
    import re

    publication = Publication.objects.filter(organisation__is_home=True).get()
    for name, client in readers().items():
        page = client.get(publication.get_absolute_url()).content.decode()
        links = {href for href in re.findall(r'href="(/[^"#]*)', page) if not href.startswith("/static/")}
        assert publication.get_pdf_url() in links
        for href in links - {reverse("login"), reverse("password_change")}:
            response = client.get(href)
            assert response.status_code == 200, f"{name}: {href} answered {response.status_code}"
