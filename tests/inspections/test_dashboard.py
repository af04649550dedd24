"""The tracker on the dashboard, in publications, in the panel paper and on the public page:
a late PCC response flagged and blocking publication until recorded or explained; overdue
items without an update warned of; what changed; restricted items never published (planted
text looked for in the HTML and in the PDF read back with pdftotext)."""

import datetime
import json
import subprocess

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assurance.dashboard import take_snapshot
from assurance.permissions import Role
from assurance.publishing import PublishingBlocked, publication_publish
from assurance.registry import Scope, get
from inspections.dashboard import checks, snapshot
from tests.conftest import requires_pdftotext
from tests.factories import make_organisation, make_period, make_user
from tests.inspections.factories import (
    make_recommendation,
    make_report,
    make_restricted_recommendation,
    make_revision,
    make_update,
)
from tests.publishing_factories import make_cover_report

pytestmark = pytest.mark.django_db
PLANTED = "RESTRICTED-INSPECTION-MARKER-7Q"


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
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    # Table cells wrap: compare words, not lines.
    return " ".join(text.decode().split())


@pytest.fixture
def office():
    organisation = make_organisation(kind="opcc")
    report = make_report(
        organisation,
        title="Best use of stop and search: re-inspection",
        published_on=datetime.date(2016, 9, 22),
        response_on=datetime.date(2016, 11, 10),
        response_public=True,
        response_link="https://example.org/response",
    )
    done = make_recommendation(
        report,
        ref="R1",
        text="Publish the outcome of every stop and search.",
        status="closed",
        closed_on=datetime.date(2016, 11, 30),
        closing_evidence="Outcomes published monthly.",
        closure_agreed_by="Strategic Stop and Search Group",
        rag="green",
    )
    slipping = make_recommendation(
        report, ref="AFI 1", kind="afi", text="Improve the recording of grounds for each search."
    )
    make_update(slipping, dated=datetime.date(2016, 12, 5), text="Dip-sampling introduced.")
    make_revision(slipping, new_date=datetime.date(2017, 3, 31), dated=datetime.date(2016, 12, 12))
    # Overdue at the quarter's end, last updated in the quarter before.
    stale = make_recommendation(
        report,
        ref="R2",
        text="Review community complaints.",
        original_target_date=datetime.date(2016, 11, 30),
    )
    make_update(stale, dated=datetime.date(2016, 9, 30), text="Reviews started.")
    secret = make_restricted_recommendation(report, ref="S1", text=f"{PLANTED} covert tactic")
    make_update(secret, text=f"{PLANTED} update")
    return organisation, report, done, slipping, stale, secret


def test_the_snapshot_reads_each_item_as_the_quarter_left_it(office):
    organisation, report, done, slipping, stale, secret = office
    data = snapshot(Scope(organisation, quarter(3)))
    assert json.loads(json.dumps(data)) == data
    rows = {r["ref"]: r for r in data["reports"][0]["items"]}
    assert set(rows) == {"R1", "AFI 1", "R2"}
    assert rows["AFI 1"]["target"] == "2017-03-31" and rows["AFI 1"]["original_target"] == "2016-12-31"
    assert rows["AFI 1"]["update"]["text"] == "Dip-sampling introduced."
    assert rows["R2"]["overdue"] and [r["ref"] for r in data["overdue"]] == ["R2"]
    assert {s["status"]: s["count"] for s in data["by_status"]}["closed"] == 1
    assert PLANTED not in json.dumps(data)
    assert PLANTED in json.dumps(snapshot(Scope(organisation, quarter(3), include_restricted=True)))
    # Q2 ended before the revision and the update: the original target, no update, not yet closed.
    q2 = {r["ref"]: r for r in snapshot(Scope(organisation, quarter(2)))["reports"][0]["items"]}
    assert q2["AFI 1"]["target"] == "2016-12-31" and q2["AFI 1"]["update"] is None
    assert q2["R1"]["status"] == "in_progress"


def test_an_overdue_item_with_no_update_this_quarter_is_a_warning(office):
    organisation = office[0]
    findings = checks(Scope(organisation, quarter(3)))
    warnings = [f.message for f in findings if f.level == "warning"]
    assert warnings == ["1 overdue recommendation has no update in 2016/17 Q3: R2"]
    assert not [f for f in findings if f.level == "error"]


