"""The one way every audited record is written: by a form, a grid, an import, the admin, a
command or the demo loader.

Each write here
- refuses to overwrite a newer version: the row is locked, its version compared with the one
  the editor loaded, and a difference raises StaleEdit (or RecordGone) with what changed;
- keeps the history: who (`by`), why (`reason`, plus how links to other records changed,
  which the history record itself cannot hold), and before/after of every field;
- moves the version on exactly once.

Querysets of audited models refuse `update()`, `delete()`, `bulk_create()` and
`bulk_update()` outside this module (assurance.models.AuditedQuerySet), so no route can skip
the check; tests/test_write_path.py also finds such calls in the source.
"""

import contextvars
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from assurance.history import HistoryEntry, changes_since
from assurance.models import AuditedModel

# {many-to-many field name: the records it should link to}; unsaved records of the same
# records_save() call may be linked to.
Links = Mapping[str, Iterable[models.Model]]

_bulk_allowed = contextvars.ContextVar("bulk_writes_allowed", default=False)


def bulk_writes_allowed() -> bool:
    return _bulk_allowed.get()


@contextmanager
def _bulk() -> Iterator[None]:
    token = _bulk_allowed.set(True)
    try:
        yield
    finally:
        _bulk_allowed.reset(token)


@contextmanager
def unaudited() -> Iterator[None]:
    """For tests only: write as a broken client or a database session would, around the
    version check and the history, to prove what the database itself refuses."""
    with _bulk():
        yield


class StaleEdit(Exception):
    """The record was saved by someone else after the editor loaded it."""

    def __init__(self, instance: AuditedModel, newer: list[HistoryEntry]):
        self.instance = instance
        self.newer = newer
        super().__init__(f"{instance} changed since it was loaded")


class RecordGone(Exception):
    """The record was deleted after the editor loaded it."""

    def __init__(self, instance: models.Model):
        self.instance = instance
        super().__init__(f"{instance} was deleted since it was loaded")


class Clash(IntegrityError):
    """The database refused the write: a record saved meanwhile clashes with it (the same
    ref, the same date...), or a rule only the database checks was broken. An IntegrityError,
    so whatever answers a refused write answers this too."""


@dataclass
class RecordWrite:
    """One record of a versioned bulk save (a grid or an import).

    `loaded_version` is the version the editor (or the exported file) saw; None for a new
    record, or where the caller already holds the row's lock.
    """

    instance: AuditedModel
    loaded_version: int | None = None
    links: Links = field(default_factory=dict)
    reason: str = ""


class StaleRecords(Exception):
    """Some records of a bulk save changed (or went) since they were loaded; nothing was saved."""

    def __init__(self, stale: list[tuple[RecordWrite, list[HistoryEntry] | None]]):
        self.stale = stale  # (write, newer changes), or (write, None) for a record deleted since
        super().__init__(f"{len(stale)} record(s) changed since they were loaded")


def _joined(*reasons: str) -> str:
    return "; ".join(r for r in reasons if r)


def _locked_version(instance: models.Model) -> int | None:
    # Ordered by pk alone: a default ordering across a nullable relation would put an outer
    # join in the query, which PostgreSQL will not lock.
    return (
        type(instance)
        ._default_manager.select_for_update()
        .filter(pk=instance.pk)
        .order_by("pk")
        .values_list("version", flat=True)
        .first()
    )


def _check_version(instance: AuditedModel, loaded_version: int) -> int:
    current = _locked_version(instance)
    if current is None:
        raise RecordGone(instance)
    if current != loaded_version:
        newer = changes_since(type(instance)._default_manager.get(pk=instance.pk), loaded_version)
        raise StaleEdit(instance, newer)
    return current


def links_reason(instance: models.Model, links: Links) -> str:
    """How the links will change, as 'Label: before → after' for each field that changes."""
    parts = []
    for name, targets in links.items():
        model_field = instance._meta.get_field(name)
        after = {str(obj) for obj in targets}
        before = {str(obj) for obj in getattr(instance, name).all()} if instance.pk is not None else set()
        if before != after:
            parts.append(_describe_link_change(model_field, before, after))
    return "; ".join(parts)


def _describe_link_change(model_field, before: set[str], after: set[str]) -> str:
    label = capfirst(str(model_field.verbose_name))
    return f"{label}: {', '.join(sorted(before)) or '(none)'} → {', '.join(sorted(after)) or '(none)'}"


def _stamp(instance: models.Model, by, reason: str) -> None:
    # django-simple-history reads these for the history record of the next save or delete.
    if by is not None:
        instance._history_user = by  # type: ignore[attr-defined]
    instance._change_reason = reason or None  # type: ignore[attr-defined]


def _save(instance: AuditedModel, links: Links | None) -> None:
    try:
        with transaction.atomic():
            instance.save()
            for name, targets in (links or {}).items():
                getattr(instance, name).set(list(targets))
    except IntegrityError as error:
        raise Clash(str(error)) from error


@transaction.atomic
def record_create[T: AuditedModel](*, instance: T, by, links: Links | None = None, reason: str = "") -> T:
    """Save a new record with its links; Clash if the database refuses it."""
    _stamp(instance, by, _joined(reason, links_reason(instance, links or {})))
    _save(instance, links)
    return instance


@transaction.atomic
def record_update[T: AuditedModel](
    *, instance: T, loaded_version: int, by, links: Links | None = None, reason: str = ""
) -> T:
    """Save an edit only if nobody saved the record since the editor loaded it.

    `instance` holds the new values (as a model form's instance does once it is valid).
    The row is locked while it is compared and written, so two saves of the same version
    cannot both win.
    """
    current = _check_version(instance, loaded_version)
    instance.version = current
    _stamp(instance, by, _joined(reason, links_reason(instance, links or {})))
    _save(instance, links)
    return instance


