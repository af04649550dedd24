"""Oversight bodies name the delivery plan commitments they oversee: edited on the body,
shown on its page, linked in the demo from the plan's oversight column, and named for each
coverage gap."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from assurance.registry import Scope
from meetings.dashboard import snapshot
from meetings.demo import _oversight_links
from tests.factories import make_period
from tests.meetings.factories import (
    make_body,
    make_commitment,
    make_meeting,
    make_objective,
    make_plan,
    schedule,
)

pytestmark = pytest.mark.django_db


def body_data(body, **changes) -> dict:
    data = {
        "owner": body.owner.pk,
        "name": body.name,
        "frequency": body.frequency,
        "loaded_version": body.version,
    }
    return data | changes


def test_an_editor_links_a_body_to_its_owners_commitments_grouped_by_objective(editor_client):
    body = make_body(name="Victims Board")
    plan = make_plan(owner=body.owner, title="Safer Plan")
    victims = make_objective(plan, title="Putting victims first")
    secure = make_objective(plan, title="A more secure county")
    first = make_commitment(plan, "1.1", objective=victims, text="Support victims")
    make_commitment(plan, "2.1", objective=secure, text="Reduce burglary")

    form = editor_client.get(reverse("meetings:update", args=[body.pk])).content.decode()
    assert "Safer Plan: 1. Putting victims first</legend>" in form
    assert "Safer Plan: 2. A more secure county</legend>" in form
    assert 'id="id_commitments_0"' in form and 'id="id_commitments_1"' in form

    response = editor_client.post(
        reverse("meetings:update", args=[body.pk]), body_data(body, commitments=[first.pk])
    )
    assert response.status_code == 302
    assert list(body.commitments.all()) == [first]
    assert list(first.oversight_bodies.all()) == [body]
    page = editor_client.get(body.get_absolute_url()).content.decode()
    assert "Commitments overseen" in page and "Support victims" in page and "Reduce burglary" not in page
    history = editor_client.get(body.get_history_url()).content.decode()
    assert "Commitments overseen" in history


def test_a_commitment_of_another_organisations_plan_is_refused(editor_client):
    body = make_body()
    make_plan(owner=body.owner)
    foreign = make_commitment(make_plan(), "9.9")
    response = editor_client.post(
        reverse("meetings:update", args=[body.pk]), body_data(body, commitments=[foreign.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "belongs to another plan" in page and 'href="#id_commitments_0"' in page
    assert not body.commitments.exists()


def test_the_demo_links_each_commitment_to_every_body_its_oversight_text_names():
    owner = make_body().owner
    plan = make_plan(owner=owner)
    victims = make_commitment(plan, "1.1", oversight_mechanism="Victims' Board. KPI monitoring.")
    both = make_commitment(plan, "3.7", oversight_mechanism="AGG; Strategic Diversity Group")
    comms = make_commitment(plan, "3.6", oversight_mechanism="Improve Public Contact & Comms Programme Board")
    none = make_commitment(plan, "3.5", oversight_mechanism="Briefings")
    rows = [
        {"name": "Victims Board"},
        {"name": "Alliance Governance Group", "also_named": ["AGG"]},
        {"name": "Strategic Diversity Group"},
        {
            "name": "Improving Public Contact and Communications Board",
            "also_named": ["Improve Public Contact & Comms Programme Board"],
        },
    ]
    bodies = {row["name"]: make_body(owner, name=row["name"]) for row in rows}
    commitments = {c.ref: c for c in (victims, both, comms, none)}
    for _ in range(2):  # idempotent
        _oversight_links([(bodies[row["name"]], row) for row in rows], commitments)
    assert list(bodies["Victims Board"].commitments.all()) == [victims]
    assert {b.name for b in both.oversight_bodies.all()} == {
        "Alliance Governance Group",
        "Strategic Diversity Group",
    }
    assert list(comms.oversight_bodies.all()) == [bodies["Improving Public Contact and Communications Board"]]
    assert not none.oversight_bodies.exists()


def test_a_coverage_gap_names_the_bodies_that_should_have_covered_it(editor_client):
    body = make_body(name="Crime Reduction Board")
    plan = make_plan(owner=body.owner)
    gap = make_commitment(plan, "2.5", text="Reduce reoffending")
    schedule(gap)
    body.commitments.add(gap)
    make_body(name="Another OPCC's board").commitments.add(gap)
    make_meeting(body, datetime.date(2016, 10, 12))
    period = make_period(2016, 3)

    page = editor_client.get(
        reverse("meetings:coverage"), {"organisation": body.owner.slug, "period": period.slug}
    ).content.decode()
    assert "Overseen by" in page and "Crime Reduction Board" in page and "Another OPCC" not in page

    data = snapshot(scope=Scope(organisation=body.owner, period=period))
    assert data["coverage"]["gaps"][0]["bodies"] == ["Crime Reduction Board"]
    appendix = render_to_string("meetings/appendix.html", {"data": data, "pdf": True})
    assert "Overseen by" in appendix and "Crime Reduction Board" in appendix


def test_a_publication_frozen_before_gaps_named_bodies_renders_as_published():
    data = {
        "period": "2016/17 Q3",
        "as_at": "2016-12-31",
        "meetings": [],
        "actions": {"open": 0, "overdue": 0, "list": []},
        "coverage": {"commitments": 1, "scheduled": 1, "covered": 0, "gaps": [{"ref": "2.5", "text": "x"}]},
    }
    for template in ("meetings/appendix.html", "meetings/section.html"):
        assert "Overseen by" not in render_to_string(template, {"data": data})
