"""The risk registers on the dashboard, in publications and in the panel paper: the quarter as
its reviews left it, checks before publishing, what changed, and restricted risks never
published (planted text looked for in the HTML and in the PDF read back with pdftotext)."""

import datetime
import json
import subprocess

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from assurance.dashboard import take_snapshot
from assurance.permissions import Role
from assurance.publishing import PublishingBlocked, publication_publish
from assurance.registry import Scope, get
from risks.dashboard import checks, snapshot
from tests.conftest import requires_pdftotext
from tests.factories import make_organisation, make_period, make_user
from tests.publishing_factories import make_cover_report
from tests.risks.factories import make_action, make_register, make_restricted_risk, make_review, make_risk

pytestmark = pytest.mark.django_db
PLANTED = "RESTRICTED-RISK-MARKER-5K"


def quarter(q: int, year: int = 2016):
    return make_period(year, q)


def publish(organisation, period, **fields):
    fields.setdefault("warnings_acknowledged", True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        make_cover_report(organisation, period)
        return publication_publish(
            organisation=organisation, period=period, by=make_user(Role.PUBLISHER), **fields
        )


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def office():
    owner = make_organisation(kind="opcc")
    register = make_register(owner, name="Joint PCC Strategic Risk Register")
    finance = make_risk(
        register, ref="3", title="The risk of failing to manage our finances", likelihood=4, impact=4
    )
    make_action(finance)
    make_review(finance, date=datetime.date(2016, 9, 19))
    make_review(finance, date=datetime.date(2016, 12, 12), likelihood=2, impact=4)
    # A later review, after the quarter: the quarter's dashboard does not see it.
    make_review(finance, date=datetime.date(2017, 3, 13), likelihood=1, impact=2)
    secret = make_restricted_risk(register, ref="SR04", title=f"{PLANTED} covert capability")
    make_action(secret, description=f"{PLANTED} closed-part action")
    make_review(secret, commentary=f"{PLANTED} commentary")
    return owner, register, finance, secret


def test_the_snapshot_reads_each_risk_as_its_reviews_left_the_quarter(office):
    owner, register, finance, secret = office
    data = snapshot(Scope(owner, quarter(3)))
    json.dumps(data)
    row = data["registers"][0]["risks"][0]
    assert (row["ref"], row["residual"]["score"], row["rag"], row["direction"]) == (
        "3",
        8,
        "amber",
        "improving",
    )
    assert row["review"]["date"] == "2016-12-12" and row["actions"][0]["done"] is False
    assert data["heat_map"]["total"] == 1 and data["highest"][0]["ref"] == "3"
    assert [i["key"] for i in data["items"]] == [f"risk:{finance.pk}"]
    staff = snapshot(Scope(owner, quarter(3), include_restricted=True))
    assert PLANTED in json.dumps(staff) and PLANTED not in json.dumps(data)
    q4 = snapshot(Scope(owner, quarter(4)))
    assert q4["registers"][0]["risks"][0]["rag"] == "green"


def test_a_red_risk_with_no_further_action_blocks_publishing(office):
    owner, register, finance, secret = office
    red = make_risk(register, ref="7", likelihood=4, impact=4)
    make_review(red, date=datetime.date(2016, 12, 1))
    make_action(red, kind="control")
    findings = checks(Scope(owner, quarter(3)))
    errors = [f for f in findings if f.level == "error"]
    assert len(errors) == 1 and "7 is rated Red but has no further action" in errors[0].message
    assert errors[0].url == reverse("risks:action_create", args=[red.pk]) + "?kind=action"
    with pytest.raises(PublishingBlocked):
        publish(owner, quarter(3))


def test_overdue_ownerless_and_unreviewed_risks_are_warnings(office):
    owner, register, finance, secret = office
    make_risk(register, ref="8", owner_role="", likelihood=1, impact=2)  # never reviewed
    stale = make_risk(register, ref="9", likelihood=1, impact=1)
    make_review(stale, date=datetime.date(2016, 6, 20), next_review_date=datetime.date(2016, 10, 1))
    messages = [f.message for f in checks(Scope(owner, quarter(3))) if f.level == "warning"]
    assert any("overdue at 31 December 2016" in m and "9" in m for m in messages)
    assert any("have no owner" in m and "Joint PCC Strategic Risk Register 8" in m for m in messages)
    assert any("no review in 2016/17 Q3" in m and "Register 8" in m and "Register 9" in m for m in messages)
    assert not any("SR04" in m for m in messages)  # restricted risks are not published, so not checked


def test_what_changed_lists_risks_that_moved_opened_or_closed(office):
    owner, register, finance, secret = office
    make_review(finance, date=datetime.date(2016, 7, 1), likelihood=4, impact=4)  # Q2 starts Red
    leaving = make_risk(register, ref="5", likelihood=2, impact=2)
    make_review(leaving, date=datetime.date(2016, 9, 1))
    publish(owner, quarter(2))
    leaving.status, leaving.closed_on, leaving.closing_note = (
        "closed",
        datetime.date(2016, 11, 1),
        "Mitigated",
    )
    leaving.save()
    fresh = make_risk(register, ref="6", likelihood=1, impact=1, raised_on=datetime.date(2016, 11, 1))
    make_review(fresh, date=datetime.date(2016, 11, 2))
    changes = {
        c["label"].split(":")[0]: c
        for c in publish(owner, quarter(3)).changes
        if c["area"] == "Strategic risks"
    }
    name = register.name
    assert changes[f"{name} 3"]["kind"] == "rating"
    assert (changes[f"{name} 3"]["before"]["rag"], changes[f"{name} 3"]["after"]["rag"]) == ("red", "amber")
    assert changes[f"{name} 5"]["kind"] == "status" and changes[f"{name} 5"]["after"]["status"] == "closed"
    assert changes[f"{name} 6"]["kind"] == "new"
    assert f"{name} SR04" not in changes


@requires_pdftotext
def test_a_restricted_risk_never_reaches_a_published_page_or_the_paper(office, editor_client):
    owner, register, finance, secret = office
    quarter(3)
    live = editor_client.get(reverse("dashboard"), {"organisation": owner.slug, "period": "2016-17-q3"})
    assert PLANTED in live.content.decode()  # staff see it: it is there to leak
    assert PLANTED in json.dumps(take_snapshot(Scope(owner, quarter(3), include_restricted=True)))
    publication = publish(owner, quarter(3))
    assert PLANTED not in json.dumps(publication.snapshot)
    panel = Client()
    panel.force_login(make_user(Role.PANEL))
    for reader in (Client(), panel):
        page = reader.get(publication.get_absolute_url()).content.decode()
        assert "The risk of failing to manage our finances" in page and PLANTED not in page
        response = reader.get(publication.get_pdf_url())
        text = pdf_text(response.getvalue())
        assert "Strategic risk registers" in text and "The risk of failing to manage our finances" in text
        assert PLANTED not in text
        assert reader.get(secret.get_absolute_url()).status_code in (302, 403)


def test_the_area_is_registered_with_its_dashboard_contract():
    area = get("risks")
    assert area.section_template == "risks/section.html" and area.appendix_template == "risks/appendix.html"
    assert {p.on for p in area.panels()} == {"delivery_plans.commitment", "meetings.oversightbody"}