@transaction.atomic
def record_delete(*, instance: AuditedModel, loaded_version: int, by, reason: str = "") -> None:
    """Delete a record only if nobody changed it since the editor saw it; its history stays."""
    _check_version(instance, loaded_version)
    _stamp(instance, by, reason)
    try:
        with transaction.atomic():
            instance.delete()
    except IntegrityError as error:
        raise Clash(str(error)) from error


def record_upsert[T: AuditedModel](
    model: type[T],
    *,
    lookup: Mapping[str, Any],
    values: Mapping[str, Any],
    links: Links | None = None,
    by=None,
    reason: str = "",
) -> tuple[T, bool]:
    """Create the record, or update only what differs, so that writing the same values again
    changes nothing and adds no history. For loaders (demo data, framework files) that own
    the records they write. Returns the record and whether anything was written."""
    found = model._default_manager.filter(**lookup).first()
    if found is None:
        created = record_create(instance=model(**lookup, **values), by=by, links=links, reason=reason)
        return created, True
    obj: T = found  # type: ignore[assignment]  # the model's own manager returns its records
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    link_changes = {
        name: list(targets)
        for name, targets in (links or {}).items()
        if {t.pk for t in targets} != set(getattr(obj, name).values_list("pk", flat=True))
    }
    if not changed and not link_changes:
        return obj, False
    for name in changed:
        setattr(obj, name, values[name])
    # Links that change are a change to the record too: audited, and its version moves on.
    record_update(instance=obj, loaded_version=obj.version, by=by, links=link_changes, reason=reason)
    return obj, True


@transaction.atomic
def records_save(*, writes: Sequence[RecordWrite], by, reason: str = "") -> None:
    """Save many records at once, for grids and imports: all of them or none.

    Every existing record is locked and its version compared (StaleRecords names those that
    changed or went meanwhile); new records are inserted and changed ones updated in bulk,
    each with a history record carrying `by` and its reason; versions move on once; links are
    set last, so a record may link to another that is new in the same call.
    """
    by_model: dict[type[AuditedModel], list[RecordWrite]] = defaultdict(list)
    for write in writes:
        by_model[type(write.instance)].append(write)
    for model, group in by_model.items():
        _check_versions(model, group)
    for model, group in by_model.items():
        _write_group(model, group, by=by, reason=reason)


def _check_versions(model: type[AuditedModel], group: list[RecordWrite]) -> None:
    existing = [w for w in group if w.instance.pk is not None]
    current = dict(
        model._default_manager.select_for_update()
        .filter(pk__in=[w.instance.pk for w in existing])
        .order_by("pk")  # no join from a default ordering: see _locked_version
        .values_list("pk", "version")
    )
    stale: list[tuple[RecordWrite, list[HistoryEntry] | None]] = []
    for write in existing:
        version = current.get(write.instance.pk)
        if version is None:
            stale.append((write, None))
        elif write.loaded_version is not None and version != write.loaded_version:
            stale.append((write, changes_since(write.instance, write.loaded_version)))
        else:
            write.instance.version = version
    if stale:
        raise StaleRecords(stale)


def _write_group(model: type[AuditedModel], group: list[RecordWrite], *, by, reason: str) -> None:
    link_fields = sorted({name for w in group for name in w.links})
    before = _current_links(model, link_fields, [w.instance for w in group if w.instance.pk is not None])
    for write in group:
        changes = []
        for name in write.links:
            after = {str(obj) for obj in write.links[name]}
            was = before.get((write.instance.pk, name), set())
            if was != after:
                changes.append(_describe_link_change(model._meta.get_field(name), was, after))
        _stamp(write.instance, by, _joined(write.reason, reason, "; ".join(changes)))
    new = [w.instance for w in group if w.instance.pk is None]
    changed = [w.instance for w in group if w.instance.pk is not None]
    now = timezone.now()
    for instance in changed:
        instance.version += 1
        instance.updated_at = now
    columns = [
        f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in ("created_at",)
    ]
    try:
        with transaction.atomic(), _bulk():
            if new:
                bulk_create_with_history(new, model, batch_size=500, default_user=by)
            if changed:
                bulk_update_with_history(changed, model, columns, batch_size=500, default_user=by)
            _set_links(model, link_fields, group)
    except IntegrityError as error:
        raise Clash(str(error)) from error


def _current_links(model, names: list[str], instances: list[models.Model]) -> dict[tuple[Any, str], set[str]]:
    """{(pk, field): {label of each linked record}} for existing records, two queries a field."""
    found: dict[tuple[Any, str], set[str]] = {}
    ids = [obj.pk for obj in instances]
    for name in names:
        m2m = model._meta.get_field(name)
        through = m2m.remote_field.through
        source, target = m2m.m2m_column_name(), m2m.m2m_reverse_name()
        rows = list(through.objects.filter(**{f"{source}__in": ids}).values_list(source, target))
        targets = m2m.related_model._default_manager.in_bulk({t for _, t in rows})
        for source_id, target_id in rows:
            found.setdefault((source_id, name), set()).add(str(targets[target_id]))
    return found


def _set_links(model, names: list[str], group: list[RecordWrite]) -> None:
    """Replace the links of each record that names the field, through the link tables."""
    for name in names:
        m2m = model._meta.get_field(name)
        through = m2m.remote_field.through
        source, target = m2m.m2m_column_name(), m2m.m2m_reverse_name()
        touched = [w for w in group if name in w.links]
        through.objects.filter(**{f"{source}__in": [w.instance.pk for w in touched]}).delete()
        through.objects.bulk_create(
            [
                through(**{source: w.instance.pk, target: obj.pk})
                for w in touched
                for obj in {o.pk: o for o in w.links[name]}.values()
            ]
        )
