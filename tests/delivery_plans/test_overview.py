"""The plan overview: counts for every commitment, but only the quarter's exceptions listed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assurance.models import Rag
from delivery_plans.selectors import EXCEPTIONS_SHOWN
from tests.delivery_plans.factories import make_commitment, make_objective, make_plan, make_update
from tests.factories import make_period

pytestmark = pytest.mark.django_db


def overview(client, plan, **params):
    response = client.get(reverse("delivery_plans:plan", args=[plan.pk]), params)
    assert response.status_code == 200
    return response


def listed(response) -> list[str]:
    """The refs of the commitments the exceptions table lists, in its order."""
    page = response.content.decode()
    table = page[page.index('id="exceptions"') :]
    return re.findall(
        r'<td class="govuk-table__cell"><a class="govuk-link" href="/[^"]+/">([^<]+)</a>', table
    )


def rated(objective, ref: str, rag: str, **fields):
    commitment = make_commitment(objective, ref=ref)
    make_update(commitment, make_period(2016, 3), rag=rag, text=f"Words of {ref}", **fields)
    return commitment


def test_it_lists_only_the_red_and_amber_red_first_with_their_update(editor_client):
    objective = make_objective(short_name="Victims")
    rated(objective, "1.1", Rag.AMBER, rag_reason="Waiting on the force")
    rated(objective, "1.2", Rag.GREEN)
    rated(objective, "1.3", Rag.RED, rag_reason="Funding withdrawn")
    make_commitment(objective, ref="1.4")  # not rated
    other = make_objective(objective.plan, short_name="Secure")
    rated(other, "2.1", Rag.RED)
    response = overview(editor_client, objective.plan)
    page = response.content.decode()
    assert listed(response) == ["1.3", "2.1", "1.1"]
    assert "Words of 1.3" in page and "Funding withdrawn" in page and "Waiting on the force" in page
    assert "Words of 1.2" not in page
    assert "3 commitments rated Red or Amber in 2016/17 Q3 (2 Red, 1 Amber)" in page
    assert "All 3 Red and Amber commitments in 2016/17 Q3" in page and "not listed here" not in page


def test_it_lists_the_exceptions_of_the_quarter_asked_for(editor_client):
    c = make_commitment(ref="1.1")
    make_update(c, make_period(2016, 2), rag=Rag.RED)
    make_update(c, make_period(2016, 3), rag=Rag.GREEN)
    assert listed(overview(editor_client, c.plan, period="2016-17-q2")) == ["1.1"]
    page = overview(editor_client, c.plan, period="2016-17-q3").content.decode()
    assert "No Red or Amber commitments in 2016/17 Q3" in page


def test_beyond_the_limit_it_says_how_many_more_and_links_to_the_full_list(editor_client):
    objective = make_objective()
    plan = objective.plan
    for n in range(1, EXCEPTIONS_SHOWN + 6):
        rated(objective, f"1.{n}", Rag.RED if n % 5 == 0 else Rag.AMBER)
    with CaptureQueriesContext(connection) as ctx:
        response = overview(editor_client, plan)
    # Cut in the database, not after loading every row (read before the next request resets the log).
    assert any(f"LIMIT {EXCEPTIONS_SHOWN}" in q["sql"] for q in ctx.captured_queries)
    refs = listed(response)
    assert len(refs) == EXCEPTIONS_SHOWN
    assert refs[:5] == ["1.5", "1.10", "1.15", "1.20", "1.25"]  # Red first, then in ref order
    page = response.content.decode()
    assert f"The first {EXCEPTIONS_SHOWN} of 25 Red and Amber commitments" in page
    assert "5 more are not listed here" in page
    link = f"{reverse('delivery_plans:list')}?organisation={plan.owner.slug}&amp;plan={plan.pk}&amp;rag=red"
    assert f'<a class="govuk-link" href="{link}">See all commitments rated Red</a>' in page
    assert "rag=amber" in page
    # The list behind the link has them all.
    full = editor_client.get(link.replace("&amp;", "&"))
    assert [c.ref for c in full.context["object_list"]] == ["1.5", "1.10", "1.15", "1.20", "1.25"]


def test_the_page_lists_the_same_rows_in_the_same_queries_at_two_sizes(editor_client):
    objective = make_objective()

    def measure() -> tuple[int, int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = overview(editor_client, objective.plan)
        rows = response.content.decode().count('<tr class="govuk-table__row">')
        return len(listed(response)), rows, len(ctx.captured_queries)

    for n in range(1, EXCEPTIONS_SHOWN + 2):
        rated(objective, f"1.{n}", Rag.AMBER)
    small = measure()
    for n in range(EXCEPTIONS_SHOWN + 2, 3 * EXCEPTIONS_SHOWN):
        rated(objective, f"1.{n}", [Rag.RED, Rag.GREEN][n % 2])
    assert measure() == small and small[0] == EXCEPTIONS_SHOWN


def test_the_objectives_keep_their_anchor_count_and_delete_only_when_empty(editor_client):
    plan = make_plan()
    used, empty = make_objective(plan), make_objective(plan)
    make_commitment(used)
    page = overview(editor_client, plan).content.decode()
    assert f'id="{used.anchor}"' in page and f'id="{empty.anchor}"' in page
    assert f'&amp;objective={used.pk}">1<span' in page
    assert reverse("delivery_plans:objective_delete", args=[empty.pk]) in page
    assert reverse("delivery_plans:objective_delete", args=[used.pk]) not in page
