"""Plans, objectives, delivery statuses, commitments, measures and their figures edited in the
browser by an editor: what is saved, the written errors that save nothing, stale edits
refused, and where "Cancel" goes."""

import datetime

import pytest
from django.urls import reverse

from assurance.models import Rag
from delivery_plans.models import Commitment, DeliveryStatus, Measure, Objective, Plan
from tests.delivery_plans.factories import (
    make_commitment,
    make_measure,
    make_objective,
    make_plan,
    make_update,
    make_value,
)
from tests.delivery_plans.test_pages import commitment_data, form_values
from tests.factories import make_organisation, make_period

pytestmark = pytest.mark.django_db


def plan_data(owner, **changes) -> dict:
    data = {
        "title": "Police and Crime Plan 2021 to 2025",
        "owner": owner.pk,
        "organisations": [owner.pk],
        "start_year": "2021/22",
        "end_year": "2024/25",
        "statuses": "Not started\nIn progress\nCompleted\nOn hold\nWithdrawn",
    }
    return data | changes


# -- plans ---------------------------------------------------------------------------------------


def test_an_editor_adds_a_plan_with_its_own_delivery_statuses(editor_client):
    owner = make_organisation()
    ally = make_organisation(short_name="Allyshire")
    data = plan_data(owner, organisations=[ally.pk], statuses="Proposed\nCurrent\nComplete")
    response = editor_client.post(reverse("delivery_plans:plan_create"), data)
    plan = Plan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    assert (plan.start_year, plan.end_year, plan.term_label) == (2021, 2024, "2021/22 to 2024/25")
    # The office that keeps a plan is always among the areas it covers.
    assert set(plan.organisations.all()) == {owner, ally}
    statuses = [(s.name, s.is_completed, s.tone) for s in plan.statuses.all()]
    assert statuses == [
        ("Proposed", False, "neutral"),
        ("Current", False, "active"),
        ("Complete", True, "done"),
    ]
    assert plan.history.count() == 1 and all(s.history.count() == 1 for s in plan.statuses.all())


