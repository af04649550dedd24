"""Publishing through the core, with a probe area registered for the test: the dashboard,
the frozen publication, corrections and the panel paper, whatever areas exist."""

import json
import subprocess

import pytest
from django.urls import reverse

from assurance import registry
from assurance.models import CoverReport, Paper, Publication
from assurance.registry import Area, Finding
from tests.conftest import pdf_text, requires_pdftotext
from tests.factories import make_organisation, make_period
from tests.publishing_factories import make_publication

RESTRICTED_MARKER = "CLOSED-SESSION-PROBE-MARKER"

# The probe area's "live data": tests change it as an editor would.
LIVE = {"rag": "amber", "text": "Progress as first published", "finding": None}


def probe_snapshot(*, scope):
    items = [{"key": "probe:1", "label": "Probe commitment 1.1", "rag": LIVE["rag"], "status": ""}]
    rows = [{"text": LIVE["text"], "restricted": False}]
    if scope.include_restricted:
        rows.append({"text": RESTRICTED_MARKER, "restricted": True})
    return {"items": items, "rows": rows}


def probe_checks(*, scope):
    return [LIVE["finding"]] if LIVE["finding"] else []


class ProbeArea(Area):
    """An area whose live data the tests set directly."""

    key = "probe"
    title = "Probe area"
    order = 1
    nav_url = "dashboard"
    section_template = "probe/section.html"
    appendix_template = "probe/appendix.html"
    appendix_title = "Probe appendix"

    def snapshot(self, scope):
        return probe_snapshot(scope=scope)

    def checks(self, scope):
        return probe_checks(scope=scope)


@pytest.fixture(autouse=True)
def probe_area(settings, tmp_path):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path / "probe-templates"]}
    ]
    folder = tmp_path / "probe-templates" / "probe"
    folder.mkdir(parents=True)
    (folder / "section.html").write_text(
        "<p>Probe section: {% for i in data.items %}{{ i.label }} {% rag_tag i.rag %}{% endfor %}</p>"
    )
    (folder / "appendix.html").write_text(
        "<table><thead><tr><th>Text</th></tr></thead><tbody>"
        "{% for r in data.rows %}<tr><td>{{ r.text }}</td></tr>{% endfor %}</tbody></table>"
    )
    saved = dict(registry._areas)
    registry._areas.clear()
    registry.register(ProbeArea())
    LIVE.update(rag="amber", text="Progress as first published", finding=None)
    yield
    registry._areas.clear()
    registry._areas.update(saved)


@pytest.fixture
def home(db):
    return make_organisation(
        kind="opcc",
        is_home=True,
        name="Office of the Police and Crime Commissioner for Test",
        area_name="Testshire",
    )


@pytest.fixture
def quarter(db):
    return make_period(2016, 3)


def publish_url(org, period):
    return reverse("publish", args=[org.slug, period.slug])


def publish_form(**overrides):
    """What the publish page posts: the cover report is written on its own page."""
    return dict(overrides)


def test_the_editors_dashboard_shows_every_area_with_restricted_records(editor_client, home, quarter):
    response = editor_client.get(reverse("dashboard"), {"period": quarter.slug})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Probe commitment 1.1" in page and 'data-rag="amber"' in page
    assert "Governance dashboard 2016/17 Q3" in page


def test_a_publisher_publishes_a_quarter_and_the_panel_reads_it(
    publisher_client, panel_client, home, quarter
):
    response = publisher_client.post(publish_url(home, quarter), publish_form())
    publication = Publication.objects.get()
    assert response.status_code == 302 and response["Location"] == publication.get_absolute_url()
    assert publication.version == 1 and publication.published_by.username == "a-publisher"

    listing = panel_client.get(reverse("publication_list")).content.decode()
    assert publication.get_absolute_url() in listing
    page = panel_client.get(publication.get_absolute_url()).content.decode()
    assert "Progress as first published" in page and "Probe appendix" in page
    assert "Version" in page and "2016/17 Q3" in page


def test_a_published_dashboard_never_changes_after_further_edits(panel_client, home, quarter, settings):
    publication = make_publication(home, quarter)
    url = publication.get_absolute_url()
    before = panel_client.get(url).content.decode()
    pdf_before = Paper.objects.get().file.read()

    LIVE.update(rag="green", text="EDITED-AFTER-PUBLISHING")
    after = panel_client.get(url).content.decode()
    assert "EDITED-AFTER-PUBLISHING" not in after
    assert after.count('data-rag="amber"') == before.count('data-rag="amber"') >= 1
    assert panel_client.get(publication.get_pdf_url()).getvalue() == pdf_before
    with pytest.raises(ValueError, match="never changes"):
        publication.save()


