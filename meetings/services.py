"""Writes that span meetings' records."""

from django.db import transaction

from assurance.models import Visibility
from assurance.writes import Links, RecordWrite, record_create, record_update, records_save
from meetings.models import Action, AgendaItem, Meeting


@transaction.atomic
def agenda_item_update(
    *, item: AgendaItem, loaded_version: int, by, links: Links | None = None
) -> AgendaItem:
    """Save an edited agenda item; moving it into the closed part restricts its actions first.

    The database refuses a closed item with public actions, so the order matters.
    """
    if item.is_restricted:
        actions_restrict(item=item, by=by)
    return record_update(instance=item, loaded_version=loaded_version, by=by, links=links)


@transaction.atomic
def actions_restrict(*, item: AgendaItem, by) -> int:
    """Restrict every public action of an item moving into the closed part.

    Each action gets a new version and a history record saying why, with its author: an edit
    form opened before the move is then refused as stale.
    """
    actions = list(
        Action.objects.select_for_update().filter(item_id=item.pk).exclude(visibility=Visibility.RESTRICTED)
    )
    for action in actions:
        action.visibility = Visibility.RESTRICTED
    reason = f"Its agenda item ‘{item.title}’ moved into the closed part"
    records_save(writes=[RecordWrite(action, reason=reason) for action in actions], by=by)
    return len(actions)


@transaction.atomic
def agenda_item_take_up(*, deferred: AgendaItem, meeting: Meeting, by) -> AgendaItem:
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
    return record_create(
        instance=item,
        by=by,
        links={"objectives": deferred.objectives.all(), "commitments": deferred.commitments.all()},
        reason=f"Taken up from the meeting of {deferred.meeting.date:%-d %B %Y}",
    )
