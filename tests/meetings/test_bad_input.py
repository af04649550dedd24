"""Bad input is a clear error on the field and saves nothing; stale edits are refused."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import Action, AgendaItem, Meeting, OversightBody
from tests.factories import make_period
from tests.meetings.factories import make_body, make_commitment, make_item, make_meeting, make_plan

pytestmark = pytest.mark.django_db


def test_a_meeting_dated_outside_any_period_is_refused(editor_client):
    body = make_body()
    make_period(2016, 1)
    response = editor_client.post(
        reverse("meetings:meeting_create", args=[body.pk]), {"date": "2099-05-01", "status": "held"}
    )
    assert response.status_code == 200
    assert "No reporting period covers 1 May 2099" in response.content.decode()
    assert not Meeting.objects.exists()


def test_an_action_due_before_its_meeting_is_refused(editor_client):
    item = make_item(make_meeting(date=datetime.date(2016, 10, 12)))
    response = editor_client.post(
        reverse("meetings:action_create", args=[item.pk]),
        {
            "description": "x",
            "owner_role": "DCC",
            "due_date": "2016-09-01",
            "status": "open",
            "visibility": "public",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_due_date"' in page and "on or after the meeting (12 October 2016)" in page
    assert not Action.objects.exists()


def test_an_agenda_item_pointing_at_another_plans_commitment_is_refused(editor_client):
    meeting = make_meeting()
    make_plan(owner=meeting.body.owner)
    foreign = make_commitment(make_plan(), ref="9.9")
    response = editor_client.post(
        reverse("meetings:item_create", args=[meeting.pk]),
        {"number": 1, "title": "Item", "kind": "P", "visibility": "public", "commitments": [foreign.pk]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "belongs to another plan" in page and "govuk-error-summary" in page
    assert not AgendaItem.objects.exists()


def test_a_commitment_of_the_bodys_own_plan_is_accepted(editor_client):
    meeting = make_meeting()
    own = make_commitment(make_plan(owner=meeting.body.owner), ref="2.2")
    response = editor_client.post(
        reverse("meetings:item_create", args=[meeting.pk]),
        {"number": 1, "title": "Item", "kind": "P", "visibility": "public", "commitments": [own.pk]},
    )
    assert response.status_code == 302
    assert list(AgendaItem.objects.get().commitments.all()) == [own]


def test_closing_an_action_needs_a_date_and_a_note(editor_client):
    from tests.meetings.factories import make_action

    action = make_action()
    response = editor_client.post(
        reverse("meetings:action_update", args=[action.pk]),
        {
            "description": action.description,
            "owner_role": "DCC",
            "due_date": action.due_date.isoformat(),
            "status": "closed",
            "visibility": "public",
            "loaded_version": action.version,
        },
    )
    page = response.content.decode()
    assert "Give the date the action was closed" in page and "Say how the action was completed" in page
    action.refresh_from_db()
    assert action.status == "open"


def test_a_stale_edit_of_a_meeting_is_refused(editor_client):
    meeting = make_meeting(summary="Original")
    data = {"date": meeting.date.isoformat(), "status": "held", "loaded_version": meeting.version}
    url = reverse("meetings:meeting_update", args=[meeting.pk])
    assert editor_client.post(url, data | {"summary": "First"}).status_code == 302
    response = editor_client.post(url, data | {"summary": "Second"})
    assert response.status_code == 409
    meeting.refresh_from_db()
    assert meeting.summary == "First"


def test_a_second_meeting_of_a_body_on_the_same_date_is_refused(editor_client):
    meeting = make_meeting(date=datetime.date(2016, 10, 12))
    response = editor_client.post(
        reverse("meetings:meeting_create", args=[meeting.body.pk]), {"date": "2016-10-12", "status": "held"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_date"' in page and "already has a meeting on 12 October 2016" in page
    assert Meeting.objects.count() == 1


def test_another_body_may_meet_on_the_same_date(editor_client):
    meeting = make_meeting(date=datetime.date(2016, 10, 12))
    other = make_body(owner=meeting.body.owner)
    response = editor_client.post(
        reverse("meetings:meeting_create", args=[other.pk]), {"date": "2016-10-12", "status": "held"}
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(date=datetime.date(2016, 10, 12)).count() == 2


def test_moving_a_meeting_onto_another_meetings_date_is_refused_but_keeping_its_own_is_not(editor_client):
    body = make_body()
    make_meeting(body, datetime.date(2016, 10, 12))
    november = make_meeting(body, datetime.date(2016, 11, 9))
    url = reverse("meetings:meeting_update", args=[november.pk])
    data = {"status": "held", "loaded_version": november.version}
    response = editor_client.post(url, data | {"date": "2016-10-12"})
    assert response.status_code == 200
    assert "already has a meeting on 12 October 2016" in response.content.decode()
    assert editor_client.post(url, data | {"date": "2016-11-09", "summary": "Kept"}).status_code == 302
    november.refresh_from_db()
    assert (november.date, november.summary) == (datetime.date(2016, 11, 9), "Kept")


@pytest.mark.parametrize(
    "name", ["Victims Board", "victims board", "  VICTIMS Board ", "corporate governance board "]
)
def test_a_second_body_of_the_same_name_in_other_capitals_or_spaces_is_refused(editor_client, name):
    body = make_body(name="Victims Board")
    make_body(owner=body.owner, name="Corporate Governance Board")
    response = editor_client.post(
        reverse("meetings:create"), {"owner": body.owner.pk, "name": name, "frequency": "quarterly"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_name"' in page and "already has a body called" in page
    assert "already exists" not in page
    assert OversightBody.objects.count() == 2


def test_a_body_name_is_saved_without_spaces_at_its_ends(editor_client):
    owner = make_body(name="Victims Board").owner
    response = editor_client.post(
        reverse("meetings:create"), {"owner": owner.pk, "name": "  Estates Board ", "frequency": "quarterly"}
    )
    assert response.status_code == 302
    assert OversightBody.objects.filter(name="Estates Board").exists()


def test_a_body_keeps_its_name_in_new_capitals_and_another_owner_may_use_it(editor_client):
    body = make_body(name="Victims Board")
    data = {"owner": body.owner.pk, "name": "Victims board", "frequency": "quarterly"}
    response = editor_client.post(
        reverse("meetings:update", args=[body.pk]), data | {"loaded_version": body.version}
    )
    assert response.status_code == 302
    other = make_body(name="Other").owner
    assert editor_client.post(reverse("meetings:create"), data | {"owner": other.pk}).status_code == 302


def test_the_database_refuses_a_body_name_differing_only_in_capitals():
    from django.db import IntegrityError, transaction

    body = make_body(name="Victims Board")
    with pytest.raises(IntegrityError), transaction.atomic():
        OversightBody.objects.create(owner=body.owner, name="VICTIMS BOARD")


def test_unique_constraints_have_written_messages():
    from django.core.exceptions import ValidationError

    body = make_body(name="Victims Board")
    meeting = make_meeting(body, datetime.date(2016, 10, 12))
    for duplicate, words in (
        (OversightBody(owner=body.owner, name="victims board"), "already has a body with this name"),
        (Meeting(body=body, date=meeting.date), "already has a meeting on this date"),
    ):
        with pytest.raises(ValidationError) as refused:
            duplicate.validate_constraints()
        assert words in str(refused.value) and "already exists" not in str(refused.value)
