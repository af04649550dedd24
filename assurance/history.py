"""Reading the audit trail: each change to a record as who, when, and field before -> after."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router
from django.urls import reverse
from django.utils.text import capfirst

from assurance.models import AuditedModel, user_display
from assurance.text import cut_at_word

# Bookkeeping fields that change on every save and say nothing to a reader.
IGNORED_FIELDS = {"version", "created_at", "updated_at", "id"}
ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    record: object
    action: str
    who: str
    when: datetime
    reason: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    title: str = ""
    url: str = ""


def audited_models() -> list[Any]:
    return [m for m in apps.get_models() if issubclass(m, AuditedModel)]


def display_value(model_field: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return "(blank)"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return str(related.get((model_field.related_model, value), f"#{value}"))
    if isinstance(model_field, models.BooleanField):
        return "Yes" if value else "No"
    return str(value)


def _field_changes(model, newer, older, related) -> list[FieldChange]:
    changes = []
    for model_field in model._meta.concrete_fields:
        if model_field.attname in IGNORED_FIELDS or model_field.name in IGNORED_FIELDS:
            continue
        after = getattr(newer, model_field.attname)
        before = getattr(older, model_field.attname) if older is not None else None
        if older is not None and before == after:
            continue
        if older is None and after in (None, ""):
            continue
        changes.append(
            FieldChange(
                label=capfirst(str(model_field.verbose_name)),
                before=display_value(model_field, before, related) if older is not None else "",
                after=display_value(model_field, after, related),
            )
        )
    return changes


def _related_objects(model, records) -> dict:
    """Every object a foreign key in these records points at, one query per target model."""
    wanted: dict[type, set] = {}
    for model_field in model._meta.concrete_fields:
        if isinstance(model_field, models.ForeignKey):
            ids = {getattr(r, model_field.attname) for r in records} - {None}
            if ids:
                wanted.setdefault(model_field.related_model, set()).update(ids)
    found: dict = {}
    target: Any
    for target, ids in wanted.items():
        for pk, obj in target._default_manager.in_bulk(ids).items():
            found[(target, pk)] = obj
    return found


def _entry(record, **extra) -> HistoryEntry:
    return HistoryEntry(
        record=record,
        action=ACTIONS[record.history_type],
        who=user_display(record.history_user),
        when=record.history_date,
        reason=record.history_change_reason or "",
        **extra,
    )


def entries_for(obj: AuditedModel) -> list[HistoryEntry]:
    """Every change to one record, newest first, each with the fields it changed."""
    return entries_for_id(type(obj), obj.pk)


def entries_for_id(model: type[AuditedModel], pk) -> list[HistoryEntry]:
    """The same, by id, so the history of a deleted record stays readable."""
    records = list(
        model.history.filter(id=pk).select_related("history_user").order_by("history_date", "history_id")
    )
    related = _related_objects(model, records)
    entries, previous = [], None
    for record in records:
        entries.append(_entry(record, changes=_field_changes(model, record, previous, related)))
        previous = record
    return entries[::-1]


def changes_since(obj: AuditedModel, version: int) -> list[HistoryEntry]:
    """The changes saved after the given version of a record, newest first."""
    return [e for e in entries_for(obj) if getattr(e.record, "version", 0) > version]


def _title_relations(model) -> list[str]:
    """The relations a record's title may name, two levels deep (an assessment's title names
    its sub-principle's principle; a withdrawal's, its publication's quarter)."""
    paths = []
    for first in model._meta.concrete_fields:
        if not first.is_relation:
            continue
        paths.append(first.name)
        paths += [
            f"{first.name}__{second.name}"
            for second in first.related_model._meta.concrete_fields
            if second.is_relation
        ]
    return paths


def recent_changes(limit: int = 50, user=None) -> list[HistoryEntry]:
    """The latest changes across every area, newest first.

    One query finds the newest `limit` changes among every audited model's history (of the
    user's organisations, when a user is given); then one query per model among them reads
    its rows, each with its author and the records its title names joined to it. At most one
    query more than there are audited models, whatever the data, and only the rows shown are
    read whole.
    """
    histories = []
    for model in audited_models():
        history = model.history.model.objects.all()
        if user is not None:
            from assurance.permissions import history_in_scope_for

            history = history_in_scope_for(model, history, user)
        histories.append((model, history))
    newest = _newest_changes(histories, limit)
    wanted: dict[int, list[int]] = {}
    for index, history_id in newest:
        wanted.setdefault(index, []).append(history_id)
    rows = {}
    for index, ids in wanted.items():
        model, history = histories[index]
        # A history row's foreign keys are LEFT joins: a row whose record has gone still shows.
        for row in history.select_related("history_user", *_title_relations(model)).filter(
            history_id__in=ids
        ):
            rows[index, row.history_id] = (model, row)
    return [
        _entry(
            row,
            title=f"{capfirst(str(model._meta.verbose_name))}: {_short(_as_changed(model, row), row.id)}",
            url=reverse("history", args=[model._meta.label_lower, row.id]),
        )
        for model, row in (rows[key] for key in newest if key in rows)
    ]


def _newest_changes(
    histories: list[tuple[type[models.Model], models.QuerySet]], limit: int
) -> list[tuple[int, int]]:
    """(index in `histories`, history id) of the newest `limit` rows among them, newest first:
    one query, each history's newest rows read from its date index and then merged."""
    parts: list[str] = []
    params: list[Any] = []
    for index, (_, history) in enumerate(histories):
        newest = history.order_by("-history_date", "-history_id").values_list("history_id", "history_date")
        try:
            sql, part_params = newest[:limit].query.sql_with_params()
        except EmptyResultSet:  # the user's organisations hold none of this model's records
            continue
        # Only the queryset's own SQL and whole numbers are put in; its values are parameters.
        part = f"SELECT {index:d} AS area, history_id, history_date FROM ({sql}) AS newest_{index:d}"  # noqa: S608  # nosec B608
        parts.append(part)
        params += part_params
    if not parts:
        return []
    union = " UNION ALL ".join(parts)
    order = f"ORDER BY history_date DESC, area, history_id DESC LIMIT {int(limit):d}"
    sql = f"SELECT area, history_id FROM ({union}) AS newest {order}"  # noqa: S608  # nosec B608
    with connections[router.db_for_read(histories[0][1].model)].cursor() as cursor:
        cursor.execute(sql, params)
        return [(area, history_id) for area, history_id in cursor.fetchall()]


def _as_changed(model, row):
    """The record as a history row left it, with the related records read with the row."""
    instance = row.instance
    for model_field in model._meta.concrete_fields:
        if model_field.is_relation:
            model_field.set_cached_value(instance, getattr(row, model_field.name))
    return instance


def _short(instance, pk: int) -> str:
    try:
        text = str(instance)
    except Exception:  # a __str__ that follows a relation deleted since
        text = f"#{pk}"
    return cut_at_word(text, 90)
