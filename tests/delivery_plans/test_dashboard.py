"""The delivery plan's dashboard snapshot, its section and appendix, and checks before publishing."""

import json

import pytest
from django.db import connection
from django.db.models import FilteredRelation, Q
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from assurance import registry
from assurance.models import Rag
from assurance.registry import Scope
from assurance.writes import unaudited
from delivery_plans.dashboard import checks, snapshot
from delivery_plans.models import Measure, MeasureValue
from tests.delivery_plans.factories import make_commitment, make_objective, make_plan, make_update
from tests.factories import make_organisation, make_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    plan = make_plan()
    victims = make_objective(plan, title="Putting victims and survivors first", short_name="Victims")
    secure = make_objective(plan, title="Building a more secure West Mercia", short_name="Secure")
    q3 = make_period(2016, 3)
    make_update(make_commitment(victims, ref="1.1"), q3, rag=Rag.AMBER, text="Training review underway")
    make_update(make_commitment(victims, ref="A.1", kind="pcc"), q3, rag=Rag.GREEN, text="Charter signed off")
    make_commitment(secure, ref="2.1")
    make_update(make_commitment(secure, ref="2.2"), make_period(2016, 2), rag=Rag.RED)
    measure = Measure.objects.create(
        plan=plan, objective=secure, name="Hate crimes reported", unit="crimes", baseline=106
    )
    MeasureValue.objects.create(measure=measure, period=make_period(2016, 2), value=173, note="July")
    MeasureValue.objects.create(measure=measure, period=make_period(2016, 4), value=150)
    return plan


def scope_of(plan, quarter=3):
    return Scope(organisation=plan.owner, period=make_period(2016, quarter))


def shares(row) -> dict:
    return {s.get("rag") or s["name"]: (s["count"], s["percent"]) for s in row["shares"]}


def test_the_snapshot_counts_each_rag_per_objective_for_the_quarter_with_percentages(plan):
    data = snapshot(scope=scope_of(plan))
    (entry,) = data["plans"]
    victims, secure, whole = entry["by_rag"]
    assert [victims["label"], secure["label"], whole["label"]] == ["1. Victims", "2. Secure", "Whole plan"]
    assert shares(victims) == {"red": (0, 0), "amber": (1, 50), "green": (1, 50), "not_rated": (0, 0)}
    # 2.2's only update is for Q2, so in Q3 it counts as Not rated.
    assert shares(secure) == {"red": (0, 0), "amber": (0, 0), "green": (0, 0), "not_rated": (2, 100)}
    assert shares(whole) == {"red": (0, 0), "amber": (1, 25), "green": (1, 25), "not_rated": (2, 50)}
    assert (victims["total"], secure["total"], whole["total"]) == (2, 2, 4)
    assert [(c["ref"], c["update"]) for c in entry["attention"]] == [("1.1", "Training review underway")]
    assert {i["key"]: i["rag"] for i in data["items"]} == {
        f"commitment:{plan.pk}:1.1": "amber",
        f"commitment:{plan.pk}:A.1": "green",
        f"commitment:{plan.pk}:2.1": "not_rated",
        f"commitment:{plan.pk}:2.2": "not_rated",
    }


def test_the_snapshot_counts_each_delivery_status_per_objective_and_for_the_plan(plan):
    done = plan.statuses.get(name="Completed")
    for ref in ("1.1", "2.1", "2.2"):
        c = plan.commitments.get(ref=ref)
        c.status = done
        c.save()
    (entry,) = snapshot(scope=scope_of(plan))["plans"]
    assert [s["name"] for s in entry["statuses"]] == [
        "Not started",
        "In progress",
        "Completed",
        "On hold",
        "Withdrawn",
    ]
    victims, secure, whole = entry["by_status"]
    assert shares(victims) == {
        "Not started": (1, 50),
        "In progress": (0, 0),
        "Completed": (1, 50),
        "On hold": (0, 0),
        "Withdrawn": (0, 0),
    }
    assert shares(secure)["Completed"] == (2, 100)
    assert shares(whole)["Completed"] == (3, 75) and shares(whole)["Not started"] == (1, 25)
    items = {i["key"].split(":")[2]: i["status"] for i in snapshot(scope=scope_of(plan))["items"]}
    assert items == {"1.1": "Completed", "A.1": "Not started", "2.1": "Completed", "2.2": "Completed"}


