"""One write path for audited records (assurance.writes): every route checks the version the
editor loaded, writes history with who and why, and moves the version on once. No route can
write around it: querysets of audited models refuse bulk writes, and the source holds none."""

import ast
import csv
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from assurance.history import audited_models
from assurance.models import UnauditedWrite, Visibility
from assurance.writes import (
    RecordWrite,
    StaleEdit,
    StaleRecords,
    record_delete,
    record_update,
    record_upsert,
    records_save,
    unaudited,
)
from delivery_plans import tables
from delivery_plans.forms import CommitmentForm
from delivery_plans.models import Commitment
from tests.delivery_plans.factories import make_commitment, make_objective, make_plan
from tests.factories import make_organisation, make_user
from tests.meetings.factories import make_action, make_item

pytestmark = pytest.mark.django_db

SOURCE_DIRS = ["assurance", "principles", "delivery_plans", "meetings", "risks", "inspections"]
BULK_WRITES = {"update", "delete", "bulk_create", "bulk_update"}
HISTORY_BULK = {"bulk_create_with_history", "bulk_update_with_history"}


def _chain(node: ast.AST) -> tuple[str | None, list[str]]:
    """The name an attribute chain starts from, and the attributes along it."""
    attrs = []
    while True:
        if isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            return node.id, attrs
        else:
            return None, attrs


def bulk_writes_in_source() -> list[str]:
    audited = {model.__name__ for model in audited_models()}
    found = []
    for folder in SOURCE_DIRS:
        for path in sorted((Path(settings.BASE_DIR) / folder).rglob("*.py")):
            if "migrations" in path.parts or path.name == "writes.py":
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if isinstance(func, ast.Name) and func.id in HISTORY_BULK:
                    found.append(f"{path}:{node.lineno} {func.id}()")
                if isinstance(func, ast.Attribute) and func.attr in BULK_WRITES | HISTORY_BULK:
                    base, attrs = _chain(func.value)
                    # Link tables (Model.field.through) are not audited records.
                    if base in audited and "through" not in attrs:
                        found.append(f"{path}:{node.lineno} {base}...{func.attr}()")
    return found


def test_no_source_file_writes_audited_records_around_the_write_path():
    assert bulk_writes_in_source() == []


def test_the_source_scan_finds_such_a_write(tmp_path, monkeypatch):
    planted = Path(settings.BASE_DIR) / "delivery_plans" / "planted_for_scan_test.py"
    planted.write_text(
        "from delivery_plans.models import Commitment\nCommitment.objects.filter().update(text='x')\n"
    )
    try:
        assert any("planted_for_scan_test.py:2 Commitment...update()" in f for f in bulk_writes_in_source())
    finally:
        planted.unlink()


def test_every_audited_model_refuses_bulk_writes_outside_the_write_path():
    for model in audited_models():
        queryset = model._default_manager.none()
        for write in (lambda q: q.update(), lambda q: q.delete(), lambda q: q.bulk_create([])):
            with pytest.raises(UnauditedWrite):
                write(queryset)
    with unaudited():
        assert Commitment.objects.none().update(text="x") == 0


def test_an_update_moves_the_version_once_and_keeps_who_and_why():
    commitment = make_commitment(text="Before")
    editor = make_user("Editor")
    commitment.text = "After"
    record_update(instance=commitment, loaded_version=1, by=editor, reason="Typo")
    commitment.refresh_from_db()
    latest = commitment.history.first()
    assert (commitment.version, latest.history_user, latest.history_change_reason) == (2, editor, "Typo")


def test_a_stale_update_or_delete_is_refused_and_changes_nothing():
    commitment = make_commitment(text="Theirs")
    commitment.text = "Newer"
    record_update(instance=commitment, loaded_version=1, by=None)
    mine = Commitment.objects.get(pk=commitment.pk)
    mine.text = "Mine"
    with pytest.raises(StaleEdit) as refused:
        record_update(instance=mine, loaded_version=1, by=None)
    assert [c.label for c in refused.value.newer[0].changes] == ["Commitment"]
    with pytest.raises(StaleEdit):
        record_delete(instance=mine, loaded_version=1, by=None)
    assert Commitment.objects.get(pk=commitment.pk).text == "Newer"
    record_delete(instance=mine, loaded_version=2, by=make_user("Editor"))
    assert not Commitment.objects.filter(pk=commitment.pk).exists()
    assert commitment.history.first().history_type == "-"


def test_a_bulk_save_checks_each_version_and_names_the_stale_ones():
    objective = make_objective()
    one, two = make_commitment(objective, ref="1.1"), make_commitment(objective, ref="1.2")
    two.text = "Changed by a colleague"
    record_update(instance=two, loaded_version=1, by=None)
    one.text, two.text = "Mine", "Mine too"
    with pytest.raises(StaleRecords) as refused:
        records_save(writes=[RecordWrite(one, 1), RecordWrite(two, 1)], by=None)
    assert [w.instance.ref for w, _ in refused.value.stale] == ["1.2"]
    assert Commitment.objects.get(pk=one.pk).text != "Mine"  # all or nothing
    new = Commitment(plan=objective.plan, objective=objective, ref="1.3", text="New")
    one.text = "Mine"
    records_save(
        writes=[RecordWrite(one, 1), RecordWrite(new, links={"related": [one]})], by=None, reason="Grid"
    )
    one.refresh_from_db()
    assert (one.version, one.history.first().history_change_reason) == (2, "Grid")
    created = Commitment.objects.get(ref="1.3")
    assert (
        list(created.related.all()) == [one]
        and "Related: (none) → 1.1" in created.history.first().history_change_reason
    )


