"""The delivery plan's part of the governance dashboard: a JSON-safe snapshot of one OPCC's
quarter, and the checks before publishing. Commitments carry no restricted content, so
the snapshot is the same for staff and for the panel."""

from collections import Counter, defaultdict

from django.urls import reverse

from assurance.models import Rag
from assurance.registry import Finding
from assurance.scope import Scope
from delivery_plans.models import Commitment, Objective, Plan, ProgressUpdate
from delivery_plans.selectors import RAG_ORDER, measures_of


def _number(value) -> float | None:
    return None if value is None else float(value)


def plans_of(organisation):
    """The plans an OPCC keeps, and the alliance plans that list it among their areas."""
    return Plan.objects.for_organisation(organisation).order_by("start_year", "title")


def applies_to(commitment: Commitment, organisation) -> bool:
    """The owner answers for every commitment of its plan; an ally for those naming no area
    (every area) or naming it. Needs `areas` and `plan` loaded."""
    if commitment.plan.owner_id == organisation.pk:
        return True
    areas = commitment.areas.all()
    return not areas or any(o.pk == organisation.pk for o in areas)


def snapshot(scope: Scope) -> dict:
    """Per objective, the count of each RAG in the quarter and the Red and Amber commitments;
    every commitment for the appendix; the measures up to the quarter. Seven queries."""
    period = scope.period
    plans = list(plans_of(scope.organisation))
    objectives = list(
        Objective.objects.filter(plan__in=plans).order_by("plan__start_year", "order", "number")
    )
    commitments = [
        c
        for c in Commitment.objects.filter(plan__in=plans)
        .select_related("objective", "plan")
        .prefetch_related("areas")
        if applies_to(c, scope.organisation)
    ]
    updates = {
        u.commitment_id: u for u in ProgressUpdate.objects.filter(commitment__plan__in=plans, period=period)
    }

    rows_by_objective = defaultdict(list)
    items = []
    for c in commitments:
        update = updates.get(c.pk)
        rag = update.rag if update else Rag.NOT_RATED
        row = {
            "ref": c.ref,
            "kind": c.kind,
            "kind_label": c.get_kind_display(),
            "text": c.text,
            "areas": [o.short_name for o in c.areas.all()],
            "supporting_activity": c.supporting_activity,
            "update": update.text if update else "",
            "rag": str(rag),
            "rag_reason": update.rag_reason if update else "",
            "oversight_mechanism": c.oversight_mechanism,
            "url": c.get_absolute_url(),
        }
        rows_by_objective[c.objective_id].append(row)
        items.append(
            {
                "key": f"commitment:{c.plan_id}:{c.ref}",
                # The ref and the text cut at a word with an ellipsis, as everywhere else.
                "label": str(c),
                "rag": str(rag),
                "status": "",
            }
        )

    groups = []
    for objective in objectives:
        rows = rows_by_objective.get(objective.pk, [])
        counts = Counter(r["rag"] for r in rows)
        groups.append(
            {
                "plan_id": objective.plan_id,
                "number": objective.number,
                "title": objective.title,
                "short_name": objective.short_name,
                "counts": [{"rag": str(rag), "count": counts.get(rag, 0)} for rag in RAG_ORDER],
                "attention": [r for r in rows if r["rag"] in (Rag.RED, Rag.AMBER)],
                "commitments": rows,
            }
        )

    measures = []
    for m in measures_of(plans):
        values = [
            {
                "period": v.period.label,
                "value": _number(v.value),
                "target": _number(v.target),
                "baseline": _number(v.baseline),
            }
            for v in m.values.all()
            if v.period.start_date <= period.end_date  # nothing after the quarter reported
        ]
        measures.append(
            {
                "name": m.name,
                "unit": m.unit,
                "higher_is_better": m.higher_is_better,
                "objective": f"{m.objective.number}. {m.objective.title}" if m.objective else "National",
                "values": values,
            }
        )

    totals = Counter(i["rag"] for i in items)
    return {
        "period": period.label,
        "plans": [
            {"id": p.pk, "title": p.title, "term": p.term_label, "url": p.get_absolute_url()} for p in plans
        ],
        "objectives": groups,
        "totals": [{"rag": str(rag), "count": totals.get(rag, 0)} for rag in RAG_ORDER],
        "measures": measures,
        "items": items,
        # What the publication holds, so that restricting or deleting it later can be flagged.
        "records": [c.record_ref for c in commitments]
        + [updates[c.pk].record_ref for c in commitments if c.pk in updates],
    }


def checks(scope: Scope) -> list[Finding]:
    """A warning for each commitment with no update this quarter; an error for an Amber or
    Red update that gives no reason."""
    organisation = scope.organisation
    plans = list(plans_of(organisation))
    findings = []
    updated = set(
        ProgressUpdate.objects.filter(commitment__plan__in=plans, period=scope.period).values_list(
            "commitment_id", flat=True
        )
    )
    commitments = Commitment.objects.filter(plan__in=plans).select_related("plan").prefetch_related("areas")
    for c in commitments:
        if c.pk not in updated and applies_to(c, organisation):
            findings.append(
                Finding(
                    "warning",
                    f"Delivery plan {c.ref} ({c.plan.title}) has no progress update for {scope.period}",
                    reverse("delivery_plans:update_create", args=[c.pk]),
                )
            )
    unexplained = (
        ProgressUpdate.objects.filter(commitment__plan__in=plans, period=scope.period)
        .needing_attention()
        .filter(rag_reason="")
        .select_related("commitment__plan")
        .prefetch_related("commitment__areas")
    )
    for u in unexplained:
        if not applies_to(u.commitment, organisation):
            continue
        findings.append(
            Finding(
                "error",
                f"Delivery plan {u.commitment.ref}: the {u.get_rag_display()} rating "
                f"for {scope.period} has no reason",
                reverse("delivery_plans:update_update", args=[u.pk]),
            )
        )
    return findings
