"""A long list of choices (a plan's commitments, on an oversight body's form) shows those
chosen and one objective's at a time; another objective's are shown by a button that works
without JavaScript, keeping what was entered and saving nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assurance import forms as core_forms
from meetings.models import OversightBody
from tests.delivery_plans.factories import make_commitment, make_objective, make_plan
from tests.factories import make_organisation
from tests.meetings.factories import make_body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def short_lists(monkeypatch):
    # Narrowed above three, so a handful of commitments stands for a long plan.
    monkeypatch.setattr(core_forms, "NARROW_ABOVE", 3)


@pytest.fixture
def home():
    return make_organisation(name="Office of the PCC for Narrowshire", is_home=True, kind="opcc")


@pytest.fixture
def plan(home):
    plan = make_plan(owner=home)
    for short in ("Victims", "Roads"):
        objective = make_objective(plan, short_name=short, title=f"{short} objective")
        for n in range(1, 4):
            make_commitment(objective, ref=f"{objective.ref}.{n}", text=f"{short.upper()}-COMMITMENT-{n}")
    return plan


@pytest.fixture
def body(home, plan):
    body = make_body(owner=home, name="Narrowing Board")
    body.commitments.add(plan.commitments.get(ref="2.1"))
    return body


def edit_data(body, **changes) -> dict:
    data = {
        "owner": body.owner.pk,
        "name": body.name,
        "purpose": body.purpose,
        "frequency": body.frequency,
        "chair": body.chair,
        "loaded_version": body.version,
        "commitments": [c.pk for c in body.commitments.all()],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def shown(page: str, prefix: str) -> list[int]:
    return [n for n in range(1, 4) if f"{prefix}-COMMITMENT-{n}" in page]


def test_the_form_shows_the_chosen_commitments_and_one_objectives(editor_client, body, plan):
    page = editor_client.get(reverse("meetings:update", args=[body.pk])).content.decode()
    assert "There are 6 to choose from" in page
    assert shown(page, "VICTIMS") == [1, 2, 3]  # the first objective
    assert shown(page, "ROADS") == [1]  # the one chosen, of another objective
    assert 'name="show_choices"' in page and 'name="commitments_from"' in page


def test_another_objective_is_shown_keeping_what_was_entered_and_saving_nothing(editor_client, body, plan):
    roads = plan.objectives.get(short_name="Roads")
    url = reverse("meetings:update", args=[body.pk])
    data = edit_data(body, name="RENAMED-NOT-SAVED", commitments_from=roads.pk, show_choices="commitments")
    response = editor_client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="RENAMED-NOT-SAVED"' in page and "There is a problem" not in page
    assert shown(page, "ROADS") == [1, 2, 3] and shown(page, "VICTIMS") == []
    assert OversightBody.objects.get(pk=body.pk).name == "Narrowing Board"


def test_choosing_from_one_objective_keeps_the_choices_made_in_another(editor_client, body, plan):
    url = reverse("meetings:update", args=[body.pk])
    chosen = [plan.commitments.get(ref="2.1").pk, plan.commitments.get(ref="1.3").pk]
    response = editor_client.post(url, edit_data(body, commitments=chosen))
    assert response.status_code == 302
    assert sorted(body.commitments.values_list("ref", flat=True)) == ["1.3", "2.1"]


def test_another_offices_commitment_is_refused_on_the_field_and_nothing_saved(editor_client, body, plan):
    theirs = make_commitment(make_objective(make_plan(owner=make_organisation(kind="opcc"))))
    url = reverse("meetings:update", args=[body.pk])
    response = editor_client.post(url, edit_data(body, commitments=[theirs.pk]))
    assert response.status_code == 200
    assert "belongs to another plan" in response.content.decode()
    assert list(body.commitments.values_list("ref", flat=True)) == ["2.1"]


def test_the_form_runs_the_same_queries_and_shows_one_objective_however_long_the_plan(
    editor_client, body, plan
):
    url = reverse("meetings:update", args=[body.pk])

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            page = editor_client.get(url).content.decode()
        return len(captured), page.count("-COMMITMENT-")

    small = measure()
    roads = plan.objectives.get(short_name="Roads")
    for n in range(4, 40):
        make_commitment(roads, ref=f"2.{n}", text=f"MORE-{n}")
    assert measure() == small


def test_a_list_runs_the_same_queries_once_it_grows_long_enough_to_be_narrowed(
    editor_client, body, plan, monkeypatch
):
    monkeypatch.setattr(core_forms, "NARROW_ABOVE", 10)
    url = reverse("meetings:update", args=[body.pk])

    def queries() -> tuple[int, bool]:
        with CaptureQueriesContext(connection) as captured:
            page = editor_client.get(url).content.decode()
        return len(captured), "There are" in page

    short, narrowed = queries()
    assert not narrowed
    roads = plan.objectives.get(short_name="Roads")
    for n in range(4, 30):
        make_commitment(roads, ref=f"2.{n}", text=f"MORE-{n}")
    assert queries() == (short, True)


def test_a_risk_and_an_inspection_item_offer_the_office_commitments_an_objective_at_a_time(
    editor_client, home, plan
):
    from tests.inspections.factories import make_recommendation, make_report
    from tests.risks.factories import make_register, make_risk

    register = make_register(owner=home, name="Narrowshire PCC register")
    risk = make_risk(register, ref="R1", title="NARROW-RISK")
    item = make_recommendation(make_report(organisation=home))
    for url in (
        reverse("risks:update", args=[risk.pk]),
        reverse("risks:create", args=[register.pk]),
        reverse("inspections:update", args=[item.pk]),
    ):
        page = editor_client.get(url).content.decode()
        # The first objective's commitments, labelled by ref and text; the other's on request.
        assert "1.1 VICTIMS-COMMITMENT-1" in page and "ROADS-COMMITMENT" not in page, url
        assert "There are 6 to choose from" in page, url
        roads = plan.objectives.get(short_name="Roads")
        asked = {"show_choices": "commitments", "commitments_from": roads.pk}
        shown = editor_client.post(url, asked).content.decode()
        assert "2.1 ROADS-COMMITMENT-1" in shown and "VICTIMS-COMMITMENT" not in shown, url
    risk.refresh_from_db()
    assert risk.title == "NARROW-RISK" and not risk.commitments.exists()  # nothing saved


def test_an_inspection_item_offers_the_office_risks_a_register_at_a_time(editor_client, home, plan):
    from tests.inspections.factories import make_recommendation, make_report
    from tests.risks.factories import make_register, make_risk

    for name in ("Narrowshire PCC register", "Narrowshire force register"):
        register = make_register(owner=home, name=name)
        for n in range(1, 4):
            make_risk(register, ref=f"R{n}", title=f"{name.split()[1].upper()}-RISK-{n}")
    item = make_recommendation(make_report(organisation=home))
    page = editor_client.get(reverse("inspections:update", args=[item.pk])).content.decode()
    assert "There are 6 to choose from" in page and "Show the register" in page
    assert ("PCC-RISK-1" in page) != ("FORCE-RISK-1" in page)  # one register's risks shown
