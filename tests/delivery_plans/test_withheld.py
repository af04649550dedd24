"""A withheld measure or figure never reaches a publication, its page or its paper: figures
are planted in the demo's measures, withheld, and looked for in the published HTML, the PDF
text and the frozen snapshot. The published page and the paper say "Withheld" and why."""

import json

from django.test import Client, TestCase
from django.urls import reverse

from assurance.models import Publication
from assurance.permissions import Role
from assurance.publishing import publication_publish
from delivery_plans.models import Measure, MeasureValue
from tests.conftest import one_line, pdf_text, requires_pdftotext
from tests.factories import make_user
from tests.test_two_rules import demo, readers  # noqa: F401 - the demo fixture

PLANTED_VALUE = "86420.13"
PLANTED_BASELINE = "75319.24"
VALUE_REASON = "Under validation by the Home Office until March"
MEASURE_REASON = "The survey method changed this year: figures are not comparable"


def _traces(text: str) -> list[str]:
    forms = [PLANTED_VALUE, PLANTED_BASELINE, "86420", "86,420", "75319", "75,319"]
    return [form for form in forms if form in text]


@requires_pdftotext
def test_withheld_figures_never_reach_the_publication_and_say_why(demo):  # noqa: F811
    home = Publication.objects.filter(organisation__is_home=True).get()
    quarter = home.period
    value = MeasureValue.objects.filter(
        measure__plan__owner=home.organisation, measure__name="Reduce serious violence", period=quarter
    ).get()
    value.value, value.note = PLANTED_VALUE, f"Up from {PLANTED_VALUE} last year"
    value.withheld, value.withheld_reason = True, VALUE_REASON
    value.save()
    measure = Measure.objects.get(plan__owner=home.organisation, name="Victim satisfaction")
    measure.baseline, measure.target = PLANTED_BASELINE, PLANTED_BASELINE
    measure.withheld, measure.withheld_reason = True, MEASURE_REASON
    measure.save()
    for v in measure.values.all():
        v.value = PLANTED_BASELINE
        v.save()

    staff = Client()
    staff.force_login(make_user(Role.EDITOR))
    # Staff still read the figures on the plan's measures page...
    measures_page = staff.get(reverse("delivery_plans:measures", args=[measure.plan_id])).content.decode()
    assert PLANTED_VALUE in measures_page and PLANTED_BASELINE in measures_page
    # ...and the draft dashboard shows the measures as they would be published, marked withheld.
    draft = staff.get(reverse("dashboard"), {"period": quarter.slug}).content.decode()
    assert not _traces(draft) and VALUE_REASON in draft and MEASURE_REASON in draft

    with TestCase.captureOnCommitCallbacks(execute=True):
        correction = publication_publish(
            organisation=home.organisation,
            period=quarter,
            by=make_user(Role.PUBLISHER),
            correction_note="Two measures withheld",
            warnings_acknowledged=True,
        )
    assert not _traces(json.dumps(correction.snapshot))
    for name, client in readers().items():
        page = client.get(correction.get_absolute_url()).content.decode()
        assert not _traces(page), name
        assert page.count("Withheld") >= 2 and VALUE_REASON in page and MEASURE_REASON in page, name
        paper = pdf_text(client.get(correction.get_pdf_url()).getvalue())
        assert not _traces(paper), name
        assert "Withheld" in paper and "Under validation by the Home" in one_line(paper), name
    # What was published before the figures were withheld stays as it was published.
    assert Publication.objects.get(pk=home.pk).snapshot == home.snapshot


def test_the_demo_publishes_a_withheld_figure_with_its_reason(demo):  # noqa: F811
    publication = Publication.objects.filter(organisation__is_home=True).get()
    homicide = next(
        m for m in publication_measures(publication) if m["name"] == "Reduce murder and other homicide"
    )
    q3 = next(v for v in homicide["values"] if v["period"] == "2016/17 Q3")
    assert q3 == {
        "period": "2016/17 Q3",
        "value": None,
        "note": "",
        "withheld": True,
        "withheld_reason": (
            "Numbers this small could identify the people involved; published in the annual report"
        ),
    }


def publication_measures(publication) -> list[dict]:
    area = next(a for a in publication.snapshot["areas"] if a["key"] == "delivery_plans")
    return area["data"]["measures"]
