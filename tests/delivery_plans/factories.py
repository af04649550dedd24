"""Factories for delivery plan records."""

import datetime
import itertools

from assurance.models import Rag
from delivery_plans.models import Commitment, Objective, Plan, ProgressUpdate
from tests.factories import make_organisation, make_period

_seq = itertools.count(1)


def make_plan(owner=None, **fields) -> Plan:
    owner = owner or make_organisation()
    plan = Plan.objects.create(
        owner=owner,
        title=fields.pop("title", f"Police and Crime Plan {next(_seq)}"),
        start_year=fields.pop("start_year", 2016),
        end_year=fields.pop("end_year", 2020),
        **fields,
    )
    plan.organisations.add(owner)
    return plan


def make_objective(plan=None, **fields) -> Objective:
    plan = plan or make_plan()
    number = fields.pop("number", plan.objectives.count() + 1)
    return Objective.objects.create(
        plan=plan,
        number=number,
        title=fields.pop("title", f"Objective {number}"),
        short_name=fields.pop("short_name", f"Short{number}"),
        order=number,
        **fields,
    )


def make_commitment(objective=None, **fields) -> Commitment:
    objective = objective or make_objective()
    n = next(_seq)
    return Commitment.objects.create(
        plan=objective.plan,
        objective=objective,
        ref=fields.pop("ref", f"{objective.number}.{n}"),
        text=fields.pop("text", f"Commitment number {n}"),
        **fields,
    )


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
