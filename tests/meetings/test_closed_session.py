"""Closed-session business never reaches a panel member, an anonymous visitor or a snapshot
built without restricted records."""

import datetime
import json
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from assurance.models import Visibility
from assurance.registry import Scope
from assurance.writes import unaudited
from meetings.dashboard import snapshot
from meetings.models import Action
from tests.factories import make_period
from tests.meetings.factories import make_action, make_item, make_meeting

pytestmark = pytest.mark.django_db
MARKER = "CLOSED-SESSION-MARKER"


@pytest.fixture
def closed_business():
    meeting = make_meeting(date=datetime.date(2016, 10, 11))
    item = make_item(meeting, closed=True, title=f"{MARKER} item", outcome=f"{MARKER} outcome")
    action = make_action(item, description=f"{MARKER} action", due_date=datetime.date(2016, 11, 1))
    later = make_meeting(meeting.body, datetime.date(2016, 12, 6))
    return meeting, item, action, later


def test_the_database_refuses_a_public_action_at_a_closed_item(closed_business):
    _, item, _, _ = closed_business
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            item=item,
            description="leak",
            owner_role="x",
            due_date=datetime.date(2016, 12, 1),
            visibility=Visibility.PUBLIC,
        )
    with pytest.raises(IntegrityError), transaction.atomic(), unaudited():
        Action.objects.filter(item=item).update(visibility=Visibility.PUBLIC)


def _action_data(action, **changes) -> dict:
    data = {
        "description": action.description,
        "owner_role": action.owner_role,
        "due_date": action.due_date.isoformat(),
        "status": action.status,
        "closed_on": "",
        "closing_note": "",
        "loaded_version": action.version,
    }
    return data | changes


def test_a_closed_part_action_shows_its_visibility_as_fixed_with_the_reason(editor_client, closed_business):
    _, item, action, _ = closed_business
    for url in (
        reverse("meetings:action_create", args=[item.pk]),
        reverse("meetings:action_update", args=[action.pk]),
    ):
        page = editor_client.get(url).content.decode()
        hint = "An action raised in the closed part of a meeting is restricted: it is never published."
        assert hint in page
        radios = re.findall(r'<input type="radio" name="visibility"[^>]*>', page)
        assert len(radios) == 2 and all("disabled" in radio for radio in radios)
        assert any('value="restricted"' in radio and "checked" in radio for radio in radios)


def test_making_a_closed_part_action_public_is_a_field_error_saving_nothing(editor_client, closed_business):
    _, item, action, _ = closed_business
    response = editor_client.post(
        reverse("meetings:action_update", args=[action.pk]),
        _action_data(action, description="Changed", visibility="public"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_visibility_0"' in page
    assert "An action raised in the closed part of a meeting is restricted." in page
    assert "saved" not in page
    action.refresh_from_db()
    assert (action.description, action.visibility) == (f"{MARKER} action", Visibility.RESTRICTED)

    added = editor_client.post(
        reverse("meetings:action_create", args=[item.pk]),
        _action_data(action, description="New", visibility="public", loaded_version=""),
    )
    assert added.status_code == 200 and 'href="#id_visibility_0"' in added.content.decode()
    assert not Action.objects.filter(description="New").exists()


def test_a_closed_part_action_saves_restricted_when_visibility_is_not_sent(editor_client, closed_business):
    # A disabled field is not sent by the browser.
    _, item, action, _ = closed_business
    response = editor_client.post(
        reverse("meetings:action_update", args=[action.pk]), _action_data(action, description="Changed")
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.visibility) == ("Changed", Visibility.RESTRICTED)


def test_moving_an_item_into_the_closed_part_restricts_its_actions(editor_client):
    item = make_item()
    action = make_action(item)
    response = editor_client.post(
        reverse("meetings:item_update", args=[item.pk]),
        {
            "number": 1,
            "title": item.title,
            "kind": "P",
            "visibility": "restricted",
            "loaded_version": item.version,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.visibility == Visibility.RESTRICTED


@pytest.mark.parametrize("persona", ["panel", "anonymous", "outsider"])
def test_no_meetings_page_shows_closed_business_to_non_staff(persona, persona_client, closed_business):
    meeting, item, action, later = closed_business
    client = persona_client(persona)
    for url in [
        meeting.get_absolute_url(),
        later.get_absolute_url(),
        action.get_absolute_url(),
        reverse("meetings:actions"),
        reverse("meetings:summary"),
        reverse("meetings:coverage"),
        reverse("meetings:detail", args=[meeting.body.pk]),
    ]:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert MARKER not in response.content.decode()


def test_staff_see_closed_business_marked_as_restricted(editor_client, closed_business):
    meeting, _, _, later = closed_business
    page = editor_client.get(meeting.get_absolute_url()).content.decode()
    assert f"{MARKER} item" in page and "Closed-session business" in page
    assert f"{MARKER} action" in editor_client.get(later.get_absolute_url()).content.decode()


def test_the_snapshot_leaves_out_closed_items_and_their_actions(closed_business):
    meeting, _, _, _ = closed_business
    make_action(
        make_item(meeting, title="Open item"), description="Open action", due_date=datetime.date(2016, 11, 1)
    )
    scope = Scope(organisation=meeting.body.owner, period=make_period(2016, 3))
    public = json.dumps(snapshot(scope=scope))
    assert MARKER not in public
    assert "Open item" in public and "Open action" in public
    staff = json.dumps(
        snapshot(scope=Scope(organisation=meeting.body.owner, period=scope.period, include_restricted=True))
    )
    assert f"{MARKER} item" in staff and f"{MARKER} action" in staff
