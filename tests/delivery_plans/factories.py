"""Factories for delivery plan records, written as the browser writes them (through the
area's services, so a plan has its delivery statuses and every ref its sort key)."""

import datetime
import itertools

from assurance.models import Rag
from delivery_plans import services
from delivery_plans.models import Commitment, Measure, MeasureValue, Objective, Plan, ProgressUpdate
from tests.factories import make_organisation, make_period

_seq = itertools.count(1)


def make_plan(owner=None, *, statuses=(), **fields) -> Plan:
    owner = owner or make_organisation()
    plan = Plan(
        owner=owner,
        title=fields.pop("title", f"Police and Crime Plan {next(_seq)}"),
        start_year=fields.pop("start_year", 2016),
        end_year=fields.pop("end_year", 2020),
        **fields,
    )
    return services.plan_create(plan=plan, by=None, links={"organisations": [owner]}, statuses=statuses)


def make_objective(plan=None, **fields) -> Objective:
    plan = plan or make_plan()
    number = fields.pop("number", plan.objectives.count() + 1)
    objective = Objective(
        plan=plan,
        ref=str(fields.pop("ref", number)),
        title=fields.pop("title", f"Objective {number}"),
        short_name=fields.pop("short_name", f"Short{number}"),
        order=fields.pop("order", number),
        **fields,
    )
    return services.plan_record_save(record=objective, by=None)


def status_of(plan, name: str = "In progress"):
    return plan.statuses.get(name=name)


def make_commitment(objective=None, **fields) -> Commitment:
    objective = objective or make_objective()
    n = next(_seq)
    fields.setdefault("status", objective.plan.statuses.first())
    commitment = Commitment(
        plan=objective.plan,
        objective=objective,
        ref=fields.pop("ref", f"{objective.ref}.{n}"),
        text=fields.pop("text", f"Commitment number {n}"),
        **fields,
    )
    return services.plan_record_save(record=commitment, by=None)


def make_update(commitment=None, period=None, rag=Rag.GREEN, **fields) -> ProgressUpdate:
    commitment = commitment or make_commitment()
    period = period or make_period(2016, 3)
    if Rag.needs_reason(rag):
        fields.setdefault("rag_reason", "Behind schedule")
    return ProgressUpdate.objects.create(
        commitment=commitment,
        period=period,
        rag=rag,
        text=fields.pop("text", f"Progress on {commitment.ref}"),
        date=fields.pop("date", datetime.date(2016, 12, 1)),
        **fields,
    )


def make_measure(plan=None, **fields) -> Measure:
    plan = plan or make_plan()
    return Measure.objects.create(plan=plan, name=fields.pop("name", f"Measure {next(_seq)}"), **fields)


def make_value(measure=None, period=None, value=10, **fields) -> MeasureValue:
    measure = measure or make_measure()
    return MeasureValue.objects.create(
        measure=measure, period=period or make_period(2016, 3), value=value, **fields
    )
