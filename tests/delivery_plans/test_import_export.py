"""Import of commitments and updates from CSV and XLSX, all or nothing; export as filtered."""

import csv
import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from assurance.models import Rag
from assurance.tables import LIMITS
from delivery_plans import tables as spreadsheets
from delivery_plans.bench import bench_import
from delivery_plans.models import Commitment, ProgressUpdate
from tests.delivery_plans.factories import make_commitment, make_objective, make_plan, make_update
from tests.factories import make_organisation, make_period, make_xlsx

pytestmark = pytest.mark.django_db

COMMITMENT_HEADER = "ref,objective,kind,text,supporting_activity,areas,related,oversight_mechanism\n"


@pytest.fixture
def plan():
    plan = make_plan()
    plan.organisations.add(make_organisation(short_name="Warwickshire"))
    make_objective(plan, number=1)
    make_objective(plan, number=2)
    return plan


def upload(client, plan, content, name="plan.csv", kind="commitments"):
    if isinstance(content, str):
        content = content.encode()
    file = SimpleUploadedFile(name, content)
    return client.post(reverse("delivery_plans:import", args=[plan.pk]), {"kind": kind, "file": file})


def test_an_editor_imports_commitments_from_csv_with_areas_and_cross_references(editor_client, plan):
    content = COMMITMENT_HEADER + (
        "1.1,1,policing,Support victims,Audit skills,,,Victims' Board\n"
        "2.1,2,The PCC will,Protect the vulnerable,,Warwickshire,1.1,\n"
    )
    response = upload(editor_client, plan, content)
    assert response.status_code == 302
    second = Commitment.objects.get(plan=plan, ref="2.1")
    assert second.kind == "pcc" and second.objective.ref == "2"
    assert [o.short_name for o in second.areas.all()] == ["Warwickshire"]
    assert [c.ref for c in second.related.all()] == ["1.1"]
    assert second.history.count() == 1


