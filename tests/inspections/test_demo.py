"""The demo's tracker: the 2017 PEEL grades of the CIPFA governance dashboard, the 2016 stop
and search re-inspection, an internal audit report, items in every state (one with two
revised target dates), one late response; loaded twice, it adds no history."""

from io import StringIO

import pytest
from django.core.management import call_command

from assurance.demo import load_core
from assurance.history import audited_models
from assurance.models import Organisation
from inspections.area import InspectionsArea
from inspections.models import PeelGrade, Recommendation, Report, Status


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=StringIO())
    return Organisation.objects.home()


def test_the_demo_holds_the_source_documents_reports_and_items_in_every_state(demo, editor_client):
    grades = {
        g.area: g.grade for g in PeelGrade.objects.filter(report__organisation=demo).select_related("report")
    }
    assert grades == {
        "Effectiveness": "requires_improvement",
        "Efficiency": "good",
        "Legitimacy": "requires_improvement",
    }
    titles = set(Report.objects.filter(organisation=demo).values_list("title", flat=True))
    assert "Best use of stop and search: re-inspection of West Mercia Police" in titles
    assert any(t.startswith("Internal audit") for t in titles)
    items = Recommendation.objects.filter(report__organisation=demo)
    assert set(items.values_list("status", flat=True)) == set(Status.values)
    assert set(items.values_list("kind", flat=True)) >= {"recommendation", "afi"}
    assert [i.revisions.count() for i in items if i.revisions.count() > 1] == [2]
    assert all(i.owner_role for i in items)  # role titles, never names
    late = [
        r
        for r in Report.objects.filter(organisation=demo)
        if r.response_on and r.response_on > r.response_due
    ]
    assert len(late) == 1 and late[0].late_explanation
    assert items.filter(visibility="restricted").count() == 1
    from django.urls import reverse

    for name in ("tracker", "timeline", "monthly_review", "grades", "reports", "public"):
        assert editor_client.get(reverse(f"inspections:{name}")).status_code == 200, name
    page = editor_client.get(reverse("inspections:grades")).content.decode()
    assert "Requires improvement" in page and "<svg" in page


def test_a_second_load_adds_no_history(demo):
    def rows():
        return {m._meta.label: m.history.count() for m in audited_models()}

    before = rows()
    InspectionsArea().load_demo(load_core(scale=1))
    assert rows() == before


def test_the_demo_publication_holds_the_trackers_quarter(demo):
    from assurance.models import Publication

    publication = Publication.objects.get(organisation=demo)
    data = next(a["data"] for a in publication.snapshot["areas"] if a["key"] == "inspections")
    refs = {r["ref"] for report in data["reports"] for r in report["items"]}
    assert {"R1", "R2", "R3", "AFI 1", "1", "2"} <= refs and "3" not in refs  # "3" is restricted
