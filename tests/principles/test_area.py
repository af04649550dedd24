"""The dashboard contract: snapshot() and checks() for one OPCC's financial year."""

import json

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from assurance import registry
from assurance.models import Direction, Rag, Visibility
from assurance.registry import Scope
from assurance.writes import unaudited
from principles.area import checks, snapshot
from principles.models import EvidenceItem
from tests.factories import make_organisation, make_period
from tests.principles.factories import assess_framework, make_assessment, make_evidence, make_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return make_organisation(short_name="Testshire")


def scope(owner, *, quarter=2, include_restricted=False) -> Scope:
    return Scope(organisation=owner, period=make_period(2017, quarter), include_restricted=include_restricted)


def test_the_area_is_registered_first_on_the_dashboard():
    area = registry.get("principles")
    assert area.order == 10 and registry.areas()[0] is area


def test_the_snapshot_holds_the_grid_and_appendix_for_the_financial_year_of_the_quarter(owner):
    framework = make_framework(2, 2, slug="cipfa-test")
    year = make_period(2017)
    a = make_assessment(
        sub_principle=framework.principles.get(letter="B").sub_principles.get(number=2),
        owner=owner,
        year=year,
        rag=Rag.AMBER,
        rag_reason="Area for improvement – collaboration agreements",
        direction=Direction.MAINTAINING,
    )
    make_evidence(a, text="Collaboration agreements in place", link="https://example.org/c", order=1)
    make_assessment(
        sub_principle=framework.principles.get(letter="B").sub_principles.get(number=2),
        owner=make_organisation(),
        year=year,
        rag=Rag.RED,
        rag_reason="Another office",
    )

    data = snapshot(scope=scope(owner))
    assert data["year"] == "2017/18"
    assert [p["letter"] for p in data["principles"]] == ["A", "B"]
    b2 = data["principles"][1]["sub_principles"][1]
    assert b2["ref"] == "B.2" and b2["rag"] == "amber" and b2["direction"] == "maintaining"
    assert b2["rag_reason"] == "Area for improvement – collaboration agreements"
    assert b2["evidence"] == [
        {"text": "Collaboration agreements in place", "link": "https://example.org/c", "owner": ""}
    ]
    # Not yet assessed sub-principles are in the grid, not rated.
    assert data["principles"][0]["sub_principles"][0]["rag"] == "not_rated"
    assert {
        "key": "subprinciple:cipfa-test:B.2",
        "label": "B.2 Sub-principle B.2",
        "rag": "amber",
        "status": "",
    } in data["items"]
    assert len(data["items"]) == 4
    assert data["counts"]["amber"] == 1 and data["counts"]["not_rated"] == 3
    json.dumps(data)


def test_the_snapshot_leaves_out_restricted_evidence_unless_asked(owner):
    a = make_assessment(owner=owner, year=make_period(2017))
    make_evidence(a, text="Public policy")
    make_evidence(a, text="Confidential audit finding", visibility=Visibility.RESTRICTED)

    public = json.dumps(snapshot(scope=scope(owner)))
    assert "Public policy" in public and "Confidential audit finding" not in public
    staff = json.dumps(snapshot(scope=scope(owner, include_restricted=True)))
    assert "Confidential audit finding" in staff


def _snapshot_queries(owner) -> int:
    the_scope = scope(owner)
    with CaptureQueriesContext(connection) as queries:
        snapshot(scope=the_scope)
    return len(queries)


def test_the_snapshot_runs_a_fixed_number_of_queries(owner):
    make_period(2017, 2)
    assess_framework(make_framework(1, 1), owner=owner, year=make_period(2017), evidence=1)
    few = _snapshot_queries(owner)
    assess_framework(make_framework(5, 4), owner=owner, year=make_period(2017), evidence=6)
    assert EvidenceItem.objects.count() == 1 + 20 * 6
    assert _snapshot_queries(owner) == few == 3


def test_the_section_and_appendix_render_from_the_snapshot(owner):
    a = make_assessment(owner=owner, year=make_period(2017), rag=Rag.RED, rag_reason="<b>Risky</b>")
    make_evidence(a, text="Policy", link="https://example.org/p")
    data = snapshot(scope=scope(owner))
    section = render_to_string("principles/section.html", {"data": data, "scope_label": "2017/18 Q2"})
    assert 'data-rag="red"' in section and "&lt;b&gt;Risky&lt;/b&gt;" in section
    appendix = render_to_string("principles/appendix.html", {"data": data, "pdf": False})
    assert 'href="https://example.org/p"' in appendix and "<thead" in appendix
    pdf = render_to_string("principles/appendix.html", {"data": data, "pdf": True})
    assert "Policy" in pdf and "href=" not in pdf


def test_checks_find_a_missing_reason_a_bad_link_and_unrated_sub_principles(owner):
    framework = make_framework(1, 3)
    subs = list(framework.principles.get().sub_principles.all())
    year = make_period(2017)
    make_assessment(sub_principle=subs[0], owner=owner, year=year, rag=Rag.AMBER)
    make_assessment(sub_principle=subs[1], owner=owner, year=year, rag=Rag.NOT_RATED)

    findings = checks(scope=scope(owner))
    messages = [(f.level, f.message) for f in findings]
    assert ("error", "Principles: A.1 Sub-principle A.1 is rated Amber without a reason.") in messages
    assert ("warning", "Principles: A.2 Sub-principle A.2 is not rated for 2017/18.") in messages
    assert ("warning", "Principles: A.3 Sub-principle A.3 is not rated for 2017/18.") in messages
    assert len(findings) == 3


def test_checks_find_an_evidence_link_that_is_not_a_web_address(owner):
    a = make_assessment(owner=owner, year=make_period(2017))
    item = make_evidence(a, text="Shared drive")
    # The database refuses such a link; switch its rule off, as an old import might have.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            # Deferred foreign-key checks must run before PostgreSQL will alter the table.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE principles_evidenceitem DROP CONSTRAINT principles_evidenceitem_link_is_web"
            )
        with unaudited():
            EvidenceItem.objects.filter(pk=item.pk).update(link="file://server/share")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
    findings = checks(scope=scope(owner))
    assert [(f.level, f.message) for f in findings] == [
        ("error", "Principles: evidence ‘Shared drive’ of A.1 does not link to a web page.")
    ]
    assert findings[0].url == item.get_absolute_url()


def test_checks_are_clean_for_a_fully_rated_year(owner):
    assess_framework(make_framework(2, 2), owner=owner, year=make_period(2017), rag=Rag.GREEN)
    assert checks(scope=scope(owner)) == []