def test_a_new_plan_gets_the_default_statuses_offered_on_its_form(editor_client):
    owner = make_organisation()
    page = editor_client.get(reverse("delivery_plans:plan_create"), {"organisation": owner.slug}).content
    values = form_values(page.decode()).data
    assert values["owner"] == str(owner.pk)
    assert values["statuses"].split() == [
        "Not",
        "started",
        "In",
        "progress",
        "Completed",
        "On",
        "hold",
        "Withdrawn",
    ]
    assert (
        editor_client.post(reverse("delivery_plans:plan_create"), values | {"title": "Plan"}).status_code
        == 302
    )
    assert [s.name for s in Plan.objects.get().statuses.all()] == [
        "Not started",
        "In progress",
        "Completed",
        "On hold",
        "Withdrawn",
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start_year": "2021/23"}, "start_year", "Write a financial year such as 2016/17"),
        ({"end_year": "2019/20"}, "end_year", "The last year cannot be before the first year"),
        ({"start_year": "2021/22 Q2"}, "start_year", "not a quarter"),
        ({"statuses": "Open\nopen"}, "statuses", "Open, open is listed more than once"),
        ({"statuses": " \n "}, "statuses", "Give at least one delivery status"),
        ({"title": ""}, "title", "This field is required"),
    ],
)
def test_bad_plan_input_is_a_written_error_and_saves_nothing(editor_client, changes, field, message):
    response = editor_client.post(
        reverse("delivery_plans:plan_create"), plan_data(make_organisation(), **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode() and f'href="#id_{field}"' in response.content.decode()
    assert not Plan.objects.exists() and not DeliveryStatus.objects.exists()


def test_a_second_plan_of_the_same_title_is_refused(editor_client):
    plan = make_plan(title="Safer Testshire")
    response = editor_client.post(
        reverse("delivery_plans:plan_create"), plan_data(plan.owner, title="safer testshire")
    )
    assert "already keeps a plan called ‘safer testshire’" in response.content.decode()
    assert Plan.objects.count() == 1


def test_a_plans_term_cannot_shrink_below_what_it_records(editor_client):
    plan = make_plan(start_year=2016, end_year=2020)
    make_value(make_measure(plan), make_period(2016, 2))
    make_commitment(make_objective(plan), target_date=datetime.date(2020, 6, 1))
    url = reverse("delivery_plans:plan_update", args=[plan.pk])
    values = form_values(editor_client.get(url).content.decode()).data
    assert values["start_year"] == "2016/17"
    response = editor_client.post(url, values | {"start_year": "2017/18", "end_year": "2019/20"})
    page = response.content.decode()
    assert "1 measure value of this plan would fall outside 2017/18 to 2019/20" in page
    assert "1 commitment target date of this plan would fall outside" in page
    plan.refresh_from_db()
    assert (plan.start_year, plan.end_year, plan.version) == (2016, 2020, 1)
    assert editor_client.post(url, values | {"end_year": "2021/22"}).status_code == 302


# -- objectives and sections -------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["1", "A", "Section 2"])
def test_an_objective_takes_the_ref_the_plan_writes(editor_client, ref):
    plan = make_plan()
    url = reverse("delivery_plans:objective_create", args=[plan.pk])
    values = form_values(editor_client.get(url).content.decode()).data
    assert values["order"] == "1"  # after the others
    response = editor_client.post(url, values | {"ref": ref, "title": "Safer roads", "short_name": "Roads"})
    objective = Objective.objects.get()
    assert response["Location"] == plan.get_absolute_url() + f"#objective-{objective.pk}"
    assert objective.ref == ref and objective.label == (f"{ref}: Roads" if " " in ref else f"{ref}. Roads")
    assert editor_client.post(url, values | {"ref": ref.lower(), "title": "Again"}).status_code == 200
    assert Objective.objects.count() == 1


def test_objectives_are_listed_by_position_then_naturally_by_ref(editor_client):
    plan = make_plan()
    for ref in ("Section 10", "Section 2", "Section 1"):
        make_objective(plan, ref=ref, order=0)
    make_objective(plan, ref="Z", order=0)
    assert [o.ref for o in plan.objectives.all()] == ["Section 1", "Section 2", "Section 10", "Z"]
    page = editor_client.get(reverse("delivery_plans:plan", args=[plan.pk])).content.decode()
    assert page.index(">Section 2<") < page.index(">Section 10<")


def test_an_objective_with_commitments_is_not_deleted(editor_client):
    objective = make_objective()
    make_commitment(objective)
    url = reverse("delivery_plans:objective_delete", args=[objective.pk])
    response = editor_client.post(url, {"loaded_version": objective.version})
    assert response.status_code == 409 and "other records depend on it" in response.content.decode()
    assert Objective.objects.filter(pk=objective.pk).exists()
    empty = make_objective(objective.plan)
    response = editor_client.post(
        reverse("delivery_plans:objective_delete", args=[empty.pk]), {"loaded_version": empty.version}
    )
    assert response["Location"] == objective.plan.get_absolute_url()
    assert not Objective.objects.filter(pk=empty.pk).exists()


# -- delivery statuses ----------------------------------------------------------------------------


def test_an_office_renames_and_adds_statuses_as_its_plan_names_them(editor_client):
    plan = make_plan()
    first = plan.statuses.first()
    url = reverse("delivery_plans:status_update", args=[first.pk])
    values = form_values(editor_client.get(url).content.decode()).data
    assert editor_client.post(url, values | {"name": "Proposed"}).status_code == 302
    add = reverse("delivery_plans:status_create", args=[plan.pk])
    values = form_values(editor_client.get(add).content.decode()).data
    assert values["order"] == "6"
    response = editor_client.post(add, values | {"name": "Deferred", "tone": "warning"})
    assert response["Location"] == reverse("delivery_plans:statuses", args=[plan.pk])
    assert [s.name for s in plan.statuses.all()][-1] == "Deferred"
    first.refresh_from_db()
    assert first.name == "Proposed" and "Not started" in str(first.history.first().prev_record.name)
    page = editor_client.get(reverse("delivery_plans:statuses", args=[plan.pk])).content.decode()
    assert "Proposed" in page and "Deferred" in page
    assert editor_client.post(add, values | {"name": "deferred"}).status_code == 200
    assert plan.statuses.count() == 6


def test_a_status_in_use_is_not_deleted_and_one_not_in_use_is(editor_client):
    commitment = make_commitment()
    used = commitment.status
    response = editor_client.post(
        reverse("delivery_plans:status_delete", args=[used.pk]), {"loaded_version": used.version}
    )
    assert response.status_code == 409 and DeliveryStatus.objects.filter(pk=used.pk).exists()
    spare = commitment.plan.statuses.get(name="Withdrawn")
    response = editor_client.post(
        reverse("delivery_plans:status_delete", args=[spare.pk]), {"loaded_version": spare.version}
    )
    assert response["Location"] == reverse("delivery_plans:statuses", args=[commitment.plan.pk])
    assert not DeliveryStatus.objects.filter(pk=spare.pk).exists()


def test_a_status_cannot_stop_counting_as_completed_while_commitments_give_a_completion_date(editor_client):
    plan = make_plan()
    done = plan.statuses.get(name="Completed")
    make_commitment(make_objective(plan), ref="1.1", status=done, completed_on=datetime.date(2017, 1, 5))
    url = reverse("delivery_plans:status_update", args=[done.pk])
    values = form_values(editor_client.get(url).content.decode()).data
    values.pop("is_completed")
    response = editor_client.post(url, values)
    assert "Commitments with this status give a date completed (1.1)" in response.content.decode()
    done.refresh_from_db()
    assert done.is_completed


# -- commitments ----------------------------------------------------------------------------------


def test_a_commitment_keeps_its_lead_sponsor_owner_target_status_and_links(editor_client):
    objective = make_objective()
    plan = objective.plan
    see = make_commitment(objective, ref="2.1")
    done = plan.statuses.get(name="Completed")
    data = commitment_data(
        objective,
        ref="2.2",
        lead_officer="Head of Commissioning",
        sponsor="Deputy Chief Constable",
        owner="OPCC Commissioning team",
        target_date="2017-03-31",
        timescale="By March 2017",
        status=done.pk,
        completed_on="2017-02-14",
        related=[see.pk],
    )
    assert editor_client.post(reverse("delivery_plans:create", args=[plan.pk]), data).status_code == 302
    c = Commitment.objects.get(ref="2.2")
    assert (c.lead_officer, c.sponsor, c.owner, c.timescale) == (
        "Head of Commissioning",
        "Deputy Chief Constable",
        "OPCC Commissioning team",
        "By March 2017",
    )
    assert (c.target_date, c.status, c.completed_on) == (
        datetime.date(2017, 3, 31),
        done,
        datetime.date(2017, 2, 14),
    )
    assert list(c.related.all()) == [see]
    make_update(c, make_period(2016, 4), rag=Rag.GREEN)
    page = editor_client.get(c.get_absolute_url()).content.decode()
    # Completed and Green side by side: the status and the rating are separate.
    assert "Completed</strong> on <time" in page and "Latest RAG:" in page and 'data-rag="green"' in page
    assert "31 March 2017 · By March 2017" in page and 'href="/delivery-plan/commitments/' in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"target_date": "2016-03-31"}, "target_date", "The target date must be within the plan's term"),
        ({"target_date": "2021-04-01"}, "target_date", "The target date must be within the plan's term"),
        ({"completed_on": "2017-01-05"}, "completed_on", "Only a completed commitment has a date completed"),
        ({"status": 999999}, "status", "Choose one of this plan's delivery statuses"),
        ({"ref": "1.1"}, "ref", "1.1 is already a commitment of this plan"),
        ({"ref": "A.1 "}, "ref", "A.1 is already a commitment of this plan"),
    ],
)
def test_bad_commitment_input_is_a_written_error_and_saves_nothing(editor_client, changes, field, message):
    objective = make_objective()
    make_commitment(objective, ref="1.1")
    make_commitment(objective, ref="a.1")
    other = make_plan().statuses.first()  # a status of another plan is not on this plan's list
    if changes.get("status") == 999999:
        changes["status"] = other.pk
    response = editor_client.post(
        reverse("delivery_plans:create", args=[objective.plan.pk]),
        commitment_data(objective, ref="1.2") | changes,
    )
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200 and message in page and f'href="#id_{field}' in page
    assert objective.plan.commitments.count() == 2


