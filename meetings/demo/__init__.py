"""Demo data for the meetings area: the glossary of oversight bodies, the 2016/17
holding-to-account meetings (Appendix B) and a Corporate Governance Board with open and
closed parts and an action log. Runs after the delivery plans' loader, so it links agenda
items to the demo commitments by ref and to objectives by short name, and each body to the
commitments whose oversight column names it. The home office gets its meetings once for each
of its sets of records (DemoContext.sets), on days near the originals'."""

import datetime
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from assurance.demo import DemoContext, numbered, read_yaml, upsert
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


def _financial_year(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _free_days(day: datetime.date, number: int, taken: set) -> Iterator[datetime.date]:
    """The days not taken, nearest first: from number - 1 days after `day`, then before it."""
    for k in range(number - 1, 366):
        if (later := day + datetime.timedelta(days=k)) not in taken:
            yield later
    for k in range(1, 366):
        if (earlier := day - datetime.timedelta(days=k)) not in taken:
            yield earlier


def _set_dates(days: list[datetime.date], numbers: range) -> dict[tuple[int, datetime.date], datetime.date]:
    """The day of each of a body's meetings in each set of the demo records, by (set, the
    original's day): set 1 keeps the original's; set n takes the first free day from n - 1
    days after it, or else before it, in the same calendar and financial year, so the year
    pages grow. A body meets once a day; a set's days do not depend on how many sets follow,
    so a smaller scale loads the same days again."""
    taken = set(days)
    found = {(1, day): day for day in days}
    for number in numbers[1:]:
        for day in days:
            year = _financial_year(day)
            # At a large scale the calendar year's part of a financial year fills up (Januaries
            # to Marches hold 90 days): then any day of the financial year, then any day.
            found[(number, day)] = chosen = next(
                itertools.chain(
                    (
                        d
                        for d in _free_days(day, number, taken)
                        if d.year == day.year and _financial_year(d) == year
                    ),
                    (d for d in _free_days(day, number, taken) if _financial_year(d) == year),
                    _free_days(day, number, taken),
                )
            )
            taken.add(chosen)
    return found


def _meetings(
    body: OversightBody, rows: list[dict], objectives: dict, commitments: dict, numbers: range
) -> None:
    dates = _set_dates([_date(row["date"]) for row in rows], numbers)
    for number in numbers:
        _meetings_of_set(body, rows, objectives, commitments, number, dates)


def _meetings_of_set(body, rows, objectives, commitments, set_number, dates) -> None:
    """One set of a body's meetings; set n links its items to the commitments of set n."""
    items_by_date: dict[tuple[datetime.date, str], AgendaItem] = {}
    for row in rows:
        day = _date(row["date"])
        meeting = upsert(
            Meeting,
            {"body": body, "date": dates[(set_number, day)]},
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
            refs = [numbered(r, set_number) for r in item_row.get("refs", [])]
            item.commitments.set([commitments[r] for r in refs if r in commitments])
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
        numbers = context.sets(owner)
        _meetings(bodies[hta["body"]], hta["meetings"], objectives, commitments, numbers)
        board = _body(owner, cgb["body"], objectives, allies)
        _meetings(board, cgb["meetings"], objectives, commitments, numbers)
    context.say(
        f"Meetings: {len(glossary) + 1} oversight bodies for each of {len(context.owners)} organisation(s)"
    )
