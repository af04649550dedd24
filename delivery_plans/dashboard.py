"""The delivery plan's part of the governance dashboard: a JSON-safe snapshot of one OPCC's
quarter, and the checks before publishing.

Commitments carry no restricted content, so the snapshot is the same for staff and for the
panel. A withheld measure or value is left out of every snapshot, staff's included: the draft
dashboard shows the measures as they would be published, each withheld figure marked with
its public reason, and the figure itself never reaches a publication or its paper."""

from collections import defaultdict
from collections.abc import Callable

from django.db.models import FilteredRelation, Q
from django.urls import reverse

from assurance.models import Rag
from assurance.registry import Finding
from assurance.rows import linked, url_of_each
from assurance.scope import Scope
from delivery_plans.models import Commitment, DeliveryStatus, Measure, Objective, Plan, ProgressUpdate
from delivery_plans.selectors import count_rows, delivery_counts_of, measures_of

NATIONAL = "National police and crime measures"
NEEDS_ATTENTION = (Rag.RED, Rag.AMBER)


def _number(value) -> float | None:
    return None if value is None else float(value)


def _iso(day) -> str:
    return day.isoformat() if day else ""


def plans_of(organisation):
    """The plans an OPCC keeps, and the alliance plans that list it among their areas."""
    return Plan.objects.for_organisation(organisation).order_by("start_year", "title")


# A commitment's fields as the snapshot reads them: plain values, with its status's and its
# quarter's update's (a model instance each would be most of the snapshot's time for a long plan).
COMMITMENT_VALUES = (
    "pk",
    "plan_id",
    "objective_id",
    "ref",
    "kind",
    "text",
    "supporting_activity",
    "lead_officer",
    "sponsor",
    "owner",
    "target_date",
    "timescale",
    "status_id",
    "status__name",
    "status__tone",
    "completed_on",
    "oversight_mechanism",
    "quarter_update__pk",
    "quarter_update__text",
    "quarter_update__rag",
    "quarter_update__rag_reason",
)
KIND_LABELS = dict(Commitment.Kind.choices)


def _commitment_row(c: dict, *, areas: list, related: list, url_of: Callable[[int], str]) -> dict:
    updated = c["quarter_update__pk"] is not None
    return {
        "ref": c["ref"],
        "kind": c["kind"],
        "kind_label": KIND_LABELS.get(c["kind"], c["kind"]),
        "text": c["text"],
        "areas": areas,
        "supporting_activity": c["supporting_activity"],
        "lead_officer": c["lead_officer"],
        "sponsor": c["sponsor"],
        "owner": c["owner"],
        "target_date": _iso(c["target_date"]),
        "timescale": c["timescale"],
        "status": c["status__name"] or "",
        "status_tone": c["status__tone"] or "neutral",
        "completed_on": _iso(c["completed_on"]),
        "related": related,
        "update": c["quarter_update__text"] if updated else "",
        "rag": c["quarter_update__rag"] if updated else str(Rag.NOT_RATED),
        "rag_reason": c["quarter_update__rag_reason"] if updated else "",
        "oversight_mechanism": c["oversight_mechanism"],
        "url": url_of(c["pk"]),
    }


def _measure_row(m: Measure, *, up_to) -> dict:
    """A measure as published: a withheld measure keeps only its name and the reason; a
    withheld value only its period and the reason."""
    row = {
        "name": m.name,
        "unit": m.unit,
        "higher_is_better": m.higher_is_better,
        "plan": m.plan.title,
        "objective": m.objective.label if m.objective else NATIONAL,
        "source": m.source,
        "withheld": m.withheld,
        "withheld_reason": m.withheld_reason if m.withheld else "",
        "baseline": None,
        "target": None,
        "values": [],
    }
    if m.withheld:
        return row
    row["baseline"], row["target"] = _number(m.baseline), _number(m.target)
    for v in m.values.all():
        if v.period.end_date > up_to:
            continue  # nothing after the quarter reported, nor a year not over by then
        if v.withheld:
            shown = {"value": None, "note": "", "withheld": True, "withheld_reason": v.withheld_reason}
        else:
            shown = {"value": _number(v.value), "note": v.note, "withheld": False, "withheld_reason": ""}
        row["values"].append({"period": v.period.label, **shown})
    return row


