"""The action tracker: "Open" means still to do (open or in progress), and what is still to do
is listed before what is closed."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import Action
from tests.meetings.factories import make_action, make_body, make_item, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracker():
    body = make_body()
    item = make_item(make_meeting(body, datetime.date(2016, 10, 12)))
    due = datetime.date(2016, 11, 1)
    make_action(
        item,
        description="Closed soonest",
        status=Action.Status.CLOSED,
        due_date=due,
        closed_on=datetime.date(2016, 10, 20),
        closing_note="Done",
    )
    make_action(
        item,
        description="In progress later",
        status=Action.Status.IN_PROGRESS,
        due_date=due + datetime.timedelta(days=20),
    )
    make_action(item, description="Open latest", due_date=due + datetime.timedelta(days=40))
    return body


def listed(client, body, **filters) -> list[str]:
    response = client.get(reverse("meetings:actions"), {"organisation": body.owner.slug} | filters)
    assert response.status_code == 200
    return [a.description for a in response.context["object_list"]]


def test_open_actions_are_listed_before_closed_ones_soonest_due_first(editor_client, tracker):
    assert listed(editor_client, tracker) == ["In progress later", "Open latest", "Closed soonest"]


def test_the_open_filter_includes_actions_in_progress(editor_client, tracker):
    assert listed(editor_client, tracker, status="open") == ["In progress later", "Open latest"]
    assert listed(editor_client, tracker, status="in_progress") == ["In progress later"]
    assert listed(editor_client, tracker, status="closed") == ["Closed soonest"]
