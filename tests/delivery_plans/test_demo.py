"""The demo delivery plan: every commitment of Appendix A, four quarters, idempotent."""

import pytest
from django.urls import reverse

from assurance.demo import load_core
from assurance.models import Rag
from assurance.registry import Scope
from delivery_plans.dashboard import snapshot
from delivery_plans.demo import load_demo
from delivery_plans.models import Commitment, Measure, MeasureValue, OversightScheduleEntry, ProgressUpdate
from tests.factories import make_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def context():
    context = load_core(scale=2)
    load_demo(context=context)
    return context


def test_the_demo_holds_every_commitment_of_appendix_a(context):
    refs = set(Commitment.objects.filter(plan__owner=context.home).values_list("ref", flat=True))
    policing = {f"1.{n}" for n in range(1, 7)} | {f"2.{n}" for n in range(1, 9)}
    policing |= {f"3.{n}" for n in range(1, 18)} | {f"4.{n}" for n in range(1, 9)}
    pcc = {f"A.{n}" for n in range(1, 6)} | {"B.1", "B.2", "B.3"} | {f"D.{n}" for n in range(1, 7)}
    # At scale 2 the home office has a second set, each ref numbered.
    assert refs == policing | pcc | {f"{ref}-2" for ref in policing | pcc}


def test_the_demo_keeps_warwickshire_only_rows_and_cross_references(context):
    plan = context.home.owned_plans.get()
    only = plan.commitments.get(ref="2.8")
    assert [o.short_name for o in only.areas.all()] == ["Warwickshire"]
    assert [c.ref for c in plan.commitments.get(ref="2.2").related.all()] == ["2.1"]


def test_the_demo_q3_update_is_the_reports_progress_text(context):
    update = ProgressUpdate.objects.get(
        commitment__plan__owner=context.home, commitment__ref="2.3", period=make_period(2016, 3)
    )
    assert "spike in reported hate crime in July, 173, compared to a monthly average of 106" in update.text


def test_the_demo_moves_a_few_ratings_between_q3_and_q4(context):
    def items(quarter):
        scope = Scope(organisation=context.home, period=make_period(2016, quarter))
        return {i["key"]: i["rag"] for i in snapshot(scope=scope)["items"]}

    q3, q4 = items(3), items(4)
    moved = sorted(k.split(":")[2] for k in q3 if q3[k] != q4[k])
    originals = ["1.4", "1.5", "3.1", "3.3", "4.1", "D.1"]
    assert moved == sorted(originals + [f"{ref}-2" for ref in originals])
    assert not any(u.rag in (Rag.RED, Rag.AMBER) and not u.rag_reason for u in ProgressUpdate.objects.all())


def test_loading_the_demo_twice_changes_nothing_and_each_copy_has_its_own_plan(context):
    counts = (
        Commitment.objects.count(),
        ProgressUpdate.objects.count(),
        OversightScheduleEntry.objects.count(),
    )
    history = (Commitment.history.count(), MeasureValue.history.count())
    load_demo(context=context)
    assert (
        Commitment.objects.count(),
        ProgressUpdate.objects.count(),
        OversightScheduleEntry.objects.count(),
    ) == counts
    assert (Commitment.history.count(), MeasureValue.history.count()) == history
    # The home office has two sets of its commitments, the copy one.
    assert Commitment.objects.filter(plan__owner=context.copies[0]).count() == counts[0] // 3
    assert Commitment.objects.filter(plan__owner=context.home).count() == 2 * counts[0] // 3


def test_every_demo_measure_has_a_figure_for_each_quarter_of_2016_17(context, editor_client):
    plan = context.home.owned_plans.get()
    measures = list(Measure.objects.filter(plan=plan).prefetch_related("values__period"))
    assert len(measures) == 13
    for measure in measures:
        quarters = {v.period.label for v in measure.values.all() if v.value is not None}
        assert {f"2016/17 Q{n}" for n in (1, 2, 3, 4)} <= quarters, measure.name
    hate = MeasureValue.objects.get(measure__plan=plan, measure__name__startswith="Hate", period__quarter=2)
    assert (hate.value, hate.measure.baseline, hate.period.start_year) == (173, 106, 2016)
    page = editor_client.get(reverse("delivery_plans:measures", args=[plan.pk])).content.decode()
    assert page.count("<polyline") == 13


def test_the_alliance_plan_is_on_warwickshires_dashboard(context):
    warwickshire = context.organisations["warwickshire-opcc"]
    data = snapshot(scope=Scope(organisation=warwickshire, period=make_period(2016, 3)))
    # Each copy OPCC of a scaled demo keeps Warwickshire as its ally, so each plan is listed.
    owned = {plan.pk for owner in context.owners for plan in owner.owned_plans.all()}
    assert {p["id"] for p in data["plans"]} == owned and len(data["plans"]) == len(owned)
    refs = {i["key"].split(":")[2] for i in data["items"]}
    assert (
        "2.8" in refs and "1.1" in refs and "A.1" not in refs
    )  # the PCC's own commitments are West Mercia's
