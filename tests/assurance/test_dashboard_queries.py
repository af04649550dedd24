"""The staff pages that gather every area run a few queries, and the same number as other
offices' data grows (`make bench` prints the dashboard's beside the target)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assurance import registry
from assurance.demo import load_core
from assurance.models import Organisation, Publication, ReportingPeriod
from assurance.scope import Scope

# The live dashboard of a published quarter: the session, the user and their roles, the
# offices and quarters on offer, each area's snapshot, the quarter's publications and what
# has gone from the current one since.
DASHBOARD_QUERIES = 37
# The session, the user and their roles, and one query per audited model.
RECENT_CHANGES_QUERIES = 40


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=StringIO())


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow_other_offices() -> None:
    context = load_core(scale=3)
    for area in registry.areas():
        area.load_demo(context)


def test_the_staff_pages_run_the_same_few_queries_as_other_offices_grow(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="editor"))
    home = Organisation.objects.get(is_home=True)
    quarter = ReportingPeriod.objects.from_slug("2016-17-q3")
    assert Publication.objects.filter(organisation=home, period=quarter).exists()
    dashboard = reverse("dashboard") + "?" + Scope(organisation=home, period=quarter).query
    recent = reverse("recent_changes")
    queries(client, dashboard)  # templates and the first request's one-off reads
    small = {"dashboard": queries(client, dashboard), "recent changes": queries(client, recent)}
    grow_other_offices()
    large = {"dashboard": queries(client, dashboard), "recent changes": queries(client, recent)}
    assert small == large
    assert small["dashboard"] <= DASHBOARD_QUERIES
    assert small["recent changes"] <= RECENT_CHANGES_QUERIES


def test_the_dashboard_of_the_quarter_being_prepared_runs_the_same_queries_as_other_offices_grow(
    demo, editor_client
):
    queries(editor_client, reverse("dashboard"))
    small = queries(editor_client, reverse("dashboard"))
    grow_other_offices()
    assert queries(editor_client, reverse("dashboard")) == small
