"""The meetings area's part of the governance dashboard: snapshot and checks before publishing."""

import datetime

from django.urls import reverse

from assurance.registry import Finding
from assurance.scope import Scope
from assurance.text import cut_at_word
from meetings import selectors
from meetings.models import Action


def _item(item) -> dict:
    return {
        "title": item.title,
        "type": item.kind_code,
        "objectives": [o.short_name or o.title for o in item.objectives.all()],
        "refs": selectors.refs(item.commitments.all()),
        "deferred": item.deferred,
        "closed": item.is_restricted,
    }


def _action(action: Action, day) -> dict:
    status = selectors.status_at(action, day)
    return {
        "id": action.pk,
        "description": action.description,
        "owner": action.owner_role,
        "due_date": action.due_date.isoformat(),
        "status": status,
        "status_label": Action.Status(status).label,
        "overdue": status != Action.Status.CLOSED and action.due_date < day,
        "body": action.item.meeting.body.name,
        "raised": action.item.meeting.date.isoformat(),
    }


def snapshot(scope: Scope) -> dict:
    """Meetings held in the quarter, the action log as at its end, and the coverage gaps.

    Eight queries whatever the data size: meetings, their items, objectives and commitments;
    actions; the plan's commitments, the bodies overseeing them and the quarter's oversight
    schedule.
    """
    organisation, period, restricted = scope.organisation, scope.period, scope.include_restricted
    day = scope.status_date
    meetings = list(
        selectors.period_meetings(organisation=organisation, period=period).order_by("date", "pk")
    )
    items = list(
        selectors.items_with_links(restricted)
        .filter(meeting__in=[m.pk for m in meetings])
        .order_by("number", "pk")
    )
    by_meeting = {m.pk: m for m in meetings}
    items_of = {m.pk: [] for m in meetings}
    for item in items:
        item.meeting = by_meeting[item.meeting_id]
        items_of[item.meeting_id].append(item)

    bodies = selectors.OversightBody.objects.for_organisation(organisation).values("pk")
    actions = list(
        selectors.visible_actions(restricted)
        .filter(item__meeting__body__in=bodies, item__meeting__date__lte=day)
        .exclude(closed_on__lt=period.start_date)
        .select_related("item__meeting__body")
        .order_by("due_date", "pk")
    )
    rows = [_action(a, day) for a in actions]
    open_rows = [r for r in rows if r["status"] != Action.Status.CLOSED]
    rows_coverage = selectors.coverage(
        organisation=organisation, period=period, include_restricted=restricted, items=items
    )
    return {
        "period": period.label,
        "as_at": day.isoformat(),
        "meetings": [
            {
                "id": m.pk,
                "body": m.body.name,
                "date": m.date.isoformat(),
                "status": m.status,
                "status_label": m.get_status_display(),
                "ad_hoc": m.ad_hoc,
                "summary": m.summary,
                "items": [_item(i) for i in items_of[m.pk]],
            }
            for m in meetings
        ],
        "actions": {
            "open": len(open_rows),
            "overdue": sum(r["overdue"] for r in open_rows),
            "list": open_rows,
        },
        "coverage": {
            "commitments": len(rows_coverage),
            "scheduled": sum(r.scheduled for r in rows_coverage),
            "covered": sum(bool(r.items) for r in rows_coverage),
            "gaps": [
                {
                    "ref": r.commitment.ref,
                    "text": r.commitment.text,
                    "plan": r.commitment.plan.title,
                    "bodies": [b.name for b in r.bodies],
                }
                for r in rows_coverage
                if r.is_gap
            ],
        },
        "items": [
            {
                "key": f"action:{r['id']}",
                "label": cut_at_word(r["description"], 120),
                "rag": "",
                "status": r["status"],
            }
            for r in rows
        ],
        # What the publication holds, so that restricting or deleting it later can be flagged.
        "records": [m.record_ref for m in meetings]
        + [i.record_ref for i in items]
        + [a.record_ref for a in actions],
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
