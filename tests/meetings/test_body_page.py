"""A body's page lists the first commitments it oversees, with how many there are and a link to
their coverage, and its meetings newest first, paged with the shared pagination: a body meets
for years, and its page stays the same size."""

import datetime
import re

import pytest
from django.urls import reverse

from assurance.summaries import SHOWN
from meetings.views import MEETINGS_A_PAGE
from tests.meetings import factories

pytestmark = pytest.mark.django_db


def test_the_first_commitments_overseen_are_listed_with_a_link_to_all_of_them(editor_client):
    body = factories.make_body(name="Performance Board")
    factories.make_meeting(body, datetime.date(2016, 10, 12))  # the quarter its coverage shows
    plan = factories.make_plan(owner=body.owner)
    commitments = [factories.make_commitment(plan, f"1.{i}") for i in range(1, SHOWN + 6)]
    body.commitments.add(*commitments)
    response = editor_client.get(reverse("meetings:detail", args=[body.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    listed = re.findall(r'href="/delivery-plan/commitments/\d+/">(1\.\d+)</a>', page)
    assert listed == [c.ref for c in commitments[:SHOWN]]  # in plan order: 1.2 before 1.10
    assert f"The first {SHOWN} of {SHOWN + 5} commitments this body oversees are listed here" in page
    link = re.search(r'href="([^"]*coverage/commitments/[^"]*)">see their coverage', page).group(1)
    full = editor_client.get(link.replace("&amp;", "&"))
    assert full.status_code == 200
    assert [row["ref"] for row in full.context["rows"]] == [c.ref for c in commitments]


def test_a_few_commitments_are_listed_whole_with_no_count(editor_client):
    body = factories.make_body()
    commitment = factories.make_commitment(factories.make_plan(owner=body.owner), "2.1")
    body.commitments.add(commitment)
    page = editor_client.get(reverse("meetings:detail", args=[body.pk])).content.decode()
    assert ">2.1</a>" in page and "are listed here" not in page


def test_the_meetings_are_paged_newest_first(editor_client):
    body = factories.make_body()
    first_day = datetime.date(2014, 4, 1)
    days = [first_day + datetime.timedelta(days=7 * i) for i in range(MEETINGS_A_PAGE + 3)]
    for day in days:
        factories.make_meeting(body, day)
    url = reverse("meetings:detail", args=[body.pk])
    first = editor_client.get(url)
    newest = sorted(days, reverse=True)
    assert [m["date"] for m in first.context["page_obj"]] == newest[:MEETINGS_A_PAGE]
    page = first.content.decode()
    assert 'class="govuk-pagination"' in page and 'rel="next"' in page
    newest_meeting = body.meetings.order_by("-date").first()
    assert f'<a class="govuk-link" href="{newest_meeting.get_absolute_url()}">' in page
    assert ">31 Mar 2015</a>" in page  # dates as the lists write them
    second = editor_client.get(url, {"page": 2})
    assert [m["date"] for m in second.context["page_obj"]] == newest[MEETINGS_A_PAGE:]
    # A page past the last shows the last, as the lists do.
    assert editor_client.get(url, {"page": 99}).status_code == 200