def test_a_late_response_is_flagged_and_blocks_publishing_until_recorded_or_explained(office, editor_client):
    organisation = office[0]
    late = make_report(
        organisation, title="PEEL: police effectiveness", published_on=datetime.date(2016, 10, 1)
    )
    period = quarter(3)
    query = {"organisation": organisation.slug, "period": period.slug}
    page = editor_client.get(reverse("dashboard"), query).content.decode()
    assert "Late responses of the PCC" in page and "PEEL: police effectiveness" in page
    assert "Response late" in page
    page = editor_client.get(
        reverse("inspections:tracker"), {"organisation": organisation.slug}
    ).content.decode()
    assert (
        "1 PCC response past its 56 days with none recorded" in page and "PEEL: police effectiveness" in page
    )
    errors = [f for f in checks(Scope(organisation, period)) if f.level == "error"]
    assert len(errors) == 1 and "was due on 26 November 2016" in errors[0].message
    assert errors[0].url == reverse("inspections:response", args=[late.pk])
    with pytest.raises(PublishingBlocked):
        publish(organisation, period)

    # Explained through the response form: flagged still, no longer blocking.
    response = editor_client.post(
        reverse("inspections:response", args=[late.pk]),
        {"late_explanation": "Awaiting the force's improvement plan.", "loaded_version": late.version},
    )
    assert response.status_code == 302
    assert not [f for f in checks(Scope(organisation, period)) if f.level == "error"]
    publication = publish(organisation, period)
    section = json.dumps(publication.snapshot)
    # The explanation waits for the response to be marked public; the state does not.
    assert "Awaiting the force" not in section and "late_explained" in section

    # Recorded later, the next quarter shows it made late.
    late.refresh_from_db()
    editor_client.post(
        reverse("inspections:response", args=[late.pk]),
        {
            "response_on": "2017-01-10",
            "late_explanation": late.late_explanation,
            "loaded_version": late.version,
        },
    )
    flagged = snapshot(Scope(organisation, quarter(4)))["responses_flagged"]
    assert [r["state"] for r in flagged] == ["made_late"]


def test_a_response_recorded_after_the_quarter_lifts_the_block_on_publishing_it(office):
    organisation = office[0]
    make_report(
        organisation,
        title="PEEL: police effectiveness",
        published_on=datetime.date(2016, 10, 1),
        response_on=datetime.date(2017, 1, 10),
    )
    period = quarter(3)
    assert not [f for f in checks(Scope(organisation, period)) if f.level == "error"]
    publication = publish(organisation, period)
    # The quarter's section still says the response was late at its end.
    section = json.dumps(publication.snapshot)
    assert "PEEL: police effectiveness" in section and '"state": "late"' in section


def test_responses_not_yet_due_are_listed_with_their_due_dates(office, editor_client):
    organisation = office[0]
    make_report(organisation, title="Custody: a joint inspection", published_on=datetime.date(2016, 11, 20))
    period = quarter(3)
    live = editor_client.get(reverse("dashboard"), {"organisation": organisation.slug, "period": period.slug})
    publication = publish(organisation, period)
    for page in (live.content.decode(), Client().get(publication.get_absolute_url()).content.decode()):
        assert "PCC responses not yet due" in page
        table = page.split("PCC responses not yet due", 1)[1].split("</table>", 1)[0]
        assert "Custody: a joint inspection" in table and "15 January 2017" in table


def test_what_changed_lists_items_that_moved_opened_or_closed(office):
    organisation, report, done, slipping, stale, secret = office
    publish(organisation, quarter(2))
    make_recommendation(report, ref="R9", text="A new recommendation.")
    slipping.rag, slipping.rag_reason = "amber", "Devices delayed"
    slipping.save()
    changes = {
        c["label"].split(":")[0]: c
        for c in publish(organisation, quarter(3)).changes
        if c["area"] == get("inspections").title
    }
    assert changes["AFI 1"]["kind"] == "rating"
    assert changes["R1"]["kind"] == "status" and changes["R1"]["after"]["status"] == "closed"
    assert changes["R9"]["kind"] == "new"
    assert "S1" not in changes


@requires_pdftotext
def test_restricted_items_never_reach_a_published_page_or_the_paper(office, editor_client):
    organisation = office[0]
    period = quarter(3)
    live = editor_client.get(reverse("dashboard"), {"organisation": organisation.slug, "period": period.slug})
    assert live.status_code == 200
    assert PLANTED in json.dumps(take_snapshot(Scope(organisation, period, include_restricted=True)))
    publication = publish(organisation, period)
    assert PLANTED not in json.dumps(publication.snapshot)
    panel = Client()
    panel.force_login(make_user(Role.PANEL))
    for reader in (Client(), panel):
        page = reader.get(publication.get_absolute_url()).content.decode()
        assert "Improve the recording of grounds" in page and PLANTED not in page
        text = pdf_text(reader.get(publication.get_pdf_url()).getvalue())
        assert "Recommendations of inspections and audits" in text
        assert "Best use of stop and search: re-inspection" in text and "Dip-sampling introduced." in text
        assert "AFI 1" in text and "Outcomes published monthly." in text
        assert PLANTED not in text
        assert reader.get(office[5].get_absolute_url()).status_code in (302, 403)


