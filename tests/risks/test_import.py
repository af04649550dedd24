"""A register imported from CSV or Excel through the toolkit: a template to download, rows
matched by register and ref so a re-import updates, and any bad row named with nothing
written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from assurance.models import Rag
from risks.models import Risk
from tests.delivery_plans.factories import make_commitment, make_objective, make_plan
from tests.factories import make_xlsx
from tests.risks.factories import make_register

pytestmark = pytest.mark.django_db

HEADER = [
    "register",
    "ref",
    "title",
    "owner",
    "raised_on",
    "inherent_likelihood",
    "inherent_impact",
    "residual_likelihood",
    "residual_impact",
    "commitments",
]


def upload(client, owner, content, name="register.csv"):
    if isinstance(content, str):
        content = content.encode()
    url = reverse("risks:import") + f"?organisation={owner.slug}"
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def csv_of(*rows) -> str:
    return "\n".join(",".join(str(c) for c in row) for row in [HEADER, *rows]) + "\n"


def finance_row(register, likelihood: int, impact: int) -> list:
    title = "The risk of failing to manage our finances"
    return [register.name, "1", title, "Treasurer", "01/06/2016", 4, 4, likelihood, impact, "3.1"]


@pytest.fixture
def register():
    register = make_register(name="Joint PCC Strategic Risk Register")
    make_commitment(make_objective(make_plan(register.owner)), ref="3.1")
    return register


def test_the_template_lists_the_columns(editor_client):
    response = editor_client.get(reverse("risks:import_template", args=["risks", "csv"]))
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:3] == ["register", "ref", "title"] and "version" not in header


def test_an_editor_imports_a_register_and_a_reimport_updates_by_ref(editor_client, register):
    owner = register.owner
    content = csv_of(
        finance_row(register, 3, 4),
        [
            register.name,
            "2",
            "The risk that the alliance fails",
            "Chief Executive",
            "2016-06-01",
            3,
            5,
            2,
            4,
            "",
        ],
    )
    response = upload(editor_client, owner, content)
    assert response.status_code == 302
    first = Risk.objects.get(ref="1")
    assert (first.rag, first.level, first.residual_score) == (Rag.RED, "High", 12)
    assert [c.ref for c in first.commitments.all()] == ["3.1"]
    again = csv_of(finance_row(register, 2, 2))
    response = upload(
        editor_client, owner, make_xlsx([line.split(",") for line in again.splitlines()]), "r.xlsx"
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (Risk.objects.count(), first.rag, first.version) == (2, Rag.GREEN, 2)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            ["Unknown register", "1", "T", "O", "2016-06-01", 4, 4, 3, 4, ""],
            "register",
            "No register Unknown register",
        ),
        (
            ["{name}", "1", "T", "O", "2016-06-01", 4, 4, 6, 4, ""],
            "residual_likelihood",
            "must be from 1 to 5",
        ),
        (["{name}", "1", "T", "O", "2016-06-01", 4, 9, 3, 4, ""], "inherent_impact", "must be from 1 to 5"),
        (
            ["{name}", "1", "T", "O", "2016-06-01", 4, 4, 3, "x", ""],
            "residual_impact",
            "is not a whole number",
        ),
        (["{name}", "1", "T", "O", "2016-06-01", 4, 4, 3, 4, "9.9"], "commitments", "No commitment 9.9"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(editor_client, register, row, column, message):
    good = [register.name, "2", "A good row", "Owner", "2016-06-01", 3, 3, 2, 2, ""]
    bad = [cell.format(name=register.name) if isinstance(cell, str) else cell for cell in row]
    response = upload(editor_client, register.owner, csv_of(good, bad))
    page = response.content.decode()
    assert response.status_code == 400
    problems = page[page.index('id="row-errors"') :]
    assert f'<td class="govuk-table__cell">3</td><td class="govuk-table__cell">{column}</td>' in problems
    assert escape(message) in problems
    assert not Risk.objects.exists()


def test_a_register_of_another_office_cannot_be_imported_into(editor_client, register):
    other = make_register()
    content = csv_of([other.name, "1", "T", "O", "2016-06-01", 4, 4, 3, 4, ""])
    response = upload(editor_client, register.owner, content)
    assert response.status_code == 400 and "No register" in response.content.decode()
    assert not Risk.objects.exists()