def test_reimporting_updates_the_same_commitments_by_ref(editor_client, plan):
    upload(editor_client, plan, COMMITMENT_HEADER + "1.1,1,policing,Old words,,,,\n")
    response = upload(
        editor_client,
        plan,
        make_xlsx([COMMITMENT_HEADER.strip().split(","), ["1.1", 1, "policing", "New words"]]),
        "p.xlsx",
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get(plan=plan)
    assert (commitment.text, commitment.version) == ("New words", 2)


def test_an_editor_imports_a_quarters_updates_and_reimporting_replaces_that_quarter(editor_client, plan):
    c = make_commitment(plan.objectives.get(ref="1"), ref="1.1")
    content = "ref,period,rag,rag_reason,text,date\n1.1,2016/17 Q3,Amber,Waiting,Review underway,2016-12-07\n"
    assert upload(editor_client, plan, content, kind="updates").status_code == 302
    content = "ref,period,rag,rag_reason,text\n1.1,2016/17 Q3,green,,Review complete\n"
    content += "1.1,2016/17 Q4,green,,Still fine\n"
    assert upload(editor_client, plan, content, kind="updates").status_code == 302
    updates = {u.period.label: (u.rag, u.text) for u in c.updates.all()}
    assert updates == {"2016/17 Q3": ("green", "Review complete"), "2016/17 Q4": ("green", "Still fine")}


@pytest.mark.parametrize(
    ("content", "kind", "row", "message"),
    [
        ("ref,period,rag,rag_reason,text\n9.9,2016/17 Q3,green,,Words\n", "updates", "2", "Unknown ref 9.9"),
        (
            "ref,period,rag,rag_reason,text\n1.1,2016/17 Q3,purple,,Words\n",
            "updates",
            "2",
            "RAG must be one of Red, Amber",
        ),
        (
            "ref,period,rag,rag_reason,text\n1.1,2016/17 Q3,red,,Words\n",
            "updates",
            "2",
            "Give a reason for the Red",
        ),
        (
            "ref,period,rag,rag_reason,text\n1.1,2030/31 Q1,green,,Words\n",
            "updates",
            "2",
            "not a quarter of the plan",
        ),
        (
            COMMITMENT_HEADER + "1.5,1,policing,A,,,,\n1.5,1,policing,B,,,,\n",
            "commitments",
            "3",
            "Duplicate ref 1.5",
        ),
        ("ref,objective,kind\n1.5,1,policing\n", "commitments", "1", "Missing required column(s): text"),
        (
            COMMITMENT_HEADER + '1.5,1,policing,=HYPERLINK("x"),,,,\n',
            "commitments",
            "2",
            "A formula is not allowed",
        ),
        (
            COMMITMENT_HEADER + "1.5,1,policing,<script>alert(1)</script>,,,,\n",
            "commitments",
            "2",
            "script is not allowed",
        ),
        (COMMITMENT_HEADER + "1.5,7,policing,Words,,,,\n", "commitments", "2", "No objective 7"),
        (
            COMMITMENT_HEADER + "1.5,1,policing,Words,,,4.4,\n",
            "commitments",
            "2",
            "Unknown ref 4.4 in related",
        ),
        (COMMITMENT_HEADER + "1.5,1,policing,Words,,Narnia,,\n", "commitments", "2", "Narnia is not an area"),
        (COMMITMENT_HEADER + "1.5,1,sometimes,Words,,,,\n", "commitments", "2", "Kind must be"),
    ],
)
def test_a_malformed_file_is_refused_whole_with_its_row_named(
    editor_client, plan, content, kind, row, message
):
    c = make_commitment(plan.objectives.get(ref="1"), ref="1.1", text="Untouched")
    good_first = (
        "1.2,1,policing,Would be fine,,,,\n" if kind == "commitments" else "1.1,2016/17 Q2,green,,Fine\n"
    )
    header, _, rest = content.partition("\n")
    content = header + "\n" + (good_first if "Missing" not in message else "") + rest
    if row != "1":
        row = str(int(row) + 1)  # the good row comes first
    response = upload(editor_client, plan, content, kind=kind)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The file was not imported" in page
    cells = page[page.index('id="row-errors"') :]
    assert f'<td class="govuk-table__cell">{row}</td>' in cells and message in page
    assert list(plan.commitments.values_list("ref", "text")) == [("1.1", "Untouched")]
    assert not ProgressUpdate.objects.filter(commitment=c).exists()


def test_a_formula_in_an_excel_cell_is_refused(editor_client, plan):
    content = make_xlsx([COMMITMENT_HEADER.strip().split(","), ["1.1", 1, "policing", "=1+1"]])
    response = upload(editor_client, plan, content, name="plan.xlsx")
    assert "A formula is not allowed" in response.content.decode()
    assert not plan.commitments.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", b"%PDF-1.4", "must be a CSV (.csv) or Excel (.xlsx) file"),
        ("plan.xlsx", b"not a zip at all", "not a valid Excel (.xlsx) workbook"),
        ("plan.csv", b"\xff\xfe\x00bad", "must be saved as UTF-8"),
        ("plan.csv", b"ref,objective\n" + b"x" * (2 * 1024 * 1024), "smaller than 2 MB"),
        ("plan.csv", b"", "The submitted file is empty"),
    ],
)
def test_a_wrong_unreadable_or_oversized_file_is_refused(editor_client, plan, name, content, message):
    response = upload(editor_client, plan, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not plan.commitments.exists()


def test_the_panel_cannot_import(panel_client, plan):
    response = upload(panel_client, plan, COMMITMENT_HEADER + "1.1,1,policing,Words,,,,\n")
    assert response.status_code == 403
    assert not plan.commitments.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_files_name_the_import_columns(editor_client, fmt):
    response = editor_client.get(reverse("delivery_plans:import_template", args=["updates", fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        header = next(csv.reader(StringIO(response.content.decode("utf-8-sig"))))
    else:
        header = [c.value for c in next(load_workbook(io.BytesIO(response.content)).active.iter_rows())]
    assert header == ["ref", "period", "rag", "rag_reason", "text", "date"]


def test_the_export_follows_the_filters_and_reimports(editor_client, plan):
    one = make_commitment(plan.objectives.get(ref="1"), ref="1.1", text="=Looks like a formula")
    make_update(one, make_period(2016, 3), rag=Rag.AMBER, text="Amber words")
    make_commitment(plan.objectives.get(ref="2"), ref="2.1", text="Second")
    response = editor_client.get(reverse("delivery_plans:export", args=["xlsx"]), {"rag": "amber"})
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert [r[0] for r in rows] == ["ref", "1.1"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["text"] == "'=Looks like a formula"
    assert [row[h] for h in ("period", "rag", "rag_reason", "progress")] == [
        "2016/17 Q3",
        "Amber",
        "Behind schedule",
        "Amber words",
    ]
    response = editor_client.get(reverse("delivery_plans:export", args=["csv"]), {"plan": plan.pk})
    rows = list(csv.reader(StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows] == ["ref", "1.1", "2.1"]
    assert rows[1][rows[0].index("text")] == "'=Looks like a formula"  # a spreadsheet shows it as text
    # The apostrophe is the export's, so importing the file again keeps the text as it was.
    assert upload(editor_client, plan, response.content, name="export.csv").status_code == 302
    assert plan.commitments.get(ref="1.1").text == "=Looks like a formula"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("text", ["-2+3+cmd|' /C calc'!A0", "+1", "@SUM(A1)", "=1", "\t=1", "\r=1", " =1"])
def test_the_export_makes_every_cell_a_spreadsheet_would_run_text(editor_client, plan, fmt, text):
    make_commitment(plan.objectives.get(ref="1"), ref="1.1", text=text)
    response = editor_client.get(reverse("delivery_plans:export", args=[fmt]))
    if fmt == "csv":
        rows = list(csv.reader(StringIO(response.content.decode("utf-8-sig"), newline="")))
    else:
        rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    # An .xlsx keeps line ends as \n, so the carriage return is compared by what follows it.
    cell = rows[1][rows[0].index("text")]
    assert cell[0] == "'" and cell[2:] == text[1:]


def test_the_import_command_reports_each_problem_and_imports_nothing(plan, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(COMMITMENT_HEADER + "1.1,1,policing,Fine,,,,\n1.2,9,policing,Bad,,,,\n")
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing imported: 1 problem"):
        call_command("import_delivery_plan", str(bad), "--plan", str(plan.pk), stderr=err)
    assert "Row 3, column objective: No objective 9" in err.getvalue()
    good = tmp_path / "good.csv"
    good.write_text(COMMITMENT_HEADER + "1.1,1,policing,Fine,,,,\n")
    out = StringIO()
    call_command("import_delivery_plan", str(good), "--plan", str(plan.pk), stdout=out)
    assert "Imported 1 new commitment(s)" in out.getvalue()
    assert list(plan.commitments.values_list("ref", flat=True)) == ["1.1"]


def test_the_benchmark_imports_and_leaves_the_database_as_it_was():
    assert bench_import(20) > 0
    assert not Commitment.objects.exists()


def test_rows_beyond_the_limit_are_refused(plan):
    content = COMMITMENT_HEADER + "".join(f"1.{i},1,policing,Words,,,,\n" for i in range(LIMITS.max_rows + 1))
    result = spreadsheets.import_file(plan=plan, kind="commitments", content=content.encode(), name="big.csv")
    assert not result.ok and "more than 5000 rows" in result.errors[0].message


def test_a_file_of_the_required_columns_changes_nothing_else(editor_client, plan):
    warwickshire = plan.organisations.get(short_name="Warwickshire")
    one = make_commitment(plan.objectives.get(ref="1"), ref="1.1")
    two = make_commitment(
        plan.objectives.get(ref="1"),
        ref="1.2",
        text="Old words",
        supporting_activity="Audit skills",
        oversight_mechanism="Victims' Board",
        lead_officer="Head of Commissioning",
        status=plan.statuses.get(name="On hold"),
    )
    two.areas.add(warwickshire)
    two.related.add(one)
    response = upload(editor_client, plan, "ref,objective,kind,text\n1.2,1,policing,New words\n")
    assert response.status_code == 302
    two.refresh_from_db()
    assert (
        two.text,
        two.supporting_activity,
        two.oversight_mechanism,
        two.lead_officer,
        two.status.name,
    ) == (
        "New words",
        "Audit skills",
        "Victims' Board",
        "Head of Commissioning",
        "On hold",
    )
    assert list(two.areas.all()) == [warwickshire] and list(two.related.all()) == [one]
    # A column in the file is written, even when empty: the file says there is nothing there.
    upload(editor_client, plan, "ref,objective,kind,text,areas,related\n1.2,1,policing,New words,,\n")
    assert not two.areas.exists() and not two.related.exists()
    assert Commitment.objects.get(pk=two.pk).supporting_activity == "Audit skills"


def test_an_update_file_without_reason_or_date_keeps_them(editor_client, plan):
    c = make_commitment(plan.objectives.get(ref="1"), ref="1.1")
    update = make_update(c, make_period(2016, 3), rag=Rag.AMBER, rag_reason="Waiting", date="2016-11-02")
    response = upload(
        editor_client, plan, "ref,period,rag,text\n1.1,2016/17 Q3,amber,Still waiting\n", kind="updates"
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert (update.text, update.rag_reason, str(update.date)) == ("Still waiting", "Waiting", "2016-11-02")


def test_an_update_dated_before_its_quarter_is_refused(editor_client, plan):
    make_commitment(plan.objectives.get(ref="1"), ref="1.1")
    content = "ref,period,rag,rag_reason,text,date\n1.1,2016/17 Q3,green,,Words,2016-09-30\n"
    result = spreadsheets.import_file(plan=plan, kind="updates", content=content.encode(), name="u.csv")
    assert [(e.row, e.column) for e in result.errors] == [(2, "date")]
    assert "on or after the start of 2016/17 Q3 (01 October 2016)" in result.errors[0].message
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("text", ["- Review (Q2) of training", "-- see 1.1 --", "- Victims' Board (monthly)"])
def test_ordinary_text_with_a_leading_minus_is_imported(plan, text):
    content = COMMITMENT_HEADER + f'1.1,1,policing,"{text}",,,,\n'
    result = spreadsheets.import_file(plan=plan, kind="commitments", content=content.encode(), name="c.csv")
    assert result.ok, result.errors
    assert plan.commitments.get().text == text


@pytest.mark.parametrize(
    "text", ["-1+1", "- 2", "-SUM(A1:A2)", "- cmd|' /C calc'!A0", "-A1*2", "+A1", "@SUM(1)"]
)
def test_what_a_spreadsheet_would_run_is_refused(plan, text):
    content = COMMITMENT_HEADER + f'1.1,1,policing,"{text}",,,,\n'
    result = spreadsheets.import_file(plan=plan, kind="commitments", content=content.encode(), name="c.csv")
    assert [(e.column, e.message[:20]) for e in result.errors] == [("text", "A formula is not all")]


def test_every_problem_of_every_row_is_reported_at_once(plan):
    content = COMMITMENT_HEADER + (
        "1.1,9,sometimes,=1+1,,,,\n"  # objective, kind and formula on one row
        "1.2,,policing,Words,,Narnia,,\n"  # objective missing and an unknown area
    )
    result = spreadsheets.import_file(plan=plan, kind="commitments", content=content.encode(), name="c.csv")
    found = sorted((e.row, e.column) for e in result.errors)
    assert found == [(2, "kind"), (2, "objective"), (2, "text"), (3, "areas"), (3, "objective")]
    assert not plan.commitments.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_with_an_invalid_filter_shows_the_list_with_the_errors(editor_client, plan, fmt):
    make_commitment(plan.objectives.get(ref="1"), ref="1.1")
    response = editor_client.get(reverse("delivery_plans:export", args=[fmt]), {"plan": 999999, "kind": "x"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html") and "Content-Disposition" not in response
    page = response.content.decode()
    assert "There is a problem" in page and "Select a valid choice" in page
    assert f'href="{reverse("delivery_plans:list")}?organisation=' in page and "Clear filters" in page


def _history_and_versions(model):
    return model.history.count(), sorted(model.objects.values_list("pk", "version"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimporting_the_unchanged_demo_export_leaves_every_commitment_untouched(editor_client, fmt):
    from assurance.demo import load_core
    from delivery_plans.demo import load_demo

    context = load_core(scale=1)
    load_demo(context=context)
    plan = context.home.owned_plans.get()
    count = plan.commitments.count()
    before = _history_and_versions(Commitment)
    exported = editor_client.get(reverse("delivery_plans:export", args=[fmt]), {"plan": plan.pk}).content
    response = upload(editor_client, plan, exported, name=f"export.{fmt}")
    assert response.status_code == 302
    message = [str(m) for m in response.wsgi_request._messages]
    assert message == [f"Imported 0 new commitment(s), updated 0, unchanged {count}"]
    # No empty "Changed" entries in any history, and no version a form open elsewhere would clash with.
    assert _history_and_versions(Commitment) == before


def test_a_reimported_row_is_updated_only_where_it_differs(plan):
    warwickshire = plan.organisations.get(short_name="Warwickshire")
    one = make_commitment(plan.objectives.get(ref="1"), ref="1.1", text="Support victims")
    two = make_commitment(plan.objectives.get(ref="1"), ref="1.2", text="Protect the vulnerable")
    content = COMMITMENT_HEADER + (
        "1.1,1,policing,Support victims,,,,\n"  # as it is
        "1.2,1,policing,Protect the vulnerable,,Warwickshire,1.1,\n"  # links added
    )
    result = spreadsheets.import_file(plan=plan, kind="commitments", content=content.encode(), name="c.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.version, one.history.count()) == (1, 1)
    assert (two.version, two.history.count()) == (2, 2)
    assert list(two.areas.all()) == [warwickshire] and list(two.related.all()) == [one]
    reason = two.history.first().history_change_reason
    assert reason == f"Areas: (none) → {warwickshire}; Related: (none) → {one}"


def test_reimporting_the_same_updates_leaves_them_untouched(editor_client, plan):
    c = make_commitment(plan.objectives.get(ref="1"), ref="1.1")
    content = "ref,period,rag,rag_reason,text,date\n1.1,2016/17 Q3,Amber,Waiting,Review underway,2016-12-07\n"
    assert upload(editor_client, plan, content, kind="updates").status_code == 302
    update = c.updates.get()
    result = spreadsheets.import_file(plan=plan, kind="updates", content=content.encode(), name="u.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert "updated 0, unchanged 1" in result.summary
    update.refresh_from_db()
    assert (update.version, update.history.count()) == (1, 1)
    changed = content.replace("Review underway", "Review complete")
    result = spreadsheets.import_file(plan=plan, kind="updates", content=changed.encode(), name="u.csv")
    assert (result.updated, result.unchanged) == (1, 0)
    update.refresh_from_db()
    assert (update.text, update.version, update.history.count()) == ("Review complete", 2, 2)


@pytest.mark.parametrize(
    ("header", "kind", "message"),
    [
        (
            "ref,period,rag,rag_reasn,text",
            "updates",
            "Unknown column(s): rag_reasn (did you mean rag_reason?)",
        ),
        ("ref,objective,kind,text,notes", "commitments", "Unknown column(s): notes. Rename or remove them"),
        ("ref,period,rag,text,text", "updates", "Column(s) named more than once: text"),
    ],
)
def test_a_column_the_import_would_not_read_is_refused(plan, header, kind, message):
    make_commitment(plan.objectives.get(ref="1"), ref="1.1", text="Untouched")
    row = "1.1,2016/17 Q3,amber,Waiting,Words" if kind == "updates" else "1.1,1,policing,Changed,Note"
    content = f"{header}\n{row}\n"
    result = spreadsheets.import_file(plan=plan, kind=kind, content=content.encode(), name="f.csv")
    assert [e.row for e in result.errors] == [1] and message in result.errors[0].message
    assert plan.commitments.get().text == "Untouched" and not ProgressUpdate.objects.exists()


def test_a_value_under_no_column_name_is_refused(plan):
    content = "ref,objective,kind,text,\n1.1,1,policing,Words,Stray\n"
    result = spreadsheets.import_file(plan=plan, kind="commitments", content=content.encode(), name="c.csv")
    assert [(e.row, e.column) for e in result.errors] == [(2, "column 5")]
    # Empty cells past the named columns, as spreadsheets often have, are fine.
    content = "ref,objective,kind,text,,\n1.1,1,policing,Words,,\n"
    assert spreadsheets.import_file(plan=plan, kind="commitments", content=content.encode(), name="c.csv").ok


@pytest.mark.parametrize(
    ("kind", "content", "column", "limit"),
    [
        ("updates", "ref,period,rag,text\n1.1,2016/17 Q3,green,{long}\n", "text", 5000),
        ("updates", "ref,period,rag,rag_reason,text\n1.1,2016/17 Q3,red,{long},Words\n", "rag_reason", 2000),
        ("commitments", "ref,objective,kind,text\n1.2,1,policing,{long}\n", "text", 3000),
        (
            "commitments",
            "ref,objective,kind,text,oversight_mechanism\n1.2,1,pcc,A,{long}\n",
            "oversight_mechanism",
            1000,
        ),
    ],
)
def test_text_longer_than_the_forms_allow_is_refused(plan, kind, content, column, limit):
    make_commitment(plan.objectives.get(ref="1"), ref="1.1")
    content = content.format(long="x" * 20000)
    result = spreadsheets.import_file(plan=plan, kind=kind, content=content.encode(), name="f.csv")
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert f"at most {limit}" in result.errors[0].message
    assert plan.commitments.count() == 1 and not ProgressUpdate.objects.exists()


def test_an_update_dated_after_today_is_refused(plan):
    make_commitment(plan.objectives.get(ref="1"), ref="1.1")
    content = "ref,period,rag,text,date\n1.1,2017/18 Q3,green,Words,2030-01-10\n"
    result = spreadsheets.import_file(plan=plan, kind="updates", content=content.encode(), name="u.csv")
    assert [(e.row, e.column) for e in result.errors] == [(2, "date")]
    assert "The date must be today" in result.errors[0].message
    assert not ProgressUpdate.objects.exists()


def test_an_exported_row_of_another_plan_is_refused(plan):
    content = COMMITMENT_HEADER.strip() + ",plan,period,rag,progress\n"
    content += "1.1,1,policing,Words,,,,,Another plan,,,\n"
    result = spreadsheets.import_file(plan=plan, kind="commitments", content=content.encode(), name="c.csv")
    assert [(e.row, e.column) for e in result.errors] == [(2, "plan")]
    assert not plan.commitments.exists()
