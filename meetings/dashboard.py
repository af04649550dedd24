"""The meetings area's part of the governance dashboard: snapshot and checks before publishing."""

import datetime
from operator import itemgetter

from django.urls import reverse

from assurance.models import ReportingPeriod, Visibility, status_on
from assurance.registry import Finding
from assurance.rows import linked
from assurance.scope import Scope
from meetings import selectors
from meetings.models import Action, AgendaItem, Meeting, MeetingStatus, OversightBody


def _item(item: dict, objectives: list[tuple[str, str]], refs: list[str]) -> dict:
    """An agenda item (read as plain values) as the dashboard lists it: the type as its code
    (AgendaItem.kind_code), the closed part marked."""
    return {
        "title": item["title"],
        "type": "" if item["kind"] == AgendaItem.Kind.OTHER else item["kind"],
        "objectives": [short_name or title for short_name, title in objectives],
        "refs": refs,
        "deferred": item["deferred"],
        "closed": item["visibility"] == Visibility.RESTRICTED,
    }


# An action's fields as the snapshot reads them, with its item's and meeting's: plain values.
ACTION_VALUES = (
    "pk",
    "description",
    "owner_role",
    "due_date",
    "status",
    "closed_on",
    "visibility",
    "item__visibility",
    "item__meeting__body__name",
    "item__meeting__date",
)


def _action(action: dict, day) -> dict:
    status = status_on(
        day,
        status=action["status"],
        closed_on=action["closed_on"],
        closed=Action.Status.CLOSED,
        until_closed=Action.Status.OPEN,
    )
    return {
        "id": action["pk"],
        "description": action["description"],
        "owner": action["owner_role"],
        "due_date": action["due_date"].isoformat(),
        "status": status,
        "status_label": Action.Status(status).label,
        "overdue": status != Action.Status.CLOSED and action["due_date"] < day,
        "body": action["item__meeting__body__name"],
        "raised": action["item__meeting__date"].isoformat(),
        "restricted": Visibility.RESTRICTED in (action["visibility"], action["item__visibility"]),
    }


def _glossary_entry(body: OversightBody) -> dict:
    objective = body.objective
    return {
        "name": body.name,
        "purpose": body.purpose,
        "objective": objective.heading if objective else "",
        "frequency": body.frequency,
        "frequency_label": body.get_frequency_display(),
        "held_in_public": body.held_in_public,
        "notes_published": body.notes_published,
    }


def _glossary(bodies: list[OversightBody]) -> list[dict]:
    """The organisation's oversight bodies, cross-cutting ones first, then by plan objective."""

    def order(body: OversightBody):
        objective = body.objective
        return (
            objective is not None,
            objective.order if objective else 0,
            objective.sort_key if objective else "",
        )

    return [_glossary_entry(b) for b in sorted(bodies, key=lambda b: (*order(b), b.name.lower()))]


# A meeting's fields as the snapshot reads them: plain values.
MEETING_VALUES = ("pk", "body_id", "date", "status", "ad_hoc", "summary")
MEETING_STATUS_LABELS = dict(MeetingStatus.choices)


def _holding_to_account(
    bodies: list[OversightBody], scope: Scope, day, meetings: list[dict], items_of: dict[int, list[dict]]
) -> list[dict]:
    """Every month of the financial year to the status date, for each holding-to-account body."""
    chosen = [b for b in bodies if b.holds_to_account]
    months = selectors.months_of(
        bodies=chosen,
        start_year=scope.period.start_year,
        until=day,
        meetings=meetings,
        body_and_date=itemgetter("body_id", "date"),
    )
    return [
        {
            "body": body.name,
            "months": [
                {
                    "month": month["month"].isoformat(),
                    "meetings": [
                        {
                            "date": m["date"].isoformat(),
                            "status": m["status"],
                            "status_label": MEETING_STATUS_LABELS[m["status"]],
                            "ad_hoc": m["ad_hoc"],
                            "items": items_of[m["pk"]],
                        }
                        for m in month["meetings"]
                    ],
                }
                for month in months[body.pk]
            ],
        }
        for body in chosen
    ]


