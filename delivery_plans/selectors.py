"""Reads shared by the pages, the dashboard snapshot and the exports; each is a fixed
number of queries whatever the size of the plan."""

from collections import Counter, defaultdict

from django.db.models import F, OuterRef, Prefetch, Subquery

from assurance.models import Rag, ReportingPeriod
from delivery_plans.models import Commitment, Measure, MeasureValue, Objective, Plan, ProgressUpdate

RAG_ORDER = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_RATED]


def commitments_with_latest():
    """Commitments with the RAG, text and quarter of their newest update annotated."""
    newest = ProgressUpdate.objects.filter(commitment=OuterRef("pk")).order_by(
        "-period__start_year", "-period__quarter"
    )
    return (
        Commitment.objects.select_related("plan", "objective")
        .prefetch_related("areas")
        .annotate(
            latest_rag=Subquery(newest.values("rag")[:1]),
            latest_text=Subquery(newest.values("text")[:1]),
            latest_period=Subquery(newest.values("period")[:1]),
            latest_year=Subquery(newest.values("period__start_year")[:1]),
            latest_quarter=Subquery(newest.values("period__quarter")[:1]),
        )
    )


def latest_period_of(plan: Plan) -> ReportingPeriod | None:
    """The newest quarter with any update in the plan: what the overview shows by default."""
    update = (
        ProgressUpdate.objects.filter(commitment__plan=plan)
        .select_related("period")
        .order_by("-period__start_year", "-period__quarter")
        .first()
    )
    return update.period if update else None


def plan_quarter(plan: Plan, period: ReportingPeriod) -> dict:
    """Every commitment of a plan with its update for one quarter, grouped by objective.

    Five queries: objectives, commitments, their areas, their related refs, the quarter's updates.
    """
    objectives = list(plan.objectives.all())
    commitments = list(
        plan.commitments.select_related("objective").prefetch_related(
            "areas", Prefetch("related", queryset=Commitment.objects.only("id", "ref", "plan_id"))
        )
    )
    updates = {
        u.commitment_id: u
        for u in ProgressUpdate.objects.filter(commitment__plan=plan, period=period).select_related("author")
    }
    by_objective = defaultdict(list)
    for commitment in commitments:
        commitment.quarter_update = updates.get(commitment.pk)
        commitment.quarter_rag = commitment.quarter_update.rag if commitment.quarter_update else Rag.NOT_RATED
        by_objective[commitment.objective_id].append(commitment)
    groups = []
    for objective in objectives:
        rows = by_objective.get(objective.pk, [])
        counts = Counter(c.quarter_rag for c in rows)
        groups.append(
            {
                "objective": objective,
                "commitments": rows,
                "counts": [(rag, counts.get(rag, 0)) for rag in RAG_ORDER],
                "attention": [c for c in rows if c.quarter_rag in (Rag.RED, Rag.AMBER)],
            }
        )
    return {"groups": groups, "commitments": commitments, "updates": updates}


def measures_of(plans) -> list[Measure]:
    """Measures of the given plans with their values, oldest period first (two queries)."""
    return list(
        Measure.objects.filter(plan__in=plans)
        .select_related("objective", "plan")
        # The plan's own objectives first, the national measures after them.
        .order_by("plan", F("objective__number").asc(nulls_last=True), "order", "name")
        .prefetch_related(
            Prefetch(
                "values",
                queryset=MeasureValue.objects.select_related("period").order_by(
                    "period__start_year", "period__quarter"
                ),
            )
        )
    )


def objectives_of(plans) -> list[Objective]:
    return list(Objective.objects.filter(plan__in=plans))
