"""The organisation and year the principles pages show: an absent choice is the default; a
value that is not on the list is an error on the form (400), never quietly another
organisation's or year's assessment."""

import pytest
from django.urls import reverse

from assurance.models import Organisation, Rag
from tests.factories import make_organisation, make_period
from tests.principles.factories import make_assessment, make_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed():
    home = make_organisation(name="Office of the Police and Crime Commissioner for Testshire", is_home=True)
    sub = make_framework(1, 1).principles.get().sub_principles.get()
    make_assessment(sub_principle=sub, owner=home, year=make_period(2017), rag=Rag.RED, rag_reason="HOME-RED")
    return home


def bad_choices():
    force = make_organisation(name="Testshire Police", kind=Organisation.Kind.FORCE)
    quarter = make_period(2017, 1)
    return [
        ({"owner": "abc"}, "owner", "abc is not one of them"),
        ({"owner": "999999"}, "owner", "999999 is not one of them"),
        ({"owner": str(force.pk)}, "owner", f"{force.pk} is not one of them"),
        ({"year": "abc"}, "year", "abc is not a financial year"),
        ({"year": str(quarter.pk)}, "year", f"{quarter.pk} is not a financial year"),
    ]


def test_the_overview_refuses_an_owner_or_year_not_on_the_list(editor_client, assessed):
    for query, field, message in bad_choices():
        response = editor_client.get(reverse("principles:list"), query)
        page = response.content.decode()
        assert response.status_code == 400, query
        assert "govuk-error-summary" in page and f'href="#id_{field}"' in page and message in page, query
        # Not the home organisation's assessment shown under a wrong heading.
        assert "HOME-RED" not in page and assessed.short_name not in page.split("<h1")[0], query
        assert "Start " not in page


def test_the_issues_page_and_its_csv_refuse_an_owner_or_year_not_on_the_list(editor_client, assessed):
    for query, field, message in bad_choices():
        for name in ("principles:issues", "principles:issues_csv"):
            response = editor_client.get(reverse(name), query)
            page = response.content.decode()
            assert response.status_code == 400, (name, query)
            assert response["Content-Type"].startswith("text/html")
            assert f'href="#id_{field}"' in page and message in page, (name, query)
            assert "HOME-RED" not in page


def test_a_principle_page_with_a_bad_owner_or_year_is_a_bad_request(editor_client, assessed):
    principle = make_framework(1, 1).principles.get()
    response = editor_client.get(reverse("principles:principle", args=[principle.pk]), {"year": "abc"})
    assert response.status_code == 400


def test_absent_or_empty_choices_show_the_default(editor_client, assessed):
    for query in ({}, {"owner": "", "year": ""}):
        for name in ("principles:list", "principles:issues"):
            response = editor_client.get(reverse(name), query)
            assert response.status_code == 200, (name, query)
            assert "HOME-RED" in response.content.decode()
    response = editor_client.get(reverse("principles:issues_csv"))
    assert response.status_code == 200 and "HOME-RED" in response.content.decode()


def test_the_issues_page_uses_the_shared_field_template(editor_client, assessed):
    page = editor_client.get(reverse("principles:issues")).content.decode()
    form = page[page.index('<form method="get"') : page.index("</form>", page.index('<form method="get"'))]
    assert form.count('class="govuk-form-group"') == 2 and "2017/18" in form
