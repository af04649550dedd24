"""Commitments imported in the shapes other offices keep them: their own column names, dates
as people write them, R/A/G letters, an objective by its ref, title, short name or both, and a
row's rating and progress for a quarter beside the commitment."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assurance.models import ReportingPeriod, financial_year_of, quarter_of
from delivery_plans import tables
from delivery_plans.models import Commitment, Objective, ProgressUpdate
from tests.delivery_plans.factories import make_commitment, make_objective, make_plan, make_update
from tests.factories import make_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    plan = make_plan(start_year=2016, end_year=2020)
    for ref, title, short in (
        ("1", "Putting victims and survivors first", "Victims"),
        ("2", "Building a more secure West Mercia", "Secure"),
        ("3", "Reforming West Mercia", "Reform"),
    ):
        make_objective(plan, ref=ref, title=title, short_name=short)
    make_period(2016, 3)
    return plan


def run(plan, content: str, kind: str = "commitments"):
    return tables.import_file(plan=plan, kind=kind, content=content.encode(), name="plan.csv")


def problems(result) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


OFFICE_SHEET = "".join(
    ",".join(row) + "\n"
    for row in (
        ("Reference", "Objective", "Actions", "Lead officer", "Due date", "Timescales", "Current status")
        + ("Quarter", "R/A/G", "Reason", "Progress update"),
        ("1.1", "Victims", "Train officers in victim care", "Head of Learning", "15/10/2016", "")
        + ("In progress", "2016/17 Q3", "A", "Late start", "Half trained"),
        ("2.1", "Building a more secure West Mercia", "Review MARAC", "", "15 Oct 2016", "", "Completed")
        + ("2016/17 Q3", "G", "", "Review done"),
        ("3.1", "3. Reforming West Mercia", "Transformation", "", "", "Late December 2016", "Not started")
        + ("2016/17 Q3", "R", "No business case", "Not begun"),
    )
)


def test_an_offices_own_sheet_is_read_by_its_own_headers(plan):
    result = run(plan, OFFICE_SHEET)
    assert result.ok, result.errors
    got = {
        c.ref: (c.objective.ref, c.lead_officer, c.target_date, c.timescale, c.status.name)
        for c in plan.commitments.select_related("objective", "status")
    }
    assert got == {
        "1.1": ("1", "Head of Learning", datetime.date(2016, 10, 15), "", "In progress"),
        "2.1": ("2", "", datetime.date(2016, 10, 15), "", "Completed"),
        "3.1": ("3", "", None, "Late December 2016", "Not started"),
    }
    updates = {u.commitment.ref: (u.rag, u.rag_reason, u.text, u.date) for u in ProgressUpdate.objects.all()}
    q3_end = datetime.date(2016, 12, 31)
    assert updates == {
        "1.1": ("amber", "Late start", "Half trained", q3_end),
        "2.1": ("green", "", "Review done", q3_end),
        "3.1": ("red", "No business case", "Not begun", q3_end),
    }
    assert Objective.objects.filter(plan=plan).count() == 3  # each row named an objective it has
    # The same sheet again: nothing changes, nothing is written to any history.
    history = (Commitment.history.count(), ProgressUpdate.history.count())
    again = run(plan, OFFICE_SHEET)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (Commitment.history.count(), ProgressUpdate.history.count()) == history
    # A new rating alone updates the quarter's update, not the commitment.
    changed = run(plan, OFFICE_SHEET.replace(",R,No business case,", ",A,Business case drafted,"))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    three_one = plan.commitments.get(ref="3.1")
    assert three_one.version == 1 and three_one.updates.get().rag == "amber"


def test_the_import_page_says_which_other_column_names_it_reads(editor_client, plan):
    page = editor_client.get(reverse("delivery_plans:import", args=[plan.pk])).content.decode()
    for alias in ("actions", "lead officer", "timescales", "current status", "R/A/G", "progress update"):
        assert alias in page, alias
    response = editor_client.get(reverse("delivery_plans:import_template", args=["commitments", "csv"]))
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:5] == ["ref", "objective", "objective_title", "kind", "text"]
    assert {"lead_officer", "target_date", "timescale", "status", "period", "rag", "progress"} <= set(header)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("1.1,Victims,Words,31/02/2017,,,", "target_date", "is not a date such as 15/10/2015"),
        ("1.1,Victims,Words,01/01/2016,,,", "target_date", "The target date must be within the plan's term"),
        ("1.1,Victims,Words,,Done,,", "status", "‘Done’ is not one of this plan's delivery statuses"),
        ("1.1,Victims,Words,,,,G", "period", "Say which quarter the R/A/G and progress are for"),
        ("1.1,Victims,Words,,,2016/17 Q3,P", "rag", "RAG must be one of Red, Amber, Green, Not rated"),
        ("1.1,Victims,Words,,,2016/17 Q3,A", "rag_reason", "Give a reason for the Amber rating"),
        ("1.1,Victims,Words,,,2030/31 Q1,G", "period", "2030/31 Q1 is not a quarter of the plan's term"),
        ("1.1,Victims,Words,,Completed,,", "", ""),
        ("1.1,Section 9,Words,,,,", "objective", "No objective Section 9 in this plan (it has 1, 2, 3)"),
        ("1.1,2. A more secure county,Words,,,,", "objective_title", "Objective 2 of this plan is titled"),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column_and_nothing_is_imported(plan, row, column, message):
    header = "ref,objective,text,target_date,status,period,rag\n"
    result = run(plan, header + "1.2,1,Fine,,,,\n" + row + "\n")
    if not message:
        assert result.ok, result.errors
        return
    found = [e for e in result.errors if (e.row, e.column) == (3, column)]
    assert found and message in found[0].message, result.errors
    assert {e.row for e in result.errors} == {3}
    assert not Commitment.objects.exists() and not ProgressUpdate.objects.exists()
    assert plan.objectives.count() == 3


def test_an_objective_the_plan_lacks_is_added_when_the_file_gives_its_title(plan):
    content = (
        "ref,objective,objective_title,text\n"
        "4.1,4,Reassuring West Mercia's communities,Rural matters\n"
        "4.2,4,,Business matters\n"
        "D.1,D. The Commissioner's own,,Communications strategy\n"
    )
    result = run(plan, content)
    assert result.ok, result.errors
    assert result.summary.endswith("; added 2 objective(s)")
    added = {o.ref: (o.title, o.order) for o in plan.objectives.filter(ref__in=["4", "D"])}
    assert added == {"4": ("Reassuring West Mercia's communities", 4), "D": ("The Commissioner's own", 5)}
    assert plan.commitments.get(ref="4.2").objective.ref == "4"
    assert all(o.history.count() == 1 for o in plan.objectives.filter(ref__in=["4", "D"]))


def test_rows_may_name_an_objective_that_a_row_above_them_added(plan):
    """The plan's objectives are read once for the file, after its first rows: an objective
    added further down is still one the rows below it may name."""
    content = (
        "ref,objective,objective_title,text\n"
        "1.1,1,,Victims first\n1.2,1,,Victims second\n1.3,1,,Victims third\n"
        "4.1,4,Reassuring communities,Rural matters\n4.2,4,,Business matters\n4.3,4,,Town matters\n"
    )
    result = run(plan, content)
    assert result.ok, result.errors
    assert sorted(plan.commitments.filter(objective__ref="4").values_list("ref", flat=True)) == [
        "4.1",
        "4.2",
        "4.3",
    ]


def test_objectives_added_by_a_refused_file_are_not_kept(plan):
    content = "ref,objective,objective_title,text\n4.1,4,Reassure,Fine\n4.2,4,Reassurance,Titled otherwise\n"
    result = run(plan, content)
    assert problems(result) == [(3, "objective_title")]
    assert "Objective 4 of this plan is titled ‘Reassure’, not ‘Reassurance’" in result.errors[0].message
    assert not plan.objectives.filter(ref="4").exists() and not Commitment.objects.exists()


def test_a_new_row_without_a_status_takes_the_plans_first_and_an_empty_one_keeps_it(plan):
    assert run(plan, "ref,objective,text\n1.1,1,Words\n").ok
    c = plan.commitments.get()
    assert c.status.name == "Not started"
    c.status = plan.statuses.get(name="On hold")
    c.save()
    assert run(plan, "ref,objective,text,status\n1.1,1,Words,\n").ok
    c.refresh_from_db()
    assert c.status.name == "On hold"


def test_an_update_imported_for_the_quarter_under_way_is_dated_today_at_the_latest():
    today = timezone.localdate()
    year = financial_year_of(today)
    plan = make_plan(start_year=year, end_year=year + 3)
    commitment = make_commitment(make_objective(plan), ref="1.1")
    quarter = ReportingPeriod(start_year=year, quarter=quarter_of(today))
    content = f"ref,period,rag,text\n1.1,{quarter.label},G,On track\n"
    result = run(plan, content, kind="updates")
    assert result.ok, result.errors
    assert commitment.updates.get().date == min(quarter.end_date, today)


def test_a_row_changed_since_the_file_was_exported_is_refused_with_its_quarters_update(editor_client, plan):
    c = make_commitment(plan.objectives.get(ref="1"), ref="1.1")
    make_update(c, make_period(2016, 3), text="As exported")
    exported = editor_client.get(reverse("delivery_plans:export", args=["csv"]), {"plan": plan.pk}).content
    c.text = "Changed by someone else"
    c.save()
    result = tables.import_file(plan=plan, kind="commitments", content=exported, name="export.csv")
    assert problems(result) == [(2, "version")] and not result.ok
    assert c.updates.get().text == "As exported"
