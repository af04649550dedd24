from assurance.permissions import Access
from tests.access import Case
from tests.delivery_plans.factories import (
    make_commitment,
    make_measure,
    make_objective,
    make_plan,
    make_update,
    make_value,
)


def _plan():
    return {"pk": make_plan().pk}


def _in_plan():
    return {"plan_pk": make_plan().pk}


def _commitment():
    return {"pk": make_commitment().pk}


def _objective():
    return {"pk": make_objective().pk}


def _status():
    return {"pk": make_plan().statuses.first().pk}


def _measure():
    return {"pk": make_measure().pk}


def _value():
    return {"pk": make_value().pk}


CASES = {
    "delivery_plans:plans": Case(Access.EDIT),
    "delivery_plans:plan_create": Case(Access.EDIT),
    "delivery_plans:plan_from_file": Case(Access.EDIT),
    "delivery_plans:plan": Case(Access.EDIT, kwargs=_plan),
    "delivery_plans:plan_update": Case(Access.EDIT, kwargs=_plan),
    "delivery_plans:schedule": Case(Access.EDIT, kwargs=_plan),
    "delivery_plans:measures": Case(Access.EDIT, kwargs=_plan),
    "delivery_plans:statuses": Case(Access.EDIT, kwargs=_plan),
    "delivery_plans:import": Case(Access.EDIT, kwargs=_plan),
    "delivery_plans:objective_create": Case(Access.EDIT, kwargs=_in_plan),
    "delivery_plans:objective_update": Case(Access.EDIT, kwargs=_objective),
    "delivery_plans:objective_delete": Case(Access.EDIT, kwargs=_objective),
    "delivery_plans:status_create": Case(Access.EDIT, kwargs=_in_plan),
    "delivery_plans:status_update": Case(Access.EDIT, kwargs=_status),
    "delivery_plans:status_delete": Case(Access.EDIT, kwargs=_status),
    "delivery_plans:create": Case(Access.EDIT, kwargs=_in_plan),
    "delivery_plans:list": Case(Access.EDIT),
    "delivery_plans:export": Case(Access.EDIT, kwargs=lambda: {"fmt": "xlsx"}, shared=True),
    "delivery_plans:detail": Case(Access.EDIT, kwargs=_commitment),
    "delivery_plans:update": Case(Access.EDIT, kwargs=_commitment),
    "delivery_plans:delete": Case(Access.EDIT, kwargs=_commitment),
    "delivery_plans:update_create": Case(Access.EDIT, kwargs=lambda: {"commitment_pk": make_commitment().pk}),
    "delivery_plans:update_update": Case(Access.EDIT, kwargs=lambda: {"pk": make_update().pk}),
    "delivery_plans:measure_create": Case(Access.EDIT, kwargs=_in_plan),
    "delivery_plans:measure_update": Case(Access.EDIT, kwargs=_measure),
    "delivery_plans:measure_delete": Case(Access.EDIT, kwargs=_measure),
    "delivery_plans:value_create": Case(Access.EDIT, kwargs=lambda: {"measure_pk": make_measure().pk}),
    "delivery_plans:value_update": Case(Access.EDIT, kwargs=_value),
    "delivery_plans:value_delete": Case(Access.EDIT, kwargs=_value),
    "delivery_plans:import_template": Case(
        Access.EDIT, kwargs=lambda: {"kind": "updates", "fmt": "csv"}, shared=True
    ),
}
