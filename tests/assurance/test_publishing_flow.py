"""Publishing as a publisher does it: the cover report written in the service, a preview of
exactly what will be published, publishing that answers at once while the paper is made in the
background, withdrawal, stable addresses, and each publication as open data."""

import datetime
import gzip
import json

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from assurance.models import (
    CoverReport,
    Organisation,
    Paper,
    Publication,
    ReportingPeriod,
    Visibility,
    Withdrawal,
)
from assurance.permissions import Role
from assurance.publishing import cover_report_draft
from meetings.services import agenda_item_update
from tests.conftest import pdf_text, requires_pdftotext
from tests.factories import make_organisation, make_period, make_user
from tests.meetings import factories as meetings
from tests.publishing_factories import make_cover_report, make_publication

pytestmark = pytest.mark.django_db

CLOSED_LATER = "PUBLISHED-THEN-RESTRICTED-4K"


@pytest.fixture
def home():
    return make_organisation(
        name="Office of the Police and Crime Commissioner for Testshire",
        area_name="Testshire",
        is_home=True,
        kind="opcc",
    )


@pytest.fixture
def quarter():
    return make_period(2016, 3)


@pytest.fixture
def published_item(home, quarter):
    """A public agenda item of the quarter, with an action, in a publication."""
    body = meetings.make_body(owner=home, name="Corporate Governance Board")
    item = meetings.make_item(
        meetings.make_meeting(body, datetime.date(2016, 10, 11)), title=f"{CLOSED_LATER} item"
    )
    meetings.make_action(item, description="Report back on the estates strategy")
    publication = make_publication(home, quarter)
    return item, publication


def test_the_cover_report_starts_from_the_previous_publication_and_is_frozen_with_the_next(
    publisher_client, home, quarter
):
    first = make_publication(
        home, quarter, background="How assurance works, as first written.", agenda_item="8"
    )
    next_quarter = make_period(2016, 4)
    draft, reason = cover_report_draft(organisation=home, period=next_quarter)
    assert draft.pk is None and draft.background == "How assurance works, as first written."
    assert draft.agenda_item == "" and reason == f"Started from the report of {first}"

    url = reverse("cover_report", args=[home.slug, next_quarter.slug])
    page = publisher_client.get(url).content.decode()
    assert "How assurance works, as first written." in page
    data = {
        "title": "Assurance and performance",
        "meeting_name": "Testshire Police and Crime Panel",
        "meeting_date": "2017-02-08",
        "agenda_item": "9",
        "report_of": "Chief Executive",
        "purpose": "To update the panel.",
        "background": "How assurance works.",
        "key_points": "Two Reds: 1.4 and 2.2.",
        "risk_implications": "None new.",
        "recommendation": "To note the report.",
        "contact_name": "Head of Performance",
        "contact_email": "performance@example.org",
        "background_papers": "The Police and Crime Plan\nThe assurance framework",
    }
    assert publisher_client.post(url, data).status_code == 302
    report = CoverReport.objects.get(period=next_quarter)
    assert report.history.get().history_change_reason == f"Started from the report of {first}"

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = publisher_client.post(reverse("publish", args=[home.slug, next_quarter.slug]), {})
    publication = Publication.objects.get(period=next_quarter)
    assert (
        response.status_code == 302
        and publication.snapshot["report"]["key_points"] == "Two Reds: 1.4 and 2.2."
    )
    # Editing the report afterwards changes the next publication, not this one.
    report.key_points = "Edited after publishing"
    report.save()
    page = Client().get(publication.get_absolute_url()).content.decode()
    assert "Two Reds: 1.4 and 2.2." in page and "Edited after publishing" not in page
    assert "Head of Performance" in page and "The assurance framework" in page


@requires_pdftotext
def test_the_paper_prints_the_cover_report_and_dates_that_agree(home, quarter):
    published_at = timezone.make_aware(datetime.datetime(2016, 11, 29, 10))
    publication = make_publication(
        home,
        quarter,
        meeting_date=datetime.date(2016, 12, 7),
        key_points="KEYPOINTSMARKER",
        published_at=published_at,
    )
    assert publication.snapshot["as_at"] == "2016-11-29"  # before the quarter ends and the meeting
    paper = Paper.objects.get(publication=publication)
    assert paper.status == Paper.Status.READY, paper.error
    text = pdf_text(paper.file.read())
    assert "KEYPOINTSMARKER" in text and "7 DECEMBER 2016" in text
    assert "December 2026" not in text and "31 December 2016" not in text


