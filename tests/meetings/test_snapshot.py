"""The dashboard snapshot and the checks before publishing."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assurance.registry import Scope, get
from meetings.dashboard import checks, snapshot
from tests.factories import make_period
from tests.meetings import factories

pytestmark = pytest.mark.django_db


def build(n: int, body=None, plan=None, first_day: int = 1):
    body = body or factories.make_body()
    plan = plan or factories.make_plan(owner=body.owner)
    for i in range(n):
        meeting = factories.make_meeting(
            body, datetime.date(2016, 10, first_day) + datetime.timedelta(days=i)
        )
        commitment = factories.make_commitment(plan, ref=f"{first_day}.{i}")
        factories.schedule(commitment)
        item = factories.make_item(meeting, commitments=[commitment])
        factories.make_item(meeting, closed=True)
        factories.make_action(item, due_date=datetime.date(2016, 11, 1))
    return body, plan


def test_the_snapshot_reports_meetings_actions_and_coverage_gaps():
    body = factories.make_body(name="Monthly Holding to Account")
    plan = factories.make_plan(owner=body.owner)
    covered, gap = (
        factories.make_commitment(plan, "1.1"),
        factories.make_commitment(plan, "2.2", text="Reduce burglary"),
    )
    factories.schedule(covered), factories.schedule(gap)
    meeting = factories.make_meeting(body, datetime.date(2016, 10, 18))
    item = factories.make_item(meeting, title="Violent crime", kind="P", commitments=[covered])
    factories.make_action(item, description="Report the trend", due_date=datetime.date(2016, 11, 30))
    factories.make_action(
        item,
        description="Closed one",
        due_date=datetime.date(2016, 11, 1),
        status="closed",
        closed_on=datetime.date(2016, 11, 2),
        closing_note="Done",
    )
    data = snapshot(scope=Scope(organisation=body.owner, period=make_period(2016, 3)))
    json.dumps(data)
    assert data["meetings"][0]["body"] == "Monthly Holding to Account"
    assert data["meetings"][0]["items"][0] | {} == {
        "title": "Violent crime",
        "type": "P",
        "objectives": [],
        "refs": ["1.1"],
        "deferred": False,
        "closed": False,
    }
    assert (data["actions"]["open"], data["actions"]["overdue"]) == (1, 1)
    assert data["actions"]["list"][0]["description"] == "Report the trend"
    assert [g["ref"] for g in data["coverage"]["gaps"]] == ["2.2"]
    assert {i["status"] for i in data["items"]} == {"open", "closed"}
    assert all(i["key"].startswith("action:") for i in data["items"])

    messages = [f.message for f in checks(scope=Scope(organisation=body.owner, period=make_period(2016, 3)))]
    assert any("1 action is overdue" in m for m in messages)
    assert any("not covered by any meeting: 2.2" in m for m in messages)


def test_the_snapshot_runs_a_fixed_number_of_queries():
    body, plan = build(2)
    scope = Scope(organisation=body.owner, period=make_period(2016, 3), include_restricted=True)
    with CaptureQueriesContext(connection) as small:
        snapshot(scope=scope)
    build(6, body, plan, first_day=10)
    with CaptureQueriesContext(connection) as large:
        data = snapshot(scope=scope)
    assert len(data["meetings"]) == 8
    assert len(small) == len(large)


def test_the_area_is_registered_with_its_dashboard_contract():
    area = get("meetings")
    assert area.order == 30 and area.key == "meetings"
    assert area.section_template == "meetings/section.html"
