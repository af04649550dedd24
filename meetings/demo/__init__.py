"""Demo data for the meetings area: the glossary of oversight bodies, the 2016/17
holding-to-account meetings (Appendix B) and a Corporate Governance Board with open and
closed parts and an action log. Runs after the delivery plans' loader, so it links agenda
items to the demo commitments by ref and to objectives by short name, and each body to the
commitments whose oversight column names it."""

import datetime
import re
from pathlib import Path

from assurance.demo import DemoContext, read_yaml, upsert
from assurance.models import Organisation, Visibility
from delivery_plans.models import Commitment, Objective, Plan
from meetings.models import Action, ActionUpdate, AgendaItem, Meeting, OversightBody

HERE = Path(__file__).parent


def _links(organisation: Organisation, year: int):
    """Objectives by short name and commitments by ref, from the plans in force that year."""
    plans = Plan.objects.for_organisation(organisation, year=year).values("pk")
    objectives = {}
    for objective in Objective.objects.filter(plan__in=plans).order_by("-plan__start_year", "plan__title"):
        objectives.setdefault(objective.short_name, objective)
    commitments = {}
    for commitment in Commitment.objects.for_organisation(organisation, year=year).in_plan_order():
        commitments.setdefault(commitment.ref, commitment)
    return objectives, commitments


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _body(owner: Organisation, row: dict, objectives: dict, allies: list) -> OversightBody:
    body = upsert(
        OversightBody,
        {"owner": owner, "name": row["name"]},
        {
            "purpose": row.get("purpose", "").strip(),
            "objective": objectives.get(row.get("objective")),
            "frequency": row["frequency"],
            "chair": row.get("chair", ""),
            "held_in_public": row.get("held_in_public", False),
            "notes_published": row.get("notes_published", False),
            "holds_to_account": row.get("holds_to_account", False),
        },
    )
    if row.get("shared_with_allies"):
        body.organisations.set(allies)
    return body


def _normal(text: str) -> str:
    # The plan writes "Victims' Board" and "Comms & ...": compare without case, apostrophes or '&'.
    text = text.casefold().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return " ".join(text.split())


def _name_pattern(names: list[str]) -> re.Pattern:
    alternatives = "|".join(re.escape(_normal(n)) for n in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _oversight_links(bodies: list[tuple[OversightBody, dict]], commitments: dict) -> None:
    """Link each body to the commitments whose oversight mechanism text names it; a
    commitment's text may name several bodies."""
    texts = [(c, _normal(c.oversight_mechanism)) for c in commitments.values() if c.oversight_mechanism]
    for body, row in bodies:
        pattern = _name_pattern([row["name"], *row.get("also_named", [])])
        body.commitments.set([c for c, text in texts if pattern.search(text)])


def _meetings(body: OversightBody, rows: list[dict], objectives: dict, commitments: dict) -> None:
    items_by_date: dict[tuple[datetime.date, str], AgendaItem] = {}
    for row in rows:
        day = _date(row["date"])
        meeting = upsert(
            Meeting,
            {"body": body, "date": day},
            {
                "status": row.get("status", Meeting.Status.HELD),
                "ad_hoc": row.get("ad_hoc", False),
                "summary": " ".join(row.get("summary", "").split()),
            },
        )
        for number, item_row in enumerate(row.get("items", []), start=1):
            deferred_from = item_row.get("deferred_from")
            item = upsert(
                AgendaItem,
                {"meeting": meeting, "number": number},
                {
                    "title": item_row["title"],
                    "kind": item_row.get("type", "other"),
                    "visibility": Visibility.RESTRICTED if item_row.get("closed") else Visibility.PUBLIC,
                    "outcome": item_row.get("outcome", ""),
                    "deferred": item_row.get("deferred", False),
                    "deferred_from": items_by_date.get((_date(deferred_from), item_row["title"]))
                    if deferred_from
                    else None,
                },
            )
            items_by_date[(day, item.title)] = item
            item.objectives.set([objectives[o] for o in item_row.get("objectives", []) if o in objectives])
            item.commitments.set([commitments[r] for r in item_row.get("refs", []) if r in commitments])
            for action_row in item_row.get("actions", []):
                _action(item, action_row)


def _action(item: AgendaItem, row: dict) -> None:
    closed = row.get("status") == Action.Status.CLOSED
    action = upsert(
        Action,
        {"item": item, "description": row["description"]},
        {
            "owner_role": row["owner"],
            "due_date": _date(row["due"]),
            "status": row.get("status", Action.Status.OPEN),
            "closed_on": _date(row["closed_on"]) if closed else None,
            "closing_note": row.get("closing_note", "") if closed else "",
            # Raised in the closed part, restricted like the item.
            "visibility": item.visibility,
        },
    )
    for update in row.get("updates", []):
        upsert(ActionUpdate, {"action": action, "date": _date(update["date"])}, {"text": update["text"]})


def load_demo(context: DemoContext) -> None:
    glossary = read_yaml(HERE / "bodies.yaml")["bodies"]
    hta = read_yaml(HERE / "holding_to_account_2016.yaml")
    cgb = read_yaml(HERE / "corporate_governance_board.yaml")
    for owner in context.owners:
        objectives, commitments = _links(owner, 2016)
        allies = list(owner.allies.all())
        bodies = {row["name"]: _body(owner, row, objectives, allies) for row in glossary}
        _oversight_links([(bodies[row["name"]], row) for row in glossary], commitments)
        _meetings(bodies[hta["body"]], hta["meetings"], objectives, commitments)
        board = _body(owner, cgb["body"], objectives, allies)
        _meetings(board, cgb["meetings"], objectives, commitments)
    context.say(
        f"Meetings: {len(glossary) + 1} oversight bodies for each of {len(context.owners)} organisation(s)"
    )
