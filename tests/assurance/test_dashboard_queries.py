"""The staff pages that gather every area run a few queries, and the same number as other
offices' data grows (`make bench` prints the dashboard's beside the target)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assurance import registry
from assurance.demo import load_core
from assurance.history import audited_models
from assurance.models import Organisation, Publication, ReportingPeriod
from assurance.scope import Scope

# The live dashboard of a published quarter, made: the session, the user and their roles, the
# offices and quarters on offer, the records' version, each area's snapshot, the quarter's
# publications, the last one's snapshot and what has gone from the current one since.
DASHBOARD_QUERIES = 39
# The same page kept from an earlier request while nothing changed: the session, the user and
# their roles, and the records' version.
KEPT_DASHBOARD_QUERIES = 4
# The session, the user and their roles, the newest changes, and at most one query per
# audited model among them: a bound that the data cannot move.
RECENT_CHANGES_QUERIES = 4 + len(audited_models())


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=StringIO())


def queries(client, url: str, *, kept: bool = False) -> int:
    """The queries of one request; unless `kept`, with the live dashboard made afresh."""
    if not kept:
        caches["kept"].clear()
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

    def measure() -> dict[str, int]:
        return {
            "dashboard": queries(client, dashboard),
            "dashboard kept": queries(client, dashboard, kept=True),
        }

    small, small_recent = measure(), queries(client, recent)
    grow_other_offices()
    large, large_recent = measure(), queries(client, recent)
    assert small == large
    assert small["dashboard"] <= DASHBOARD_QUERIES
    assert small["dashboard kept"] <= KEPT_DASHBOARD_QUERIES
    # Which areas the newest changes come from moves with the data; the bound does not.
    assert max(small_recent, large_recent) <= RECENT_CHANGES_QUERIES


def test_the_dashboard_of_the_quarter_being_prepared_runs_the_same_queries_as_other_offices_grow(
    demo, editor_client
):
    queries(editor_client, reverse("dashboard"))
    small = queries(editor_client, reverse("dashboard"))
    grow_other_offices()
    assert queries(editor_client, reverse("dashboard")) == small


def test_every_page_the_bench_times_answers_on_the_demo_data(demo):
    from assurance.management.commands.bench import bench_pages

    client = Client()
    client.force_login(get_user_model().objects.get(username="editor"))
    publication = Publication.objects.filter(organisation__is_home=True).latest("published_at")
    pages = bench_pages(publication)
    # Lists and dashboards of every area, the forms that choose among an office's records, and
    # the pages of records that list others (a body's meetings, a report's items).
    assert len(pages) >= 30 and sum("(form)" in name for name, _ in pages) >= 9
    assert {
        "Page of a commitment",
        "Page of an oversight body",
        "Page of a meeting",
        "Page of a risk",
        "Page of an inspection report",
        "Page of an inspection item",
    } <= {name for name, _ in pages}
    for name, url in pages:
        assert client.get(url).status_code == 200, name


def test_the_bench_holds_each_page_to_its_queries_and_its_time():
    from assurance.management.commands.bench import BOUNDED_PAGES, page_rows

    small = {"List": (0.010, 7), "Recent changes": (0.040, 14)}
    same = {"List": (0.014, 7), "Recent changes": (0.041, 8)}
    assert all(row[3] for row in page_rows(small, same, 10, hold_time=True))
    slower = {"List": (0.016, 7), "Recent changes": (0.041, 8)}
    assert [row[3] for row in page_rows(small, slower, 10, hold_time=True)] == [False, True]
    assert all(row[3] for row in page_rows(small, slower, 50, hold_time=False))
    more = {"List": (0.010, 8), "Recent changes": (0.040, BOUNDED_PAGES["Recent changes"] + 1)}
    assert not any(row[3] for row in page_rows(small, more, 50, hold_time=False))


def test_the_bench_keeps_the_faster_of_a_scales_two_turns():
    from assurance.management.commands.bench import fastest_of

    first = {
        "pages": {"List": [0.012, 7], "Form": [0.020, 9]},
        "staff_dashboard_made": [0.090, 37],
        "rates": {},
    }
    again = {"pages": {"List": [0.010, 7], "Form": [0.025, 9]}, "staff_dashboard_made": [0.080, 37]}
    kept = fastest_of(first, again)
    assert kept["pages"] == {"List": (0.010, 7), "Form": (0.020, 9)}
    assert kept["staff_dashboard_made"] == (0.080, 37)
    assert kept["rates"] == {}  # the rest is the first turn's
