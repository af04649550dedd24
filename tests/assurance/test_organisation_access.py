"""Roles are held per organisation: an office's staff see and change that office's records (and
those of the plans and bodies it shares), and find nothing of another office's; a panel member
reads the publications of their panel's area."""

import pytest
from django.test import Client
from django.urls import reverse

from assurance.models import Membership
from assurance.permissions import Role
from assurance.writes import record_delete
from tests.delivery_plans.factories import make_commitment, make_objective, make_plan
from tests.factories import make_organisation, make_period, make_user
from tests.publishing_factories import make_publication

pytestmark = pytest.mark.django_db


def member(organisation, role=Role.EDITOR) -> Client:
    user = make_user()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def offices():
    here = make_organisation(name="Office of the Police and Crime Commissioner for Here", is_home=True)
    there = make_organisation(name="Office of the Police and Crime Commissioner for There")
    make_period(2016, 3)
    return here, there


def test_pages_offer_only_the_offices_where_the_role_is_held(offices):
    here, there = offices
    editor = member(here)
    page = editor.get(reverse("dashboard")).content.decode()
    assert here.name in page and there.name not in page
    refused = editor.get(reverse("dashboard"), {"organisation": there.slug})
    assert refused.status_code == 400 and "Choose an organisation from the list" in refused.content.decode()


def test_an_ally_edits_the_commitments_of_a_plan_it_shares(offices):
    here, there = offices
    shared = make_plan(owner=here)
    shared.organisations.add(there)
    commitment = make_commitment(make_objective(shared), ref="1.1")
    own = make_commitment(make_objective(make_plan(owner=here)), ref="9.9")
    ally = member(there)
    assert ally.get(commitment.get_absolute_url()).status_code == 200
    assert ally.get(reverse("delivery_plans:update", args=[commitment.pk])).status_code == 200
    assert ally.get(own.get_absolute_url()).status_code == 404


def test_recent_changes_and_history_keep_to_the_office(offices):
    here, there = offices
    theirs = make_commitment(make_objective(make_plan(owner=there)), ref="7.7", text="Their commitment")
    deleted_pk = theirs.pk
    record_delete(instance=theirs, loaded_version=theirs.version, by=None)
    editor_here, editor_there = member(here), member(there)
    assert "Their commitment" not in editor_here.get(reverse("recent_changes")).content.decode()
    assert "Their commitment" in editor_there.get(reverse("recent_changes")).content.decode()
    history = reverse("history", args=["delivery_plans.commitment", deleted_pk])
    assert editor_here.get(history).status_code == 404
    assert editor_there.get(history).status_code == 200  # a deleted record's history stays with its office


def test_a_publisher_publishes_only_for_the_office(offices):
    here, there = offices
    publisher = member(here, Role.PUBLISHER)
    quarter = make_period(2016, 3)
    assert publisher.get(reverse("publish", args=[here.slug, quarter.slug])).status_code == 200
    assert publisher.get(reverse("publish", args=[there.slug, quarter.slug])).status_code == 404
    editor = member(here)
    assert editor.get(reverse("publish", args=[here.slug, quarter.slug])).status_code == 403


def test_a_panel_member_reads_their_areas_publications_when_nothing_is_public(offices, settings):
    here, there = offices
    quarter = make_period(2016, 3)
    ours, theirs = make_publication(here, quarter), make_publication(there, quarter)
    settings.PUBLISH_PUBLICLY = False
    panel = member(here, Role.PANEL)
    assert panel.get(ours.get_absolute_url()).status_code == 200
    assert panel.get(theirs.get_absolute_url()).status_code == 404
    listing = panel.get(reverse("publication_list")).content.decode()
    assert ours.get_absolute_url() in listing and theirs.get_absolute_url() not in listing
    settings.PUBLISH_PUBLICLY = True
    assert panel.get(theirs.get_absolute_url()).status_code == 200  # published openly: anyone reads it


def test_a_shared_commitment_shows_each_office_only_its_own_records_in_other_areas_panels(offices):
    """A commitment of a plan two offices share: each office's risks bearing on it show on its
    page to that office's staff alone (the core narrows every panel, whatever the area)."""
    from tests.risks.factories import make_register, make_risk

    here, there = offices
    shared = make_plan(owner=here)
    shared.organisations.add(there)
    commitment = make_commitment(make_objective(shared), ref="1.1")
    ours = make_risk(make_register(owner=here), title="Our risk OURS-9Q")
    theirs = make_risk(make_register(owner=there), title="Their risk THEIRS-9Q")
    for risk in (ours, theirs):
        risk.commitments.add(commitment)
    page_here = member(here).get(commitment.get_absolute_url()).content.decode()
    page_there = member(there).get(commitment.get_absolute_url()).content.decode()
    assert "OURS-9Q" in page_here and "THEIRS-9Q" not in page_here
    assert "THEIRS-9Q" in page_there and "OURS-9Q" not in page_there


def test_an_office_keeps_its_own_risk_registers_and_cannot_add_one_for_another(offices):
    from risks.models import RiskRegister

    here, there = offices
    editor = member(here)
    url = reverse("risks:register_create")
    page = editor.get(url).content.decode()
    assert here.name in page and f'value="{there.pk}"' not in page.split('name="organisations"')[0]
    refused = editor.post(url, {"owner": there.pk, "name": "Their register", "order": 1})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not RiskRegister.objects.filter(name="Their register").exists()
    kept = editor.post(url, {"owner": here.pk, "name": "Our register", "order": 1})
    assert kept.status_code == 302 and RiskRegister.objects.get(name="Our register").owner == here
