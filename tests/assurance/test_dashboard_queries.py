"""The staff dashboard runs a number of queries that does not grow with other offices' data
(`make bench` prints how many beside the target)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assurance import registry
from assurance.demo import load_core


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=StringIO())


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(captured)


def test_the_staff_dashboard_runs_the_same_few_queries_as_other_offices_grow(demo, editor_client):
    dashboard_queries(editor_client)  # the session and the user's roles, cached from here on
    small = dashboard_queries(editor_client)
    context = load_core(scale=3)
    for area in registry.areas():
        area.load_demo(context)
    large = dashboard_queries(editor_client)
    assert small == large
