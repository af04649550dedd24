from assurance.permissions import Access
from tests.access import Case
from tests.meetings.factories import make_action, make_body, make_item, make_meeting


def _body():
    return {"pk": make_body().pk}


def _meeting():
    return {"pk": make_meeting().pk}


def _item():
    return {"pk": make_item().pk}


def _action():
    return {"pk": make_action().pk}


def _update():
    from meetings.models import ActionUpdate

    action = make_action()
    return {"pk": ActionUpdate.objects.create(action=action, date=action.due_date, text="Progress").pk}


def _take_up():
    item = make_item(deferred=True)
    later = make_meeting(body=item.meeting.body, date=item.meeting.date.replace(month=12))
    return {"meeting_pk": later.pk, "item_pk": item.pk}


CASES = {
    "meetings:list": Case(Access.EDIT),
    "meetings:create": Case(Access.EDIT),
    "meetings:detail": Case(Access.EDIT, kwargs=_body),
    "meetings:update": Case(Access.EDIT, kwargs=_body),
    "meetings:meeting_create": Case(Access.EDIT, kwargs=lambda: {"body_pk": make_body().pk}),
    "meetings:meeting_detail": Case(Access.EDIT, kwargs=_meeting),
    "meetings:meeting_update": Case(Access.EDIT, kwargs=_meeting),
    "meetings:item_create": Case(Access.EDIT, kwargs=lambda: {"meeting_pk": make_meeting().pk}),
    "meetings:item_update": Case(Access.EDIT, kwargs=_item),
    "meetings:item_take_up": Case(Access.EDIT, kwargs=_take_up, post_only=True),
    "meetings:action_create": Case(Access.EDIT, kwargs=lambda: {"item_pk": make_item().pk}),
    "meetings:actions": Case(Access.EDIT),
    "meetings:action_detail": Case(Access.EDIT, kwargs=_action),
    "meetings:action_update": Case(Access.EDIT, kwargs=_action),
    "meetings:action_update_create": Case(Access.EDIT, kwargs=lambda: {"action_pk": make_action().pk}),
    "meetings:action_update_update": Case(Access.EDIT, kwargs=_update),
    "meetings:summary": Case(Access.EDIT),
    "meetings:coverage": Case(Access.EDIT),
    "meetings:coverage_list": Case(Access.EDIT),
}
