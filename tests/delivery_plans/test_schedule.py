"""The oversight schedule, shown and saved one objective at a time, through the browser."""

import pytest
from django.urls import reverse

from delivery_plans.models import OversightScheduleEntry
from tests.delivery_plans.factories import make_commitment, make_objective, make_plan
from tests.delivery_plans.test_pages import schedule_data
from tests.factories import make_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    """A plan of two objectives, Victims (1.1, 1.2) and Secure (2.1), and two quarters."""
    plan = make_plan()
    victims = make_objective(plan, short_name="Victims")
    secure = make_objective(plan, short_name="Secure")
    for objective, refs in ((victims, ("1.1", "1.2")), (secure, ("2.1",))):
        for ref in refs:
            make_commitment(objective, ref=ref)
    make_period(2016, 3), make_period(2016, 4)
    return plan


def url_of(plan) -> str:
    return reverse("delivery_plans:schedule", args=[plan.pk])


def cell(plan, ref: str, quarter: int = 3, *, body: bool = False) -> str:
    name = f"c{plan.commitments.get(ref=ref).pk}-p{make_period(2016, quarter).pk}"
    return f"{name}-body" if body else name


def rows(response) -> list[str]:
    return [row["commitment"].ref for row in response.context["rows"]]


def test_it_offers_each_objective_with_its_commitment_count_and_marks_the_current_one(editor_client, plan):
    response = editor_client.get(url_of(plan), {"period": "2016-17"})
    page = response.content.decode()
    assert '<nav aria-labelledby="schedule-objectives">' in page
    current = 'href="?period=2016-17&amp;objective=1" aria-current="page"><strong>1. Victims</strong></a>'
    assert f"{current} (2 commitments, shown below)" in page
    assert 'href="?period=2016-17&amp;objective=2">2. Secure</a> (1 commitment)' in page
    assert page.count('aria-current="page"><strong>') == 1


def test_it_shows_the_first_objective_by_default_and_only_its_commitments(editor_client, plan):
    response = editor_client.get(url_of(plan))
    assert rows(response) == ["1.1", "1.2"]
    assert cell(plan, "2.1") not in response.content.decode()
    response = editor_client.get(url_of(plan), {"objective": "2"})
    assert rows(response) == ["2.1"] and "2. Objective 2" in response.content.decode()


def test_an_objective_is_chosen_by_its_ref_in_any_case_or_by_its_pk(editor_client):
    plan = make_plan()
    make_commitment(make_objective(plan, ref="A"), ref="A.1")
    lettered = make_objective(plan, ref="B")
    make_commitment(lettered, ref="B.1")
    assert rows(editor_client.get(url_of(plan), {"objective": "b"})) == ["B.1"]
    assert rows(editor_client.get(url_of(plan), {"objective": str(lettered.pk)})) == ["B.1"]


@pytest.mark.parametrize("wanted", ["9", "nonsense", "999999"])
def test_an_unknown_objective_is_a_404_that_says_so_and_saves_nothing(editor_client, plan, wanted):
    response = editor_client.get(url_of(plan), {"objective": wanted})
    assert response.status_code == 404
    page = response.content.decode()
    assert f"The plan has no objective ‘{wanted}’" in page and "<title>Error: " in page
    assert 'href="?objective=1">1. Victims</a>' in page  # the way back
    response = editor_client.post(f"{url_of(plan)}?objective={wanted}", {"fingerprint": "x"})
    assert response.status_code == 404 and not OversightScheduleEntry.objects.exists()


def test_another_plans_objective_is_unknown(editor_client, plan):
    elsewhere = make_objective(make_plan(owner=plan.owner))
    response = editor_client.get(url_of(plan), {"objective": str(elsewhere.pk)})
    assert response.status_code == 404


def test_a_save_changes_only_the_objective_shown_and_returns_to_it(editor_client, editor, plan):
    theirs = OversightScheduleEntry.objects.create(
        commitment=plan.commitments.get(ref="2.1"), period=make_period(2016, 3), body_name="Board"
    )
    url = f"{url_of(plan)}?period=2016-17&objective=1"
    loaded = editor_client.get(url)
    # A field of another objective's commitment, sent anyway, is not part of this form.
    data = schedule_data(loaded, **{cell(plan, "1.2"): True, cell(plan, "1.2", body=True): "PCB"})
    data[cell(plan, "2.1", 4)] = "on"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == f"{url_of(plan)}?period=2016-17&objective=1"
    saved = OversightScheduleEntry.objects.exclude(pk=theirs.pk).get()
    assert (saved.commitment.ref, saved.body_name) == ("1.2", "PCB")
    theirs.refresh_from_db()
    assert (theirs.body_name, theirs.version, theirs.history.count()) == ("Board", 1, 1)
    # The save is in the history, with who made it.
    record = saved.history.get()
    assert (record.history_type, record.history_user) == ("+", editor)
    assert "Oversight schedule of 1. Victims for 2016/17 saved" in editor_client.get(url).content.decode()


def test_unticking_in_one_objective_removes_only_its_entry_and_keeps_the_removal_in_history(
    editor_client, plan
):
    q3 = make_period(2016, 3)
    mine, other = (
        OversightScheduleEntry.objects.create(commitment=plan.commitments.get(ref=ref), period=q3)
        for ref in ("1.1", "2.1")
    )
    url = f"{url_of(plan)}?objective=1"
    assert (
        editor_client.post(
            url, schedule_data(editor_client.get(url), **{cell(plan, "1.1"): False})
        ).status_code
        == 302
    )
    assert list(OversightScheduleEntry.objects.all()) == [other]
    assert mine.history.model.objects.filter(id=mine.pk, history_type="-").count() == 1