def test_a_preview_shows_exactly_what_would_be_published_and_publishes_nothing(
    publisher_client, home, quarter, published_item
):
    item, _ = published_item
    page = publisher_client.get(reverse("preview", args=[home.slug, quarter.slug])).content.decode()
    assert "This is what publishing now would make. It is not published." in page
    assert CLOSED_LATER in page and "version 2" in page
    item.visibility = Visibility.RESTRICTED
    agenda_item_update(item=item, loaded_version=item.version, by=None)
    page = publisher_client.get(reverse("preview", args=[home.slug, quarter.slug])).content.decode()
    assert CLOSED_LATER not in page
    assert Publication.objects.count() == 1


@requires_pdftotext
def test_a_preview_of_the_paper_is_marked_as_one(publisher_client, home, quarter):
    make_cover_report(home, quarter, key_points="PREVIEWED-KEY-POINTS")
    response = publisher_client.get(reverse("preview_paper", args=[home.slug, quarter.slug]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Preview: not published" in text and "PREVIEWED-KEY-POINTS" in text
    assert not Publication.objects.exists()


def test_publishing_answers_at_once_and_the_page_offers_the_paper_when_it_is_made(
    publisher_client, home, quarter, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_cover_report(home, quarter)
    response = publisher_client.post(reverse("publish", args=[home.slug, quarter.slug]), {})
    publication = Publication.objects.get()
    assert response.status_code == 302 and response["Location"] == publication.get_absolute_url()
    page = publisher_client.get(publication.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page and "The panel paper is being made" in page


def test_the_publisher_reaches_the_paper_in_three_clicks_from_any_page(publisher_client, home, quarter):
    make_cover_report(home, quarter)
    page = publisher_client.get(reverse("recent_changes")).content.decode()
    assert f'href="{reverse("publish_next")}"' in page
    publish_page = publisher_client.get(reverse("publish_next"), follow=True)  # 1
    assert publish_page.redirect_chain[-1][0] == reverse("publish", args=[home.slug, quarter.slug])
    with TestCase.captureOnCommitCallbacks(execute=True):
        published = publisher_client.post(publish_page.redirect_chain[-1][0], {}, follow=True)  # 2
    paper = publisher_client.get(Publication.objects.get().get_pdf_url())  # 3
    assert published.status_code == 200 and paper["Content-Type"] == "application/pdf"


def test_a_withdrawn_version_is_gone_for_panel_and_public_and_explained(publisher_client, home, quarter):
    first = make_publication(home, quarter)
    url = reverse("publication_withdraw", args=[home.slug, quarter.slug, 1])
    refused = publisher_client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "Say why the version is withdrawn" in refused.content.decode()
    assert publisher_client.post(url, {"reason": "It showed a closed-session action."}).status_code == 302
    withdrawal = Withdrawal.objects.get()
    assert withdrawal.history.get().history_user.username == "a-publisher"
    panel = Client()
    panel.force_login(make_user(Role.PANEL))
    for reader in (Client(), panel):
        for address in (
            first.get_absolute_url(),
            first.get_pdf_url(),
            reverse("publication_json", args=[home.slug, quarter.slug, 1]),
            reverse("publication_csv", args=[home.slug, quarter.slug, 1]),
        ):
            response = reader.get(address)
            assert response.status_code == 410, address
            assert "It showed a closed-session action." in response.content.decode()
        assert "Withdrawn" in reader.get(reverse("publication_list")).content.decode()
        assert (
            first.get_absolute_url()
            not in reader.get(reverse("publication_feed", args=[home.slug])).content.decode()
        )
    staff = publisher_client.get(first.get_absolute_url())
    assert staff.status_code == 200 and "Withdrawn on" in staff.content.decode()
    second = make_publication(home, quarter, correction_note="Without the closed-session action")
    gone = Client().get(first.get_absolute_url()).content.decode()
    assert f'href="{second.get_absolute_url()}"' in gone


def test_restricting_a_published_record_is_flagged_to_the_editor_and_the_publisher(
    editor_client, publisher_client, home, quarter, published_item
):
    item, publication = published_item
    data = {
        "number": item.number,
        "title": item.title,
        "kind": item.kind,
        "visibility": Visibility.RESTRICTED,
        "outcome": "",
        "loaded_version": item.version,
    }
    response = editor_client.post(reverse("meetings:item_update", args=[item.pk]), data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any(f"appears in {publication}" in m for m in messages), messages
    dashboard = publisher_client.get(
        reverse("dashboard"), {"organisation": home.slug, "period": quarter.slug}
    )
    page = dashboard.content.decode()
    assert "were restricted or deleted" in page and "Withdraw that version" in page
    withdraw = publisher_client.get(reverse("publication_withdraw", args=[home.slug, quarter.slug, 1]))
    assert "restricted" in withdraw.content.decode() and CLOSED_LATER in withdraw.content.decode()


def test_published_addresses_stay_stable(home, quarter, client):
    publication = make_publication(home, quarter)
    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    form = {
        "name": home.name,
        "short_name": home.short_name,
        "slug": "renamed",
        "kind": home.kind,
        "area_name": home.area_name,
        "is_home": "on",
        "loaded_version": Organisation.objects.get(pk=home.pk).version,
    }
    response = client.post(reverse("organisation_update", args=[home.pk]), form)
    assert "It is in the addresses of published dashboards" in response.content.decode()
    assert Organisation.objects.get(pk=home.pk).slug == home.slug
    url = reverse("admin:assurance_reportingperiod_change", args=[quarter.pk])
    response = client.post(url, {"start_year": 2017, "quarter": 3, "loaded_version": quarter.version})
    assert "A published dashboard is labelled and addressed by this period" in response.content.decode()
    assert ReportingPeriod.objects.get(pk=quarter.pk).start_year == 2016
    assert Client().get(publication.get_absolute_url()).status_code == 200


def test_each_publication_is_open_data_of_what_was_published_and_no_more(home, quarter, published_item):
    item, publication = published_item
    item.title = "EDITED-AFTERWARDS"
    item.save()
    args = [home.slug, quarter.slug, publication.version]
    data = json.loads(Client().get(reverse("publication_json", args=args)).content)
    assert data["period"] == "2016/17 Q3" and data["report"]["purpose"] == "To update the panel."
    text = json.dumps(data)
    assert CLOSED_LATER in text and "EDITED-AFTERWARDS" not in text
    csv = Client().get(reverse("publication_csv", args=args)).content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "Area,Item,RAG,Status" and "Report back on the estates strategy" in csv
    feed = Client().get(reverse("publication_feed", args=[home.slug]))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert publication.get_absolute_url() in feed.content.decode()


def test_a_published_page_is_served_like_a_file_to_readers_not_signed_in(
    home, quarter, published_item, django_assert_max_num_queries
):
    _, publication = published_item
    reader = Client()
    first = reader.get(publication.get_absolute_url())
    assert (
        first.status_code == 200
        and "public" in first["Cache-Control"]
        and "max-age=3600" in first["Cache-Control"]
    )
    etag, modified = first["ETag"], first["Last-Modified"]
    with django_assert_max_num_queries(1):  # the period's versions, nothing else
        again = reader.get(publication.get_absolute_url())
    assert again.content == first.content and again["ETag"] == etag
    assert reader.get(publication.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert reader.get(publication.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # A correction changes what the first version's page says, and so its key.
    make_publication(home, quarter, correction_note="A corrected figure")
    corrected = reader.get(publication.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert corrected.status_code == 200 and corrected["ETag"] != etag
    assert "This version has been corrected" in corrected.content.decode()
    # Signed-in readers get the page made for them, not a shared copy.
    panel = Client()
    panel.force_login(make_user(Role.PANEL))
    assert "ETag" not in panel.get(publication.get_absolute_url())


def test_a_kept_page_is_served_compressed_whole_and_only_to_readers_alike(
    home, quarter, published_item, publisher_client, django_assert_max_num_queries
):
    _, publication = published_item
    url = publication.get_absolute_url()
    first = Client().get(url)
    with django_assert_max_num_queries(1):
        compressed = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed["Content-Encoding"] == "gzip" and "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == first.content
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(first.content)
    # The compressed copy's tag is weak, and still names the page to a browser revalidating.
    assert compressed["ETag"] == "W/" + first["ETag"]
    revalidated = Client().get(url, HTTP_IF_NONE_MATCH=compressed["ETag"], HTTP_ACCEPT_ENCODING="gzip")
    assert revalidated.status_code == 304 and not revalidated.content
    assert revalidated["ETag"] == compressed["ETag"] and "max-age=3600" in revalidated["Cache-Control"]
    # Every header the full response had, the kept copy has too (the security ones above all).
    for header in ("Content-Security-Policy", "X-Frame-Options", "Cache-Control", "Last-Modified"):
        assert compressed[header] == first[header], header
    assert not compressed.cookies
    # A reader with a query string, or with a session, gets the page made by the view.
    assert Client().get(url + "?print=1")["ETag"] == first["ETag"]
    assert "Content-Encoding" not in Client().get(url + "?print=1", HTTP_ACCEPT_ENCODING="gzip")
    staff_page = publisher_client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in staff_page and "ETag" not in staff_page
    # A withdrawal is seen at once: the kept copy is not served again.
    assert (
        publisher_client.post(
            reverse("publication_withdraw", args=[home.slug, quarter.slug, publication.version]),
            {"reason": "Withdrawn while kept."},
        ).status_code
        == 302
    )
    gone = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert gone.status_code == 410 and "Withdrawn while kept." in gone.content.decode()


def test_the_open_data_of_a_publication_is_kept_like_its_page(
    home, quarter, published_item, django_assert_max_num_queries
):
    _, publication = published_item
    for name in ("publication_json", "publication_csv"):
        url = reverse(name, args=[home.slug, quarter.slug, publication.version])
        first = Client().get(url)
        with django_assert_max_num_queries(1):
            again = Client().get(url)
        assert again.status_code == 200 and again.content == first.content
        assert again["Content-Disposition"] == first["Content-Disposition"]


@pytest.mark.parametrize(
    "written", ["2016-12-07", "7/12/2016", "07/12/2016", "7 December 2016", "7 Dec 2016"]
)
def test_the_meeting_date_is_read_as_people_write_it(publisher_client, home, quarter, written):
    url = reverse("cover_report", args=[home.slug, quarter.slug])
    data = {
        "title": "Assurance and performance",
        "meeting_name": "Police and Crime Panel",
        "meeting_date": written,
    }
    data["purpose"] = "To update the panel."
    data |= {"recommendation": "To note the report.", "report_of": "Chief Executive"}
    response = publisher_client.post(url, data)
    assert response.status_code == 302, (
        response.status_code,
        response.context and response.context["form"].errors,
    )
    assert CoverReport.objects.get(period=quarter).meeting_date == datetime.date(2016, 12, 7)


def test_a_meeting_date_that_is_no_date_says_how_to_write_one(publisher_client, home, quarter):
    url = reverse("cover_report", args=[home.slug, quarter.slug])
    response = publisher_client.post(url, {"title": "Assurance", "meeting_date": "7th of Dec"})
    assert "Enter the date as 7/12/2016 or 7 December 2016" in response.content.decode()
    assert not CoverReport.objects.exists()


def test_what_is_gone_since_published_is_read_in_two_queries_whatever_the_kinds_of_record(
    home, quarter, published_item, django_assert_num_queries
):
    from assurance.publishing import gone_since_published
    from assurance.writes import record_delete, record_update
    from meetings.models import Action

    item, publication = published_item
    action = Action.objects.get(item=item)
    action_pk = action.pk
    record_delete(instance=action, loaded_version=action.version, by=None)
    item.visibility = Visibility.RESTRICTED
    record_update(instance=item, loaded_version=item.version, by=None)
    with django_assert_num_queries(2):
        gone = gone_since_published(publication, with_records=False)
    assert sorted((g["what"], g["ref"], g["change"]) for g in gone) == [
        ("action", action_pk, "deleted"),
        ("agenda item", item.pk, "restricted"),
    ]
    # The withdraw page names the restricted records: read only for it.
    named = gone_since_published(publication)
    assert [g["record"] for g in named if g["change"] == "restricted"] == [item]
