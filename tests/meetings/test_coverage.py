"""The assurance coverage summary counts a quarter's commitments by objective in the database and
lists only the first SHOWN of each exception, with how many more there are and a link to the
full list; the full list is paged and filtered in the database, and both pages run the same
queries however many commitments there are."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assurance.summaries import SHOWN
from meetings.selectors import COVERAGE
from tests.meetings import factories

pytestmark = pytest.mark.django_db

QUARTER = "2016-17-q3"
OCTOBER = datetime.date(2016, 10, 12)


@pytest.fixture
def office():
    """An office with a body that meets in the quarter and a plan of two objectives."""
    body = factories.make_body(name="Crime Reduction Board")
    plan = factories.make_plan(owner=body.owner)
    victims = factories.make_objective(plan, short_name="Victims")
    secure = factories.make_objective(plan, short_name="Secure")
    meeting = factories.make_meeting(body, OCTOBER)
    return body, plan, victims, secure, meeting


def add_gaps(plan, objective, n: int, *, prefix: str = "9", body=None):
    """`n` commitments scheduled for the quarter that no meeting covered, overseen by `body`."""
    made = []
    for i in range(1, n + 1):
        commitment = factories.make_commitment(plan, f"{prefix}.{i}", objective=objective)
        factories.schedule(commitment)
        if body is not None:
            body.commitments.add(commitment)
        made.append(commitment)
    return made


def add_unoverseen(plan, objective, n: int, *, prefix: str = "8"):
    """`n` commitments no body oversees and no meeting scrutinised."""
    return [factories.make_commitment(plan, f"{prefix}.{i}", objective=objective) for i in range(1, n + 1)]


def summary(client, organisation, **query):
    response = client.get(
        reverse("meetings:coverage"), {"organisation": organisation.slug, "period": QUARTER} | query
    )
    assert response.status_code == 200
    return response


def table_after(page: str, heading: str) -> str:
    start = page.index(f">{heading}</h2>")
    return page[start : page.index("</table>", start)]


def row_refs(table: str) -> list[str]:
    return re.findall(
        r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="[^"]+">([^<]+)</a>', table
    )


def full_list_link(page: str, noun: str) -> str:
    match = re.search(rf'<a class="govuk-link" href="([^"]+)">see all {noun}<span', page)
    assert match, noun
    return match.group(1).replace("&amp;", "&")


@pytest.mark.parametrize(
    ("heading", "noun", "make"),
    [
        ("Scheduled but not covered", "commitments scheduled but not covered", add_gaps),
        ("No oversight", "commitments with no oversight", add_unoverseen),
    ],
)
def test_an_exception_list_shows_the_first_rows_and_links_to_them_all(
    editor_client, office, heading, noun, make
):
    body, plan, victims, _, _ = office
    made = make(plan, victims, SHOWN + 5)
    with CaptureQueriesContext(connection) as queries:
        page = summary(editor_client, body.owner).content.decode()
    assert any(f"LIMIT {SHOWN}" in q["sql"] for q in queries.captured_queries)
    shown = row_refs(table_after(page, heading))
    assert shown == [c.ref for c in made[:SHOWN]]
    assert f"The first {SHOWN} of {SHOWN + 5} {noun} are listed here" in page

    response = editor_client.get(full_list_link(page, noun))
    assert response.status_code == 200
    assert response.context["paginator"].count == SHOWN + 5
    assert [row["ref"] for row in response.context["rows"]] == [c.ref for c in made]


def test_a_short_exception_list_is_whole_without_a_link_to_more(editor_client, office):
    body, plan, victims, _, _ = office
    add_gaps(plan, victims, 3, body=body)
    page = summary(editor_client, body.owner).content.decode()
    gaps = table_after(page, "Scheduled but not covered")
    assert row_refs(gaps) == ["9.1", "9.2", "9.3"]
    assert "Crime Reduction Board" in gaps  # who should have covered them
    assert "are listed here" not in page


def test_the_counts_by_objective_are_the_numbers_of_the_lists_they_link_to(editor_client, office):
    body, plan, victims, secure, meeting = office
    add_gaps(plan, victims, 2, body=body)  # overseen, scheduled, not covered
    add_unoverseen(plan, secure, 3)
    scrutinised = factories.make_commitment(plan, "2.9", objective=secure)
    factories.make_item(meeting, commitments=[scrutinised])
    closed = factories.make_commitment(plan, "2.10", objective=secure)
    factories.make_item(meeting, closed=True, commitments=[closed])  # staff see the closed part
    deferred = factories.make_commitment(plan, "2.11", objective=secure)
    factories.make_item(meeting, deferred=True, commitments=[deferred])  # not taken: not scrutiny

    response = summary(editor_client, body.owner)
    rows = {row.objective.pk: row for row in response.context["by_objective"]}
    assert rows[victims.pk].commitments == 2
    assert rows[victims.pk].counts == {
        "overseen": 2, "scheduled": 2, "scrutinised": 0, "gap": 2, "no_oversight": 0,
        "not_scrutinised": 2, "no_body": 0,
    }  # fmt: skip
    assert rows[secure.pk].commitments == 6
    assert rows[secure.pk].counts == {
        "overseen": 0, "scheduled": 0, "scrutinised": 2, "gap": 0, "no_oversight": 4,
        "not_scrutinised": 4, "no_body": 6,
    }  # fmt: skip
    assert response.context["total"].commitments == 8
    page = response.content.decode()
    assert "2 of the 8 commitments in force were scrutinised at a meeting this quarter." in page

    # Every number in the table links to the list of the commitments it counts.
    links = re.findall(r'href="([^"]*coverage=[a-z_]+)">(\d+)<span', page)
    assert len(links) >= 6
    for href, number in links:
        listed = editor_client.get(href.replace("&amp;", "&"))
        assert listed.status_code == 200
        assert listed.context["paginator"].count == int(number), href


def test_the_full_list_is_paged_at_fifty_with_the_shared_pagination(editor_client, office):
    body, plan, victims, _, meeting = office
    made = add_unoverseen(plan, victims, 55)
    factories.make_item(meeting, title="Victim satisfaction", commitments=[made[0]])
    url = reverse("meetings:coverage_list")
    first = editor_client.get(url, {"organisation": body.owner.slug, "period": QUARTER})
    assert first.status_code == 200
    assert [row["ref"] for row in first.context["rows"]] == [c.ref for c in made[:50]]
    page = first.content.decode()
    assert 'class="govuk-pagination"' in page and 'rel="next"' in page
    assert "55 commitments" in page
    assert "Crime Reduction Board, 12 Oct 2016: Victim satisfaction" in page
    assert f'href="{meeting.get_absolute_url()}#item-' in page

    second = editor_client.get(url, {"organisation": body.owner.slug, "period": QUARTER, "page": 2})
    assert [row["ref"] for row in second.context["rows"]] == [c.ref for c in made[50:]]


def test_the_full_list_filters_by_coverage_and_objective_in_the_database(editor_client, office):
    body, plan, victims, secure, _ = office
    gaps = add_gaps(plan, victims, 2)
    add_unoverseen(plan, secure, 2)
    url = reverse("meetings:coverage_list")
    scope = {"organisation": body.owner.slug, "period": QUARTER}
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(url, scope | {"coverage": "gap"})
    assert [row["ref"] for row in response.context["rows"]] == [c.ref for c in gaps]
    page = response.content.decode()
    assert "Not covered" in page and "Coverage: Scheduled but not covered" in page  # the filter, removable
    # The rows are chosen by the query that reads them, not among every commitment afterwards.
    listing = next(q["sql"] for q in queries.captured_queries if 'AS "ref"' in q["sql"])
    assert "LIMIT" in listing and "delivery_plans_oversightscheduleentry" in listing.split(" WHERE ", 1)[1]

    response = editor_client.get(url, scope | {"objective": secure.pk})
    assert [row["ref"] for row in response.context["rows"]] == ["8.1", "8.2"]


@pytest.mark.parametrize("key", list(COVERAGE))
def test_every_coverage_filter_is_offered(editor_client, office, key):
    body, *_ = office
    response = editor_client.get(
        reverse("meetings:coverage_list"),
        {"organisation": body.owner.slug, "period": QUARTER, "coverage": key},
    )
    assert response.status_code == 200


def test_a_filter_value_not_on_offer_is_a_400(editor_client, office):
    body, *_ = office
    elsewhere = factories.make_objective(factories.make_plan())
    url = reverse("meetings:coverage_list")
    scope = {"organisation": body.owner.slug, "period": QUARTER}
    assert editor_client.get(url, scope | {"coverage": "everything"}).status_code == 400
    assert editor_client.get(url, scope | {"objective": elsewhere.pk}).status_code == 400


def test_the_full_list_marks_closed_part_scrutiny_for_staff(editor_client, office):
    body, plan, victims, _, meeting = office
    commitment = factories.make_commitment(plan, "1.1", objective=victims)
    factories.make_item(meeting, closed=True, title="Closed scrutiny", commitments=[commitment])
    page = editor_client.get(
        reverse("meetings:coverage_list"), {"organisation": body.owner.slug, "period": QUARTER}
    ).content.decode()
    assert 'Closed scrutiny</a> <strong class="govuk-tag govuk-tag--red">Closed part</strong>' in page


def count_queries(client, url, query) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, query).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["meetings:coverage", "meetings:coverage_list"])
def test_the_summary_and_full_list_run_the_same_queries_at_two_sizes(editor_client, office, name):
    body, plan, victims, secure, meeting = office

    def grow(n: int, prefix: str):
        add_gaps(plan, victims, n, prefix=f"{prefix}1", body=body)
        add_unoverseen(plan, secure, n, prefix=f"{prefix}2")
        scrutinised = add_unoverseen(plan, secure, n, prefix=f"{prefix}3")
        factories.make_item(meeting, commitments=scrutinised)

    grow(3, "1")
    query = {"organisation": body.owner.slug, "period": QUARTER}
    url = reverse(name)
    editor_client.get(url, query)  # warm caches such as the session and the user's roles
    small = count_queries(editor_client, url, query)
    grow(3 * SHOWN, "2")  # past SHOWN of each exception, and past a page of the full list
    assert count_queries(editor_client, url, query) == small


def test_the_full_list_filters_by_the_body_that_oversees_them(editor_client, office):
    body, plan, victims, secure, _ = office
    overseen = add_gaps(plan, victims, 2, body=body)
    add_unoverseen(plan, secure, 2)
    other = factories.make_body(owner=body.owner, name="Estates Board")
    other.commitments.add(factories.make_commitment(plan, "7.1", objective=secure))
    url = reverse("meetings:coverage_list")
    scope = {"organisation": body.owner.slug, "period": QUARTER}
    response = editor_client.get(url, scope | {"body": body.pk})
    assert [row["ref"] for row in response.context["rows"]] == [c.ref for c in overseen]
    assert "Overseen by: Crime Reduction Board" in response.content.decode()  # the filter, removable
    # Another office's body is not on offer.
    elsewhere = factories.make_body(name="Another office's board")
    assert editor_client.get(url, scope | {"body": elsewhere.pk}).status_code == 400