def test_a_stale_save_of_the_objective_is_refused_and_shows_the_schedule_as_it_is(editor_client, plan):
    url = f"{url_of(plan)}?objective=1"
    mine, theirs = editor_client.get(url), editor_client.get(url)
    assert editor_client.post(url, schedule_data(theirs, **{cell(plan, "1.1"): True})).status_code == 302
    response = editor_client.post(url, schedule_data(mine, **{cell(plan, "1.2"): True}))
    assert response.status_code == 409
    assert "Someone else changed this objective" in response.content.decode()
    assert [e.commitment.ref for e in OversightScheduleEntry.objects.all()] == ["1.1"]
    assert rows(response) == ["1.1", "1.2"]  # still this objective's grid


def test_a_save_of_another_objective_meanwhile_does_not_make_this_one_stale(editor_client, plan):
    mine = editor_client.get(url_of(plan), {"objective": "1"})
    other = editor_client.get(url_of(plan), {"objective": "2"})
    saved = editor_client.post(
        f"{url_of(plan)}?objective=2", schedule_data(other, **{cell(plan, "2.1"): True})
    )
    assert saved.status_code == 302
    response = editor_client.post(
        f"{url_of(plan)}?objective=1", schedule_data(mine, **{cell(plan, "1.1"): True})
    )
    assert response.status_code == 302
    assert OversightScheduleEntry.objects.count() == 2


def test_a_commitment_moved_to_the_objective_meanwhile_makes_the_save_stale(editor_client, plan):
    url = f"{url_of(plan)}?objective=1"
    mine = editor_client.get(url)
    moved = plan.commitments.get(ref="2.1")
    moved.objective = plan.objectives.get(ref="1")
    moved.save()
    assert editor_client.post(url, schedule_data(mine, **{cell(plan, "1.1"): True})).status_code == 409
    assert not OversightScheduleEntry.objects.exists()


def test_an_objective_without_commitments_says_so(editor_client, plan):
    make_objective(plan, short_name="Empty")
    response = editor_client.get(url_of(plan), {"objective": "3"})
    assert response.status_code == 200 and "3. Empty has no commitments yet" in response.content.decode()


def test_a_plan_without_objectives_says_so(editor_client):
    plan = make_plan()
    response = editor_client.get(url_of(plan))
    assert response.status_code == 200 and "The plan has no objectives yet" in response.content.decode()


def test_the_page_is_the_size_of_its_objective_whatever_the_others_hold(editor_client, plan):
    def fields() -> tuple[int, int]:
        response = editor_client.get(url_of(plan), {"objective": "1"})
        return len(response.context["form"].fields), len(response.context["quarters"])

    before, quarters = fields()
    secure = plan.objectives.get(ref="2")
    for n in range(2, 40):
        make_commitment(secure, ref=f"2.{n}")
    # The fingerprint, and a tick and a body for each of the two commitments in each quarter.
    assert fields() == (before, quarters) and before == 1 + 2 * 2 * quarters


@pytest.fixture
def long_objective(plan):
    """Victims grown past one page of the schedule: 1.1 to 1.(SCHEDULE_ROWS + 5)."""
    from delivery_plans.views import SCHEDULE_ROWS

    victims = plan.objectives.get(ref="1")
    for n in range(3, SCHEDULE_ROWS + 6):
        make_commitment(victims, ref=f"1.{n}")
    return victims


def test_a_long_objective_is_shown_a_page_of_commitments_at_a_time(editor_client, plan, long_objective):
    from delivery_plans.views import SCHEDULE_ROWS

    first = editor_client.get(url_of(plan), {"objective": "1"})
    second = editor_client.get(url_of(plan), {"objective": "1", "page": "2"})
    assert len(rows(first)) == SCHEDULE_ROWS and len(rows(second)) == 5
    assert not set(rows(first)) & set(rows(second))
    assert len(rows(first)) + len(rows(second)) == long_objective.commitments.count()
    page = second.content.decode()
    assert "page 2 of 2" in page and 'rel="prev"' in page
    assert (
        f"the commitments on this page ({SCHEDULE_ROWS + 1} to {SCHEDULE_ROWS + 5} of {SCHEDULE_ROWS + 5})"
        in page
    )
    # Choosing another objective starts at its first page.
    assert "objective=2&amp;page" not in page and "page=2&amp;objective=2" not in page


def test_saving_a_page_changes_only_its_commitments_and_returns_to_it(editor_client, plan, long_objective):
    elsewhere = OversightScheduleEntry.objects.create(
        commitment=plan.commitments.get(ref="1.1"), period=make_period(2016, 3), body_name="Board"
    )
    url = f"{url_of(plan)}?period=2016-17&objective=1&page=2"
    loaded = editor_client.get(url)
    last = rows(loaded)[-1]
    data = schedule_data(loaded, **{cell(plan, last): True, cell(plan, last, body=True): "PCB"})
    # A field of a commitment on the first page, sent anyway, is not part of this page's form.
    data[cell(plan, "1.1")] = ""
    response = editor_client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    saved = OversightScheduleEntry.objects.exclude(pk=elsewhere.pk).get()
    assert (saved.commitment.ref, saved.body_name) == (last, "PCB")
    assert OversightScheduleEntry.objects.filter(pk=elsewhere.pk).exists()
    assert (
        "Oversight schedule of 1. Victims, page 2, for 2016/17 saved"
        in editor_client.get(url).content.decode()
    )


def test_a_page_runs_the_same_queries_and_fields_however_long_the_objective(
    editor_client, plan, long_objective
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = editor_client.get(url_of(plan), {"objective": "1"})
        return len(captured), len(response.context["form"].fields)

    small = measure()
    for n in range(100, 160):
        make_commitment(long_objective, ref=f"1.{n}")
    assert measure() == small