def test_the_snapshot_keeps_measures_up_to_the_quarter_and_is_json_safe(plan):
    data = snapshot(scope=scope_of(plan))
    (measure,) = data["measures"]
    assert (measure["baseline"], measure["target"], measure["objective"]) == (106.0, None, "2. Secure")
    assert measure["values"] == [
        {"period": "2016/17 Q2", "value": 173.0, "note": "July", "withheld": False, "withheld_reason": ""}
    ]
    assert json.loads(json.dumps(data)) == data


def test_the_snapshot_covers_only_the_organisations_own_plans(plan):
    other = make_plan(title="Someone else's plan")
    make_commitment(make_objective(other), ref="9.9")
    data = snapshot(scope=scope_of(plan))
    assert [p["title"] for p in data["plans"]] == [plan.title]
    assert "9.9" not in json.dumps(data)


def test_the_snapshot_is_the_same_with_or_without_restricted_records(plan):
    # No delivery plan record is restricted: staff and the panel see the same snapshot.
    with_restricted = Scope(organisation=plan.owner, period=make_period(2016, 3), include_restricted=True)
    assert snapshot(scope=with_restricted)["items"] == snapshot(scope=scope_of(plan))["items"]


def test_the_snapshot_runs_the_same_number_of_queries_at_two_sizes(plan):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            snapshot(scope=scope_of(plan))
        return len(ctx.captured_queries)

    small = count()
    objective = plan.objectives.first()
    for n in range(10):
        c = make_commitment(objective, ref=f"5.{n}")
        c.areas.add(plan.owner)
        make_update(c, make_period(2016, 3), rag=Rag.RED)
    assert count() == small


def test_the_section_and_appendix_render_from_the_snapshot_on_screen_and_in_the_pdf(plan):
    data = snapshot(scope=scope_of(plan))
    section = render_to_string(
        "delivery_plans/dashboard_section.html",
        {"data": data, "scope_label": "2016/17 Q3", "staff_links": True},
    )
    assert "Training review underway" in section and 'href="/delivery-plan/' in section
    published = render_to_string("delivery_plans/dashboard_section.html", {"data": data})
    assert "Training review underway" in published and "href=" not in published
    appendix = render_to_string("delivery_plans/dashboard_appendix.html", {"data": data, "pdf": True})
    assert "Charter signed off" in appendix and "Hate crimes reported" in appendix
    assert "<thead" in appendix and "<form" not in appendix
    pdf_section = render_to_string("delivery_plans/dashboard_section.html", {"data": data, "pdf": True})
    assert "href=" not in pdf_section


def test_checks_warn_of_commitments_without_an_update_and_refuse_an_amber_without_reason(plan):
    update = plan.commitments.get(ref="1.1").updates.get()
    update.rag_reason = ""
    update.save()
    findings = checks(scope=scope_of(plan))
    warnings = sorted(f.message.split()[2] for f in findings if f.level == "warning")
    assert warnings == ["2.1", "2.2"]
    errors = [f.message for f in findings if f.level == "error"]
    assert errors == ["Delivery plan 1.1: the Amber rating for 2016/17 Q3 has no reason"]


def test_the_area_is_registered_in_its_place():
    area = registry.get("delivery_plans")
    assert (area.order, area.nav_url, area.section_template) == (
        20,
        "delivery_plans:plans",
        "delivery_plans/dashboard_section.html",
    )
    assert [a.key for a in registry.areas()].index("delivery_plans") == 1


def test_an_alliance_plan_is_on_the_allys_dashboard_with_the_commitments_that_apply_to_it(plan):
    ally = make_organisation(short_name="Warwickshire")
    plan.organisations.add(ally)
    victims = plan.objectives.get(ref="1")
    make_commitment(victims, ref="A.9", kind="pcc").areas.add(plan.owner)  # the owner's own
    make_commitment(victims, ref="1.9").areas.add(ally)  # the ally's alone
    scope = Scope(organisation=ally, period=make_period(2016, 3))
    data = snapshot(scope=scope)
    assert [p["title"] for p in data["plans"]] == [plan.title]
    refs = {i["key"].split(":")[2] for i in data["items"]}
    assert refs == {"1.1", "A.1", "2.1", "2.2", "1.9"}
    assert data["measures"][0]["name"] == "Hate crimes reported"
    warned = sorted(f.message.split()[2] for f in checks(scope=scope) if f.level == "warning")
    assert warned == ["1.9", "2.1", "2.2"]
    # The owner still answers for every commitment of its plan, and sees the plan once.
    owner = snapshot(scope=scope_of(plan))
    assert len(owner["plans"]) == 1 and len(owner["items"]) == 6


