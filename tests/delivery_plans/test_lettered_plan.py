"""An office with a plan in lettered sections sets it up in the browser with no administrator,
records a measure's quarterly figures and withholds one; the publisher publishes; the
published page and the panel paper show the counts and percentages and the measure table
with "Withheld" and its reason, and nothing of the withheld figure. The same plan then comes
from one spreadsheet, as that office keeps it (UK dates, R/A/G letters, its own headers)."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from openpyxl import Workbook

from assurance.models import Publication
from assurance.permissions import Role
from delivery_plans.models import Commitment, MeasureValue, Plan, ProgressUpdate
from tests.conftest import one_line, pdf_text, requires_pdftotext
from tests.factories import make_organisation, make_period, make_user

pytestmark = pytest.mark.django_db

# Planted in the withheld figure: found nowhere a reader can reach.
PLANTED = "98765.43"
PLANTED_FORMS = ("98765", "98,765")
REASON = "Fewer than ten cases: the figure could identify the people involved"
SECTIONS = [("A", "Putting victims first", "Victims"), ("B", "Safer roads", "Roads"), ("C", "Reform", "")]
COMMITMENTS = [
    # ref, section, text, lead officer, target date, status, R/A/G, progress
    (
        "A.10",
        "A",
        "Open a victims' hub in every district",
        "Head of Commissioning",
        "2022-03-31",
        "Current",
        "A",
    ),
    ("A.2", "A", "Publish a victims' charter", "Victims Lead", "2021-09-30", "Completed", "G"),
    (
        "B.1",
        "B",
        "Halve the backlog of speeding reports",
        "Chief Inspector, Roads Policing",
        "2023-03-31",
        "Proposed",
        "R",
    ),
]


@pytest.fixture
def office(db):
    office = make_organisation(
        name="Office of the Police and Crime Commissioner for Testshire", short_name="Testshire", is_home=True
    )
    for quarter in (None, 1, 2, 3, 4):
        make_period(2021, quarter)
    return office


def plan_details(office) -> dict:
    """The plan as the office's editor gives it on the form."""
    return {
        "title": "Testshire Police and Crime Plan",
        "owner": office.pk,
        "organisations": [office.pk],
        "start_year": "2021/22",
        "end_year": "2024/25",
        "statuses": "Proposed\nCurrent\nCompleted",
    }


