"""Writes of the delivery plan that do more than save one record: a new plan with its
delivery statuses, and every write of an objective or commitment, which keeps the stored sort
key of its ref (so lists sort 1.2 before 1.10 in the database) beside the ref itself."""

from collections.abc import Sequence

from django.db import transaction

from assurance.writes import Links, RecordWrite, record_create, record_update, records_save
from delivery_plans.models import Commitment, DeliveryStatus, Objective, Plan, StatusTone

# A new plan's statuses unless its office gives its own: (name, tone, counts as completed).
DEFAULT_STATUSES = [
    ("Not started", StatusTone.NEUTRAL, False),
    ("In progress", StatusTone.ACTIVE, False),
    ("Completed", StatusTone.DONE, True),
    ("On hold", StatusTone.WARNING, False),
    ("Withdrawn", StatusTone.NEUTRAL, False),
]
MAX_STATUSES = 12

# How a status an office names is first set up; its page changes either afterwards.
COMPLETED_NAMES = {"completed", "complete", "delivered", "achieved", "done"}
TONE_OF_NAME = {
    "in progress": StatusTone.ACTIVE,
    "current": StatusTone.ACTIVE,
    "ongoing": StatusTone.ACTIVE,
    "on track": StatusTone.ACTIVE,
    "under way": StatusTone.ACTIVE,
    "on hold": StatusTone.WARNING,
    "paused": StatusTone.WARNING,
    "delayed": StatusTone.WARNING,
    "at risk": StatusTone.WARNING,
}


def _status_named(plan: Plan, name: str, order: int) -> DeliveryStatus:
    completed = name.strip().lower() in COMPLETED_NAMES
    tone = StatusTone.DONE if completed else TONE_OF_NAME.get(name.strip().lower(), StatusTone.NEUTRAL)
    return DeliveryStatus(plan=plan, name=name.strip(), order=order, is_completed=completed, tone=tone)


@transaction.atomic
def plan_create(*, plan: Plan, by, links: Links | None = None, statuses: Sequence[str] = ()) -> Plan:
    """A new plan with its list of delivery statuses (the office's own, or the defaults)."""
    record_create(instance=plan, by=by, links=links)
    names = list(statuses) or [name for name, *_ in DEFAULT_STATUSES]
    records_save(
        writes=[RecordWrite(_status_named(plan, name, order)) for order, name in enumerate(names, start=1)],
        by=by,
        reason="The plan's delivery statuses",
    )
    return plan


def plan_record_save[T: Objective | Commitment](
    *, record: T, by, loaded_version: int | None = None, links: Links | None = None
) -> T:
    """Add or edit an objective or a commitment, with the sort key of its ref (an edit only
    over the version it was loaded at)."""
    record.refresh_sort_key()
    if record.pk is None:
        return record_create(instance=record, by=by, links=links)
    if loaded_version is None:
        raise ValueError("An edit says which version it was made from")
    return record_update(instance=record, loaded_version=loaded_version, by=by, links=links)


def commitments_save(*, writes: Sequence[RecordWrite], by) -> None:
    """Save many commitments at once (an import), all or none, each with its sort key."""
    for write in writes:
        write.instance.refresh_sort_key()  # type: ignore[attr-defined]
    records_save(writes=writes, by=by)