@requires_pdftotext
def test_a_response_not_marked_public_is_not_published_with_its_date_or_explanation(office, editor_client):
    organisation = office[0]
    make_report(
        organisation,
        title="PEEL: police effectiveness",
        published_on=datetime.date(2016, 10, 1),
        late_explanation=f"{PLANTED} awaiting the board",
        response_public=False,
    )
    period = quarter(3)
    live = editor_client.get(reverse("dashboard"), {"organisation": organisation.slug, "period": period.slug})
    assert PLANTED in live.content.decode()
    publication = publish(organisation, period)
    assert PLANTED not in json.dumps(publication.snapshot)
    page = Client().get(publication.get_absolute_url()).content.decode()
    assert "PEEL: police effectiveness" in page and "response not yet published" in page
    assert PLANTED not in page
    text = pdf_text(Client().get(publication.get_pdf_url()).getvalue())
    assert "PEEL: police effectiveness" in text and PLANTED not in text


def test_the_public_page_lists_reports_and_public_responses_only(office):
    organisation, report, done, slipping, stale, secret = office
    make_report(
        organisation,
        title="PEEL: police legitimacy",
        published_on=datetime.date(2017, 12, 12),
        response_on=datetime.date(2018, 1, 30),
        response_link="https://example.org/unpublished-response",
        response_public=False,
    )
    page = Client().get(reverse("inspections:public"), {"organisation": organisation.slug})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Best use of stop and search: re-inspection" in text and "https://example.org/response" in text
    assert "PEEL: police legitimacy" in text and "https://example.org/unpublished-response" not in text
    assert "Responded 30 January 2018" not in text and "Not yet published" in text
    # Nothing of the items, let alone the restricted one.
    assert PLANTED not in text and "Improve the recording of grounds" not in text


def test_the_public_page_leaves_out_other_reports_until_their_response_is_public(office):
    organisation = office[0]
    make_report(
        organisation,
        title="Internal audit: seized property handling",
        source="internal_audit",
        inspection_type="",
        response_required=False,
    )
    make_report(
        organisation,
        title="External audit: value for money",
        source="external_audit",
        inspection_type="",
        response_on=datetime.date(2016, 11, 1),
        response_public=True,
    )
    text = Client().get(reverse("inspections:public"), {"organisation": organisation.slug}).content.decode()
    assert "Best use of stop and search: re-inspection" in text
    assert "External audit: value for money" in text
    assert "Internal audit: seized property handling" not in text


def test_panels_show_linked_recommendations_on_commitment_and_risk_pages(office, editor_client):
    from tests.delivery_plans.factories import make_commitment
    from tests.risks.factories import make_risk

    organisation, report, done, slipping, stale, secret = office
    commitment = make_commitment()
    risk = make_risk()
    slipping.commitments.add(commitment)
    slipping.risks.add(risk)
    secret.risks.add(risk)
    for record in (commitment, risk):
        page = editor_client.get(record.get_absolute_url()).content.decode()
        assert "Inspection and audit recommendations" in page and "Improve the recording of grounds" in page


def test_the_snapshot_runs_the_same_number_of_queries_at_two_sizes(office):
    organisation, report = office[0], office[1]
    scope = Scope(organisation, quarter(3), include_restricted=True)
    with CaptureQueriesContext(connection) as small:
        snapshot(scope)
        checks(scope)
    for n in range(10):
        item = make_recommendation(report, ref=f"G{n}")
        make_update(item)
        make_revision(item)
        make_report(organisation, title=f"More {n}")
    with CaptureQueriesContext(connection) as large:
        data = snapshot(scope)
        checks(scope)
    assert len(data["items"]) == 14
    assert len(small) == len(large)


def test_the_area_is_registered_with_its_dashboard_contract():
    area = get("inspections")
    assert area.section_template == "inspections/section.html"
    assert area.appendix_template == "inspections/appendix.html"
    assert {p.on for p in area.panels()} == {"delivery_plans.commitment", "risks.risk"}
