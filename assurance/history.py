"""Reading the audit trail: each change to a record as who, when, and field before -> after."""

from dataclasses import dataclass, field
from datetime import datetime
from heapq import merge
from itertools import islice
from typing import Any

from django.apps import apps
from django.db import models
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

    One query per audited model for its newest rows (of the user's organisations, when a user
    is given), each with its author and the records its title names joined to it, merged by
    date: the same queries whatever the data, and none for the rows shown.
    """
    streams = []
    for model in audited_models():
        history = model.history.model.objects.all()
        if user is not None:
            from assurance.permissions import history_in_scope_for

            history = history_in_scope_for(model, history, user)
        # A history row's foreign keys are LEFT joins: a row whose record has gone still shows.
        rows = history.select_related("history_user", *_title_relations(model)).order_by("-history_date")[
            :limit
        ]
        streams.append([(row.history_date, model, row) for row in rows])
    newest = list(islice(merge(*streams, key=lambda t: t[0], reverse=True), limit))
    return [
        _entry(
            row,
            title=f"{capfirst(str(model._meta.verbose_name))}: {_short(_as_changed(model, row), row.id)}",
            url=reverse("history", args=[model._meta.label_lower, row.id]),
        )
        for _, model, row in newest
    ]


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
