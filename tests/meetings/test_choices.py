"""The coverage and summary pages: their defaults, the body chosen on the summary (a body of
another office is a written 400, as a bad scope is: tests/assurance/test_scope.py), and what
the coverage headline counts."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import make_period
from tests.meetings import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    body = factories.make_body(name="Monthly Holding to Account", holds_to_account=True)
    factories.make_item(factories.make_meeting(body, datetime.date(2016, 10, 12)), title="Capital programme")
    return body


def test_a_body_not_among_the_organisations_is_a_written_400(editor_client, board):
    elsewhere = factories.make_body(name="Another office's board")
    for body in ("999999", str(elsewhere.pk), "abc"):
        response = editor_client.get(
            reverse("meetings:summary"), {"organisation": board.owner.slug, "body": body}
        )
        page = response.content.decode()
        assert response.status_code == 400, body
        assert f"Choose a body from the list; ‘{body}’ is not one of them." in page
        assert 'href="#id_body"' in page and "Capital programme" not in page


def test_absent_choices_show_the_defaults(editor_client, board):
    board.owner.is_home = True
    board.owner.save()
    coverage = editor_client.get(reverse("meetings:coverage"))
    assert coverage.status_code == 200
    assert coverage.context["period"].slug == "2016-17-q3"  # the quarter of the latest meeting
    summary = editor_client.get(reverse("meetings:summary"))
    assert summary.status_code == 200
    assert (summary.context["body"], summary.context["year"]) == (board, 2016)
    assert "Capital programme" in summary.content.decode()
    # An empty choice, as a cleared field sends it, is the default too.
    assert editor_client.get(reverse("meetings:summary"), {"body": "", "period": ""}).status_code == 200


def test_valid_choices_are_shown(editor_client, board):
    make_period(2016, 2)
    response = editor_client.get(
        reverse("meetings:coverage"), {"organisation": board.owner.slug, "period": "2016-17-q2"}
    )
    assert response.status_code == 200 and response.context["period"].slug == "2016-17-q2"
    response = editor_client.get(
        reverse("meetings:summary"), {"organisation": board.owner.slug, "body": board.pk, "period": "2016-17"}
    )
    assert response.status_code == 200 and "Capital programme" in response.content.decode()


def test_the_coverage_headline_says_what_each_number_counts(editor_client):
    body = factories.make_body()
    plan = factories.make_plan(owner=body.owner)
    covered_scheduled, gap, covered_unscheduled = (
        factories.make_commitment(plan, ref) for ref in ("1.1", "1.2", "1.3")
    )
    factories.make_commitment(plan, "1.4")
    factories.schedule(covered_scheduled)
    factories.schedule(gap)
    item = factories.make_item(factories.make_meeting(body, datetime.date(2016, 10, 12)))
    item.commitments.add(covered_scheduled, covered_unscheduled)
    page = editor_client.get(
        reverse("meetings:coverage"), {"organisation": body.owner.slug, "period": "2016-17-q3"}
    ).content.decode()
    assert (
        "2 of the 4 commitments in force were scrutinised at a meeting this quarter. "
        "2 were scheduled for oversight this quarter, of which 1 was not covered."
    ) in page


def test_a_body_is_offered_only_the_objectives_of_its_offices_plans():
    from tests.assurance.test_organisation_access import member
    from tests.delivery_plans.factories import make_objective, make_plan
    from tests.factories import make_organisation

    home = make_organisation(name="Office of the PCC for Choiceshire", is_home=True, kind="opcc")
    elsewhere = make_organisation(name="Office of the PCC for Otherwhere", kind="opcc")
    ours = make_objective(make_plan(owner=home), title="OURS-OBJECTIVE-7Q")
    shared_plan = make_plan(owner=elsewhere)
    shared_plan.organisations.add(home)
    shared = make_objective(shared_plan, title="SHARED-OBJECTIVE-7Q")
    make_objective(make_plan(owner=elsewhere), title="THEIRS-OBJECTIVE-7Q")
    page = member(home).get(reverse("meetings:create")).content.decode()
    assert "OURS-OBJECTIVE-7Q" in page and "SHARED-OBJECTIVE-7Q" in page
    assert "THEIRS-OBJECTIVE-7Q" not in page
    assert ours.pk != shared.pk