@requires_pdftotext
def test_restricted_records_never_reach_the_publication_or_its_paper(panel_client, client, home, quarter):
    publication = make_publication(home, quarter)
    assert RESTRICTED_MARKER not in json.dumps(publication.snapshot)
    for reader in (panel_client, client):
        page = reader.get(publication.get_absolute_url()).content.decode()
        assert "Progress as first published" in page
        assert RESTRICTED_MARKER not in page
    pdf = panel_client.get(publication.get_pdf_url()).getvalue()
    text = pdf_text(pdf, "-layout")
    assert "Progress as first published" in text
    assert RESTRICTED_MARKER not in text


@requires_pdftotext
def test_the_paper_reads_like_a_panel_report(home, quarter):
    publication = make_publication(
        home, quarter, agenda_item="8", meeting_date=quarter.start_date, background="How assurance works."
    )
    paper = Paper.objects.get(publication=publication)
    assert paper.status == Paper.Status.READY and paper.seconds is not None
    text = pdf_text(paper.file.read(), "-layout")
    for expected in (
        "AGENDA ITEM 8",
        "POLICE AND CRIME PANEL, 1 OCTOBER 2016",
        "REPORT OF THE CHIEF EXECUTIVE",
        "1. Purpose",
        "3. Recommendation",
        "Contents",
        "Appendix B: Probe appendix",
        "Page 1 of",
        "Amber",
    ):
        assert expected in text, expected
    info = subprocess.run(
        ["pdfinfo", "-"], input=paper.file.open("rb").read(), capture_output=True, check=True
    ).stdout
    assert b"Tagged:          yes" in info
    assert b"Author:          Office of the Police and Crime Commissioner for Test" in info


def test_errors_block_publishing_and_warnings_must_be_acknowledged(publisher_client, home, quarter):
    LIVE["finding"] = Finding("error", "Commitment 1.1 is Amber without a reason")
    response = publisher_client.post(publish_url(home, quarter), publish_form())
    assert response.status_code == 400
    assert "Commitment 1.1 is Amber without a reason" in response.content.decode()
    assert not Publication.objects.exists()

    LIVE["finding"] = Finding("warning", "Commitment 2.1 has no update this quarter")
    response = publisher_client.post(publish_url(home, quarter), publish_form())
    assert response.status_code == 400
    assert "Confirm that you have read the warnings" in response.content.decode()
    assert not Publication.objects.exists()

    response = publisher_client.post(publish_url(home, quarter), publish_form(acknowledge="on"))
    assert response.status_code == 302 and Publication.objects.count() == 1


def test_a_correction_is_a_new_visible_version_and_the_first_stays_readable(
    publisher_client, panel_client, home, quarter
):
    first = make_publication(home, quarter)
    LIVE.update(rag="red", text="Corrected progress")

    refused = publisher_client.post(publish_url(home, quarter), publish_form())
    assert refused.status_code == 400 and "Say what this correction changes" in refused.content.decode()

    response = publisher_client.post(
        publish_url(home, quarter), publish_form(correction_note="The RAG for 1.1 was wrong")
    )
    assert response.status_code == 302
    second = Publication.objects.get(version=2)
    page = panel_client.get(second.get_absolute_url()).content.decode()
    assert "Corrected" in page and "The RAG for 1.1 was wrong" in page and "Corrected progress" in page
    assert "Rating moved from" in page
    first_page = panel_client.get(first.get_absolute_url()).content.decode()
    assert "Progress as first published" in first_page and "Corrected progress" not in first_page