def test_commitments_sort_as_people_expect_and_page_in_the_database(editor_client, settings):
    objective_a = make_objective(ref="A", order=1)
    plan = objective_a.plan
    objective_b = make_objective(plan, ref="B", order=2)
    refs = [f"A.{n}" for n in range(1, 13)] + ["B.1", "B.10", "B.2"]
    for ref in reversed(refs):
        make_commitment(objective_b if ref.startswith("B") else objective_a, ref=ref)
    url = reverse("delivery_plans:list")
    first = editor_client.get(url, {"organisation": plan.owner.slug}).context["object_list"]
    assert [c.ref for c in first] == [*(f"A.{n}" for n in range(1, 13)), "B.1", "B.2", "B.10"]
    from delivery_plans.views import CommitmentListView

    CommitmentListView.paginate_by, before = 5, CommitmentListView.paginate_by
    try:
        pages = [
            [
                c.ref
                for c in editor_client.get(url, {"organisation": plan.owner.slug, "page": n}).context[
                    "object_list"
                ]
            ]
            for n in (1, 2, 3)
        ]
    finally:
        CommitmentListView.paginate_by = before
    assert pages == [
        ["A.1", "A.2", "A.3", "A.4", "A.5"],
        ["A.6", "A.7", "A.8", "A.9", "A.10"],
        ["A.11", "A.12", "B.1", "B.2", "B.10"],
    ]


