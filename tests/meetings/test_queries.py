"""Meeting pages, the tracker, the coverage page and the lists run a number of queries that
does not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.meetings import factories

pytestmark = pytest.mark.django_db


def grow(body, plan, n, start):
    for i in range(n):
        meeting = factories.make_meeting(body, start + datetime.timedelta(days=i))
        commitment = factories.make_commitment(plan, ref=f"{start.toordinal()}.{i}")
        factories.schedule(commitment)
        item = factories.make_item(meeting, commitments=[commitment])
        factories.make_item(meeting, closed=True, deferred=True)
        action = factories.make_action(item)
        action.updates.create(date=action.due_date, text="update")


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name", ["list", "actions", "coverage", "coverage_list", "summary", "detail", "meeting_detail"]
)
def test_pages_run_the_same_number_of_queries_at_two_sizes(name, editor_client):
    body = factories.make_body(holds_to_account=True)
    plan = factories.make_plan(owner=body.owner)
    grow(body, plan, 2, datetime.date(2016, 10, 1))
    target = factories.make_meeting(body, datetime.date(2016, 12, 20))
    factories.make_action(factories.make_item(target))
    urls = {
        "detail": lambda: reverse("meetings:detail", args=[body.pk]),
        "meeting_detail": target.get_absolute_url,
        "coverage": lambda: (
            reverse("meetings:coverage") + f"?organisation={body.owner.slug}&period=2016-17-q3"
        ),
        "coverage_list": lambda: (
            reverse("meetings:coverage_list") + f"?organisation={body.owner.slug}&period=2016-17-q3"
        ),
        "summary": lambda: reverse("meetings:summary") + f"?body={body.pk}&year=2016",
    }
    url = urls[name]() if name in urls else reverse(f"meetings:{name}")
    editor_client.get(url)  # warm caches such as the session and the user's roles
    small = count(editor_client, url)
    grow(body, plan, 8, datetime.date(2016, 11, 1))
    large = count(editor_client, url)
    assert small == large
