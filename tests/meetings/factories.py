"""Factories for the meetings area, with the delivery plan records it links to."""

import datetime
import itertools

from assurance.models import Organisation, Visibility
from assurance.text import sort_key
from delivery_plans.models import Commitment, Objective, OversightScheduleEntry, Plan
from meetings.models import Action, AgendaItem, Meeting, OversightBody
from tests.factories import make_organisation, make_period

_seq = itertools.count(1)


def make_plan(owner: Organisation | None = None, **fields) -> Plan:
    n = next(_seq)
    defaults = {"title": f"Police and Crime Plan {n}", "start_year": 2016, "end_year": 2020}
    defaults.update(fields)
    return Plan.objects.create(owner=owner or make_organisation(), **defaults)


def make_objective(plan: Plan | None = None, **fields) -> Objective:
    plan = plan or make_plan()
    number = fields.pop("number", plan.objectives.count() + 1)
    defaults = {"title": f"Objective {number}", "short_name": f"Obj{number}", "order": number}
    defaults.update(fields)
    return Objective.objects.create(plan=plan, ref=str(number), sort_key=sort_key(str(number)), **defaults)


def make_commitment(plan: Plan | None = None, ref: str | None = None, **fields) -> Commitment:
    plan = plan or make_plan()
    objective = fields.pop("objective", None) or plan.objectives.first() or make_objective(plan)
    ref = ref or f"{next(_seq)}.1"
    return Commitment.objects.create(
        plan=plan,
        objective=objective,
        ref=ref,
        sort_key=sort_key(ref),
        text=fields.pop("text", "A commitment"),
        **fields,
    )


def schedule(commitment: Commitment, start_year: int = 2016, quarter: int = 3) -> OversightScheduleEntry:
    return OversightScheduleEntry.objects.create(
        commitment=commitment, period=make_period(start_year, quarter)
    )


def make_body(owner: Organisation | None = None, **fields) -> OversightBody:
    defaults = {"name": f"Corporate Governance Board {next(_seq)}", "frequency": "bi_monthly"}
    defaults.update(fields)
    return OversightBody.objects.create(owner=owner or make_organisation(), **defaults)


def make_meeting(body: OversightBody | None = None, date: datetime.date | None = None, **fields) -> Meeting:
    make_period(2016, 3)
    return Meeting.objects.create(
        body=body or make_body(), date=date or datetime.date(2016, 10, 12), **fields
    )


def make_item(meeting: Meeting | None = None, closed: bool = False, **fields) -> AgendaItem:
    commitments = fields.pop("commitments", [])
    defaults = {"title": f"Agenda item {next(_seq)}", "kind": "P"}
    defaults.update(fields)
    item = AgendaItem.objects.create(
        meeting=meeting or make_meeting(),
        visibility=Visibility.RESTRICTED if closed else Visibility.PUBLIC,
        **defaults,
    )
    item.commitments.set(commitments)
    return item


def make_action(item: AgendaItem | None = None, **fields) -> Action:
    item = item or make_item()
    defaults = {
        "description": f"Action {next(_seq)}",
        "owner_role": "Deputy Chief Constable",
        "due_date": item.meeting.date + datetime.timedelta(days=30),
        "visibility": item.visibility,
    }
    defaults.update(fields)
    return Action.objects.create(item=item, **defaults)