def test_an_edited_ref_moves_in_the_order(editor_client):
    objective = make_objective(ref="1")
    c = make_commitment(objective, ref="1.20")
    make_commitment(objective, ref="1.3")
    url = reverse("delivery_plans:update", args=[c.pk])
    values = form_values(editor_client.get(url).content.decode()).data
    assert editor_client.post(url, values | {"ref": "1.2"}).status_code == 302
    assert [x.ref for x in objective.plan.commitments.all()] == ["1.2", "1.3"]


# -- measures and their figures ----------------------------------------------------------------------


def measure_data(plan, **changes) -> dict:
    data = {
        "objective": "",
        "name": "Reduce serious violence",
        "unit": "crimes",
        "higher_is_better": "False",
        "baseline": "1912",
        "target": "1700",
        "source": "Home Office",
        "order": 1,
    }
    return data | changes


def test_an_editor_adds_a_national_measure_and_its_quarterly_figures(editor_client):
    plan = make_plan()
    response = editor_client.post(
        reverse("delivery_plans:measure_create", args=[plan.pk]), measure_data(plan)
    )
    measure = Measure.objects.get()
    assert response["Location"] == measure.get_absolute_url()
    assert (measure.is_national, measure.higher_is_better, measure.baseline, measure.target) == (
        True,
        False,
        1912,
        1700,
    )
    url = reverse("delivery_plans:value_create", args=[measure.pk])
    for quarter in (1, 2, 3):
        make_period(2016, quarter)
    for quarter, value in ((1, "1900"), (2, "1875.5"), (3, "1850")):
        values = form_values(editor_client.get(url).content.decode()).data
        assert values["period"] == str(make_period(2016, quarter).pk)  # the next quarter is offered
        assert editor_client.post(url, values | {"value": value, "note": f"Q{quarter}"}).status_code == 302
    assert [(v.period.label, v.value, v.note) for v in measure.values.all()] == [
        ("2016/17 Q1", 1900, "Q1"),
        ("2016/17 Q2", 1875.5, "Q2"),
        ("2016/17 Q3", 1850, "Q3"),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"withheld": "on", "withheld_reason": " "},
            "withheld_reason",
            "Give the public reason for withholding it",
        ),
        ({"value": ""}, "value", "Give the value, or withhold it with a reason"),
        ({"period": "outside"}, "period", "Choose a period of the plan's term, 2016/17 to 2020/21"),
        ({"period": "taken"}, "period", "already has a value for this measure"),
    ],
)
def test_bad_figures_are_a_written_error_and_save_nothing(editor_client, changes, field, message):
    measure = make_measure()
    make_value(measure, make_period(2016, 1), value=5)
    if changes.get("period") == "outside":
        changes["period"] = make_period(2015, 4).pk  # the quarter before the plan starts
    elif changes.get("period") == "taken":
        changes["period"] = make_period(2016, 1).pk
    data = {"period": make_period(2016, 2).pk, "value": "7", "note": ""} | changes
    response = editor_client.post(reverse("delivery_plans:value_create", args=[measure.pk]), data)
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200 and message in page and f'href="#id_{field}' in page
    assert measure.values.count() == 1


def test_withholding_a_measure_needs_a_reason(editor_client):
    plan = make_plan()
    url = reverse("delivery_plans:measure_create", args=[plan.pk])
    response = editor_client.post(url, measure_data(plan, withheld="on"))
    assert "Give the public reason for withholding it" in response.content.decode()
    assert not Measure.objects.exists()
    response = editor_client.post(url, measure_data(plan, withheld="on", withheld_reason="Under review"))
    assert response.status_code == 302 and Measure.objects.get().withheld_reason == "Under review"


