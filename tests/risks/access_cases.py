from assurance.permissions import Access
from tests.access import Case
from tests.factories import make_organisation
from tests.risks.factories import make_action, make_register, make_review, make_risk


def _an_office() -> dict:
    """Pages about an organisation's registers need an OPCC to exist; they take no URL kwargs."""
    make_organisation(kind="opcc")
    return {}


def _risk():
    return {"pk": make_risk().pk}


CASES = {
    "risks:list": Case(Access.EDIT),
    "risks:export": Case(Access.EDIT, kwargs=lambda: {"fmt": "csv"}, shared=True),
    "risks:heat_map": Case(Access.EDIT),
    "risks:registers": Case(Access.EDIT),
    "risks:register_create": Case(Access.EDIT),
    "risks:register_update": Case(Access.EDIT, kwargs=lambda: {"pk": make_register().pk}),
    "risks:create": Case(Access.EDIT, kwargs=lambda: {"register_pk": make_register().pk}),
    "risks:detail": Case(Access.EDIT, kwargs=_risk),
    "risks:update": Case(Access.EDIT, kwargs=_risk),
    "risks:close": Case(Access.EDIT, kwargs=_risk),
    "risks:review_create": Case(Access.EDIT, kwargs=lambda: {"risk_pk": make_risk().pk}),
    "risks:review_update": Case(Access.EDIT, kwargs=lambda: {"pk": make_review().pk}),
    "risks:action_create": Case(Access.EDIT, kwargs=lambda: {"risk_pk": make_risk().pk}),
    "risks:action_update": Case(Access.EDIT, kwargs=lambda: {"pk": make_action().pk}),
    "risks:matrix": Case(Access.ADMIN, kwargs=_an_office),
    "risks:import": Case(Access.EDIT, kwargs=_an_office, shared=True),
    "risks:import_template": Case(Access.EDIT, kwargs=lambda: {"kind": "risks", "fmt": "xlsx"}, shared=True),
}
