"""Demo data: the whole 2017/18 dashboard and a 2016/17, for every owner, loaded idempotently."""

import pytest
from django.urls import reverse

from assurance.demo import load_demo
from assurance.models import Direction, Organisation, Rag
from principles.models import Assessment, EvidenceItem

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_demo_holds_the_whole_2017_18_dashboard_for_the_home_office(editor_client):
    context = load_demo(scale=1)
    home = context.home
    year = Assessment.objects.filter(owner=home, year__start_year=2017, year__quarter__isnull=True)
    assert year.count() == 21
    assert set(year.values_list("direction", flat=True)) == {Direction.MAINTAINING}
    amber = dict(year.filter(rag=Rag.AMBER).values_list("sub_principle__title", "rag_reason"))
    assert sorted(amber) == [
        "Developing the entity's capacity",
        "Engaging comprehensively with institutional stakeholders",
        "Managing data",
        "Planning interventions",
    ]
    assert amber["Planning interventions"] == "Medium term financial plan being updated in June 2018"
    assert year.filter(rag=Rag.GREEN).count() == 17
    assert Assessment.objects.filter(owner=home, year__start_year=2016).count() == 21
    professional = EvidenceItem.objects.get(
        assessment__owner=home, assessment__year__start_year=2017, text__contains="Department reports to"
    )
    assert "Strategic Police and Crime Board" in professional.text

    page = editor_client.get(reverse("principles:list")).content.decode()
    assert "Principle G</a>" in page and "Medium term financial plan being updated in June 2018" in page


def test_loading_the_demo_twice_changes_nothing_and_copies_do_not_collide():
    load_demo(scale=2)
    counts = (Assessment.objects.count(), EvidenceItem.objects.count(), EvidenceItem.history.count())
    load_demo(scale=2)
    assert (Assessment.objects.count(), EvidenceItem.objects.count(), EvidenceItem.history.count()) == counts
    owners = Organisation.objects.filter(principle_assessments__isnull=False).distinct().count()
    assert owners == 2
    assert counts[0] == 2 * 42
