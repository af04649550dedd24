"""The principles pages through the browser: overview, filters, editing, evidence, next year,
significant governance issues."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assurance.models import Direction, Organisation, Rag, ReportingPeriod
from principles.models import Assessment, EvidenceItem
from tests.factories import make_organisation, make_period
from tests.principles.factories import assess_framework, make_assessment, make_evidence, make_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return make_organisation(name="Office of the Police and Crime Commissioner for Testshire", is_home=True)


def edit_data(assessment: Assessment, **changes) -> dict:
    data = {
        "rag": assessment.rag,
        "rag_reason": assessment.rag_reason,
        "direction_choice": "",
        "direction_override_reason": "",
        "loaded_version": assessment.version,
    }
    data.update(changes)
    return data


def test_the_overview_shows_every_sub_principle_with_rag_direction_and_last_year(editor_client, home):
    framework = make_framework(principles=2, subs=2)
    sub = framework.principles.get(letter="A").sub_principles.get(number=1)
    make_assessment(sub_principle=sub, owner=home, year=make_period(2016), rag=Rag.AMBER, rag_reason="Old")
    assess_framework(framework, owner=home, year=make_period(2017))

    response = editor_client.get(reverse("principles:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "2017/18" in page and "2016/17" in page
    for ref in ("A.1", "A.2", "B.1", "B.2"):
        assert f'<td class="govuk-table__cell">{ref}</td>' in page
    assert "Principle A</a>: Principle title A" in page
    assert page.count('data-rag="green"') == 4
    assert page.count('data-rag="amber"') == 1  # last year's A.1, beside this year's


def test_the_overview_filters_by_principle_rag_and_direction(editor_client, home):
    framework = make_framework(principles=2, subs=2)
    year = make_period(2017)
    assessments = assess_framework(framework, owner=home, year=year)
    amber = assessments[3]
    amber.rag, amber.rag_reason, amber.direction = Rag.AMBER, "Plan late", Direction.DECLINING
    amber.save()
    b = framework.principles.get(letter="B")

    by_rag = editor_client.get(reverse("principles:list"), {"rag": "amber"}).content.decode()
    assert "Plan late" in by_rag and by_rag.count('<td class="govuk-table__cell">A.') == 0

    by_principle = editor_client.get(reverse("principles:list"), {"principle": b.pk}).content.decode()
    assert "B.1" in by_principle and '<td class="govuk-table__cell">A.1</td>' not in by_principle

    by_direction = editor_client.get(reverse("principles:list"), {"direction": "declining"}).content.decode()
    assert "B.2" in by_direction and '<td class="govuk-table__cell">B.1</td>' not in by_direction
    assert "Remove filter" in by_direction


def test_the_overview_shows_another_organisation_only_when_asked(editor_client, home):
    other = make_organisation(short_name="Elsewhere")
    framework = make_framework(1, 1)
    sub = framework.principles.get().sub_principles.get()
    make_assessment(sub_principle=sub, owner=other, rag=Rag.RED, rag_reason="Problem elsewhere")
    make_assessment(sub_principle=sub, owner=home, rag=Rag.GREEN)

    assert "Problem elsewhere" not in editor_client.get(reverse("principles:list")).content.decode()
    page = editor_client.get(reverse("principles:list"), {"organisation": other.slug}).content.decode()
    assert "Problem elsewhere" in page


def _overview_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("principles:list")).status_code == 200
    return len(queries)


def test_the_overview_runs_the_same_number_of_queries_whatever_the_data_size(editor_client, home):
    small = make_framework(principles=1, subs=1)
    assess_framework(small, owner=home, year=make_period(2016), evidence=1)
    assess_framework(small, owner=home, year=make_period(2017), evidence=1)
    few = _overview_queries(editor_client)

    big = make_framework(principles=6, subs=4)
    assess_framework(big, owner=home, year=make_period(2016), evidence=5)
    assess_framework(big, owner=home, year=make_period(2017), evidence=5)
    assert Assessment.objects.filter(year__start_year=2017).count() == 25
    assert _overview_queries(editor_client) == few


def test_the_issues_page_runs_the_same_number_of_queries_whatever_the_data_size(editor_client, home):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(reverse("principles:issues")).status_code == 200
        return len(queries)

    assess_framework(make_framework(1, 1), owner=home, year=make_period(2017), rag=Rag.AMBER)
    few = count()
    assess_framework(make_framework(4, 3), owner=home, year=make_period(2017), rag=Rag.RED, evidence=4)
    assert count() == few


def test_a_principle_page_shows_expected_behaviours_and_the_years_evidence(editor_client, home):
    framework = make_framework(1, 2)
    a = assess_framework(framework, owner=home, year=make_period(2017))[0]
    make_evidence(a, text="Scheme of governance", link="https://example.org/scheme")
    principle = framework.principles.get()

    page = editor_client.get(reverse("principles:principle", args=[principle.pk])).content.decode()
    assert "Behave well." in page
    assert '<a class="govuk-link" href="https://example.org/scheme">Scheme of governance</a>' in page
    assert "A.2 Sub-principle A.2" in page


def test_an_editor_changes_a_rating_with_its_reason_and_sees_it_in_the_history(editor_client, home):
    a = make_assessment(owner=home, rag=Rag.GREEN)
    response = editor_client.post(
        reverse("principles:update", args=[a.pk]),
        edit_data(a, rag="amber", rag_reason="Medium term financial plan being updated"),
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.rag, a.rag_reason) == (Rag.AMBER, "Medium term financial plan being updated")

    history = editor_client.get(a.get_history_url()).content.decode()
    assert "by Performance Officer" in history
    assert "Medium term financial plan being updated" in history and "Green" in history


def test_an_amber_rating_needs_a_reason(editor_client, home):
    a = make_assessment(owner=home, rag=Rag.GREEN)
    response = editor_client.post(reverse("principles:update", args=[a.pk]), edit_data(a, rag="amber"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Give a reason for the Amber rating" in page and 'href="#id_rag_reason"' in page
    a.refresh_from_db()
    assert a.rag == Rag.GREEN and a.version == 1


def test_a_rating_outside_the_vocabulary_is_refused_on_the_field(editor_client, home):
    a = make_assessment(owner=home)
    response = editor_client.post(reverse("principles:update", args=[a.pk]), edit_data(a, rag="purple"))
    assert response.status_code == 200
    assert 'href="#id_rag_0"' in response.content.decode()
    assert Assessment.objects.get(pk=a.pk).rag == Rag.GREEN


def test_an_over_long_reason_is_refused_on_the_field(editor_client, home):
    a = make_assessment(owner=home)
    response = editor_client.post(
        reverse("principles:update", args=[a.pk]), edit_data(a, rag="red", rag_reason="x" * 2001)
    )
    assert response.status_code == 200
    assert 'href="#id_rag_reason"' in response.content.decode()
    assert Assessment.objects.get(pk=a.pk).rag == Rag.GREEN


def test_a_stale_rating_edit_is_refused(editor_client, publisher_client, home):
    a = make_assessment(owner=home)
    loaded = edit_data(a, rag="red", rag_reason="Mine")
    url = reverse("principles:update", args=[a.pk])
    assert publisher_client.post(url, edit_data(a, rag="amber", rag_reason="Theirs")).status_code == 302
    response = editor_client.post(url, loaded)
    assert response.status_code == 409
    assert Assessment.objects.get(pk=a.pk).rag_reason == "Theirs"


def test_the_direction_of_travel_follows_last_years_rating(editor_client, home):
    sub = make_assessment(owner=home, year=make_period(2016), rag=Rag.AMBER, rag_reason="Then").sub_principle
    a = make_assessment(
        sub_principle=sub, owner=home, year=make_period(2017), rag=Rag.AMBER, rag_reason="Now"
    )
    editor_client.post(reverse("principles:update", args=[a.pk]), edit_data(a, rag="green", rag_reason=""))
    a.refresh_from_db()
    assert a.direction == Direction.IMPROVING
    assert a.direction_override_reason == ""


def test_changing_last_years_rating_updates_this_years_direction(editor_client, home):
    sub = make_assessment(owner=home, year=make_period(2016), rag=Rag.GREEN).sub_principle
    last = Assessment.objects.get(sub_principle=sub)
    this = make_assessment(
        sub_principle=sub,
        owner=home,
        year=make_period(2017),
        rag=Rag.AMBER,
        rag_reason="x",
        direction="declining",
    )
    editor_client.post(
        reverse("principles:update", args=[last.pk]), edit_data(last, rag="red", rag_reason="y")
    )
    this.refresh_from_db()
    assert this.direction == Direction.IMPROVING


def test_overriding_the_direction_needs_a_reason(editor_client, home):
    a = make_assessment(owner=home)
    url = reverse("principles:update", args=[a.pk])
    refused = editor_client.post(url, edit_data(a, direction_choice="declining"))
    assert "Give a reason for choosing the Direction of Travel" in refused.content.decode()
    assert Assessment.objects.get(pk=a.pk).direction == Direction.NEW

    editor_client.post(
        url, edit_data(a, direction_choice="declining", direction_override_reason="Audit found gaps")
    )
    a.refresh_from_db()
    assert (a.direction, a.direction_override_reason) == (Direction.DECLINING, "Audit found gaps")
    assert "Audit found gaps" in editor_client.get(a.get_absolute_url()).content.decode()


def test_an_editor_adds_an_assessment_and_a_duplicate_is_refused(editor_client, home):
    sub = make_framework(1, 1).principles.get().sub_principles.get()
    year = make_period(2018)
    data = {
        "owner": home.pk,
        "sub_principle": sub.pk,
        "year": year.pk,
        "rag": "green",
        "rag_reason": "",
        "direction_choice": "",
        "direction_override_reason": "",
    }
    assert editor_client.post(reverse("principles:create"), data).status_code == 302
    assert Assessment.objects.filter(owner=home, sub_principle=sub, year=year).count() == 1
    again = editor_client.post(reverse("principles:create"), data)
    page = again.content.decode()
    assert again.status_code == 200 and "govuk-error-summary" in page
    assert 'href="#id_sub_principle"' in page
    assert f"{home.short_name} has already assessed A.1 for 2018/19: edit that assessment instead." in page
    assert "already exists" not in page
    assert Assessment.objects.filter(owner=home, sub_principle=sub, year=year).count() == 1


def test_principles_unique_constraints_have_written_messages(home):
    from django.core.exceptions import ValidationError

    from principles.models import Principle, SubPrinciple

    a = make_assessment(owner=home)
    sub = a.sub_principle
    for duplicate, words in (
        (Assessment(owner=home, sub_principle=sub, year=a.year), "already assessed this sub-principle"),
        (Principle(framework=sub.principle.framework, letter="A", title="x"), "principle with this letter"),
        (SubPrinciple(principle=sub.principle, number=1, title="x"), "sub-principle with this number"),
    ):
        with pytest.raises(ValidationError) as refused:
            duplicate.validate_constraints()
        assert words in str(refused.value) and "already exists" not in str(refused.value)


def test_a_quarter_is_not_a_year_for_an_assessment(editor_client, home):
    sub = make_framework(1, 1).principles.get().sub_principles.get()
    quarter = make_period(2018, 2)
    data = {"owner": home.pk, "sub_principle": sub.pk, "year": quarter.pk, "rag": "green"}
    response = editor_client.post(reverse("principles:create"), data)
    assert response.status_code == 200 and 'href="#id_year"' in response.content.decode()
    assert not Assessment.objects.exists()


def test_evidence_is_added_edited_and_removed_in_the_browser(editor_client, home):
    a = make_assessment(owner=home)
    add = editor_client.post(
        reverse("principles:evidence_create", args=[a.pk]),
        {
            "text": "Annual report",
            "link": "https://example.org/report",
            "owner": "Chief Executive",
            "order": 1,
            "visibility": "public",
        },
    )
    assert add.status_code == 302
    item = a.evidence.get()
    assert (item.text, item.owner) == ("Annual report", "Chief Executive")

    edit = editor_client.post(
        reverse("principles:evidence_update", args=[item.pk]),
        {
            "text": "Annual report 2017/18",
            "link": "",
            "owner": "",
            "order": 2,
            "visibility": "public",
            "loaded_version": item.version,
        },
    )
    assert edit.status_code == 302
    assert "Annual report 2017/18" in editor_client.get(a.get_absolute_url()).content.decode()

    item.refresh_from_db()
    remove = editor_client.post(
        reverse("principles:evidence_delete", args=[item.pk]), {"loaded_version": item.version}
    )
    assert remove.status_code == 302 and remove["Location"] == a.get_absolute_url()
    assert not EvidenceItem.objects.exists()


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org/file", "not a link"])
def test_an_evidence_link_must_be_a_web_address(editor_client, home, link):
    a = make_assessment(owner=home)
    response = editor_client.post(
        reverse("principles:evidence_create", args=[a.pk]),
        {"text": "Policy", "link": link, "owner": "", "order": 1, "visibility": "public"},
    )
    assert response.status_code == 200
    assert 'href="#id_link"' in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_evidence_text_is_escaped(editor_client, home):
    a = make_assessment(owner=home)
    make_evidence(a, text="<script>alert(1)</script>")
    page = editor_client.get(a.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_starting_next_year_copies_assessments_and_evidence_not_rated(editor_client, home):
    framework = make_framework(2, 2)
    year = make_period(2017)
    assess_framework(framework, owner=home, year=year, rag=Rag.AMBER, evidence=3)
    response = editor_client.post(
        reverse("principles:start_next_year"), {"organisation": home.slug, "period": year.slug}
    )
    assert response.status_code == 302
    copies = Assessment.objects.filter(owner=home, year__start_year=2018)
    assert copies.count() == 4
    assert set(copies.values_list("rag", flat=True)) == {Rag.NOT_RATED}
    assert set(copies.values_list("rag_reason", flat=True)) == {""}
    assert EvidenceItem.objects.filter(assessment__year__start_year=2018).count() == 12
    page = editor_client.get(response["Location"]).content.decode()
    assert "2018/19 started from 2017/18: 4 sub-principles copied" in page
    assert page.count('data-rag="not_rated"') == 4


def test_starting_a_year_that_exists_is_refused(editor_client, home):
    framework = make_framework(1, 2)
    year = make_period(2017)
    assess_framework(framework, owner=home, year=year)
    url = reverse("principles:start_next_year")
    editor_client.post(url, {"organisation": home.slug, "period": year.slug})
    response = editor_client.post(url, {"organisation": home.slug, "period": year.slug}, follow=True)
    assert "2018/19 has already been started" in response.content.decode()
    assert Assessment.objects.filter(year__start_year=2018).count() == 2


def test_starting_next_year_with_nothing_to_copy_is_refused_and_creates_nothing(editor_client, home):
    # Another organisation's assessments are not this one's to copy.
    other = make_organisation(name="Office of the Police and Crime Commissioner for Otherwise")
    year = make_period(2017)
    assess_framework(make_framework(1, 2), owner=home, year=year)
    periods_before = set(ReportingPeriod.objects.values_list("pk", flat=True))
    response = editor_client.post(
        reverse("principles:start_next_year"), {"organisation": other.slug, "period": year.slug}, follow=True
    )
    page = response.content.decode()
    assert f"{other.short_name} has no assessments for 2017/18, so there is nothing to start 2018/19" in page
    assert "sub-principles copied" not in page
    assert not Assessment.objects.filter(owner=other).exists()
    assert not Assessment.objects.filter(year__start_year=2018).exists()
    assert set(ReportingPeriod.objects.values_list("pk", flat=True)) == periods_before


@pytest.mark.parametrize("persona", ["editor", "publisher"])
def test_each_staff_role_can_start_next_year(persona_client, persona, home):
    year = make_period(2017)
    make_assessment(owner=home, year=year)
    client = persona_client(persona)
    assert (
        client.post(
            reverse("principles:start_next_year"), {"organisation": home.slug, "period": year.slug}
        ).status_code
        == 302
    )
    assert Assessment.objects.filter(year__start_year=2018).count() == 1


@pytest.mark.parametrize("persona,status", [("panel", 403), ("anonymous", 302)])
def test_read_only_and_anonymous_cannot_start_next_year(persona_client, persona, status, home):
    year = make_period(2017)
    make_assessment(owner=home, year=year)
    response = persona_client(persona).post(
        reverse("principles:start_next_year"), {"organisation": home.slug, "period": year.slug}
    )
    assert response.status_code == status
    assert not Assessment.objects.filter(year__start_year=2018).exists()


@pytest.mark.parametrize("persona,status", [("panel", 403), ("anonymous", 302)])
def test_read_only_and_anonymous_cannot_edit_a_rating(persona_client, persona, status, home):
    a = make_assessment(owner=home)
    response = persona_client(persona).post(
        reverse("principles:update", args=[a.pk]), edit_data(a, rag="red", rag_reason="No")
    )
    assert response.status_code == status
    assert Assessment.objects.get(pk=a.pk).rag == Rag.GREEN


def test_the_panel_member_sees_no_draft_assessment(panel_client, home):
    a = make_assessment(owner=home, rag=Rag.RED, rag_reason="Draft concern")
    for url in (reverse("principles:list"), a.get_absolute_url(), reverse("principles:issues")):
        response = panel_client.get(url)
        assert response.status_code == 403
        assert "Draft concern" not in response.content.decode()


def test_significant_issues_list_amber_and_red_with_reason_and_evidence(editor_client, home):
    framework = make_framework(1, 3)
    subs = list(framework.principles.get().sub_principles.all())
    year = make_period(2017)
    red = make_assessment(
        sub_principle=subs[0], owner=home, year=year, rag=Rag.RED, rag_reason="No workforce plan"
    )
    make_evidence(red, text='=HYPERLINK("evil")')
    make_assessment(sub_principle=subs[1], owner=home, year=year, rag=Rag.AMBER, rag_reason="Plan late")
    make_assessment(sub_principle=subs[2], owner=home, year=year, rag=Rag.GREEN)

    page = editor_client.get(reverse("principles:issues")).content.decode()
    assert "No workforce plan" in page and "Plan late" in page
    assert "A.3" not in page
    assert page.index("No workforce plan") < page.index("Plan late")

    csv = editor_client.get(reverse("principles:issues_csv"))
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")  # with the byte-order mark Excel needs to read UTF-8
    lines = text.splitlines()
    assert lines[0].startswith("Ref,Principle,Sub-principle,RAG,Reason")
    assert "A.1" in lines[1] and "Red" in lines[1] and "No workforce plan" in lines[1]
    assert "'=HYPERLINK" in text  # a formula is neutralised
    assert len([line for line in lines if line.startswith("A.")]) == 2


def test_a_framework_page_lists_its_principles(editor_client):
    framework = make_framework(2, 1)
    page = editor_client.get(framework.get_absolute_url()).content.decode()
    assert "Principle title A" in page and "Principle title B" in page


def test_an_empty_database_shows_an_empty_overview(editor_client):
    assert not Organisation.objects.exists()
    assert editor_client.get(reverse("principles:list")).status_code == 200
    assert editor_client.get(reverse("principles:issues")).status_code == 200


def test_a_principle_page_runs_the_same_number_of_queries_whatever_the_data_size(editor_client, home):
    def count(principle) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(reverse("principles:principle", args=[principle.pk])).status_code == 200
        return len(queries)

    small = make_framework(1, 1)
    assess_framework(small, owner=home, year=make_period(2017), evidence=1)
    big = make_framework(1, 6)
    assess_framework(big, owner=home, year=make_period(2016), evidence=2)
    assess_framework(big, owner=home, year=make_period(2017), evidence=6)
    # Both principles are the latest assessed year, 2017/18, for the home office.
    assert count(small.principles.get()) == count(big.principles.get())
