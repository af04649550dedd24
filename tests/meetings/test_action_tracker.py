"""The action tracker: "Open" means still to do (open or in progress), and what is still to do
is listed before what is closed; its rows are made once for the page (no URL reversed a row),
and its body filter offers only the organisation's bodies."""

import datetime
from unittest import mock

import pytest
from django.urls import URLResolver, reverse

from meetings.models import Action
from tests.meetings.factories import (
    make_action,
    make_body,
    make_commitment,
    make_item,
    make_meeting,
    make_plan,
)

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
    return [a["description"] for a in response.context["object_list"]]


def test_open_actions_are_listed_before_closed_ones_soonest_due_first(editor_client, tracker):
    assert listed(editor_client, tracker) == ["In progress later", "Open latest", "Closed soonest"]


def test_the_open_filter_includes_actions_in_progress(editor_client, tracker):
    assert listed(editor_client, tracker, status="open") == ["In progress later", "Open latest"]
    assert listed(editor_client, tracker, status="in_progress") == ["In progress later"]
    assert listed(editor_client, tracker, status="closed") == ["Closed soonest"]


def reversals(client, url, query) -> int:
    """How many URLs the page reverses."""
    original = URLResolver._reverse_with_prefix
    with mock.patch.object(URLResolver, "_reverse_with_prefix", autospec=True, side_effect=original) as spy:
        assert client.get(url, query).status_code == 200
    return spy.call_count


@pytest.mark.parametrize("name", ["meetings:actions", "meetings:coverage_list"])
def test_a_longer_page_reverses_no_more_urls(editor_client, name):
    body = make_body()
    plan = make_plan(owner=body.owner)
    meeting = make_meeting(body, datetime.date(2016, 10, 12))

    def grow(n):
        for _ in range(n):
            commitment = make_commitment(plan)
            body.commitments.add(commitment)
            make_action(make_item(meeting, commitments=[commitment]))

    grow(2)
    query = {"organisation": body.owner.slug, "period": "2016-17-q3"}
    editor_client.get(reverse(name), query)
    few = reversals(editor_client, reverse(name), query)
    grow(40)
    assert reversals(editor_client, reverse(name), query) == few


def test_a_row_says_where_and_when_the_action_was_agreed_and_whether_it_is_overdue(editor_client):
    body = make_body(name="Victims Board")
    meeting = make_meeting(body, datetime.date(2016, 10, 12))
    action = make_action(
        make_item(meeting, closed=True),
        description="Report on repeat victims",
        status=Action.Status.IN_PROGRESS,
        due_date=datetime.date(2016, 11, 1),
    )
    page = editor_client.get(reverse("meetings:actions"), {"organisation": body.owner.slug}).content.decode()
    assert (
        f'<a class="govuk-link" href="{action.get_absolute_url()}">Report on repeat victims</a> '
        '<strong class="govuk-tag govuk-tag--red">Restricted</strong>'
    ) in page
    assert f'<a class="govuk-link" href="{meeting.get_absolute_url()}">Victims Board, 12 Oct 2016</a>' in page
    assert '1 Nov 2016 <strong class="govuk-tag govuk-tag--red">Overdue</strong>' in page
    assert ">In progress</td>" in page


def test_the_body_filter_offers_only_the_organisation_s_bodies(editor_client):
    own = make_body(name="Victims Board")
    shared = make_body(name="Alliance Governance Group")
    shared.organisations.add(own.owner)
    elsewhere = make_body(name="Another office's board")
    response = editor_client.get(reverse("meetings:actions"), {"organisation": own.owner.slug})
    choices = response.context["filter"].form.fields["body"].choices
    assert choices == [("", "Any"), (str(shared.pk), shared.name), (str(own.pk), own.name)]
    refused = editor_client.get(
        reverse("meetings:actions"), {"organisation": own.owner.slug, "body": elsewhere.pk}
    )
    assert refused.status_code == 400 and "Another office" not in refused.content.decode()
