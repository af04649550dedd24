"""The plan overview, the commitment list and page, and the edit forms, through the browser."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assurance.models import Organisation, Rag, ReportingPeriod
from assurance.writes import unaudited
from delivery_plans.models import Commitment, OversightScheduleEntry, ProgressUpdate
from tests.delivery_plans.factories import (
    make_commitment,
    make_measure,
    make_objective,
    make_plan,
    make_update,
    make_value,
)
from tests.factories import make_organisation, make_period

pytestmark = pytest.mark.django_db


def _fill(plan, n: int):
    """n commitments in each of two objectives, each with two quarters' updates."""
    for number in (1, 2):
        objective = plan.objectives.filter(ref=str(number)).first() or make_objective(plan, number=number)
        for i in range(n):
            c = make_commitment(objective, ref=f"{number}.{plan.commitments.count() + 1}")
            c.areas.add(plan.owner)
            make_update(c, make_period(2016, 2), rag=Rag.GREEN)
            make_update(c, make_period(2016, 3), rag=[Rag.RED, Rag.AMBER, Rag.GREEN][i % 3])
        measure = make_measure(plan, objective=objective, target=5)
        make_value(measure, make_period(2016, 2), value=3)
        make_value(measure, make_period(2016, 3), withheld=True, withheld_reason="Too few to publish")


