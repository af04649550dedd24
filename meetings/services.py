"""Writes that span meetings' records."""

from django.db import transaction

from assurance.models import Visibility
from meetings.models import Action, AgendaItem, Meeting


@transaction.atomic
def restrict_actions(*, item: AgendaItem) -> int:
    """Restrict every action of an item moving into the closed part, before the item itself.

    The database refuses a closed item with public actions, so the order matters. Each action
    is saved on its own, not updated in bulk, so its history shows the change and who made it
    and its version moves on: an edit form opened before the move is then refused as stale.
    """
    actions = list(
        Action.objects.select_for_update().filter(item_id=item.pk).exclude(visibility=Visibility.RESTRICTED)
    )
    for action in actions:
        action.visibility = Visibility.RESTRICTED
        action._change_reason = f"Its agenda item ‘{item.title}’ moved into the closed part"[:100]
        action.save()
    return len(actions)


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
