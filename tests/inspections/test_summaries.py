"""The closedown timeline and the monthly review count every item but list only the first
SHOWN of each list, saying how many more there are, with a link to the tracker filtered to
them all; the tracker's rows show what the records hold; and the three pages run the same
queries with a few items and with more than a summary or a page shows."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assurance.summaries import SHOWN
from tests.factories import make_organisation
from tests.inspections.factories import (
    make_recommendation,
    make_report,
    make_restricted_recommendation,
    make_revision,
    make_update,
)

pytestmark = pytest.mark.django_db


def get(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def sections(page: str) -> dict[str, str]:
    """Each part of a page by the words its heading starts with."""
    parts = re.split(r'<h2 class="govuk-heading-m"[^>]*>', page)[1:]
    return {part.split("<", 1)[0].split(" (")[0]: part for part in parts}


def refs_listed(part: str) -> list[str]:
    return re.findall(
        r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="[^"]+">([^<]+)</a>', part
    )


def more_link(part: str) -> tuple[str, str]:
    """The sentence saying how many are not listed, and where its link leads."""
    found = re.search(
        r'<p class="govuk-body">(The first \d+ of \d+ [^:]+): <a class="govuk-link" href="([^"]+)"', part
    )
    assert found, part[-600:]
    return found.group(1), html.unescape(found.group(2))


def listed_on_tracker(client, url) -> int:
    found = re.search(r'role="status">(\d+) recommendation', get(client, url))
    assert found
    return int(found.group(1))


def test_the_timeline_counts_every_quarter_but_lists_the_first_revised_items(editor_client):
    report = make_report(published_on=datetime.date(2016, 4, 1))
    organisation = report.organisation
    # Open with their target moved into 2017/18 Q2 (one with its revisions on record).
    for n in range(SHOWN + 3):
        make_recommendation(
            report,
            ref=f"R{n:02d}",
            original_target_date=datetime.date(2017, 3, 31),
            target_date=datetime.date(2017, 7, 1) + datetime.timedelta(days=n),
        )
    first = make_recommendation(report, ref="A1", original_target_date=datetime.date(2016, 12, 31))
    make_revision(first, new_date=datetime.date(2017, 6, 30), reason="Waits for the new devices")
    # Open and never moved, in 2016/17 Q4; and revised but closed, counted nowhere.
    make_recommendation(report, ref="N1", original_target_date=datetime.date(2017, 1, 15))
    make_restricted_recommendation(report, ref="N2", original_target_date=datetime.date(2017, 2, 15))
    make_recommendation(
        report,
        ref="C1",
        status="closed",
        closed_on=datetime.date(2016, 11, 1),
        closing_evidence="Done",
        closure_agreed_by="Board",
        original_target_date=datetime.date(2016, 12, 31),
        target_date=datetime.date(2017, 8, 1),
    )

    page = get(editor_client, reverse("inspections:timeline"), organisation=organisation.slug)
    quarters = dict(
        re.findall(r'data-quarter-items="([^"]+)"><a class="govuk-link" href="[^"]+">(\d+)<', page)
    )
    assert quarters == {"2016/17 Q4": "2", "2017/18 Q1": "1", "2017/18 Q2": str(SHOWN + 3)}
    revised = sections(page)["Targets revised"]
    listed = refs_listed(revised)
    assert len(listed) == SHOWN and listed[0] == "A1" and "C1" not in listed and "N1" not in listed
    assert "Waits for the new devices" in revised and "originally 31 Dec 2016" in revised
    sentence, url = more_link(revised)
    assert sentence == f"The first {SHOWN} of {SHOWN + 4} open items with a revised target are listed here"
    assert listed_on_tracker(editor_client, url) == SHOWN + 4
    # Each quarter's counts lead to the tracker's list of just those items.
    links = dict(
        re.findall(
            r'href="([^"]+)">(\d+)<span class="govuk-visually-hidden"> open items due in 2016/17 Q4', page
        )
    )
    (q4_url,) = links
    assert listed_on_tracker(editor_client, html.unescape(q4_url)) == 2


def test_the_monthly_review_lists_the_first_of_each_list_and_links_to_them_all(editor_client):
    report = make_report(published_on=datetime.date(2016, 9, 1))
    organisation = report.organisation
    for n in range(SHOWN + 2):
        make_recommendation(report, ref=f"OD{n:02d}", original_target_date=datetime.date(2016, 11, 1))
    for n in range(3):
        make_recommendation(report, ref=f"DUE{n}", original_target_date=datetime.date(2016, 12, 10 + n))
    make_recommendation(
        report, ref="WAIT", status="awaiting_closure", original_target_date=datetime.date(2017, 2, 1)
    )
    for n in range(SHOWN + 1):
        make_report(organisation, title=f"Unanswered {n:02d}", published_on=datetime.date(2016, 10, 1))

    page = get(
        editor_client, reverse("inspections:monthly_review"), organisation=organisation.slug, month="2016-12"
    )
    parts = sections(page)
    overdue = parts["Overdue"]
    assert len(refs_listed(overdue)) == SHOWN and "DUE0" not in overdue
    sentence, url = more_link(overdue)
    assert sentence == f"The first {SHOWN} of {SHOWN + 2} overdue items are listed here"
    assert listed_on_tracker(editor_client, url) == SHOWN + 2
    assert f"The first {SHOWN} of {SHOWN + 2} open items whose target date was before this month" in overdue
    # A list no longer than a summary shows is shown whole, with no word of more.
    due = parts["Due this month"]
    assert refs_listed(due) == ["DUE0", "DUE1", "DUE2"] and "are listed here" not in due
    assert refs_listed(parts["Awaiting closure evidence"]) == ["WAIT"]
    responses = parts["PCC responses due"]
    assert responses.startswith(f"PCC responses due ({SHOWN + 2})")  # with the report the items are of
    sentence, url = more_link(responses)
    assert sentence == f"The first {SHOWN} of {SHOWN + 2} responses due are listed here"
    assert re.search(rf'role="status">{SHOWN + 2} inspection reports<', get(editor_client, url))


def test_the_tracker_warns_of_the_first_late_responses_and_links_to_them_all(editor_client):
    organisation = make_organisation(kind="opcc")
    for n in range(SHOWN + 1):
        make_report(organisation, title=f"Late {n:02d}", published_on=datetime.date(2016, 1, 1))
    make_report(
        organisation,
        title="Answered",
        published_on=datetime.date(2016, 1, 1),
        response_on=datetime.date(2016, 2, 1),
    )
    page = get(editor_client, reverse("inspections:tracker"), organisation=organisation.slug)
    start = page.index('<div class="govuk-warning-text">')
    warning = page[start : page.index("</div>\n</div>", start)]
    assert f"{SHOWN + 1} PCC responses past their 56 days" in warning
    assert warning.count("Response late") == SHOWN and "Answered" not in warning
    sentence, url = more_link(warning)
    assert sentence == f"The first {SHOWN} of {SHOWN + 1} late responses are listed here"
    assert re.search(rf'role="status">{SHOWN + 1} inspection reports<', get(editor_client, url))


def test_a_tracker_row_shows_what_its_item_holds(editor_client):
    report = make_report(title="Custody services inspection", source="hmicfrs")
    item = make_recommendation(
        report,
        ref="AFI 3",
        kind="afi",
        owner_role="Head of Custody (force)",
        original_target_date=datetime.date(2016, 10, 31),
        rag="amber",
        rag_reason="Slow",
    )
    make_revision(item, new_date=datetime.date(2017, 1, 31), dated=datetime.date(2016, 10, 20))
    make_update(item, dated=datetime.date(2016, 12, 5))
    make_restricted_recommendation(
        report,
        ref="R9",
        status="closed",
        closed_on=datetime.date(2016, 12, 1),
        closing_evidence="Done",
        closure_agreed_by="Board",
    )
    page = get(editor_client, reverse("inspections:tracker"), organisation=report.organisation.slug)
    rows = re.findall(r'<tr class="govuk-table__row">\s*<th scope="row".*?</tr>', page, flags=re.S)
    afi, closed = (next(r for r in rows if f">{ref} " in r) for ref in ("AFI 3", "R9"))
    assert f'href="{item.get_absolute_url()}"' in afi
    assert "Custody services inspection (HMICFRS)" in afi and ">Area for improvement<" in afi
    assert (
        ">Head of Custody (force)<" in afi
        and '31 Jan 2017<br><span class="govuk-body-s">first 31 Oct 2016' in afi
    )
    assert 'data-rag="amber">Amber<' in afi and ">5 Dec 2016<" in afi
    assert ">In progress<" not in afi and ">Open<" in afi and ">Overdue<" in afi and ">Target revised<" in afi
    assert "Restricted" not in afi
    assert "Closed 1 Dec 2016" in closed and ">None yet<" in closed and "Restricted" in closed
    assert ">Overdue<" not in closed


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_items(report, n: int, start: int) -> None:
    """Open items overdue by the review's month, due in it and awaiting closure, each with an
    update and most with a revised target; and a report whose response is late."""
    for i in range(n):
        item = make_recommendation(
            report,
            ref=f"R{start + i}",
            original_target_date=datetime.date(2016, 10, 1) + datetime.timedelta(days=i % 90),
            status="awaiting_closure" if i % 5 == 0 else "open",
        )
        make_update(item, dated=datetime.date(2016, 9, 1) + datetime.timedelta(days=i % 20))
        if i % 4:
            make_revision(item, new_date=datetime.date(2016, 12, 1) + datetime.timedelta(days=i % 60))
    make_report(report.organisation, title=f"Unanswered {start}", published_on=datetime.date(2016, 9, 1))


@pytest.mark.parametrize("page", ["tracker", "timeline", "monthly_review"])
def test_the_summaries_and_the_tracker_page_run_the_same_queries_past_what_they_show(editor_client, page):
    report = make_report(published_on=datetime.date(2016, 6, 1))
    query = f"?organisation={report.organisation.slug}"
    url = {
        "tracker": reverse("inspections:tracker") + query,
        "timeline": reverse("inspections:timeline") + query,
        "monthly_review": reverse("inspections:monthly_review") + query + "&month=2016-12",
    }[page]
    add_items(report, 4, 100)
    editor_client.get(url)
    few = count_queries(editor_client, url)
    add_items(report, 60, 200)  # more than a page of the tracker, and than any summary shows
    assert count_queries(editor_client, url) == few