def snapshot(scope: Scope) -> dict:
    """Per plan: its delivery statuses; per objective and for the plan, the commitments of each
    status and of each RAG in the quarter (numbers and percentages, counted from the rows read
    for the appendix);
    the Red and Amber commitments; every commitment for the appendix; the measures up to the
    quarter, as published. Eight queries, whatever the size of the plans."""
    period = scope.period
    plans = list(plans_of(scope.organisation))
    statuses = defaultdict(list)
    for status in DeliveryStatus.objects.filter(plan__in=plans):
        statuses[status.plan_id].append(status)
    objectives = defaultdict(list)
    for objective in Objective.objects.filter(plan__in=plans):
        objectives[objective.plan_id].append(objective)
    applying = Commitment.objects.applying_to(scope.organisation)
    commitments = list(
        # The quarter's update (one at most) is joined to its commitment, not read apart.
        applying.annotate(quarter_update=FilteredRelation("updates", condition=Q(updates__period=period)))
        .in_plan_order()
        .values(*COMMITMENT_VALUES)
    )
    # Their links asked of the same commitments in the database, not of a list of their ids.
    areas_of = linked(Commitment.areas, applying.values("pk"), "short_name")
    related_of = linked(Commitment.related, applying.values("pk"), "ref")
    url_of = url_of_each("delivery_plans:detail")

    rows_by_objective = defaultdict(list)
    items = []
    for c in commitments:
        row = _commitment_row(c, areas=areas_of[c["pk"]], related=related_of[c["pk"]], url_of=url_of)
        c["rag"] = row["rag"]  # the quarter's, as delivery_counts_of counts it
        rows_by_objective[c["objective_id"]].append(row)
        items.append(
            {
                "key": f"commitment:{c['plan_id']}:{c['ref']}",
                # The ref and the whole text: nothing published is cut short.
                "label": f"{c['ref']} {c['text']}",
                "rag": row["rag"],
                "status": row["status"],
            }
        )

    # Every commitment is in hand: counted here, not by the database again.
    counts = delivery_counts_of(commitments)
    plan_rows = []
    for plan in plans:
        groups = [(("objective", o.pk), o.label) for o in objectives[plan.pk]]
        groups.append((("plan", plan.pk), "Whole plan"))
        attention = [
            r
            for o in objectives[plan.pk]
            for r in rows_by_objective.get(o.pk, [])
            if r["rag"] in NEEDS_ATTENTION
        ]
        plan_rows.append(
            {
                "id": plan.pk,
                "title": plan.title,
                "term": plan.term_label,
                "url": plan.get_absolute_url(),
                "statuses": [{"name": s.name, "tone": s.tone} for s in statuses[plan.pk]],
                "by_status": count_rows(counts, groups, kind="status", statuses=statuses[plan.pk]),
                "by_rag": count_rows(counts, groups, kind="rag", statuses=statuses[plan.pk]),
                "attention": attention,
                "objectives": [
                    {
                        "ref": o.ref,
                        "title": o.title,
                        "short_name": o.short_name,
                        "label": o.label,
                        "heading": o.heading,
                        "commitments": rows_by_objective.get(o.pk, []),
                    }
                    for o in objectives[plan.pk]
                ],
            }
        )
    return {
        "period": period.label,
        "plans": plan_rows,
        "measures": [_measure_row(m, up_to=period.end_date) for m in measures_of(plans)],
        "items": items,
        # What the publication holds, so that restricting or deleting it later can be flagged.
        "records": Commitment.record_refs_of(c["pk"] for c in commitments)
        + ProgressUpdate.record_refs_of(c["quarter_update__pk"] for c in commitments),
    }


def checks(scope: Scope) -> list[Finding]:
    """A warning for each commitment with no update this quarter; an error for an Amber or
    Red update that gives no reason."""
    applying = Commitment.objects.applying_to(scope.organisation)
    findings = []
    updated = ProgressUpdate.objects.filter(period=scope.period).values("commitment_id")
    for c in applying.exclude(pk__in=updated).select_related("plan").in_plan_order():
        findings.append(
            Finding(
                "warning",
                f"Delivery plan {c.ref} ({c.plan.title}) has no progress update for {scope.period}",
                reverse("delivery_plans:update_create", args=[c.pk]),
            )
        )
    unexplained = (
        ProgressUpdate.objects.filter(commitment__in=applying, period=scope.period)
        .needing_attention()
        .filter(rag_reason="")
        .select_related("commitment__plan")
    )
    for u in unexplained:
        findings.append(
            Finding(
                "error",
                f"Delivery plan {u.commitment.ref}: the {u.get_rag_display()} rating "
                f"for {scope.period} has no reason",
                reverse("delivery_plans:update_update", args=[u.pk]),
            )
        )
    return findings
