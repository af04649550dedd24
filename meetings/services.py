"""Writes that span meetings' records."""

from django.db import transaction

from assurance.models import Visibility
from meetings.models import Action, AgendaItem, Meeting


def restrict_actions(*, item: AgendaItem) -> int:
    """Restrict every action of an item moving into the closed part, before the item itself.

    The database refuses a closed item with public actions, so the order matters.
    """
    return (
        Action.objects.filter(item_id=item.pk)
        .exclude(visibility=Visibility.RESTRICTED)
        .update(visibility=Visibility.RESTRICTED)
    )


@transaction.atomic
def agenda_item_take_up(*, deferred: AgendaItem, meeting: Meeting) -> AgendaItem:
    """Put a deferred item on a later meeting's agenda, keeping what it covers."""
    number = max([0, *meeting.items.values_list("number", flat=True)]) + 1
    item = AgendaItem(
        meeting=meeting,
        number=number,
        title=deferred.title,
        kind=deferred.kind,
        visibility=deferred.visibility,
        deferred_from=deferred,
    )
    item.full_clean()
    item.save()
    item.objectives.set(deferred.objectives.all())
    item.commitments.set(deferred.commitments.all())
    return item
