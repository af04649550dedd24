"""Editors follow recommendations in the browser: from open to closed with evidence, the
tracker's counts following; revised target dates on the closedown timeline with their
reasons; the monthly review; bad input a written error on its field that saves nothing; a
stale edit refused; the pages' queries flat at two data sizes."""

import datetime
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections.models import (
    MonitoringPhase,
    PeelGrade,
    Recommendation,
    RecommendationUpdate,
    Report,
    TargetDateRevision,
)
from tests.factories import make_organisation, make_period
from tests.inspections.factories import (
    make_grade,
    make_phase,
    make_recommendation,
    make_report,
    make_restricted_recommendation,
    make_revision,
    make_update,
)

pytestmark = pytest.mark.django_db


def item_data(**changes) -> dict:
    data = {
        "ref": "R1",
        "kind": "recommendation",
        "text": "Publish the outcome of every stop and search.",
        "addressed_to": "Chief Constable",
        "owner_role": "Assistant Chief Constable (Local Policing)",
        "original_target_date": "2016-12-31",
        "status": "open",
        "rag": "not_rated",
        "visibility": "public",
    }
    return data | changes


def edit_data(item: Recommendation, **changes) -> dict:
    data = item_data(
        ref=item.ref,
        text=item.text,
        original_target_date=item.original_target_date.isoformat(),
        status=item.status,
        rag=item.rag,
        rag_reason=item.rag_reason,
        loaded_version=item.version,
    )
    return data | changes


def tracker(client, organisation, **filters) -> str:
    response = client.get(reverse("inspections:tracker"), {"organisation": organisation.slug, **filters})
    assert response.status_code == 200
    return response.content.decode()


def count_of(page: str, attribute: str, value: str) -> int:
    found = re.search(rf'data-{attribute}="{value}">(\d+)<', page)
    assert found, (attribute, value)
    return int(found.group(1))


def test_an_editor_follows_a_recommendation_from_open_to_closed_with_evidence(editor_client):
    report = make_report(title="Best use of stop and search: re-inspection")
    organisation = report.organisation
    response = editor_client.post(reverse("inspections:create", args=[report.pk]), item_data())
    assert response.status_code == 302
    item = Recommendation.objects.get()
    assert (item.status, item.target_date) == ("open", datetime.date(2016, 12, 31))
    page = tracker(editor_client, organisation)
    assert count_of(page, "status", "open") == 1 and count_of(page, "status", "closed") == 0

    # An update with evidence, then in progress and rated Amber with its reason.
    response = editor_client.post(
        reverse("inspections:update_create", args=[item.pk]),
        {
            "dated": "2016-11-01",
            "text": "Outcomes recorded for every search.",
            "evidence": "Data quality report",
            "evidence_links": "https://example.org/outcomes\n\nhttps://example.org/report",
        },
    )
    assert response.status_code == 302
    assert RecommendationUpdate.objects.get().links == [
        "https://example.org/outcomes",
        "https://example.org/report",
    ]
    item.refresh_from_db()
    response = editor_client.post(
        reverse("inspections:update", args=[item.pk]),
        edit_data(item, status="in_progress", rag="amber", rag_reason="Web pages not yet live"),
    )
    assert response.status_code == 302
    page = tracker(editor_client, organisation)
    assert count_of(page, "status", "open") == 0 and count_of(page, "status", "in_progress") == 1
    assert count_of(page, "rag", "amber") == 1

    # Closed with the evidence and who agreed it.
    item.refresh_from_db()
    response = editor_client.post(
        reverse("inspections:update", args=[item.pk]),
        edit_data(
            item,
            status="closed",
            rag="green",
            closing_evidence="Outcomes published monthly on the force's web pages.",
            closure_agreed_by="Strategic Stop and Search Group",
        ),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.closed_on) == ("closed", timezone.localdate())
    page = tracker(editor_client, organisation)
    assert count_of(page, "status", "closed") == 1 and count_of(page, "status", "in_progress") == 0
    assert count_of(page, "rag", "green") == 1
    assert "Closed" in tracker(editor_client, organisation, status="closed")
    detail = editor_client.get(item.get_absolute_url()).content.decode()
    assert "Outcomes published monthly" in detail and "Strategic Stop and Search Group" in detail
    assert "Outcomes recorded for every search." in detail and "https://example.org/report" in detail
    history = editor_client.get(item.get_history_url()).content.decode()
    assert "Closure agreed by" in history or "closure agreed by" in history.lower()