def snapshot(scope: Scope) -> dict:
    """Meetings held in the quarter up to the status date, the action log as at that date,
    the coverage gaps, the glossary of the organisation's bodies, and the holding-to-account
    meetings of the year to date.

    Eight queries at most, whatever the data size: the bodies; the year's meetings to the
    status date (the quarter's are among them), their items, and the items' objectives and
    commitments as plain values; actions; the quarter's coverage counted in the database, its
    gaps, and the bodies that oversee them.
    """
    organisation, period, restricted = scope.organisation, scope.period, scope.include_restricted
    day = scope.status_date
    organisation_bodies = list(
        selectors.OversightBody.objects.for_organisation(organisation).select_related("objective")
    )
    bodies = {b.pk: b for b in organisation_bodies}
    # The year's meetings are read once: the quarter's for its section, the holding-to-account
    # bodies' for the year to date.
    year_start, until = selectors.financial_year_to(period.start_year, day)
    year_meetings = list(
        Meeting.objects.filter(body__in=list(bodies), date__gte=year_start, date__lte=until)
        .order_by("date", "pk")
        .values(*MEETING_VALUES)
    )
    meetings = [m for m in year_meetings if period.start_date <= m["date"] <= period.end_date]
    in_quarter = {m["pk"] for m in meetings}
    # Items are shown for the quarter's meetings and, in the year's grid, for the holding-to-
    # account bodies' meetings: only theirs are read.
    shown = [m["pk"] for m in year_meetings if bodies[m["body_id"]].holds_to_account or m["pk"] in in_quarter]
    items_read = selectors.visible_items(restricted).filter(meeting__in=shown)
    shown_items = list(
        items_read.order_by("number", "pk").values(
            "pk", "meeting_id", "title", "kind", "deferred", "visibility"
        )
    )
    # Their links asked of the same items in the database, not of a list of their ids.
    objectives_of = linked(AgendaItem.objectives, items_read.values("pk"), "short_name", "title")
    refs_of = linked(AgendaItem.commitments, items_read.values("pk"), "ref")
    items_of: dict[int, list[dict]] = {m["pk"]: [] for m in year_meetings}
    for item in shown_items:
        items_of[item["meeting_id"]].append(_item(item, objectives_of[item["pk"]], refs_of[item["pk"]]))
    items = [i for i in shown_items if i["meeting_id"] in in_quarter]

    actions = list(
        selectors.visible_actions(restricted)
        .filter(item__meeting__body__in=list(bodies), item__meeting__date__lte=day)
        .exclude(closed_on__lt=period.start_date)
        .order_by("due_date", "pk")
        .values(*ACTION_VALUES)
    )
    rows = [_action(a, day) for a in actions]
    open_rows = [r for r in rows if r["status"] != Action.Status.CLOSED]
    coverage = selectors.coverage_summary(
        organisation=organisation, period=period, include_restricted=restricted, until=day, bodies=set(bodies)
    )
    return {
        "period": period.label,
        "year": ReportingPeriod(start_year=period.start_year).year_label,
        "as_at": day.isoformat(),
        "meetings": [
            {
                "id": m["pk"],
                "body": bodies[m["body_id"]].name,
                "date": m["date"].isoformat(),
                "status": m["status"],
                "status_label": MEETING_STATUS_LABELS[m["status"]],
                "ad_hoc": m["ad_hoc"],
                "holds_to_account": bodies[m["body_id"]].holds_to_account,
                "summary": m["summary"],
                "items": items_of[m["pk"]],
            }
            for m in meetings
        ],
        "actions": {
            "open": len(open_rows),
            "overdue": sum(r["overdue"] for r in open_rows),
            "list": open_rows,
        },
        "coverage": coverage,
        "glossary": _glossary(organisation_bodies),
        "holding_to_account": _holding_to_account(organisation_bodies, scope, day, year_meetings, items_of),
        "items": [
            {
                "key": f"action:{r['id']}",
                "label": r["description"],
                "rag": "",
                "status": r["status"],
                "restricted": r["restricted"],
            }
            for r in rows
        ],
        # What the publication holds, so that restricting or deleting it later can be flagged.
        "records": Meeting.record_refs_of(m["pk"] for m in meetings)
        + AgendaItem.record_refs_of(i["pk"] for i in items)
        + Action.record_refs_of(a["pk"] for a in actions),
    }


def checks(scope: Scope) -> list[Finding]:
    data = snapshot(scope=scope)
    as_at = datetime.date.fromisoformat(data["as_at"])
    findings = []
    overdue = data["actions"]["overdue"]
    if overdue:
        findings.append(
            Finding(
                "warning",
                f"{overdue} action{'s are' if overdue != 1 else ' is'} overdue at {as_at:%-d %B %Y}.",
                reverse("meetings:actions") + f"?organisation={scope.organisation.slug}&overdue=yes",
            )
        )
    gaps = data["coverage"]["gaps"]
    if gaps:
        refs = ", ".join(g["ref"] for g in gaps)
        findings.append(
            Finding(
                "warning",
                f"{len(gaps)} commitment{'s' if len(gaps) != 1 else ''} scheduled for oversight in "
                f"{data['period']} but not covered by any meeting: {refs}.",
                reverse("meetings:coverage")
                + f"?organisation={scope.organisation.slug}&period={scope.period.slug}",
            )
        )
    return findings
