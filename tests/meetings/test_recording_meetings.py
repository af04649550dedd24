"""An editor records meetings, items and actions in the browser; open actions carry forward."""

import datetime

import pytest
from django.urls import reverse

from assurance.models import Visibility
from meetings.models import Action, AgendaItem, Meeting
from tests.factories import make_period
from tests.meetings import factories

pytestmark = pytest.mark.django_db


def test_an_editor_records_a_meeting_with_open_and_closed_items_and_actions(editor_client):
    make_period(2016, 2)
    body = factories.make_body(name="Corporate Governance Board")
    plan = factories.make_plan(owner=body.owner)
    commitment = factories.make_commitment(plan, ref="3.1")

    response = editor_client.post(
        reverse("meetings:meeting_create", args=[body.pk]),
        {"date": "2016-08-09", "status": "held", "summary": "Finance reviewed."},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(body=body)

    for title, part in [("Capital programme", "public"), ("Sensitive matter", "restricted")]:
        response = editor_client.post(
            reverse("meetings:item_create", args=[meeting.pk]),
            {"number": 1, "title": title, "kind": "P", "visibility": part, "commitments": [commitment.pk]},
        )
        assert response.status_code == 302, response.content.decode()
    closed_item = AgendaItem.objects.get(title="Sensitive matter")
    assert closed_item.is_restricted

    response = editor_client.post(
        reverse("meetings:action_create", args=[closed_item.pk]),
        {
            "description": "Report back in closed session",
            "owner_role": "ACC",
            "due_date": "2016-10-11",
            "status": "open",
            # No visibility: the field is disabled for the closed part, so the browser sends none.
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.visibility == Visibility.RESTRICTED

    page = editor_client.get(meeting.get_absolute_url()).content.decode()
    assert "Agenda: open part" in page and "Agenda: closed part" in page
    assert "Capital programme" in page and "Sensitive matter" in page
    assert "Report back in closed session" in page


def test_an_open_action_is_carried_to_every_later_meeting_until_closed(editor_client):
    body = factories.make_body()
    august = factories.make_meeting(body, datetime.date(2016, 8, 9))
    october = factories.make_meeting(body, datetime.date(2016, 10, 11))
    december = factories.make_meeting(body, datetime.date(2016, 12, 6))
    factories.make_action(factories.make_item(august), description="Savings profile by year")
    closed = factories.make_action(
        factories.make_item(august),
        description="Benchmark against similar forces",
        status="closed",
        closed_on=datetime.date(2016, 11, 1),
        closing_note="Done",
    )

    october_page = editor_client.get(october.get_absolute_url()).content.decode()
    december_page = editor_client.get(december.get_absolute_url()).content.decode()
    assert "Savings profile by year" in october_page and "Savings profile by year" in december_page
    assert closed.description in october_page
    assert closed.description not in december_page


def test_a_deferred_item_is_offered_at_the_next_meeting_and_taken_up(editor_client):
    body = factories.make_body()
    june = factories.make_meeting(body, datetime.date(2016, 6, 21))
    july = factories.make_meeting(body, datetime.date(2016, 7, 19))
    deferred = factories.make_item(june, title="Cyber crime", deferred=True)

    page = editor_client.get(july.get_absolute_url()).content.decode()
    assert "Deferred from earlier meetings" in page and "Cyber crime" in page
    url = reverse("meetings:item_take_up", args=[july.pk, deferred.pk])
    assert editor_client.post(url).status_code == 302
    taken = AgendaItem.objects.get(meeting=july)
    assert (taken.title, taken.deferred_from) == ("Cyber crime", deferred)
    assert "Deferred from earlier meetings" not in editor_client.get(july.get_absolute_url()).content.decode()


@pytest.mark.parametrize("persona", ["editor", "publisher", "administrator"])
def test_each_staff_role_can_take_up_a_deferred_item(persona, persona_client):
    body = factories.make_body()
    deferred = factories.make_item(factories.make_meeting(body, datetime.date(2016, 6, 21)), deferred=True)
    later = factories.make_meeting(body, datetime.date(2016, 7, 19))
    response = persona_client(persona).post(reverse("meetings:item_take_up", args=[later.pk, deferred.pk]))
    assert response.status_code == 302
    assert later.items.count() == 1


@pytest.mark.parametrize(("persona", "status"), [("panel", 403), ("anonymous", 302)])
def test_panel_and_anonymous_cannot_take_up_an_item(persona, status, persona_client):
    body = factories.make_body()
    deferred = factories.make_item(factories.make_meeting(body, datetime.date(2016, 6, 21)), deferred=True)
    later = factories.make_meeting(body, datetime.date(2016, 7, 19))
    response = persona_client(persona).post(reverse("meetings:item_take_up", args=[later.pk, deferred.pk]))
    assert response.status_code == status
    assert later.items.count() == 0


def test_the_tracker_filters_overdue_actions(editor_client):
    item = factories.make_item(factories.make_meeting(date=datetime.date(2016, 10, 12)))
    factories.make_action(item, description="Long overdue action", due_date=datetime.date(2016, 11, 1))
    factories.make_action(
        item, description="Future action", due_date=datetime.date.today() + datetime.timedelta(days=30)
    )
    page = editor_client.get(reverse("meetings:actions") + "?overdue=yes").content.decode()
    assert "Long overdue action" in page and "Future action" not in page
    assert "Overdue" in page


def test_the_summary_lays_out_a_year_as_appendix_b(editor_client):
    body = factories.make_body(name="Monthly Holding to Account", holds_to_account=True)
    plan = factories.make_plan(owner=body.owner)
    factories.make_meeting(body, datetime.date(2016, 8, 1), status="no_meeting")
    september = factories.make_meeting(body, datetime.date(2016, 9, 29), ad_hoc=True)
    factories.make_item(
        september,
        title="Child Sexual Exploitation",
        kind="other",
        commitments=[factories.make_commitment(plan, "1.2")],
    )
    page = editor_client.get(reverse("meetings:summary") + f"?body={body.pk}&year=2016").content.decode()
    assert "No meeting that month" in page
    assert "Child Sexual Exploitation" in page and "Ad hoc meeting" in page and "1.2" in page


def test_moving_an_item_into_the_closed_part_restricts_its_actions_with_history(editor_client, editor):
    item = factories.make_item(title="Estates review")
    action = factories.make_action(item, description="Report the sale")
    version = action.version
    response = editor_client.post(
        reverse("meetings:item_update", args=[item.pk]),
        {
            "number": item.number,
            "title": item.title,
            "kind": item.kind,
            "visibility": "restricted",
            "loaded_version": item.version,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.visibility == Visibility.RESTRICTED
    # A new version, so an edit form opened before the move is refused as stale.
    assert action.version == version + 1
    latest = action.history.latest()
    assert latest.history_user == editor and latest.visibility == Visibility.RESTRICTED
    page = editor_client.get(action.get_history_url()).content.decode()
    assert "Performance Officer" in page and "moved into the closed part" in page


def test_the_demo_gives_every_set_of_a_busy_quarter_its_own_meeting_days_at_a_large_scale():
    """Fifty sets of a body meeting six times from January to March need more days than the
    quarter holds: the later sets take days elsewhere in the financial year."""
    import datetime

    from meetings.demo import _set_dates

    days = [datetime.date(2017, 1, 3) + datetime.timedelta(weeks=2 * n) for n in range(6)]
    fifty = _set_dates(days, range(1, 51))
    assert len(set(fifty.values())) == len(fifty) == 300  # a body meets once a day
    assert all(datetime.date(2016, 4, 1) <= day <= datetime.date(2017, 3, 31) for day in fifty.values())
    ten = _set_dates(days, range(1, 11))
    assert all(fifty[key] == day for key, day in ten.items())  # a smaller scale: the same days
    assert all(day.year == 2017 and day.month <= 3 for day in ten.values())