def post(client, name, data, *args):
    response = client.post(reverse(f"delivery_plans:{name}", args=args), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    return response


def set_up_the_plan(client, office) -> Plan:
    post(client, "plan_create", plan_details(office))
    plan = Plan.objects.get()
    for order, (ref, title, short) in enumerate(SECTIONS, start=1):
        data = {"ref": ref, "title": title, "short_name": short, "outcomes": "", "order": order}
        post(client, "objective_create", data, plan.pk)
    statuses = {s.name: s.pk for s in plan.statuses.all()}
    sections = {o.ref: o.pk for o in plan.objectives.all()}
    for ref, section, text, lead, target, status, _ in COMMITMENTS:
        data = {
            "objective": sections[section],
            "ref": ref,
            "kind": "pcc",
            "text": text,
            "lead_officer": lead,
            "target_date": target,
            "status": statuses[status],
        }
        if status == "Completed":
            data["completed_on"] = "2021-09-15"
        post(client, "create", data, plan.pk)
    return plan


def rate(client, plan):
    q3 = make_period(2021, 3)
    for ref, *_, rag in COMMITMENTS:
        rag = {"R": "red", "A": "amber", "G": "green"}[rag]
        data = {"period": q3.pk, "text": f"Progress on {ref}", "rag": rag, "date": "2021-12-01"}
        data["rag_reason"] = "Behind the plan" if rag != "green" else ""
        post(client, "update_create", data, plan.commitments.get(ref=ref).pk)


def record_the_measure(client, plan):
    post(
        client,
        "measure_create",
        {
            "objective": plan.objectives.get(ref="B").pk,
            "name": "People killed or seriously injured on the roads",
            "unit": "people",
            "higher_is_better": "False",
            "baseline": "412",
            "target": "300",
            "source": "Safer Roads Partnership",
            "order": 1,
        },
        plan.pk,
    )
    measure = plan.measures.get()
    figures = {1: ("101", "", ""), 2: (PLANTED, "on", REASON), 3: ("96", "", ""), 4: ("90", "", "")}
    for quarter, (value, withheld, reason) in figures.items():
        data = {"period": make_period(2021, quarter).pk, "value": value, "note": f"Quarter {quarter}"}
        if withheld:
            data |= {"withheld": withheld, "withheld_reason": reason}
        post(client, "value_create", data, measure.pk)
    return measure


def published_everywhere(publication) -> dict[str, str]:
    panel = Client()
    panel.force_login(make_user(Role.PANEL))
    texts = {}
    for name, reader in {"public": Client(), "panel": panel}.items():
        page = reader.get(publication.get_absolute_url())
        assert page.status_code == 200
        texts[f"{name} page"] = page.content.decode()
        pdf = reader.get(publication.get_pdf_url())
        assert pdf["Content-Type"] == "application/pdf"
        texts[f"{name} paper"] = pdf_text(pdf.getvalue())
    texts["snapshot"] = json.dumps(publication.snapshot)
    return texts


@requires_pdftotext
def test_a_plan_in_lettered_sections_is_set_up_measured_withheld_and_published(
    editor_client, publisher_client, office
):
    plan = set_up_the_plan(editor_client, office)
    assert [o.ref for o in plan.objectives.all()] == ["A", "B", "C"]
    assert [c.ref for c in plan.commitments.all()] == ["A.2", "A.10", "B.1"]  # as people sort them
    completed = plan.commitments.get(ref="A.2")
    assert (completed.status.name, completed.completed_on) == ("Completed", datetime.date(2021, 9, 15))
    assert completed.lead_officer == "Victims Lead" and completed.history.count() == 1
    rate(editor_client, plan)
    measure = record_the_measure(editor_client, plan)
    assert MeasureValue.objects.get(measure=measure, withheld=True).withheld_reason == REASON

    # The plan page counts by status and by RAG, per section and for the plan.
    page = editor_client.get(reverse("delivery_plans:plan", args=[plan.pk]), {"period": "2021-22-q3"})
    text = page.content.decode()
    assert "Commitments by delivery status" in text and "Commitments by RAG rating, 2021/22 Q3" in text
    section_a = text[text.index("<th", text.index("A. Victims</th>") - 60) :]
    section_a = section_a[: section_a.index("</tr>")]
    assert section_a.count('1 <span class="app-share">(50%)</span>') == 2  # Current and Completed
    assert '1 <span class="app-share">(33%)</span>' in text  # a third of the whole plan
    # The draft dashboard shows the measure as it would be published: withheld, with the reason.
    draft = editor_client.get(reverse("dashboard"), {"organisation": office.slug, "period": "2021-22-q3"})
    draft = draft.content.decode()
    assert "Withheld" in draft and REASON in draft
    assert not any(form in draft for form in PLANTED_FORMS)
    # Staff still see the figure on the measure's own page.
    assert (
        "98765.43" in editor_client.get(reverse("delivery_plans:measures", args=[plan.pk])).content.decode()
    )

    publish = reverse("publish", args=[office.slug, "2021-22-q3"])
    form = {
        "title": "Assurance and performance",
        "purpose": "To update the panel.",
        "recommendation": "Note.",
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = publisher_client.post(publish, form | {"meeting_date": "7/12/2021", "acknowledge": "on"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    publication = Publication.objects.get()

    for where, text in published_everywhere(publication).items():
        assert not any(form in text for form in PLANTED_FORMS), f"the withheld figure is in the {where}"
        assert "could identify the people involved" in one_line(text), where
        if where == "snapshot":
            continue
        assert "Withheld" in text, where
        assert "50%" in text and "33%" in text, where  # counts and percentages
        assert "Whole plan" in text and "Completed" in text and "Proposed" in text, where
        for figure in ("101", "96"):
            assert figure in text, (where, figure)
    published = published_everywhere(publication)["public page"]
    assert "Victims Lead" in published and "30 September 2021" in published  # lead and target, as written


def office_spreadsheet() -> bytes:
    """The same plan as that office keeps it: its own headers, UK dates, R/A/G letters."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Ref",
            "Section",
            "Section title",
            "Actions",
            "Lead officer",
            "Target date",
            "Timescale",
            "Current status",
            "Quarter",
            "R/A/G",
            "Reason",
            "Progress update",
        ]
    )
    dates = {"2022-03-31": "31/03/2022", "2021-09-30": "30 September 2021", "2023-03-31": "31 Mar 2023"}
    titles = {ref: title for ref, title, _ in SECTIONS}
    for ref, section, text, lead, target, status, rag in COMMITMENTS:
        reason = "" if rag == "G" else "Behind the plan"
        sheet.append(
            [
                ref,
                section,
                titles[section],
                text,
                lead,
                dates[target],
                "",
                status,
                "2021/22 Q3",
                rag,
                reason,
                f"Progress on {ref}",
            ]
        )
    sheet.append(["C.1", "C", "Reform", "Share a control room", "", "", "By the end of the term", "Proposed"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_same_plan_is_made_from_the_offices_own_spreadsheet(editor_client, office):
    response = editor_client.post(
        reverse("delivery_plans:plan_from_file"),
        plan_details(office) | {"file": SimpleUploadedFile("plan.xlsx", office_spreadsheet())},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    plan = Plan.objects.get()
    assert [(o.ref, o.title) for o in plan.objectives.all()] == [(ref, title) for ref, title, _ in SECTIONS]
    got = {
        c.ref: (c.objective.ref, c.lead_officer, c.target_date, c.status.name, c.timescale)
        for c in plan.commitments.select_related("objective", "status")
    }
    assert got == {
        "A.10": ("A", "Head of Commissioning", datetime.date(2022, 3, 31), "Current", ""),
        "A.2": ("A", "Victims Lead", datetime.date(2021, 9, 30), "Completed", ""),
        "B.1": ("B", "Chief Inspector, Roads Policing", datetime.date(2023, 3, 31), "Proposed", ""),
        "C.1": ("C", "", None, "Proposed", "By the end of the term"),
    }
    ratings = {
        u.commitment.ref: (u.rag, u.period.label) for u in ProgressUpdate.objects.select_related("period")
    }
    assert ratings == {
        "A.10": ("amber", "2021/22 Q3"),
        "A.2": ("green", "2021/22 Q3"),
        "B.1": ("red", "2021/22 Q3"),
    }
    assert [c.ref for c in plan.commitments.all()] == ["A.2", "A.10", "B.1", "C.1"]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Imported 4 new commitment(s), updated 0, unchanged 0; added 3 objective(s)" in messages
    # Importing the same sheet into the plan again changes nothing.
    upload = SimpleUploadedFile("plan.xlsx", office_spreadsheet())
    response = editor_client.post(
        reverse("delivery_plans:import", args=[plan.pk]), {"kind": "commitments", "file": upload}
    )
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages][-1] == (
        "Imported 0 new commitment(s), updated 0, unchanged 4"
    )
    assert Commitment.history.count() == 4 and ProgressUpdate.history.count() == 3


def test_a_plan_whose_file_has_a_problem_is_not_made_at_all(editor_client, office):
    workbook_rows = [["Ref", "Section", "Actions", "Target date", "Current status", "R/A/G"]]
    workbook_rows += [["A.1", "A. Victims", "Publish a charter", "31/03/2019", "Done", "P"]]
    workbook = Workbook()
    for row in workbook_rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    content = out.getvalue()
    response = editor_client.post(
        reverse("delivery_plans:plan_from_file"),
        plan_details(office) | {"file": SimpleUploadedFile("plan.xlsx", content)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The plan was not made: 3 problem(s) in the file" in page
    assert "The target date must be within the plan&#x27;s term" in page
    assert "‘Done’ is not one of this plan&#x27;s delivery statuses (Proposed, Current, Completed)" in page
    assert "RAG must be one of Red, Amber, Green, Not rated, not ‘P’" in page
    assert not Plan.objects.exists() and not Commitment.objects.exists()