def test_the_plan_overview_counts_each_rag_and_lists_red_and_amber_with_their_update(editor_client):
    objective = make_objective(title="Putting victims and survivors first")
    red = make_commitment(objective, ref="1.1")
    make_update(red, rag=Rag.RED, text="Review of training underway", rag_reason="Training late")
    make_update(make_commitment(objective, ref="1.2"), rag=Rag.GREEN, text="All done")
    make_commitment(objective, ref="1.3")
    response = editor_client.get(reverse("delivery_plans:plan", args=[objective.plan.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Commitments by RAG rating, 2016/17 Q3" in page
    assert "Review of training underway" in page and "Training late" in page
    assert "All done" not in page  # Green is counted, not listed
    table = page[page.index("Commitments by RAG rating") :]
    row = table[table.index("1. Short1") : table.index("</tr>", table.index("1. Short1"))]
    cells = [c.split("</td>")[0] for c in row.split('numeric">')[1:]]
    assert cells == [
        '1 <span class="app-share">(33%)</span>',
        '0 <span class="app-share">(0%)</span>',
        '1 <span class="app-share">(33%)</span>',
        '1 <span class="app-share">(33%)</span>',
        "3",
    ]


def test_the_plan_overview_shows_the_quarter_asked_for(editor_client):
    c = make_commitment()
    make_update(c, make_period(2016, 2), rag=Rag.AMBER, text="Second quarter words", rag_reason="Late")
    make_update(c, make_period(2016, 3), rag=Rag.GREEN, text="Third quarter words")
    url = reverse("delivery_plans:plan", args=[c.plan.pk])
    assert "Second quarter words" in editor_client.get(url + "?period=2016-17-q2").content.decode()
    assert "Second quarter words" not in editor_client.get(url).content.decode()
    assert editor_client.get(url + "?period=nonsense").status_code == 400


@pytest.mark.parametrize("name", ["plans", "plan", "list", "schedule", "measures", "statuses"])
def test_list_and_overview_pages_run_the_same_number_of_queries_at_two_sizes(editor_client, name):
    plan = make_plan()

    def count() -> int:
        url = reverse(f"delivery_plans:{name}", **({} if name in ("list", "plans") else {"args": [plan.pk]}))
        url += f"?organisation={plan.owner.slug}" if name in ("list", "plans") else ""
        with CaptureQueriesContext(connection) as ctx:
            assert editor_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _fill(plan, 2)
    small = count()
    _fill(plan, 6)
    assert count() == small


def test_the_commitment_list_filters_by_objective_kind_rag_area_and_words(editor_client):
    plan = make_plan()
    other_area = make_organisation(short_name="Warwickshire")
    plan.organisations.add(other_area)
    victims = make_objective(plan, short_name="Victims")
    secure = make_objective(plan, short_name="Secure")
    a = make_commitment(victims, ref="1.1", text="Support victims of hate crime")
    b = make_commitment(secure, ref="2.8", text="Roads policing", kind=Commitment.Kind.PCC)
    b.areas.add(other_area)
    make_update(a, rag=Rag.RED)
    url = reverse("delivery_plans:list")

    def refs(**params) -> list[str]:
        response = editor_client.get(url, {"organisation": plan.owner.slug} | params)
        assert response.status_code == 200
        return [c.ref for c in response.context["object_list"]]

    assert refs() == ["1.1", "2.8"]
    assert refs(objective=secure.pk) == ["2.8"]
    assert refs(kind="pcc") == ["2.8"]
    assert refs(rag="red") == ["1.1"]
    assert refs(rag="not_rated") == ["2.8"]
    # The owner answers for every commitment; the ally for those naming no area (1.1) or it (2.8).
    assert refs(organisation=other_area.slug) == ["1.1", "2.8"]
    c = make_commitment(victims, ref="1.3", text="The owner's own")
    c.areas.add(plan.owner)
    assert refs() == ["1.1", "1.3", "2.8"] and refs(organisation=other_area.slug) == ["1.1", "2.8"]
    assert refs(q="hate victims") == ["1.1"]


def test_the_commitment_page_shows_every_quarter_as_a_timeline_newest_first(editor_client):
    c = make_commitment(text="Support the appropriate use of restorative justice")
    make_update(c, make_period(2016, 2), text="Business case submitted")
    make_update(
        c, make_period(2016, 3), rag=Rag.AMBER, text="Goes to the December board", rag_reason="Awaiting"
    )
    page = editor_client.get(reverse("delivery_plans:detail", args=[c.pk])).content.decode()
    assert page.index("Goes to the December board") < page.index("Business case submitted")
    assert "2016/17 Q2" in page and "Awaiting" in page and "History of changes" in page


def update_data(**changes) -> dict:
    data = {
        "period": make_period(2016, 4).pk,
        "text": "Strategy published",
        "rag": "green",
        "rag_reason": "",
        "date": "2017-02-01",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", ["editor", "publisher", "administrator"])
def test_staff_add_a_quarters_update_with_a_rag(persona_client, persona):
    c = make_commitment()
    client = persona_client(persona)
    response = client.post(reverse("delivery_plans:update_create", args=[c.pk]), update_data())
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(commitment=c)
    assert (update.rag, update.text, update.author) == ("green", "Strategy published", client.user)


def test_the_panel_cannot_add_an_update(panel_client):
    c = make_commitment()
    assert (
        panel_client.post(reverse("delivery_plans:update_create", args=[c.pk]), update_data()).status_code
        == 403
    )
    assert not ProgressUpdate.objects.exists()


def test_an_amber_rating_needs_a_reason(editor_client):
    c = make_commitment()
    response = editor_client.post(
        reverse("delivery_plans:update_create", args=[c.pk]), update_data(rag="amber")
    )
    assert response.status_code == 200
    assert "Give a reason for the Amber rating" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_rag_outside_the_vocabulary_is_refused(editor_client):
    c = make_commitment()
    response = editor_client.post(
        reverse("delivery_plans:update_create", args=[c.pk]), update_data(rag="purple")
    )
    assert "Select a valid choice" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_second_update_for_the_same_quarter_is_refused_and_the_first_is_kept(editor_client):
    first = make_update(period=make_period(2016, 4), text="First words")
    url = reverse("delivery_plans:update_create", args=[first.commitment.pk])
    response = editor_client.post(url, update_data(text="Second words"))
    assert "already has an update" in response.content.decode()
    assert list(ProgressUpdate.objects.values_list("text", flat=True)) == ["First words"]


def test_a_stale_update_edit_is_refused(editor_client):
    update = make_update(text="Original")
    url = reverse("delivery_plans:update_update", args=[update.pk])
    data = update_data(period=update.period.pk, text="Mine", date="2016-12-01", loaded_version=update.version)
    update.text = "Theirs"
    update.save()
    assert editor_client.post(url, data).status_code == 409
    update.refresh_from_db()
    assert update.text == "Theirs"


def commitment_data(objective, **changes) -> dict:
    data = {
        "objective": objective.pk,
        "ref": "1.1",
        "kind": "policing",
        "text": "New",
        "status": objective.plan.statuses.first().pk,
    }
    return data | changes


def test_an_editor_adds_a_commitment_and_a_duplicate_ref_is_refused(editor_client):
    objective = make_objective()
    make_commitment(objective, ref="1.1")
    url = reverse("delivery_plans:create", args=[objective.plan.pk])
    data = commitment_data(objective, ref="1.1")
    response = editor_client.post(url, data)
    assert "1.1 is already a commitment of this plan" in response.content.decode()
    response = editor_client.post(url, data | {"ref": "1.2"})
    assert response.status_code == 302
    assert Commitment.objects.get(ref="1.2").plan == objective.plan


def schedule_data(response, **cells) -> dict:
    """The grid's form as loaded, with the given cells changed ({name: True/False/"body"})."""
    form = response.context["form"]
    data = {"fingerprint": form.initial["fingerprint"]}
    for name in form.fields:
        if name.endswith("-body"):
            data[name] = form.initial.get(name, "")
        elif name != "fingerprint" and form.initial.get(name):
            data[name] = "on"
    for name, value in cells.items():
        if value is False:
            data.pop(name, None)
        elif value is True:
            data[name] = "on"
        else:
            data[name] = value
    return data


def test_the_oversight_schedule_grid_saves_the_ticked_quarters_and_their_body(editor_client):
    c = make_commitment()
    q3, q4 = make_period(2016, 3), make_period(2016, 4)
    OversightScheduleEntry.objects.create(commitment=c, period=q3)
    url = reverse("delivery_plans:schedule", args=[c.plan.pk])
    response = editor_client.get(url)
    assert f'name="c{c.pk}-p{q3.pk}" id="id_c{c.pk}-p{q3.pk}" checked' in response.content.decode()
    data = schedule_data(
        response, **{f"c{c.pk}-p{q3.pk}": False, f"c{c.pk}-p{q4.pk}": True, f"c{c.pk}-p{q4.pk}-body": "PCB"}
    )
    assert editor_client.post(url, data).status_code == 302
    entry = OversightScheduleEntry.objects.get()
    assert (entry.period, entry.body_name) == (q4, "PCB")
    assert 'value="PCB"' in editor_client.get(url).content.decode()
    # A body changed on its own is saved too, and kept in the history.
    response = editor_client.get(url)
    assert (
        editor_client.post(url, schedule_data(response, **{f"c{c.pk}-p{q4.pk}-body": "Board"})).status_code
        == 302
    )
    entry.refresh_from_db()
    assert (entry.body_name, entry.history.count()) == ("Board", 2)


def test_a_schedule_saved_by_someone_else_meanwhile_is_not_undone(editor_client):
    c = make_commitment()
    q3, q4 = make_period(2016, 3), make_period(2016, 4)
    url = reverse("delivery_plans:schedule", args=[c.plan.pk])
    mine = editor_client.get(url)  # loaded before the other editor saves
    theirs = editor_client.get(url)
    assert editor_client.post(url, schedule_data(theirs, **{f"c{c.pk}-p{q3.pk}": True})).status_code == 302
    response = editor_client.post(url, schedule_data(mine, **{f"c{c.pk}-p{q4.pk}": True}))
    assert response.status_code == 409
    assert "Someone else changed this objective" in response.content.decode()
    assert list(OversightScheduleEntry.objects.values_list("period", flat=True)) == [q3.pk]
    # The page shows the schedule as it now is, ready to be changed again.
    assert f'name="c{c.pk}-p{q3.pk}" id="id_c{c.pk}-p{q3.pk}" checked' in response.content.decode()
    assert editor_client.post(url, schedule_data(response, **{f"c{c.pk}-p{q4.pk}": True})).status_code == 302
    assert OversightScheduleEntry.objects.count() == 2


def test_the_schedule_is_edited_a_year_at_a_time_within_the_field_limit(editor_client, settings):
    plan = make_plan(start_year=2016, end_year=2020)
    objective = make_objective(plan)
    commitments = [make_commitment(objective, ref=f"1.{n}") for n in range(60)]
    quarters = {(y, q): make_period(y, q) for y in plan.years for q in (1, 2, 3, 4)}
    elsewhere = OversightScheduleEntry.objects.create(commitment=commitments[0], period=quarters[2016, 1])
    url = reverse("delivery_plans:schedule", args=[plan.pk])
    response = editor_client.get(url, {"period": "2018-19"})
    assert [q.label for q in response.context["quarters"]] == [f"2018/19 Q{n}" for n in (1, 2, 3, 4)]
    ticks = {f"c{c.pk}-p{quarters[2018, q].pk}": True for c in commitments for q in (1, 2, 3, 4)}
    data = schedule_data(response, **ticks)
    assert len(data) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = editor_client.post(f"{url}?period=2018-19", data)
    assert response.status_code == 302 and response["Location"].endswith("?period=2018-19&objective=1")
    # The first page's commitments, every quarter of the year; the fields of the rest are not its.
    from delivery_plans.views import SCHEDULE_ROWS

    assert OversightScheduleEntry.objects.filter(period__start_year=2018).count() == SCHEDULE_ROWS * 4
    assert OversightScheduleEntry.objects.filter(pk=elsewhere.pk).exists()  # other years untouched
    assert editor_client.get(url, {"period": "2030-31"}).status_code == 400


def test_a_body_name_too_long_is_refused_and_nothing_saved(editor_client):
    c = make_commitment()
    q3 = make_period(2016, 3)
    url = reverse("delivery_plans:schedule", args=[c.plan.pk])
    data = schedule_data(
        editor_client.get(url), **{f"c{c.pk}-p{q3.pk}": True, f"c{c.pk}-p{q3.pk}-body": "x" * 201}
    )
    response = editor_client.post(url, data)
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    assert not OversightScheduleEntry.objects.exists()


def test_the_schedule_page_records_no_quarter(editor_client):
    plan = make_plan()
    with unaudited():
        ReportingPeriod.objects.all().delete()
    response = editor_client.get(reverse("delivery_plans:schedule", args=[plan.pk]))
    assert response.status_code == 200 and "no schedule to edit" in response.content.decode()
    assert not ReportingPeriod.objects.exists()


def test_the_panel_cannot_change_the_oversight_schedule(panel_client):
    c = make_commitment()
    q4 = make_period(2016, 4)
    response = panel_client.post(
        reverse("delivery_plans:schedule", args=[c.plan.pk]), {f"c{c.pk}-p{q4.pk}": "on"}
    )
    assert response.status_code == 403
    assert not OversightScheduleEntry.objects.exists()


def test_organisations_are_untouched_by_the_plan_pages(editor_client):
    plan = make_plan()
    editor_client.get(reverse("delivery_plans:plan", args=[plan.pk]))
    assert Organisation.objects.count() == 1


def test_the_add_update_form_offers_the_quarter_after_the_latest_update(editor_client):
    update = make_update(period=make_period(2016, 3))
    q4 = make_period(2016, 4)
    page = editor_client.get(
        reverse("delivery_plans:update_create", args=[update.commitment.pk])
    ).content.decode()
    assert f'<option value="{q4.pk}" selected>2016/17 Q4</option>' in page


def test_the_measures_page_draws_the_trend_as_svg_beside_its_numbers(editor_client):
    plan = make_plan()
    measure = make_measure(plan, name="Hate crimes reported", unit="crimes", baseline=106, target=3)
    make_value(measure, make_period(2016, 2), value=173)
    make_value(measure, make_period(2016, 3), value="2.5")
    page = editor_client.get(reverse("delivery_plans:measures", args=[plan.pk])).content.decode()
    assert "National police and crime measures" in page
    assert page.count("<circle") == 2 and "stroke-dasharray" in page  # two points and the target line
    assert ">173<" in page and "Baseline: 106" in page, page[page.index("<tbody") :][:1500]
    assert ">2.50<" in page


@pytest.mark.parametrize("name", ["plans", "plan", "schedule", "measures", "list", "detail", "update_create"])
def test_no_page_records_a_quarter_when_it_is_opened(editor_client, name):
    commitment = make_commitment()
    with unaudited():
        ReportingPeriod.objects.all().delete()
    args = {"plan": [commitment.plan.pk], "schedule": [commitment.plan.pk], "measures": [commitment.plan.pk]}
    args |= {"detail": [commitment.pk], "update_create": [commitment.pk]}
    assert editor_client.get(reverse(f"delivery_plans:{name}", args=args.get(name, []))).status_code == 200
    assert not ReportingPeriod.objects.exists()


class _FormValues(HTMLParser):
    """What a browser would send for the page's form as loaded: each input, textarea, ticked
    radio and selected option, with the value the page gave it."""

    def __init__(self):
        super().__init__()
        self.data, self.date_inputs, self._textarea, self._select = {}, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            if attrs.get("type") == "date":
                self.date_inputs.append(attrs.get("value"))
            if attrs.get("type") not in ("radio", "checkbox") or "checked" in attrs:
                self.data[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n") if not self.data[self._textarea] else data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_values(page: str) -> _FormValues:
    parser = _FormValues()
    parser.feed(page)
    return parser


def test_the_update_form_gives_the_date_picker_an_iso_date_and_saves_its_own_values(editor_client):
    update = make_update(period=make_period(2017, 1), date=datetime.date(2017, 4, 13), text="On track")
    url = reverse("delivery_plans:update_update", args=[update.pk])
    page = editor_client.get(url).content.decode()
    # A date picker shows only an ISO value: 13/04/2017 would leave the field empty.
    values = form_values(page)
    assert values.date_inputs == ["2017-04-13"]
    assert values.data["text"] == "On track" and values.data["period"] == str(update.period.pk)
    response = editor_client.post(url, values.data)
    assert response.status_code == 302, form_values(response.content.decode()).data
    # A change of text alone keeps the date the page was given.
    values = form_values(editor_client.get(url).content.decode())
    assert editor_client.post(url, values.data | {"text": "Still on track"}).status_code == 302
    update.refresh_from_db()
    assert (update.date, update.text) == (datetime.date(2017, 4, 13), "Still on track")


def test_the_add_update_form_offers_today_as_an_iso_date_that_saves(editor_client):
    commitment = make_commitment()
    make_period(2016, 1)
    url = reverse("delivery_plans:update_create", args=[commitment.pk])
    values = form_values(editor_client.get(url).content.decode())
    today = timezone.localdate()
    assert values.date_inputs == [today.isoformat()]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", values.date_inputs[0])
    response = editor_client.post(url, values.data | {"text": "Started", "rag": "green"})
    assert response.status_code == 302
    assert commitment.updates.get().date == today


def test_an_update_dated_after_today_is_refused(editor_client):
    c = make_commitment()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = editor_client.post(
        reverse("delivery_plans:update_create", args=[c.pk]), update_data(date=tomorrow.isoformat())
    )
    assert response.status_code == 200
    assert "The date must be today" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_progress_update_longer_than_the_limit_is_refused(editor_client):
    c = make_commitment()
    limit = ProgressUpdate._meta.get_field("text").max_length
    response = editor_client.post(
        reverse("delivery_plans:update_create", args=[c.pk]), update_data(text="x" * (limit + 1))
    )
    assert response.status_code == 200
    assert f"at most {limit} characters" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(("field", "limit"), [("text", 3000), ("supporting_activity", 5000)])
def test_a_commitment_longer_than_the_limit_is_refused(editor_client, field, limit):
    objective = make_objective()
    url = reverse("delivery_plans:create", args=[objective.plan.pk])
    response = editor_client.post(url, commitment_data(objective) | {field: "x" * (limit + 1)})
    assert f"at most {limit} characters" in response.content.decode()
    assert not Commitment.objects.exists()
