"""The tracker in and out through the toolkit: a template to download, rows matched by report
and ref so that a re-import updates, any bad row named with nothing written, and the tracker
downloaded as filtered in CSV and Excel."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from inspections.models import Recommendation
from tests.delivery_plans.factories import make_commitment, make_objective, make_plan
from tests.factories import make_xlsx
from tests.inspections.factories import (
    make_recommendation,
    make_report,
    make_restricted_recommendation,
    make_revision,
)

pytestmark = pytest.mark.django_db

HEADER = ["report", "ref", "kind", "text", "owner", "original_target_date", "status", "commitments"]
TITLE = "Best use of stop and search: re-inspection"


def upload(client, organisation, content, name="tracker.csv"):
    if isinstance(content, str):
        content = content.encode()
    url = reverse("inspections:import") + f"?organisation={organisation.slug}"
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def csv_of(*rows) -> str:
    return "\n".join(",".join(str(c) for c in row) for row in [HEADER, *rows]) + "\n"


@pytest.fixture
def report():
    report = make_report(title=TITLE)
    make_commitment(make_objective(make_plan(report.organisation)), ref="3.11")
    return report


def test_the_template_lists_the_columns(editor_client):
    response = editor_client.get(reverse("inspections:import_template", args=["recommendations", "csv"]))
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:4] == ["report", "ref", "kind", "text"] and "version" not in header
    xlsx = editor_client.get(reverse("inspections:import_template", args=["recommendations", "xlsx"]))
    assert xlsx.status_code == 200


def test_an_editor_imports_items_and_a_reimport_updates_by_ref(editor_client, report):
    organisation = report.organisation
    content = csv_of(
        [
            TITLE,
            "R1",
            "Recommendation",
            "Publish every outcome",
            "ACC (Local Policing)",
            "31/12/2016",
            "Open",
            "3.11",
        ],
        [TITLE, "AFI 1", "AFI", "Record the grounds", "Head of Operations Support", "2017-03-31", "", ""],
    )
    response = upload(editor_client, organisation, content)
    assert response.status_code == 302, response.content.decode()[:3000]
    items = {i.ref: i for i in Recommendation.objects.all()}
    assert set(items) == {"R1", "AFI 1"} and items["AFI 1"].kind == "afi"
    assert str(items["R1"].target_date) == "2016-12-31" and items["R1"].commitments.get().ref == "3.11"
    assert items["AFI 1"].status == "open"

    content = csv_of(
        [
            TITLE,
            "R1",
            "Recommendation",
            "Publish every outcome",
            "ACC (Local Policing)",
            "31/12/2016",
            "In progress",
            "3.11",
        ],
        [TITLE, "AFI 1", "AFI", "Record the grounds", "Head of Operations Support", "2017-03-31", "", ""],
    )
    assert (
        upload(editor_client, organisation, make_xlsx(list(csv_rows(content))), "tracker.xlsx").status_code
        == 302
    )
    assert Recommendation.objects.count() == 2
    r1 = Recommendation.objects.get(ref="R1")
    assert r1.status == "in_progress" and r1.version == 2
    assert Recommendation.objects.get(ref="AFI 1").version == 1  # unchanged rows are left alone


def csv_rows(content: str):
    for line in content.splitlines():
        yield line.split(",")


def test_an_unknown_report_or_kind_is_named_on_its_row_and_nothing_is_written(editor_client, report):
    organisation = report.organisation
    content = csv_of(
        [TITLE, "R1", "Recommendation", "Fine", "ACC", "31/12/2016", "", ""],
        ["PEEL 2031", "R2", "Recommendation", "Unknown report", "ACC", "31/12/2016", "", ""],
        [TITLE, "R3", "Opinion", "Unknown kind", "ACC", "31/12/2016", "", ""],
        [TITLE, "R4", "Recommendation", "Too early", "ACC", "01/01/2016", "Closed", ""],
    )
    response = upload(editor_client, organisation, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert escape("No report PEEL 2031") in page
    assert (
        escape("Kind must be one of Recommendation, Area for improvement, Cause of concern, not ‘Opinion’")
        in page
    )
    assert escape("The target date cannot be before the report was published") in page
    assert "Give the closing evidence" in page
    for row in ("3", "4", "5"):
        assert f">{row}<" in page
    assert not Recommendation.objects.exists()


def test_a_file_headed_target_date_imports_it_as_the_original_target(editor_client, report):
    header = ",".join(HEADER).replace("original_target_date", "Target date")
    content = (
        f"{header}\n{TITLE},R1,Recommendation,Publish every outcome,ACC (Local Policing),31/12/2016,Open,\n"
    )
    response = upload(editor_client, report.organisation, content)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert str(Recommendation.objects.get().original_target_date) == "2016-12-31"
    exported = editor_client.get(
        reverse("inspections:export", args=["csv"]), {"organisation": report.organisation.slug}
    )
    assert "current_target_date" in exported.content.decode("utf-8-sig").splitlines()[0]


def test_the_tracker_downloads_as_filtered(editor_client, report):
    organisation = report.organisation
    make_recommendation(report, ref="R1", text="Publish every outcome")
    make_recommendation(report, ref="AFI 1", kind="afi", text="Record the grounds")
    make_restricted_recommendation(report, ref="S1", text="Restricted item")
    url = reverse("inspections:export", args=["csv"])
    response = editor_client.get(url, {"organisation": organisation.slug, "kind": "afi"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert (
        lines[0].startswith("report,ref,kind,text") and len(lines) == 2 and "Record the grounds" in lines[1]
    )
    response = editor_client.get(
        reverse("inspections:export", args=["xlsx"]), {"organisation": organisation.slug}
    )
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    refs = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert refs == ["AFI 1", "R1", "S1"]  # staff download what staff see
    bad = editor_client.get(url, {"organisation": organisation.slug, "kind": "opinion"})
    assert bad.status_code == 400


def test_an_exported_file_imports_back_unchanged_and_refuses_a_stale_row(editor_client, report):
    organisation = report.organisation
    item = make_recommendation(report, ref="R1", text="Publish every outcome")
    exported = editor_client.get(
        reverse("inspections:export", args=["csv"]), {"organisation": organisation.slug}
    ).content
    response = upload(editor_client, organisation, exported)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.version == 1
    item.text = "Changed meanwhile"
    item.save()
    response = upload(editor_client, organisation, exported)
    assert response.status_code == 400 and "was changed after this file was made" in response.content.decode()


def test_a_reimport_may_not_move_a_revised_items_original_target(editor_client, report):
    item = make_recommendation(
        report, ref="AFI 1", kind="afi", text="Record the grounds", owner_role="Head of Operations Support"
    )
    make_revision(item, new_date=datetime.date(2017, 6, 30))
    item.refresh_from_db()
    content = csv_of(
        [TITLE, "AFI 1", "AFI", "Record the grounds", "Head of Operations Support", "31/1/2017", "", ""]
    )
    response = upload(editor_client, report.organisation, content)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The target date of AFI 1 has been revised" in page
    unchanged = Recommendation.objects.get(pk=item.pk)
    assert (unchanged.original_target_date, unchanged.version) == (item.original_target_date, item.version)
