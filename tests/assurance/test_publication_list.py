"""The list of published dashboards: one organisation at a time, newest first, paged, and the
same queries however many offices publish."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assurance import published_views
from tests.factories import make_organisation, make_period
from tests.publishing_factories import make_publication

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return make_organisation(name="Office of the PCC for Listshire", is_home=True, kind="opcc")


@pytest.fixture
def quarter():
    return make_period(2016, 3)


def listing(client, **query) -> str:
    response = client.get(reverse("publication_list"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_the_home_office_and_offers_the_others(home, quarter):
    ours = make_publication(home, quarter)
    other = make_organisation(name="Office of the PCC for Elsewhere", kind="opcc")
    theirs = make_publication(other, quarter)
    page = listing(Client())
    assert ours.get_absolute_url() in page and theirs.get_absolute_url() not in page
    assert f'<option value="{other.slug}">' in page
    chosen = listing(Client(), organisation=other.slug)
    assert theirs.get_absolute_url() in chosen and ours.get_absolute_url() not in chosen
    assert "Published dashboards of Office of the PCC for Elsewhere" in chosen


def test_an_organisation_with_nothing_to_read_is_said_so(home, quarter):
    ours = make_publication(home, quarter)
    page = listing(Client(), organisation="no-such-office")
    assert "There are no published dashboards of that organisation to read" in page
    assert ours.get_absolute_url() in page


def test_the_list_pages_newest_first(home, quarter, monkeypatch):
    monkeypatch.setattr(published_views, "PUBLICATIONS_A_PAGE", 2)
    made = [make_publication(home, make_period(2016, q)) for q in (1, 2, 3)]
    first, second = listing(Client()), listing(Client(), page=2)
    assert made[2].get_absolute_url() in first and made[1].get_absolute_url() in first
    assert made[0].get_absolute_url() not in first and made[0].get_absolute_url() in second
    assert "page 1 of 2" in first and 'rel="next"' in first


def test_the_list_runs_the_same_queries_however_many_offices_publish(home, quarter):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            listing(Client())
        return len(captured)

    make_publication(home, quarter)
    make_publication(make_organisation(name="Office of the PCC for One", kind="opcc"), quarter)
    small = queries()
    for n in range(5):
        make_publication(make_organisation(name=f"Office of the PCC for More {n}", kind="opcc"), quarter)
    assert queries() == small