def test_closing_without_evidence_is_a_written_error_and_saves_nothing(editor_client):
    item = make_recommendation()
    response = editor_client.post(
        reverse("inspections:update", args=[item.pk]), edit_data(item, status="closed")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the closing evidence" in page and "Say who agreed the closure" in page
    item.refresh_from_db()
    assert item.status == "open" and item.version == 1


def test_a_target_date_before_the_report_was_published_is_refused(editor_client):
    report = make_report(published_on=datetime.date(2016, 9, 22))
    response = editor_client.post(
        reverse("inspections:create", args=[report.pk]), item_data(original_target_date="2016-09-01")
    )
    assert response.status_code == 200
    assert "The target date cannot be before the report was published (22 September 2016)" in (
        response.content.decode()
    )
    item = make_recommendation(report)
    response = editor_client.post(
        reverse("inspections:revision_create", args=[item.pk]),
        {
            "new_date": "2016-08-01",
            "reason": "Moved",
            "dated": "2016-12-01",
            "agreed_by": "Board",
            "recommendation_version": item.version,
        },
    )
    assert "The new target date cannot be before the report was published" in response.content.decode()
    assert not TargetDateRevision.objects.exists() and Recommendation.objects.count() == 1


def test_a_grade_outside_the_scale_of_its_year_is_refused(editor_client):
    old = make_report(inspection_type="peel", published_on=datetime.date(2017, 11, 9))
    response = editor_client.post(
        reverse("inspections:grade_create", args=[old.pk]), {"area": "Efficiency", "grade": "adequate"}
    )
    assert response.status_code == 200
    assert "‘Adequate’ is on the PEEL scale only from 2021" in response.content.decode()
    assert not PeelGrade.objects.exists()
    new = make_report(inspection_type="peel", published_on=datetime.date(2022, 5, 1))
    response = editor_client.post(
        reverse("inspections:grade_create", args=[new.pk]),
        {"area": "Investigating crime", "grade": "adequate"},
    )
    assert response.status_code == 302 and PeelGrade.objects.get().grade == "adequate"


def test_grades_only_on_hmicfrs_reports_and_updates_only_on_open_items(editor_client):
    audit = make_report(source="internal_audit", inspection_type="")
    response = editor_client.post(
        reverse("inspections:grade_create", args=[audit.pk]), {"area": "Efficiency", "grade": "good"}
    )
    assert response.status_code == 200
    assert "Only HMICFRS gives PEEL grades" in response.content.decode()
    assert not PeelGrade.objects.exists()
    closed = make_recommendation(
        status="closed",
        closed_on=datetime.date(2016, 11, 1),
        closing_evidence="Done",
        closure_agreed_by="Board",
    )
    gone = make_recommendation(closed.report, status="superseded", superseded_by=make_report())
    for item in (closed, gone):
        response = editor_client.post(
            reverse("inspections:update_create", args=[item.pk]),
            {"dated": "2016-12-01", "text": "More work"},
        )
        assert response.status_code == 200
        assert "reopen it before recording an update" in response.content.decode()
    assert not RecommendationUpdate.objects.exists()


def test_a_revision_is_not_agreed_before_the_last_one_or_the_report(editor_client):
    item = make_recommendation(report=make_report(published_on=datetime.date(2016, 9, 22)))
    make_revision(item, new_date=datetime.date(2017, 3, 31), dated=datetime.date(2016, 12, 12))
    item.refresh_from_db()
    url = reverse("inspections:revision_create", args=[item.pk])
    data = {
        "new_date": "2017-06-30",
        "reason": "Moved",
        "agreed_by": "Board",
        "recommendation_version": item.version,
    }
    response = editor_client.post(url, data | {"dated": "2016-12-01"})
    assert response.status_code == 200
    assert "The last revision was agreed on 12 December 2016" in response.content.decode()
    response = editor_client.post(url, data | {"dated": "2016-09-01"})
    assert "The date agreed cannot be before the report was published" in response.content.decode()
    assert TargetDateRevision.objects.count() == 1


def test_an_update_dated_in_the_future_is_refused(editor_client):
    item = make_recommendation()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = editor_client.post(
        reverse("inspections:update_create", args=[item.pk]),
        {"dated": tomorrow.isoformat(), "text": "Planned work", "evidence_links": "not a link"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "An update cannot be in the future" in page and "is not a web address" in page
    assert not RecommendationUpdate.objects.exists()


def test_other_bad_input_is_written_on_its_field(editor_client):
    organisation = make_organisation(kind="opcc")
    response = editor_client.post(
        reverse("inspections:report_create") + f"?organisation={organisation.slug}",
        {
            "source": "internal_audit",
            "inspection_type": "peel",
            "title": "Audit",
            "published_on": "2016-07-14",
            "concerns": "other",
        },
    )
    page = response.content.decode()
    assert "Only HMICFRS reports have an inspection type" in page and "Say which other bodies" in page
    assert not Report.objects.exists()
    report = make_report()
    response = editor_client.post(
        reverse("inspections:response", args=[report.pk]),
        {"response_on": "2016-09-01", "response_public": "on", "loaded_version": report.version},
    )
    assert "The response cannot be before the report was published" in response.content.decode()
    item = make_recommendation(report)
    response = editor_client.post(
        reverse("inspections:create", args=[report.pk]), item_data(ref=item.ref.lower())
    )
    assert "is already an item of this report" in response.content.decode()
    response = editor_client.post(
        reverse("inspections:update", args=[item.pk]), edit_data(item, rag="red", rag_reason="")
    )
    assert "Give a reason for the Red rating" in response.content.decode()
    earlier = make_report(report.organisation, title="Earlier report", published_on=datetime.date(2015, 1, 5))
    response = editor_client.post(
        reverse("inspections:update", args=[item.pk]),
        edit_data(item, status="superseded", superseded_by=earlier.pk),
    )
    assert "was published before this report" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "open"


def test_an_hmicfrs_report_keeps_the_pcc_s_statutory_response(editor_client):
    report = make_report(published_on=datetime.date(2016, 10, 1))
    response = editor_client.post(
        reverse("inspections:report_update", args=[report.pk]),
        {
            "source": "hmicfrs",
            "inspection_type": "thematic",
            "title": report.title,
            "published_on": "2016-10-01",
            "concerns": "force",
            "loaded_version": report.version,
        },
    )
    assert response.status_code == 200
    assert "HMICFRS reports need the PCC&#x27;s response within 56 days" in response.content.decode()
    report.refresh_from_db()
    assert report.response_required


def test_a_stale_edit_is_refused_with_who_changed_it(editor_client):
    item = make_recommendation()
    url = reverse("inspections:update", args=[item.pk])
    data = edit_data(item)
    assert editor_client.post(url, data | {"text": "First wording"}).status_code == 302
    response = editor_client.post(url, data | {"text": "Second wording"})
    assert response.status_code == 409 and "after you opened this form" in response.content.decode()
    item.refresh_from_db()
    assert item.text == "First wording"
    report = item.report
    url = reverse("inspections:response", args=[report.pk])
    data = {"response_on": "2016-11-01", "loaded_version": report.version}
    assert editor_client.post(url, data).status_code == 302
    assert editor_client.post(url, data | {"response_on": "2016-11-02"}).status_code == 409


def test_a_revision_of_a_target_moved_since_the_form_was_opened_is_refused(editor_client):
    item = make_recommendation(original_target_date=datetime.date(2016, 12, 31))
    opened_at = item.version
    # Someone else revises the target while the form is open.
    make_revision(item, new_date=datetime.date(2017, 3, 31), dated=datetime.date(2016, 12, 12))
    url = reverse("inspections:revision_create", args=[item.pk])
    data = {
        "new_date": "2017-06-30",
        "reason": "Moved",
        "dated": "2016-12-20",
        "agreed_by": "Board",
        "recommendation_version": opened_at,
    }
    response = editor_client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "its target date is now 31 March 2017" in page and "Your revision was not saved" in page
    assert TargetDateRevision.objects.count() == 1
    item.refresh_from_db()
    assert item.target_date == datetime.date(2017, 3, 31)
    # Resubmitted from the refreshed form, it saves.
    response = editor_client.post(url, data | {"recommendation_version": item.version})
    assert response.status_code == 302 and TargetDateRevision.objects.count() == 2
    missing = {k: v for k, v in data.items() if k != "recommendation_version"}
    response = editor_client.post(url, missing | {"dated": "2016-12-21", "new_date": "2017-09-30"})
    assert response.status_code == 200 and "This form is out of date" in response.content.decode()


def test_a_revised_target_date_shows_on_the_timeline_with_its_reason(editor_client):
    item = make_recommendation(ref="AFI 1", original_target_date=datetime.date(2016, 12, 31))
    organisation = item.report.organisation
    response = editor_client.post(
        reverse("inspections:revision_create", args=[item.pk]),
        {
            "new_date": "2017-03-31",
            "reason": "Mobile form waits for the new devices",
            "dated": "2016-12-12",
            "agreed_by": "Strategic Stop and Search Group",
            "recommendation_version": item.version,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.original_target_date, item.target_date) == (
        datetime.date(2016, 12, 31),
        datetime.date(2017, 3, 31),
    )
    assert "Mobile form waits for the new devices" in item.history.first().history_change_reason
    make_revision(
        item, new_date=datetime.date(2017, 6, 30), dated=datetime.date(2017, 3, 20), reason="Roll-out moved"
    )
    page = editor_client.get(
        reverse("inspections:timeline"), {"organisation": organisation.slug}
    ).content.decode()
    assert 'data-quarter-items="2017/18 Q1"><a class="govuk-link"' in page
    assert "Mobile form waits for the new devices" in page and "Roll-out moved" in page
    assert "originally 31 Dec 2016" in page
    detail = editor_client.get(item.get_absolute_url()).content.decode()
    assert "revised 2 times" in detail and "target date revised from 31 March 2017 to 30 June 2017" in detail
    # Once revised, the original date is kept as first agreed.
    item.refresh_from_db()
    response = editor_client.post(
        reverse("inspections:update", args=[item.pk]), edit_data(item, original_target_date="2016-11-30")
    )
    item.refresh_from_db()
    assert item.original_target_date == datetime.date(2016, 12, 31)


def test_the_monthly_review_lists_due_overdue_awaiting_and_responses(editor_client):
    report = make_report(published_on=datetime.date(2016, 10, 20))  # response due 15 December 2016
    organisation = report.organisation
    make_recommendation(report, ref="DUE", original_target_date=datetime.date(2016, 12, 20))
    make_recommendation(report, ref="LATE", original_target_date=datetime.date(2016, 11, 30))
    make_recommendation(
        report, ref="WAIT", original_target_date=datetime.date(2017, 2, 1), status="awaiting_closure"
    )
    make_recommendation(
        report,
        ref="DONE",
        original_target_date=datetime.date(2016, 12, 1),
        status="closed",
        closed_on=datetime.date(2016, 11, 1),
        closing_evidence="Done",
        closure_agreed_by="Board",
    )
    url = reverse("inspections:monthly_review")
    response = editor_client.get(url, {"organisation": organisation.slug, "month": "2016-12"})
    page = response.content.decode()
    due, overdue, awaiting, responses = re.split(r"<h2 class=\"govuk-heading-m\">", page)[1:5]
    assert ">DUE<" in due and ">LATE<" not in due
    assert ">LATE<" in overdue and ">DUE<" not in overdue
    assert ">WAIT<" in awaiting
    assert report.title in responses
    assert ">DONE<" not in page
    for month in ("December", "0001-01", "9999-12", "1989-12", "2101-01"):
        bad = editor_client.get(url, {"organisation": organisation.slug, "month": month})
        assert bad.status_code == 400 and "Give the month as year and month" in bad.content.decode()


def test_the_timeline_says_to_between_a_revision_s_dates(editor_client):
    item = make_recommendation(original_target_date=datetime.date(2030, 1, 31))
    make_revision(item, new_date=datetime.date(2030, 6, 30))
    page = editor_client.get(
        reverse("inspections:timeline"), {"organisation": item.report.organisation.slug}
    ).content.decode()
    assert "31 Jan 2030 to 30 Jun 2030" in page and "→" not in page


def test_the_tracker_heads_each_row_with_its_item(editor_client):
    item = make_recommendation(ref="AFI 7")
    page = tracker(editor_client, item.report.organisation)
    link = f'<a class="govuk-link" href="{item.get_absolute_url()}">AFI 7 '
    assert f'<th scope="row" class="govuk-table__header">{link}' in page


def test_today_is_the_date_where_the_office_is(settings):
    # Of two zones 26 hours apart, at least one is on a different date from the machine's clock.
    zone = next(
        z
        for z in ("Etc/GMT-14", "Etc/GMT+12")
        if datetime.datetime.now(zoneinfo.ZoneInfo(z)).date() != datetime.date.today()  # noqa: DTZ011
    )
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        today = timezone.localdate()
        machine = datetime.date.today()  # noqa: DTZ011
        # Due on the earlier of the two days: overdue only on the later one.
        item = make_recommendation(
            original_target_date=min(today, machine),
            report=make_report(published_on=datetime.date(2016, 1, 1)),
        )
        assert item.is_overdue == (today > machine)
        report = make_report(published_on=min(today, machine) - datetime.timedelta(days=56))
        assert (report.response_state == "late") == (today > machine)


def test_an_item_links_to_risks_of_registers_shared_with_the_office(editor_client):
    from tests.risks.factories import make_register, make_risk

    report = make_report()
    office = report.organisation
    own = make_risk(make_register(office), title="Own register risk")
    joint = make_register(make_organisation(kind="force"))
    joint.organisations.add(office, make_organisation(kind="opcc"))
    shared = make_risk(joint, title="Joint register risk")
    make_risk(make_register(make_organisation(kind="opcc")), title="Another office's risk")
    page = editor_client.get(reverse("inspections:create", args=[report.pk])).content.decode()
    assert "Own register risk" in page and "Another office&#x27;s risk" not in page
    assert page.count("Joint register risk") == 1
    response = editor_client.post(
        reverse("inspections:create", args=[report.pk]), item_data(risks=[shared.pk])
    )
    assert response.status_code == 302
    assert list(Recommendation.objects.get().risks.all()) == [shared] and own.pk != shared.pk


def test_the_tracker_filters_in_the_database(editor_client):
    report = make_report(source="hmicfrs")
    organisation = report.organisation
    audit = make_report(organisation, source="internal_audit", inspection_type="", title="Internal audit")
    make_recommendation(report, ref="A", owner_role="Head of Crime (force)", rag="red", rag_reason="Late")
    make_recommendation(report, ref="B", kind="afi", original_target_date=datetime.date(2030, 1, 1))
    make_recommendation(audit, ref="C", original_target_date=datetime.date(2017, 2, 1))
    make_restricted_recommendation(report, ref="S")
    make_revision(Recommendation.objects.get(ref="A"), new_date=datetime.date(2017, 3, 1))
    make_period(2016, 4)

    def refs(**filters) -> set[str]:
        page = tracker(editor_client, organisation, **filters)
        return set(re.findall(r'href="/inspections/\d+/">(\w+) ', page))

    assert refs() == {"A", "B", "C", "S"}
    assert refs(source="internal_audit") == {"C"}
    assert refs(report=audit.pk) == {"C"}
    assert refs(kind="afi") == {"B"}
    assert refs(owner="crime") == {"A"}
    assert refs(rag="red") == {"A"}
    assert refs(overdue="yes") == {"A", "C", "S"}
    assert refs(target_quarter="2016-17-q4") == {"A", "C"}
    assert refs(revised="yes") == {"A"}
    assert refs(target_from="2017-01-01") == {"A", "B", "C"}
    assert refs(target_from="2017-01-01", target_to="2017-02-28") == {"C"}
    assert refs(target_to="2016-12-31") == {"S"}
    assert refs(status="still_open") == {"A", "B", "C", "S"}
    for bad in ({"kind": "opinion"}, {"target_from": "31/02/2017"}, {"revised": "no"}):
        response = editor_client.get(
            reverse("inspections:tracker"), {"organisation": organisation.slug, **bad}
        )
        assert response.status_code == 400


def test_the_reports_filter_by_the_response_due_and_not_recorded(editor_client):
    answered = make_report(title="Answered", published_on=datetime.date(2016, 9, 1))
    organisation = answered.organisation
    answered.response_on = datetime.date(2016, 10, 1)
    answered.save()
    make_report(organisation, title="Due in October", published_on=datetime.date(2016, 9, 1))
    make_report(organisation, title="Due in December", published_on=datetime.date(2016, 10, 20))
    make_report(
        organisation, title="Not needed", published_on=datetime.date(2016, 9, 1), response_required=False
    )

    def titles(due_by: str) -> set[str]:
        page = editor_client.get(
            reverse("inspections:reports"), {"organisation": organisation.slug, "response_due_by": due_by}
        ).content.decode()
        return set(re.findall(r'href="/inspections/reports/\d+/">([^<]+)<', page))

    assert titles("2016-10-31") == {"Due in October"}
    assert titles("2016-12-15") == {"Due in October", "Due in December"}


def test_another_offices_report_is_not_on_offer(editor_client):
    mine = make_report(title="Mine")
    make_report(title="Theirs")
    response = editor_client.get(
        reverse("inspections:tracker"), {"organisation": mine.organisation.slug}
    ).content.decode()
    assert "Mine (" in response and "Theirs (" not in response


def grow(organisation, n: int, start: int) -> None:
    from tests.delivery_plans.factories import make_commitment

    report = make_report(organisation, title=f"Report {start}")
    for i in range(n):
        item = make_recommendation(
            report,
            ref=f"R{start + i}",
            original_target_date=datetime.date(2016, 10, 1) + datetime.timedelta(days=i),
        )
        item.commitments.add(make_commitment())
        make_update(item, dated=datetime.date(2016, 11, 1) + datetime.timedelta(days=i))
        make_revision(item, new_date=datetime.date(2017, 6, 1) + datetime.timedelta(days=i))
        make_restricted_recommendation(report, ref=f"S{start + i}")
    make_report(organisation, title=f"Unanswered {start}", published_on=datetime.date(2016, 11, 1))


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["tracker", "timeline", "monthly_review", "export", "report", "grades"])
def test_pages_run_the_same_number_of_queries_at_two_sizes(editor_client, page):
    organisation = make_organisation(kind="opcc")
    grow(organisation, 2, 100)
    report = Report.objects.filter(organisation=organisation).first()
    query = f"?organisation={organisation.slug}"
    urls = {
        "tracker": reverse("inspections:tracker") + query,
        "timeline": reverse("inspections:timeline") + query,
        "monthly_review": reverse("inspections:monthly_review") + query + "&month=2017-06",
        "export": reverse("inspections:export", args=["csv"]) + query,
        "report": report.get_absolute_url(),
        "grades": reverse("inspections:grades") + query,
    }
    editor_client.get(urls[page])
    small = count(editor_client, urls[page])
    grow(organisation, 8, 200)
    for n in range(3):
        make_recommendation(report, ref=f"X{n}")
    assert count(editor_client, urls[page]) == small


def test_an_edit_of_a_report_keeps_its_grades_and_items_true(editor_client):
    """Moving a report's date or source may not leave a grade off its year's scale, grades on
    a report HMICFRS did not write, or a target before the report."""
    report = make_report(inspection_type="peel", published_on=datetime.date(2022, 5, 1))
    make_grade(report, area="Investigating crime", grade="adequate")
    make_recommendation(report, ref="R1", original_target_date=datetime.date(2022, 9, 30))

    def edit(**changes):
        data = {
            "source": "hmicfrs",
            "inspection_type": "peel",
            "title": report.title,
            "published_on": "2022-05-01",
            "concerns": "force",
            "response_required": "on",
            "loaded_version": report.version,
        } | changes
        return editor_client.post(reverse("inspections:report_update", args=[report.pk]), data)

    page = edit(published_on="2019-05-01").content.decode()
    assert "a grade PEEL gives only from 2021" in page
    page = edit(published_on="2022-10-01").content.decode()
    assert "R1 has a target date of 30 September 2022" in page
    page = edit(source="internal_audit", inspection_type="", response_required="").content.decode()
    assert "The report has PEEL grades, which only HMICFRS gives" in page
    report.refresh_from_db()
    assert (report.published_on, report.source) == (datetime.date(2022, 5, 1), "hmicfrs")
    assert edit(title="PEEL 2021/22: West Mercia Police").status_code == 302


def test_monitoring_phases_follow_one_another(editor_client):
    scan = make_phase(phase="scan", started_on=datetime.date(2019, 1, 1), ended_on=datetime.date(2019, 6, 30))
    office = scan.organisation
    url = reverse("inspections:phase_create") + f"?organisation={office.slug}"

    def add(started_on, ended_on=""):
        return editor_client.post(
            url, {"phase": "engage", "started_on": started_on, "ended_on": ended_on, "notes": ""}
        )

    page = add("2019-03-01").content.decode()
    assert "The scan phase from 1 January 2019 to 30 June 2019 covers these dates" in page
    assert MonitoringPhase.objects.count() == 1
    assert add("2019-07-01").status_code == 302
    assert "covers these dates" in add("2020-01-01", "2020-02-01").content.decode()  # the engage phase lasts
    assert MonitoringPhase.objects.count() == 2


def test_a_reports_page_lists_its_items_as_the_tracker_does(editor_client):
    report = make_report()
    updated = make_recommendation(report, ref="R1", original_target_date=datetime.date(2016, 12, 31))
    make_update(updated, dated=datetime.date(2016, 12, 5))
    make_revision(updated, new_date=datetime.date(2017, 3, 31))
    make_restricted_recommendation(report, ref="R2", text="Closed-session " + "word " * 40)
    make_recommendation(report, ref="A1", kind="afi", original_target_date=datetime.date(2016, 10, 1))
    page = editor_client.get(report.get_absolute_url()).content.decode()
    rows = re.findall(
        r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="([^"]+)">(\w+)</a>', page
    )
    assert [ref for _, ref in rows] == ["A1", "R1", "R2"]  # by kind, then ref
    assert rows[1][0] == updated.get_absolute_url()
    r1 = page[page.index(">R1</a>") : page.index(">R2</a>")]
    assert "Target revised" in r1 and "31 Mar 2017" in r1 and "5 Dec 2016" in r1
    r2 = page[page.index(">R2</a>") : page.index("</tr>", page.index(">R2</a>"))]
    assert "Restricted" in r2 and "None yet" in r2 and "…" in r2  # its long text cut at a word
    a1 = page[page.index(">A1</a>") :]
    assert "Area for improvement" in a1 and "Overdue" in a1
