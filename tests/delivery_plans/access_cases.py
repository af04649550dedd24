from assurance.permissions import Access
from tests.access import Case
from tests.delivery_plans.factories import make_commitment, make_plan, make_update


def _plan():
    return {"pk": make_plan().pk}


def _commitment():
    return {"pk": make_commitment().pk}


CASES = {
    "delivery_plans:plans": Case(Access.EDIT),
    "delivery_plans:plan": Case(Access.EDIT, kwargs=_plan),
    "delivery_plans:schedule": Case(Access.EDIT, kwargs=_plan),
    "delivery_plans:measures": Case(Access.EDIT, kwargs=_plan),
    "delivery_plans:import": Case(Access.EDIT, kwargs=_plan),
    "delivery_plans:create": Case(Access.EDIT, kwargs=lambda: {"plan_pk": make_plan().pk}),
    "delivery_plans:list": Case(Access.EDIT),
    "delivery_plans:export": Case(Access.EDIT, kwargs=lambda: {"fmt": "xlsx"}, shared=True),
    "delivery_plans:detail": Case(Access.EDIT, kwargs=_commitment),
    "delivery_plans:update": Case(Access.EDIT, kwargs=_commitment),
    "delivery_plans:update_create": Case(Access.EDIT, kwargs=lambda: {"commitment_pk": make_commitment().pk}),
    "delivery_plans:update_update": Case(Access.EDIT, kwargs=lambda: {"pk": make_update().pk}),
    "delivery_plans:import_template": Case(
        Access.EDIT, kwargs=lambda: {"kind": "updates", "fmt": "csv"}, shared=True
    ),
}