def test_writing_the_same_values_again_adds_no_history():
    plan = make_plan()
    objective = make_objective(plan)
    values = {"objective": objective, "text": "Same", "kind": "policing"}
    first, written = record_upsert(Commitment, lookup={"plan": plan, "ref": "9.9"}, values=values)
    again, written_again = record_upsert(Commitment, lookup={"plan": plan, "ref": "9.9"}, values=values)
    assert (written, written_again, again.pk, first.history.count()) == (True, False, first.pk, 1)


# -- imports --------------------------------------------------------------------------------


def _export(client, plan) -> str:
    response = client.get(reverse("delivery_plans:export", args=["csv"]), {"organisation": plan.owner.slug})
    return response.content.decode("utf-8-sig")


def test_an_import_refuses_a_row_edited_since_the_file_was_exported(editor_client, editor):
    plan = make_plan(owner=make_organisation(is_home=True))
    commitment = make_commitment(make_objective(plan, number=1), ref="1.1", text="As exported")
    exported = _export(editor_client, plan)
    commitment.text = "A colleague's newer words"
    record_update(
        instance=commitment,
        loaded_version=1,
        by=make_user("Editor", first_name="Head", last_name="Of Performance"),
    )
    rows = list(csv.reader(io.StringIO(exported)))
    rows[1][rows[0].index("text")] = "My stale words"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    result = tables.CommitmentImport(plan=plan, by=editor).run(out.getvalue().encode(), "export.csv")
    assert [(e.row, e.column) for e in result.errors] == [(2, "version")]
    assert "was changed after this file was made (Head Of Performance on" in result.errors[0].message
    commitment.refresh_from_db()
    assert (commitment.text, commitment.version) == ("A colleague's newer words", 2)


def test_an_import_writes_history_with_its_author(editor):
    plan = make_plan()
    make_objective(plan, number=1)
    content = b"ref,objective,kind,text\n1.1,1,policing,Support victims\n"
    result = tables.CommitmentImport(plan=plan, by=editor).run(content, "c.csv")
    assert result.ok and plan.commitments.get().history.get().history_user == editor


def test_an_import_that_clashes_with_records_saved_meanwhile_is_refused_in_words(editor, monkeypatch):
    """Two imports of the same new refs: the second finds the first's rows at the database."""
    plan = make_plan()
    objective = make_objective(plan, number=1)
    make_commitment(objective, ref="1.1", text="Saved by the other import")
    # As if the other import committed after this one's rows were checked, form and all.
    monkeypatch.setattr(
        tables.CommitmentImport, "existing", lambda self: setattr(self, "_next_order", 1) or {}
    )
    monkeypatch.setattr(CommitmentForm, "clean_ref", lambda form: form.cleaned_data["ref"])
    content = b"ref,objective,kind,text\n1.1,1,policing,Mine\n"
    result = tables.CommitmentImport(plan=plan, by=editor).run(content, "c.csv")
    assert not result.ok and "clash with this file" in result.errors[0].message
    assert list(plan.commitments.values_list("text", flat=True)) == ["Saved by the other import"]


# -- the admin ------------------------------------------------------------------------------


def _admin_form(client, url: str) -> dict:
    response = client.get(url)
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    return data


@pytest.fixture
def admin_client_user(client):
    user = make_user("Administrator", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_an_admin_save_over_a_newer_edit_is_refused(admin_client_user):
    commitment = make_commitment(text="Before")
    url = reverse("admin:delivery_plans_commitment_change", args=[commitment.pk])
    data = _admin_form(admin_client_user, url)
    commitment.text = "A colleague's edit"
    record_update(instance=commitment, loaded_version=1, by=None)
    response = admin_client_user.post(url, data | {"text": "The administrator's stale edit"})
    assert response.status_code == 200
    assert "This record was changed after you opened it" in response.content.decode()
    commitment.refresh_from_db()
    assert (commitment.text, commitment.version, commitment.history.count()) == ("A colleague's edit", 2, 2)


def test_an_admin_save_goes_through_the_write_path(admin_client_user):
    commitment = make_commitment(text="Before")
    url = reverse("admin:delivery_plans_commitment_change", args=[commitment.pk])
    response = admin_client_user.post(url, _admin_form(admin_client_user, url) | {"text": "After"})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.text, commitment.version, commitment.history.count()) == ("After", 2, 2)


def test_the_admin_does_not_delete_audited_records(admin_client_user):
    commitment = make_commitment()
    url = reverse("admin:delivery_plans_commitment_delete", args=[commitment.pk])
    assert admin_client_user.post(url, {"post": "yes"}).status_code == 403
    changelist = admin_client_user.get(reverse("admin:delivery_plans_commitment_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    assert Commitment.objects.filter(pk=commitment.pk).exists()


def test_moving_an_item_with_public_actions_into_the_closed_part_in_the_admin_restricts_them(
    admin_client_user,
):
    item = make_item()
    action = make_action(item)
    url = reverse("admin:meetings_agendaitem_change", args=[item.pk])
    data = _admin_form(admin_client_user, url) | {"visibility": Visibility.RESTRICTED}
    response = admin_client_user.post(url, data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.visibility, action.version) == (Visibility.RESTRICTED, 2)
    assert "moved into the closed part" in action.history.first().history_change_reason


def test_every_audited_model_in_the_admin_uses_the_audited_admin():
    from django.contrib import admin

    from assurance.admin import AuditedAdmin

    for model, model_admin in admin.site._registry.items():
        if model in audited_models():
            assert isinstance(model_admin, AuditedAdmin), model
    assert apps.get_model("delivery_plans", "Commitment") in admin.site._registry