def test_bad_cover_report_input_is_shown_on_the_field(publisher_client, home, quarter):
    url = reverse("cover_report", args=[home.slug, quarter.slug])
    data = {"title": "", "meeting_name": "Panel", "meeting_date": "2016-02-31", "agenda_item": "-5"}
    response = publisher_client.post(
        url, data | {"purpose": "P", "recommendation": "R", "report_of": "Chief Executive"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    for field in ("title", "meeting_date", "agenda_item"):
        assert f'href="#id_{field}"' in page, field
    assert "Enter an agenda item number, such as 8 or 8a" in page
    assert not Publication.objects.exists() and not CoverReport.objects.exists()


def test_a_paper_still_being_made_is_announced(panel_client, home, quarter):
    publication = make_publication(home, quarter)
    Paper.objects.filter(publication=publication).update(status=Paper.Status.PENDING)
    response = panel_client.get(publication.get_pdf_url())
    assert response.status_code == 200 and response["Retry-After"] == "5"
    assert "still being made" in response.content.decode()


def test_the_published_page_is_served_from_frozen_data_in_a_handful_of_queries(
    panel_client, home, quarter, django_assert_max_num_queries
):
    publication = make_publication(home, quarter)
    # Made: the session, the user and their roles, the publication, its period's versions, and
    # the frozen data it shows; kept for the next request, which reads no frozen data.
    with django_assert_max_num_queries(9):
        assert panel_client.get(publication.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(6):
        again = panel_client.get(publication.get_absolute_url())
    assert again.status_code == 200 and publication.title in again.content.decode()


@requires_pdftotext
def test_export_dashboard_writes_the_same_paper_from_the_command_line(home, quarter, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    publication = make_publication(home, quarter, agenda_item="8")
    out = tmp_path / "paper.pdf"
    call_command("export_dashboard", output=str(out), stdout=StringIO())
    assert out.read_bytes() == Paper.objects.get(publication=publication).file.read()

    call_command(
        "export_dashboard",
        output=str(out),
        period="2016/17 Q3",
        version=1,
        agenda_item="12",
        meeting_date="2017-02-01",
        stdout=StringIO(),
    )
    text = pdf_text(out.read_bytes(), "-layout")
    assert "AGENDA ITEM 12" in text and "1 FEBRUARY 2017" in text and "Progress as first published" in text


def test_export_dashboard_explains_what_it_cannot_find(home, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No publication matches"):
        call_command("export_dashboard", output=str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="is not a period"):
        call_command("export_dashboard", output=str(tmp_path / "x.pdf"), period="last year")


def test_the_paper_fetches_only_data_urls_and_the_projects_static_files():
    from assurance.paper import STATIC_BASE, ProjectOnlyFetcher

    fetcher = ProjectOnlyFetcher()
    assert b"@page" in fetcher.fetch(STATIC_BASE + "css/paper.css").read()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    for url in (
        "file:///etc/passwd",
        "https://example.org/logo.png",
        STATIC_BASE + "../../../etc/passwd",
        "http://127.0.0.1:8000/admin/",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_only_an_opccs_quarter_can_be_published(publisher_client, home, quarter):
    force = make_organisation(kind="force")
    assert publisher_client.post(publish_url(force, quarter), publish_form()).status_code == 404
    year = make_period(2016)
    assert publisher_client.post(publish_url(home, year), publish_form()).status_code == 404
    assert not Publication.objects.exists()


def test_showing_the_dashboard_creates_no_reporting_period(editor_client, home, quarter):
    from assurance.models import ReportingPeriod

    before = ReportingPeriod.objects.count()
    assert editor_client.get(reverse("dashboard")).status_code == 200
    assert editor_client.get(reverse("home")).status_code == 200
    assert ReportingPeriod.objects.count() == before


def test_a_first_publication_of_an_earlier_quarter_is_compared_with_the_quarter_before_it(home):
    q1, q2, q3 = make_period(2016, 1), make_period(2016, 2), make_period(2016, 3)
    make_publication(home, q1)
    make_publication(home, q3)
    second = make_publication(home, q2)
    assert second.compared_with == str(Publication.objects.get(period=q1))


# The worker closes and reopens database connections between tasks, as a long-running process
# should, so this test runs on committed data rather than inside a rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_in_production_the_paper_is_made_by_the_database_backed_worker(settings, panel_client, home, quarter):
    from io import StringIO

    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    publication = make_publication(home, quarter)
    paper = Paper.objects.get(publication=publication)
    assert paper.status == Paper.Status.PENDING and not paper.file
    assert "is being made" in panel_client.get(publication.get_absolute_url()).content.decode()

    call_command("db_worker", batch=True, no_startup_delay=True, stdout=StringIO(), stderr=StringIO())
    paper.refresh_from_db()
    assert paper.status == Paper.Status.READY
    response = panel_client.get(publication.get_pdf_url())
    assert response["Content-Type"] == "application/pdf" and response.getvalue().startswith(b"%PDF")


def test_the_dashboard_is_kept_by_quarter_not_by_year(editor_client, home, quarter):
    response = editor_client.get(reverse("dashboard"), {"period": make_period(2016).slug})
    assert response.status_code == 400
    assert "Choose a quarter from the list; ‘2016-17’ is not one of them." in response.content.decode()


def test_a_correction_starts_from_the_cover_of_the_paper_it_corrects(
    publisher_client, panel_client, home, quarter
):
    first = make_publication(home, quarter, agenda_item="8", purpose="Purpose as first written")
    page = publisher_client.get(publish_url(home, quarter)).content.decode()
    assert "agenda item 8" in page and "Purpose as first written" in page

    response = publisher_client.post(publish_url(home, quarter), publish_form(correction_note="Fixed 1.1"))
    assert response.status_code == 302
    old = panel_client.get(first.get_absolute_url()).content.decode()
    assert "This version has been corrected" in old and "Read version 2" in old


def test_a_publication_keeps_the_items_the_next_one_is_compared_with(home, quarter):
    """Frozen beside the snapshot, from it: the next quarter's changes are found from them
    alone, and publications made before they were kept get them from their own snapshot."""
    import importlib

    from assurance.dashboard import compared_items

    first = make_publication(home, quarter)
    assert first.items == compared_items(first.snapshot) and first.items
    assert any(item["label"].startswith("Probe commitment 1.1") for item in first.items.values())
    LIVE.update(rag="green")
    second = make_publication(home, make_period(2016, 4))
    moved = [c for c in second.changes if c["kind"] == "rating"]
    assert moved and moved[0]["before"]["rag"] == "amber" and moved[0]["after"]["rag"] == "green"

    backfill = importlib.import_module("assurance.migrations.0009_publication_items")
    assert backfill.items_of(first.snapshot) == first.items
