"""What the staff pages and the panel's appendix show: the published summary of the open part,
every month of the Appendix B year, headings in order, the shared field template, and
reading a page writes no reporting period."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from assurance.forms import Form
from assurance.models import ReportingPeriod
from assurance.registry import Scope
from meetings.dashboard import checks, snapshot
from tests.factories import make_period
from tests.meetings.factories import make_action, make_body, make_item, make_meeting

pytestmark = pytest.mark.django_db


def test_the_appendix_shows_the_published_summary_of_the_open_part_only():
    body = make_body(name="Corporate Governance Board")
    meeting = make_meeting(
        body, datetime.date(2016, 10, 12), summary="The board reviewed the capital programme."
    )
    make_item(meeting, title="Capital programme")
    closed = make_item(meeting, closed=True, title="CLOSED-PART-TITLE")
    make_action(closed, description="CLOSED-PART-ACTION")
    data = snapshot(scope=Scope(organisation=body.owner, period=make_period(2016, 3)))
    for pdf in (False, True):
        appendix = render_to_string("meetings/appendix.html", {"data": data, "pdf": pdf})
        assert "Published summaries of the open part" in appendix
        assert "The board reviewed the capital programme." in appendix
        assert "CLOSED-PART" not in appendix


def test_the_summary_shows_every_month_of_the_year_marking_those_without_a_meeting(editor_client):
    body = make_body(name="Monthly Holding to Account", holds_to_account=True)
    make_item(make_meeting(body, datetime.date(2016, 9, 29)), title="Child Sexual Exploitation")
    page = editor_client.get(reverse("meetings:summary"), {"body": body.pk, "year": 2016}).content.decode()
    months = re.findall(r'<th scope="row" class="govuk-table__header"[^>]*>(\w+)', page)
    assert months == ["April", "May", "June", "July", "August", "September"] + [
        "October",
        "November",
        "December",
        "January",
        "February",
        "March",
    ]
    assert page.count("No meeting recorded") == 11


def test_the_meeting_page_headings_go_down_one_level_at_a_time(editor_client):
    meeting = make_meeting()
    make_item(meeting, title="Open item")
    make_item(meeting, closed=True, title="Closed item")
    page = editor_client.get(meeting.get_absolute_url()).content.decode()
    main = page[page.index("<main") :]
    levels = [int(n) for n in re.findall(r"<h([1-6])", main)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels


@pytest.mark.parametrize("name", ["meetings:coverage", "meetings:summary"])
def test_the_choice_pages_use_the_shared_field_template(name, editor_client):
    make_meeting(make_body(holds_to_account=True))
    response = editor_client.get(reverse(name))
    assert isinstance(response.context["scope_form"], Form)
    page = response.content.decode()
    form = page[page.index('<form method="get"') : page.index("</form>", page.index('<form method="get"'))]
    fields = 3 if name == "meetings:summary" else 2  # the summary also chooses the body
    assert form.count('class="govuk-form-group"') == fields and "govuk-select" in form


def test_reading_the_pages_creates_no_reporting_period(editor_client):
    make_period(2016, 3)
    meeting = make_meeting(make_body(holds_to_account=True), datetime.date(2016, 10, 12))
    make_item(meeting)
    before = list(ReportingPeriod.objects.values_list("pk", flat=True))
    for url, status in (
        (reverse("meetings:coverage"), 200),
        # A quarter or year the service does not report on is an error on the form.
        (reverse("meetings:coverage") + "?period=2030-31-q1", 400),
        (reverse("meetings:summary"), 200),
        (reverse("meetings:summary") + "?period=2030-31", 400),
        (meeting.get_absolute_url(), 200),
        (meeting.body.get_absolute_url(), 200),
        (reverse("meetings:meeting_create", args=[meeting.body.pk]), 200),
    ):
        assert editor_client.get(url).status_code == status, url
    assert list(ReportingPeriod.objects.values_list("pk", flat=True)) == before


def test_the_section_appendix_and_checks_give_dates_as_people_write_them():
    body = make_body(name="Corporate Governance Board")
    meeting = make_meeting(body, datetime.date(2016, 10, 11))
    make_action(make_item(meeting), description="Report back", due_date=datetime.date(2016, 11, 1))
    scope = Scope(organisation=body.owner, period=make_period(2016, 3))
    data = snapshot(scope=scope)
    section = render_to_string("meetings/section.html", {"data": data})
    appendix = render_to_string("meetings/appendix.html", {"data": data, "pdf": True})
    for text in (section, appendix):
        assert "Open actions at 31 December 2016" in text and "1 November 2016" in text
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert "Corporate Governance Board, 11 October 2016" in appendix and "raised 11 October 2016" in appendix
    assert "overdue at 31 December 2016" in section
    assert any("overdue at 31 December 2016." in finding.message for finding in checks(scope=scope))


def test_the_section_says_what_each_coverage_number_counts():
    data = {
        "period": "2016/17 Q3",
        "as_at": "2016-12-31",
        "meetings": [],
        "actions": {"open": 0, "overdue": 0, "list": []},
        "coverage": {"commitments": 20, "scheduled": 7, "covered": 11, "gaps": [{"ref": "2.5", "text": "x"}]},
    }
    section = render_to_string("meetings/section.html", {"data": data})
    assert (
        "11 commitments were scrutinised at a meeting; "
        "7 were scheduled for oversight, of which 1 was not covered" in " ".join(section.split())
    )
