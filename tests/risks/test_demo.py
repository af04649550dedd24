"""The demo's risk registers, as the 2016 draft assurance framework lists them, reviewed in
each quarter of 2016/17, linked to the commitments and bodies they bear on; and shown on
those pages through the panels."""

import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, TestCase

from assurance.models import Organisation, Publication, ReportingPeriod
from risks.models import Risk, RiskRegister
from tests.conftest import requires_pdftotext


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=StringIO())
    return Organisation.objects.home()


def test_both_registers_are_loaded_with_their_refs_reviews_and_links(demo, editor_client):
    registers = {r.name: r for r in RiskRegister.objects.filter(owner=demo)}
    joint = registers["Joint PCC Strategic Risk Register"]
    force = registers["West Mercia Police – Alliance Level Strategic Risks"]
    assert sorted(joint.risks.values_list("ref", flat=True), key=int) == [str(n) for n in range(1, 9)]
    assert sorted(force.risks.values_list("ref", flat=True)) == [*"ABCDEFGH", "SR04"]
    assert [o.slug for o in joint.organisations.all()] == ["warwickshire-opcc"]
    assert list(
        Risk.objects.filter(register__owner=demo, visibility="restricted").values_list("ref", flat=True)
    ) == ["SR04"]

    for risk in Risk.objects.filter(register__owner=demo).prefetch_related("reviews"):
        quarters = {ReportingPeriod.objects.quarter_containing(r.date).label for r in risk.reviews.all()}
        assert quarters == {f"2016/17 Q{q}" for q in (1, 2, 3, 4)}, risk.ref
        assert risk.owner_role, risk.ref  # a role title, never a person's name

    victims = Risk.objects.get(register__owner=demo, ref="5")
    assert {c.ref for c in victims.commitments.all()} == {"A.2", "A.4", "1.4"}
    assert {b.name for b in victims.bodies.all()} == {"Victim Contract Management Board", "Victims Board"}
    commitment = victims.commitments.get(ref="A.2")
    page = editor_client.get(commitment.get_absolute_url()).content.decode()
    assert "The risk of inadequate commissioning of Victims Services" in page
    body = victims.bodies.get(name="Victims Board")
    page = editor_client.get(body.get_absolute_url()).content.decode()
    assert "Risks overseen" in page and "inadequate commissioning" in page


@requires_pdftotext
def test_the_published_demo_quarter_has_the_risk_appendix_without_the_restricted_risk(db):
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("load_demo", force=True, stdout=StringIO())
    demo = Organisation.objects.home()
    publication = Publication.objects.get(organisation=demo)
    secret = Risk.objects.get(register__owner=demo, ref="SR04")
    page = Client().get(publication.get_absolute_url()).content.decode()
    assert "The risk that the Strategic Alliance fails" in page and secret.title not in page
    pdf = Client().get(publication.get_pdf_url()).getvalue()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Strategic risk registers" in text and "Alliance Level Strategic Risks" in text
    assert "operationally sensitive capability" not in text
