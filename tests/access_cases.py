from assurance.permissions import Access
from tests.access import Case
from tests.factories import make_organisation


def _history_of_an_organisation():
    return {"model": "assurance.organisation", "pk": make_organisation().pk}


CASES = {
    "home": Case(Access.PUBLISHED),
    "login": Case(Access.ANYONE),
    "logout": Case(Access.ANYONE, post_only=True),
    "password_change": Case(Access.SIGNED_IN),
    "password_change_done": Case(Access.SIGNED_IN),
    "history": Case(Access.EDIT, kwargs=_history_of_an_organisation),
    "recent_changes": Case(Access.EDIT),
}
CASES |= {
    "organisation_list": Case(Access.ADMIN),
    "organisation_create": Case(Access.ADMIN),
    "organisation_update": Case(Access.ADMIN, kwargs=lambda: {"pk": make_organisation().pk}),
}
