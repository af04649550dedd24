"""The register list with its filters and downloads, and the heat map whose every cell counts
what the list it links to shows; queries flat at two data sizes for the list, the heat map,
the risk page and the snapshot."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assurance.registry import Scope
from risks.dashboard import snapshot
from risks.models import RiskCategory
from tests.delivery_plans.factories import make_commitment
from tests.factories import make_period
from tests.risks.factories import make_action, make_register, make_restricted_risk, make_review, make_risk

pytestmark = pytest.mark.django_db


def list_url(organisation, **filters) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"organisation": organisation.slug, **filters}.items())
    return f"{reverse('risks:list')}?{query}"


def listed_count(client, url) -> int:
    page = client.get(url).content.decode()
    return int(re.search(r'role="status">(\d+) risk', page).group(1))


@pytest.fixture
def registers():
    pcc = make_register(name="Joint PCC Strategic Risk Register")
    owner = pcc.owner
    force = make_register(owner, name="Alliance Level Strategic Risks")
    finance = RiskCategory.objects.create(organisation=owner, name="Finance")
    later = {"next_review_due": datetime.date.today() + datetime.timedelta(days=30)}
    make_risk(pcc, ref="1", likelihood=3, impact=4, category=finance, owner_role="Treasurer (OPCC)", **later)
    make_risk(pcc, ref="2", likelihood=3, impact=4, **later)
    make_risk(pcc, ref="3", likelihood=1, impact=2, next_review_due=datetime.date(2016, 7, 1))
    make_risk(force, ref="A", likelihood=4, impact=4, status="tolerated", **later)
    make_risk(
        force,
        ref="B",
        likelihood=3,
        impact=4,
        status="closed",
        closed_on=datetime.date(2016, 9, 1),
        closing_note="Done",
    )
    make_restricted_risk(force, ref="SR04", likelihood=2, impact=3, **later)
    return owner, pcc, force, finance


@pytest.mark.parametrize(
    ("filters", "refs"),
    [
        ({}, {"1", "2", "3", "A", "B", "SR04"}),
        ({"status": "current"}, {"1", "2", "3", "A", "SR04"}),
        ({"status": "closed"}, {"B"}),
        ({"rag": "red"}, {"1", "2", "A", "B"}),
        ({"owner": "treasurer"}, {"1"}),
        ({"overdue": "yes"}, {"3"}),
        ({"restricted": "yes"}, {"SR04"}),
        ({"restricted": "no"}, {"1", "2", "3", "A", "B"}),
        ({"residual_likelihood": 3, "residual_impact": 4}, {"1", "2", "B"}),
    ],
)
def test_the_register_filters_in_the_database(editor_client, registers, filters, refs):
    owner, pcc, force, finance = registers
    page = editor_client.get(list_url(owner, **filters)).content.decode()
    shown = set(re.findall(r'href="/risks/\d+/">([^ ]+) ', page))
    assert shown == refs


def test_the_register_filters_by_register_and_category(editor_client, registers):
    owner, pcc, force, finance = registers
    assert listed_count(editor_client, list_url(owner, register=force.pk)) == 3
    assert listed_count(editor_client, list_url(owner, category=finance.pk)) == 1


def test_a_register_of_another_office_is_not_on_offer(editor_client, registers):
    owner = registers[0]
    other = make_register()
    response = editor_client.get(list_url(owner, register=other.pk))
    assert response.status_code == 400


def test_a_joint_register_shows_for_the_allied_office(editor_client, registers):
    owner, pcc, *_ = registers
    from tests.factories import make_organisation

    ally = make_organisation(kind="opcc")
    pcc.organisations.add(ally)
    assert listed_count(editor_client, list_url(ally)) == 3


def test_every_heat_map_cell_counts_what_its_list_shows(editor_client, registers):
    owner = registers[0]
    page = editor_client.get(reverse("risks:heat_map") + f"?organisation={owner.slug}").content.decode()
    cells = re.findall(r'<a class="govuk-link" href="(/risks/\?[^"]+)">(\d+)<span', page)
    assert len(cells) == 50  # two 5 × 5 grids
    assert sum(int(n) for _, n in cells) == 10  # five current risks, on each grid
    for url, count in cells:
        assert listed_count(editor_client, url.replace("&amp;", "&")) == int(count), url
    # Words and numbers, never colour alone: each cell names its band.
    assert "12 High" in page and "<svg" in page


def test_the_heat_map_follows_the_registers_filters(editor_client, registers):
    owner, pcc, *_ = registers
    page = editor_client.get(
        reverse("risks:heat_map") + f"?organisation={owner.slug}&register={pcc.pk}&status=open"
    ).content.decode()
    assert "Residual scores (with controls): 3 risks" in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_register_downloads_as_filtered(editor_client, registers, fmt):
    owner = registers[0]
    response = editor_client.get(
        reverse("risks:export", args=[fmt]) + f"?organisation={owner.slug}&status=current"
    )
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        rows = [[c or "" for c in r] for r in load_workbook(io.BytesIO(response.content)).active.values]
    header, body = rows[0], rows[1:]
    assert {"register", "ref", "residual_score", "rag", "visibility", "version"} <= set(header)
    refs = {r[header.index("ref")] for r in body}
    assert refs == {"1", "2", "3", "A", "SR04"}
    sr04 = next(r for r in body if r[header.index("ref")] == "SR04")
    assert sr04[header.index("visibility")] == "restricted"


def grow(owner, n: int, start: int) -> None:
    register = make_register(owner)
    for i in range(n):
        risk = make_risk(register, ref=f"{start + i}", likelihood=1 + i % 5, impact=1 + (i * 2) % 5)
        risk.commitments.add(make_commitment())
        make_review(risk, date=datetime.date(2016, 10, 1) + datetime.timedelta(days=i))
        make_action(risk)
        make_restricted_risk(register, ref=f"R{start + i}")


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["list", "heat_map", "detail", "registers", "export"])
def test_pages_run_the_same_number_of_queries_at_two_sizes(editor_client, page):
    register = make_register()
    owner = register.owner
    risk = make_risk(register, ref="X")
    make_review(risk)
    make_review(risk, date=datetime.date(2016, 12, 20))
    risk.commitments.add(make_commitment())
    make_action(risk)
    grow(owner, 2, 100)
    urls = {
        "list": list_url(owner),
        "heat_map": reverse("risks:heat_map") + f"?organisation={owner.slug}",
        "detail": risk.get_absolute_url(),
        "registers": reverse("risks:registers") + f"?organisation={owner.slug}",
        "export": reverse("risks:export", args=["csv"]) + f"?organisation={owner.slug}",
    }
    editor_client.get(urls[page])
    small = count(editor_client, urls[page])
    grow(owner, 8, 200)
    for n in range(3):
        make_review(risk, date=datetime.date(2017, 1, 1) + datetime.timedelta(days=n))
        make_action(risk)
    assert count(editor_client, urls[page]) == small


def test_the_snapshot_runs_the_same_number_of_queries_at_two_sizes():
    register = make_register()
    owner = register.owner
    grow(owner, 2, 100)
    scope = Scope(owner, make_period(2016, 3), include_restricted=True)
    with CaptureQueriesContext(connection) as small:
        snapshot(scope)
    grow(owner, 8, 200)
    with CaptureQueriesContext(connection) as large:
        data = snapshot(scope)
    assert len(data["items"]) == 20
    assert len(small) == len(large)


def test_each_row_of_the_register_links_to_its_risk_and_gives_its_review_dates(editor_client):
    register = make_register(name="Row register")
    reviewed = make_risk(register, ref="R1", title="REVIEWED-RISK", next_review_due=datetime.date(2017, 3, 5))
    make_review(reviewed, date=datetime.date(2016, 12, 12))
    unset = make_risk(register, ref="R2", title="UNSET-RISK")
    unset.next_review_due = None
    unset.save()
    closed = make_risk(
        register,
        ref="R3",
        title="CLOSED-RISK",
        status="closed",
        closed_on=datetime.date(2017, 1, 9),
        closing_note="Mitigated in full.",
    )
    page = editor_client.get(list_url(register.owner, status="")).content.decode()
    rows = {
        title: row
        for row in page.split('<tr class="govuk-table__row">')
        for title in re.findall(r"[A-Z]+-RISK", row)
    }
    assert f'href="{reverse("risks:detail", args=[reviewed.pk])}"' in rows["REVIEWED-RISK"]
    assert "12 Dec 2016" in rows["REVIEWED-RISK"]
    assert f'href="{reverse("risks:detail", args=[closed.pk])}"' in rows["CLOSED-RISK"]
    assert "Closed 9 Jan 2017" in rows["CLOSED-RISK"]
    assert "Not reviewed" in rows["UNSET-RISK"] and "Not set" in rows["UNSET-RISK"]