def test_the_allys_snapshot_and_checks_run_the_same_number_of_queries_at_two_sizes(plan):
    ally = make_organisation(short_name="Warwickshire")
    plan.organisations.add(ally)
    scope = Scope(organisation=ally, period=make_period(2016, 3))
    with unaudited():  # one unexplained Amber to start, as a broken client could leave it
        plan.commitments.get(ref="1.1").updates.update(rag_reason="")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            snapshot(scope=scope)
            checks(scope=scope)
        return len(ctx.captured_queries)

    small = count()
    objective = plan.objectives.first()
    for n in range(10):
        c = make_commitment(objective, ref=f"5.{n}")
        c.areas.add(ally if n % 2 else plan.owner)
        make_update(c, make_period(2016, 3), rag=Rag.RED, rag_reason="")
    assert count() == small


def test_a_long_commitment_is_labelled_with_its_whole_text_as_nothing_published_is_cut_short(plan):
    text = "Make sure officers and staff have the skills and knowledge to support victims. " * 3
    make_commitment(plan.objectives.get(ref="1"), ref="1.9", text=text.strip())
    items = {i["key"]: i for i in snapshot(scope=scope_of(plan))["items"]}
    label = items[f"commitment:{plan.pk}:1.9"]["label"]
    assert label == f"1.9 {text.strip()}" and "…" not in label


def test_a_commitment_named_in_lists_and_history_is_cut_at_a_word():
    c = make_commitment(ref="1.1", text="Review the Victims Code compliance framework with partners")
    assert str(c) == "1.1 Review the Victims Code compliance framework with partners"
    c.text = "Make sure officers and staff have the skills and\nknowledge to support victims of crime well"
    assert str(c) == "1.1 Make sure officers and staff have the skills and knowledge to support victims…"


def test_a_share_of_a_half_rounds_up_to_the_whole_percent():
    plan = make_plan()
    objective = make_objective(plan, title="Putting victims and survivors first", short_name="Victims")
    q3 = make_period(2016, 3)
    make_update(make_commitment(objective, ref="1.1"), q3, rag=Rag.AMBER, text="Training review underway")
    for n in range(2, 9):
        make_commitment(objective, ref=f"1.{n}")
    (entry,) = snapshot(scope=scope_of(plan))["plans"]
    victims, whole = entry["by_rag"]
    # 1 of 8 is 12.5% and 7 of 8 is 87.5%.
    assert shares(victims) == {"red": (0, 0), "amber": (1, 13), "green": (0, 0), "not_rated": (7, 88)}
    assert shares(whole) == shares(victims) and whole["total"] == 8


def test_the_snapshot_counts_its_rows_as_the_database_counts_them(plan):
    """The dashboard counts the commitments it has read; the plan overview has the database
    count them. Both give the same numbers and percentages, a commitment without a status and
    one not rated in the quarter included."""
    from delivery_plans.dashboard import COMMITMENT_VALUES
    from delivery_plans.selectors import delivery_counts, delivery_counts_of

    make_commitment(plan.objectives.first(), ref="1.9", status=None)
    q3 = make_period(2016, 3)
    rows = [
        {**row, "rag": row["quarter_update__rag"] or Rag.NOT_RATED.value}
        for row in plan.commitments.annotate(
            quarter_update=FilteredRelation("updates", condition=Q(updates__period=q3))
        ).values(*COMMITMENT_VALUES)
    ]
    counted = delivery_counts(plan.commitments.all(), period=q3, statuses=list(plan.statuses.all()))
    assert delivery_counts_of(rows) == counted
    assert counted["plan", plan.pk]["total"] == 5 and None in counted["plan", plan.pk]["status"]
    assert {Rag.AMBER.value, Rag.GREEN.value, Rag.NOT_RATED.value} <= set(counted["plan", plan.pk]["rag"])
