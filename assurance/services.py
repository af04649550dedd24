"""Writes shared by every area."""

from django.db import transaction

from assurance.history import HistoryEntry, changes_since
from assurance.models import AuditedModel


class StaleEdit(Exception):
    """The record was saved by someone else after the form was loaded."""

    def __init__(self, instance: AuditedModel, newer: list[HistoryEntry]):
        self.instance = instance
        self.newer = newer
        super().__init__(f"{instance} changed since it was loaded")


class RecordGone(Exception):
    """The record was deleted after the form was loaded."""


@transaction.atomic
def save_versioned(*, instance: AuditedModel, loaded_version: int, save=None) -> AuditedModel:
    """Save an edit only if nobody saved the record since the editor loaded it.

    The row is locked while it is compared and written, so two simultaneous saves of the
    same version cannot both win. `save` does the writing (a form's save, to include its
    many-to-many fields); by default the instance's own save.
    """
    model = type(instance)
    current = (
        model._default_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current is None:
        raise RecordGone(instance)
    if current != loaded_version:
        raise StaleEdit(instance, changes_since(model._default_manager.get(pk=instance.pk), loaded_version))
    instance.version = current
    (save or instance.save)()
    return instance
