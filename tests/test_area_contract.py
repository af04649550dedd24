"""The area contract (assurance.registry.Area), held against every registered area: an area
gets these checks by registering, and fails them by breaking the contract.

For each area, on the real demo data: its snapshot is JSON-safe; runs the same number of
queries when other offices' data grows; leaves restricted records out unless asked (text is
planted in every restricted record of the area's models); its section and appendix render, on
screen and for the paper; its demo loader adds no history when run again; its panels render
on the records they are for.
"""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, models
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from assurance import registry
from assurance.dashboard import as_published
from assurance.demo import DEMO_PUBLISHED_QUARTER, load_core
from assurance.history import audited_models
from assurance.models import Organisation, ReportingPeriod, Visibility, VisibilityModel
from assurance.scope import Scope
from assurance.writes import unaudited

AREAS = [area.key for area in registry.areas()]
MARKER = "CONTRACT-RESTRICTED-9Z"


def demo_scope(*, include_restricted: bool) -> Scope:
    home = Organisation.objects.home()
    period = ReportingPeriod.objects.get(
        start_year=DEMO_PUBLISHED_QUARTER[0], quarter=DEMO_PUBLISHED_QUARTER[1]
    )
    return Scope(home, period, include_restricted)


def history_rows() -> dict[str, int]:
    return {model._meta.label: model.history.count() for model in audited_models()}


def queries_of(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def plant_restricted_text(area) -> int:
    """Put the marker in every text field of every restricted record of the area's models."""
    planted = 0
    for model in apps.get_app_config(area.key).get_models():
        if not issubclass(model, VisibilityModel):
            continue
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices and f.name != "visibility"
        ]
        for record in model._default_manager.filter(visibility=Visibility.RESTRICTED):
            values = {
                name: f"{MARKER} {getattr(record, name)}"[: model._meta.get_field(name).max_length or 10_000]
                for name in text_fields
            }
            with unaudited():
                model._default_manager.filter(pk=record.pk).update(**values)
            planted += 1
    return planted


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", force=True, stdout=StringIO())


@pytest.mark.parametrize("key", AREAS)
def test_every_area_keeps_the_contract(demo, key):
    area = registry.get(key)
    scope = demo_scope(include_restricted=False)

    # The snapshot is JSON-safe: what is stored in a publication reads back the same.
    data = area.snapshot(scope)
    assert json.loads(json.dumps(data)) == data
    assert isinstance(data.get("items"), list)
    for item in data["items"]:
        assert {"key", "label", "rag", "status"} <= set(item), item

    # It renders, on screen and in the paper, from the stored data alone.
    section, appendix = area.templates_for(area.schema_version)
    for template in (section, appendix):
        if template:
            for pdf in (False, True):
                html = render_to_string(
                    template, {"data": data, "scope_label": scope.period.label, "pdf": pdf}
                )
                assert html.strip(), (template, pdf)

    # Its queries do not grow with other offices' data.
    before = queries_of(lambda: area.snapshot(scope)), queries_of(lambda: area.checks(scope))
    # Other offices' data only, as the check says: the home office keeps its one set of records.
    context = load_core(scale=3, home_sets=1)
    area.load_demo(context)
    after = queries_of(lambda: area.snapshot(scope)), queries_of(lambda: area.checks(scope))
    assert after == before, f"{key}: snapshot and checks ran {before} queries, then {after}"

    # Loading its demo data again adds no history anywhere.
    history = history_rows()
    area.load_demo(context)
    assert history_rows() == history, f"{key}: a second demo load wrote history"

    # Restricted records are left out unless asked for.
    if plant_restricted_text(area):
        assert MARKER not in json.dumps(area.snapshot(scope)), f"{key}: restricted text in a public snapshot"
        staff = area.snapshot(demo_scope(include_restricted=True))
        assert MARKER in json.dumps(staff), f"{key}: the staff snapshot should hold the restricted records"

    # The staff dashboard derives the items as they would be published from its one snapshot:
    # every restricted record's item says so.
    staff_items = as_published({"areas": [{"data": area.snapshot(demo_scope(include_restricted=True))}]})
    assert staff_items["areas"][0]["data"]["items"] == area.snapshot(scope)["items"], (
        f"{key}: a restricted record's item does not say it is restricted"
    )


@pytest.mark.parametrize("key", AREAS)
def test_every_area_panel_renders_on_its_record(demo, key, editor):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = editor
    for panel in registry.get(key).panels():
        record = apps.get_model(panel.on)._default_manager.first()
        assert record is not None, f"{key}: no {panel.on} in the demo to show the panel on"
        records = panel.shown(record, user=editor)
        html = render_to_string(
            panel.template, {"object": record, "records": records, "panel": panel}, request
        )
        assert panel.title in html


def test_a_publication_renders_after_an_area_renames_its_templates(
    demo, client, settings, tmp_path, monkeypatch
):
    """Publications keep each area's data by key, not template paths: renaming an area's
    templates (or retiring an area) never breaks what was published."""
    from assurance.models import Publication

    publication = Publication.objects.filter(organisation__is_home=True).get()
    assert "section_template" not in json.dumps(publication.snapshot)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    (tmp_path / "renamed").mkdir()
    (tmp_path / "renamed" / "section.html").write_text("<p>RENAMED-SECTION {{ data.items|length }}</p>")
    area = registry.areas()[0]
    monkeypatch.setattr(
        type(area), "templates_for", lambda self, schema: ("renamed/section.html", "renamed/section.html")
    )
    caches["publications"].clear()  # a published page is made once; the templates changed under it here
    page = client.get(publication.get_absolute_url()).content.decode()
    assert "RENAMED-SECTION" in page
    # An area gone from the service: its part of old publications says so, nothing breaks. (A
    # deploy that retires an area starts with empty caches; here the page cached above is dropped.)
    monkeypatch.delitem(registry._areas, area.key)
    caches["publications"].clear()
    response = client.get(publication.get_absolute_url())
    assert response.status_code == 200 and "no longer kept in the service" in response.content.decode()
