"""The live dashboard is kept between requests while nothing it shows changes, and made again
the moment something does: a change on any write path, a publication, another day."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assurance import registry
from assurance.kept import kept_while_unchanged, newest_ids, records_version, tables_read
from assurance.models import Rag
from assurance.permissions import Role
from assurance.summaries import SHOWN
from assurance.writes import record_delete, record_update
from meetings.models import Action
from tests.delivery_plans import factories as plans
from tests.factories import make_organisation, make_period, make_user
from tests.inspections import factories as inspections
from tests.meetings import factories as meetings
from tests.publishing_factories import make_publication
from tests.risks import factories as risks

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return make_organisation(name="Office of the PCC for Keptshire", is_home=True, kind="opcc")


@pytest.fixture
def quarter():
    return make_period(2016, 3)


@pytest.fixture
def item(home):
    body = meetings.make_body(owner=home, name="Keptshire Accountability Board")
    return meetings.make_item(meetings.make_meeting(body, datetime.date(2016, 10, 11)))


def page(client, home, quarter) -> str:
    response = client.get(reverse("dashboard"), {"organisation": home.slug, "period": quarter.slug})
    assert response.status_code == 200
    return response.content.decode()


def test_a_change_shows_on_the_next_view_of_the_kept_dashboard(editor_client, editor, home, quarter, item):
    action = meetings.make_action(item, description="KEPT-ACTION-BEFORE")
    assert "KEPT-ACTION-BEFORE" in page(editor_client, home, quarter)
    # The dashboard, its page and each area's data are kept ...
    assert len(caches["kept"]._cache) == 2 + len([a for a in registry.areas() if a.reports_to_dashboard])
    assert "KEPT-ACTION-BEFORE" in page(editor_client, home, quarter)  # ... and served again

    action.description = "KEPT-ACTION-AFTER"
    record_update(instance=action, loaded_version=action.version, by=editor)
    shown = page(editor_client, home, quarter)
    assert "KEPT-ACTION-AFTER" in shown and "KEPT-ACTION-BEFORE" not in shown

    record_delete(instance=Action.objects.get(pk=action.pk), loaded_version=action.version, by=editor)
    assert "KEPT-ACTION-AFTER" not in page(editor_client, home, quarter)


def test_the_records_version_moves_on_with_every_write_and_a_publication(editor, home, quarter, item):
    before = records_version()
    action = meetings.make_action(item)
    created = records_version()
    assert created != before
    record_update(instance=action, loaded_version=action.version, by=editor)
    changed = records_version()
    assert changed != created
    make_publication(home, quarter)
    assert records_version() != changed


def test_a_publication_shows_on_the_next_view(publisher_client, home, quarter, item):
    assert "has not been published yet" in page(publisher_client, home, quarter)
    make_publication(home, quarter)
    assert "has been published" in page(publisher_client, home, quarter)


def test_what_the_dashboard_shows_depends_on_whether_the_reader_publishes(
    editor_client, publisher_client, home, quarter, item
):
    assert "Review checks and publish" in page(publisher_client, home, quarter)
    assert "Review checks and publish" not in page(editor_client, home, quarter)


def test_the_live_dashboard_lists_the_first_open_actions_and_links_to_them_all(
    editor_client, home, quarter, item
):
    for n in range(SHOWN + 3):
        meetings.make_action(item, description=f"OPEN-ACTION-{n:03}")
    shown = page(editor_client, home, quarter)
    assert sum(f"OPEN-ACTION-{n:03}" in shown for n in range(SHOWN + 3)) == SHOWN
    assert f"The first {SHOWN} of {SHOWN + 3} open actions are listed here" in shown
    tracker = reverse("meetings:actions") + f"?organisation={home.slug}&amp;status=open"
    assert f'href="{tracker}"' in shown
    listed = editor_client.get(reverse("meetings:actions"), {"organisation": home.slug, "status": "open"})
    assert sum(f"OPEN-ACTION-{n:03}" in listed.content.decode() for n in range(SHOWN + 3)) == SHOWN + 3


def test_a_publication_read_by_staff_is_kept_until_it_is_withdrawn_or_its_paper_changes(
    publisher_client, publisher, home, quarter, item
):
    from assurance.models import Paper
    from assurance.publishing import publication_withdraw

    publication = make_publication(home, quarter)
    url = publication.get_absolute_url()
    first = publisher_client.get(url).content.decode()
    assert "Withdrawn on" not in first and "Withdraw this version" in first
    assert publisher_client.get(url).content.decode().count("Withdraw this version") == 1

    Paper.objects.filter(publication=publication).update(status=Paper.Status.PENDING)
    assert "The panel paper is being made" in publisher_client.get(url).content.decode()

    publication_withdraw(publication=publication, by=publisher, reason="KEPT-WITHDRAWAL-REASON")
    after = publisher_client.get(url).content.decode()
    assert "Withdrawn on" in after and "KEPT-WITHDRAWAL-REASON" in after
    assert "Withdraw this version" not in after


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_the_whole_page_is_kept_for_its_reader_and_served_with_a_fresh_csrf_token(
    home, quarter, item, editor
):
    # The same reader in two browsers: each has its own CSRF cookie.
    browser, another_browser = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    another_browser.force_login(editor)
    with CaptureQueriesContext(connection) as made:
        first = page(browser, home, quarter)
    with CaptureQueriesContext(connection) as served:
        again = page(another_browser, home, quarter)
    # Kept: the session, the user, their roles and the records' version; nothing of the page.
    assert len(served) <= 4 < len(made)
    assert re.sub(r'value="[^"]+"', "", first) == re.sub(r'value="[^"]+"', "", again)
    # The kept page's form works in the browser it was served to: its token is its own.
    signed_out = another_browser.post(reverse("logout"), {"csrfmiddlewaretoken": csrf_token(again)})
    assert signed_out.status_code == 302
    assert another_browser.get(reverse("dashboard")).status_code == 302  # sent to sign in


def test_a_page_kept_for_one_reader_is_never_served_to_another(home, quarter, item, editor):
    other = make_user(Role.EDITOR, username="another-editor", first_name="Strategic", last_name="Lead")
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(other)
    assert "Performance Officer" in page(first, home, quarter)
    shown = page(second, home, quarter)
    assert "Strategic Lead" in shown and "Performance Officer" not in shown
    assert "Performance Officer" in page(first, home, quarter)


def test_a_reader_given_another_role_sees_its_page_at_once(editor_client, editor, home, quarter, item):
    assert ">Publish<" not in page(editor_client, home, quarter)
    editor.groups.add(Group.objects.get_or_create(name=Role.PUBLISHER)[0])
    assert ">Publish<" in page(editor_client, home, quarter)


def test_a_message_is_shown_once_on_a_page_made_for_it_and_not_kept(editor_client, home, quarter, item):
    page(editor_client, home, quarter)
    storage = CookieStorage(HttpRequest())
    editor_client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "KEPT-MESSAGE-ONCE")])
    assert "KEPT-MESSAGE-ONCE" in page(editor_client, home, quarter)
    assert "KEPT-MESSAGE-ONCE" not in page(editor_client, home, quarter)


def _after_saving(record, by, client, home, quarter) -> tuple[str, str]:
    """The dashboard after `record` is saved as an editor saves it, and the SQL it ran."""
    record_update(instance=record, loaded_version=record.version, by=by)
    with CaptureQueriesContext(connection) as ctx:
        shown = page(client, home, quarter)
    return shown, " ".join(q["sql"] for q in ctx.captured_queries)


def test_a_change_to_one_area_reads_again_only_the_areas_that_read_its_records(
    editor_client, editor, home, quarter, item
):
    plan = plans.make_plan(owner=home, title="Keptshire Plan")
    commitment = plans.make_commitment(plans.make_objective(plan), text="KEPT-COMMITMENT-BEFORE")
    # Red in the quarter, so the dashboard lists it.
    plans.make_update(commitment, quarter, rag=Rag.RED, rag_reason="Behind plan")
    risks.make_risk(risks.make_register(owner=home), raised_on=datetime.date(2016, 4, 1))
    report = inspections.make_report(organisation=home, title="Keptshire inspection")
    # Overdue by the quarter's end, so the dashboard lists it.
    recommendation = inspections.make_recommendation(
        report, text="KEPT-RECOMMENDATION-BEFORE", original_target_date=datetime.date(2016, 10, 1)
    )
    page(editor_client, home, quarter)

    recommendation.text = "KEPT-RECOMMENDATION-AFTER"
    shown, read = _after_saving(recommendation, editor, editor_client, home, quarter)
    assert "KEPT-RECOMMENDATION-AFTER" in shown and "KEPT-RECOMMENDATION-BEFORE" not in shown
    assert "inspections_recommendation" in read
    for other in ("principles_assessment", "delivery_plans_commitment", "meetings_meeting", "risks_risk"):
        assert other not in read

    # A commitment is read by the delivery plans, and by the meetings' coverage and the risks'
    # links: each of them is read again.
    commitment.text = "KEPT-COMMITMENT-AFTER"
    shown, read = _after_saving(commitment, editor, editor_client, home, quarter)
    assert "KEPT-COMMITMENT-AFTER" in shown and "KEPT-COMMITMENT-BEFORE" not in shown
    for again in ("delivery_plans_plan", "meetings_meeting", "risks_risk"):
        assert again in read
    assert "inspections_recommendation" not in read and "principles_assessment" not in read


def test_the_scope_given_to_the_areas_is_read_again_when_it_changes(
    editor_client, editor, home, quarter, item
):
    plans.make_plan(owner=home, title="Keptshire Plan")
    page(editor_client, home, quarter)
    home.name = "Office of the PCC for New Keptshire"
    shown, read = _after_saving(home, editor, editor_client, home, quarter)
    assert "New Keptshire" in shown and "delivery_plans_plan" in read


def test_tables_read_names_each_whole_table_a_query_reads():
    from delivery_plans.models import Commitment

    with tables_read() as read:
        list(Commitment.objects.filter(related__ref="1.1").order_by().values("pk"))
    assert read == {"delivery_plans_commitment", "delivery_plans_commitment_related"}


def test_what_read_a_table_written_without_history_is_never_kept(editor):
    made = []

    def make():
        made.append(1)
        return list(type(editor).objects.values_list("pk", flat=True))

    for _ in range(2):
        assert kept_while_unchanged("test:users", make, newest_ids(), seconds=60) == [editor.pk]
    assert len(made) == 2


def test_what_is_kept_is_made_again_when_a_link_changes_from_either_end(editor, home, quarter, item):
    from meetings.models import OversightBody

    commitment = plans.make_commitment(plans.make_objective(plans.make_plan(owner=home)))
    made = []

    def make():
        made.append(1)
        return list(OversightBody.commitments.through.objects.values_list("commitment_id", flat=True))

    assert kept_while_unchanged("test:links", make, newest_ids(), seconds=60) == []
    assert kept_while_unchanged("test:links", make, newest_ids(), seconds=60) == []
    assert len(made) == 1
    # Linked from the commitment's side: the commitment's record is saved with its links.
    commitment.oversight_bodies.add(item.meeting.body)
    record_update(instance=commitment, loaded_version=commitment.version, by=editor)
    assert kept_while_unchanged("test:links", make, newest_ids(), seconds=60) == [commitment.pk]
    assert len(made) == 2