def test_the_database_refuses_a_withheld_figure_without_a_reason():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_value(withheld=True, withheld_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_value(value=None)


STALE_EDITS = {
    # what is edited: (how it is made, the URL name of its form, a text field of it)
    "plan": (make_plan, "plan_update", "title"),
    "objective": (make_objective, "objective_update", "title"),
    "status": (lambda: make_plan().statuses.first(), "status_update", "name"),
    "commitment": (make_commitment, "update", "text"),
    "measure": (make_measure, "measure_update", "name"),
    "value": (make_value, "value_update", "note"),
}


@pytest.mark.parametrize("kind", STALE_EDITS)
def test_a_stale_edit_of_a_plan_or_its_parts_is_refused(editor_client, kind):
    make, url_name, text_field = STALE_EDITS[kind]
    record = make()
    url = reverse(f"delivery_plans:{url_name}", args=[record.pk])
    values = form_values(editor_client.get(url).content.decode()).data
    setattr(record, text_field, "Theirs")
    record.save()
    response = editor_client.post(url, values | {text_field: "Mine"})
    assert response.status_code == 409 and "Your changes were not saved" in response.content.decode()
    record.refresh_from_db()
    assert getattr(record, text_field) == "Theirs"


# -- where Cancel goes, and what the lists say ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parent"),
    [
        ("create", "plan"),
        ("objective_create", "plan"),
        ("status_create", "statuses"),
        ("measure_create", "measures"),
        ("value_create", "measure"),
        ("update_create", "commitment"),
        ("plan_create", "plans"),
    ],
)
def test_cancel_on_an_add_form_goes_back_to_the_record_it_belongs_to(editor_client, name, parent):
    commitment = make_commitment()
    plan = commitment.plan
    measure = make_measure(plan)
    args = {
        "create": [plan.pk],
        "objective_create": [plan.pk],
        "status_create": [plan.pk],
        "measure_create": [plan.pk],
        "value_create": [measure.pk],
        "update_create": [commitment.pk],
        "plan_create": [],
    }[name]
    expected = {
        "plan": plan.get_absolute_url(),
        "statuses": reverse("delivery_plans:statuses", args=[plan.pk]),
        "measures": reverse("delivery_plans:measures", args=[plan.pk]),
        "measure": measure.get_absolute_url(),
        "commitment": commitment.get_absolute_url(),
        "plans": reverse("delivery_plans:plans"),
    }[parent]
    page = editor_client.get(reverse(f"delivery_plans:{name}", args=args)).content.decode()
    assert f'<a class="govuk-link" href="{expected}">Cancel</a>' in page


def test_the_commitment_list_chooses_the_organisation_and_names_each_plans_objectives(editor_client):
    first = make_objective(make_plan(title="Safer Testshire"), ref="1", short_name="Victims")
    other = make_plan(title="Allied plan", owner=make_organisation())
    other.organisations.add(first.plan.owner)
    make_objective(other, ref="1", short_name="Roads")
    page = editor_client.get(
        reverse("delivery_plans:list"), {"organisation": first.plan.owner.slug}
    ).content.decode()
    assert "Safer Testshire: 1. Victims" in page and "Allied plan: 1. Roads" in page
    assert "Safer Testshire: Completed" in page and "Allied plan: Completed" in page
    assert 'for="id_organisation"' in page and "[invalid name]" not in page


def test_the_commitment_list_filters_by_delivery_status(editor_client):
    objective = make_objective()
    plan = objective.plan
    make_commitment(objective, ref="1.1", status=plan.statuses.get(name="Completed"))
    make_commitment(objective, ref="1.2")
    response = editor_client.get(
        reverse("delivery_plans:list"),
        {"organisation": plan.owner.slug, "status": plan.statuses.get(name="Completed").pk},
    )
    assert [c.ref for c in response.context["object_list"]] == ["1.1"]
    foreign = make_plan().statuses.first()
    response = editor_client.get(
        reverse("delivery_plans:list"), {"organisation": plan.owner.slug, "status": foreign.pk}
    )
    assert response.status_code == 400


def test_recent_changes_name_a_commitment_cut_at_a_word_and_never_say_none(editor_client, admin_client):
    objective = make_objective()
    text = "Make sure officers and staff have the skills and knowledge to support victims of crime " * 2
    response = editor_client.post(
        reverse("delivery_plans:create", args=[objective.plan.pk]),
        commitment_data(objective, ref="1.7", text=text),
    )
    assert response.status_code == 302
    page = admin_client.get(reverse("recent_changes")).content.decode()
    assert ": None" not in page and "None</td>" not in page
    row = page[page.index("Commitment: 1.7") :]
    title = row[: row.index("</a>")]
    assert title.endswith("…") and title.removesuffix("…").split()[-1] in text.split()
