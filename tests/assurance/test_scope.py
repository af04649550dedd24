"""Every page that shows an organisation's quarter or year reads it the same way:
?organisation=<slug>&period=<slug>. An absent or empty value is the page's default; a value not
on offer is the same written 400 everywhere, never quietly another office's or period's data."""

import datetime

import pytest
from django.urls import reverse

from assurance.models import Organisation, ReportingPeriod, financial_year_of, quarter_of
from tests.delivery_plans.factories import make_commitment, make_objective, make_plan
from tests.factories import make_organisation, make_period
from tests.principles.factories import make_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    home = make_organisation(name="Office of the Police and Crime Commissioner for Testshire", is_home=True)
    make_period(2016, 3)
    make_period(2016)
    return home


def _plan(home):
    plan = make_plan(owner=home)
    make_commitment(make_objective(plan))
    return {"pk": plan.pk}


def _principle(home):
    return {"pk": make_framework(1, 1).principles.get().pk}


# (URL name, its kwargs, the kind of period it shows or None, whether it chooses the organisation)
PAGES = [
    ("dashboard", None, "quarter", True),
    ("principles:list", None, "year", True),
    ("principles:issues", None, "year", True),
    ("principles:issues_csv", None, "year", True),
    ("principles:principle", _principle, "year", True),
    ("delivery_plans:plans", None, None, True),
    ("delivery_plans:list", None, None, True),
    ("delivery_plans:plan", _plan, "quarter", False),
    ("delivery_plans:schedule", _plan, "year", False),
    ("meetings:list", None, None, True),
    ("meetings:actions", None, None, True),
    ("meetings:coverage", None, "quarter", True),
    ("meetings:coverage_list", None, "quarter", True),
    ("meetings:summary", None, "year", True),
]


def url(name, kwargs, home) -> str:
    return reverse(name, kwargs=kwargs(home) if kwargs else None)


@pytest.mark.parametrize(("name", "kwargs", "kind", "chooses_organisation"), PAGES)
def test_absent_or_empty_choices_show_the_default(
    editor_client, home, name, kwargs, kind, chooses_organisation
):
    address = url(name, kwargs, home)
    assert editor_client.get(address).status_code == 200
    assert editor_client.get(address, {"organisation": "", "period": ""}).status_code == 200


@pytest.mark.parametrize(("name", "kwargs", "kind", "chooses_organisation"), [p for p in PAGES if p[3]])
@pytest.mark.parametrize("bad", ["nowhere", "testshire-police", "a" * 500, "<script>"])
def test_an_organisation_not_on_offer_is_the_same_written_400(
    editor_client, home, name, kwargs, kind, chooses_organisation, bad
):
    make_organisation(name="Testshire Police", slug="testshire-police", kind=Organisation.Kind.FORCE)
    response = editor_client.get(url(name, kwargs, home), {"organisation": bad})
    page = response.content.decode()
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "Choose an organisation from the list;" in page and 'href="#id_organisation"' in page
    assert "<script>" not in page and "\x00" not in page and "a" * 100 not in page  # shown escaped, shortened
    assert home.name in page  # offered again, to choose from


@pytest.mark.parametrize(("name", "kwargs", "kind", "chooses_organisation"), [p for p in PAGES if p[2]])
def test_a_period_not_on_offer_is_the_same_written_400(
    editor_client, home, name, kwargs, kind, chooses_organisation
):
    wrong_kind = "2016-17" if kind == "quarter" else "2016-17-q3"
    for bad in ("bogus", "2091-92", wrong_kind):
        response = editor_client.get(url(name, kwargs, home), {"period": bad})
        page = response.content.decode()
        what = "a quarter" if kind == "quarter" else "a financial year"
        assert response.status_code == 400, (name, bad)
        assert f"Choose {what} from the list; ‘{bad}’ is not one of them." in page, (name, bad)
        assert 'href="#id_period"' in page


def test_the_choices_are_offered_again_on_the_error_page_newest_first(editor_client, home):
    make_period(2017, 1)
    page = editor_client.get(reverse("dashboard"), {"period": "nonsense"}).content.decode()
    assert page.index("2017/18 Q1") < page.index("2016/17 Q3")


def test_a_valid_choice_is_shown_and_carried_by_the_pages_links(editor_client, home):
    other = make_organisation(name="Office of the Police and Crime Commissioner for Otherland")
    response = editor_client.get(reverse("delivery_plans:plans"), {"organisation": other.slug})
    assert response.status_code == 200 and response.context["organisation"] == other
    assert f"?organisation={other.slug}" in response.content.decode()


@pytest.mark.parametrize(
    ("day", "year", "quarter"),
    [
        (datetime.date(2017, 4, 1), 2017, 1),
        (datetime.date(2017, 6, 30), 2017, 1),
        (datetime.date(2017, 12, 31), 2017, 3),
        (datetime.date(2018, 1, 1), 2017, 4),
        (datetime.date(2018, 3, 31), 2017, 4),
    ],
)
def test_the_financial_year_and_quarter_of_a_day(day, year, quarter):
    assert (financial_year_of(day), quarter_of(day)) == (year, quarter)


def test_periods_are_found_by_the_day_and_the_slug():
    q3, year = make_period(2016, 3), make_period(2016)
    assert ReportingPeriod.objects.quarter_containing(datetime.date(2016, 11, 5)) == q3
    assert ReportingPeriod.objects.quarter_containing(datetime.date(2015, 11, 5)) is None
    assert ReportingPeriod.objects.year_of(q3) == year
    assert ReportingPeriod.objects.year_of(datetime.date(2017, 2, 1)) == year
    assert ReportingPeriod.objects.from_slug(q3.slug) == q3 and q3.year_slug == year.slug == "2016-17"
    assert ReportingPeriod.objects.from_slug("not-a-period") is None
