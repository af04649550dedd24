"""Reads shared by the pages, the dashboard snapshot and the exports; each is a fixed
number of queries whatever the size of the plan."""

from collections import defaultdict

from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from assurance.models import RAG_SEVERITY, Rag, ReportingPeriod
from delivery_plans.models import (
    Commitment,
    DeliveryStatus,
    Measure,
    MeasureValue,
    Objective,
    Plan,
    ProgressUpdate,
)

RAG_ORDER = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_RATED]
NO_STATUS = "No status recorded"


def commitments_with_latest():
    """Commitments with the RAG, reason, text and quarter of their newest update annotated."""
    newest = ProgressUpdate.objects.filter(commitment=OuterRef("pk")).order_by(
        "-period__start_year", "-period__quarter"
    )
    return (
        Commitment.objects.select_related("plan", "objective", "status")
        .prefetch_related("areas")
        .annotate(
            latest_rag=Subquery(newest.values("rag")[:1]),
            latest_reason=Subquery(newest.values("rag_reason")[:1]),
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


def rag_in(period: ReportingPeriod | None):
    """A commitment's RAG in a quarter, as SQL: its update's, or Not rated without one (or
    without a quarter)."""
    if period is None:
        return Value(Rag.NOT_RATED.value)
    # One update a quarter at most: no ordering, whose joins would run for every commitment.
    update = ProgressUpdate.objects.filter(commitment=OuterRef("pk"), period=period).order_by()
    return Coalesce(Subquery(update.values("rag")[:1]), Value(Rag.NOT_RATED.value))


def _percent(count: int, total: int) -> int:
    """A count as a whole percentage of its group's total, halves up: in whole numbers, so no
    float lands a half on the wrong side."""
    return (200 * count + total) // (2 * total) if total else 0


def delivery_counts(
    commitments: QuerySet, *, period: ReportingPeriod | None, statuses: list[DeliveryStatus]
) -> dict:
    """Per objective and per plan, the commitments of each delivery status (of `statuses`, or
    none) and of each RAG in the quarter, with their percentages: one query, whatever the
    number of commitments, objectives and plans (one conditional count per status and per
    RAG, grouped by objective and by plan in one UNION).

    {("objective" | "plan", id): {"total": n, "status": {status_id: (count, percent)},
    "rag": {rag: (count, percent)}}}
    """
    columns: list[tuple[str, object]] = [("status", s.pk) for s in statuses] + [("status", None)]
    columns += [("rag", rag) for rag in Rag.values]
    shares = {}
    for index, (kind, value) in enumerate(columns):
        if kind == "rag":
            condition = Q(quarter_rag=value)
        else:
            condition = Q(status__isnull=True) if value is None else Q(status=value)
        shares[f"count_{index}"] = Count("pk", filter=condition)
    rated = commitments.order_by().annotate(quarter_rag=rag_in(period))
    names = ["group", "group_id", "total", *shares]
    grouped = [
        rated.values(group)
        .annotate(group=Value(group), group_id=F(group), total=Count("pk"), **shares)
        .values_list(*names)
        for group in ("objective", "plan")
    ]
    counts: dict = defaultdict(lambda: {"total": 0, "status": {}, "rag": {}})
    for row in grouped[0].union(grouped[1], all=True).order_by():
        values = dict(zip(names, row, strict=True))
        entry = counts[values["group"], values["group_id"]]
        entry["total"] = values["total"]
        for index, (kind, value) in enumerate(columns):
            count = values[f"count_{index}"]
            if count:
                entry[kind][value] = (count, _percent(count, values["total"]))
    return counts


def delivery_counts_of(commitments: list[dict]) -> dict:
    """`delivery_counts` of commitments already read, each as values with its "objective_id",
    "plan_id", "status_id" and quarter's "rag": the same counts, for a caller that holds every
    row (the dashboard's appendix), without the database counting them again."""
    tally: dict = defaultdict(lambda: {"total": 0, "status": defaultdict(int), "rag": defaultdict(int)})
    for row in commitments:
        for key in (("objective", row["objective_id"]), ("plan", row["plan_id"])):
            entry = tally[key]
            entry["total"] += 1
            entry["status"][row["status_id"]] += 1
            entry["rag"][row["rag"]] += 1
    counts: dict = defaultdict(lambda: {"total": 0, "status": {}, "rag": {}})
    for key, entry in tally.items():
        total = entry["total"]
        counts[key] = {
            "total": total,
            **{
                kind: {value: (count, _percent(count, total)) for value, count in entry[kind].items()}
                for kind in ("status", "rag")
            },
        }
    return counts


def status_shares(entry: dict, statuses: list[DeliveryStatus]) -> list[dict]:
    """A group's counts in the order of the plan's statuses, with none left out."""
    rows = [
        {"name": s.name, "tone": s.tone, "completed": s.is_completed, **_share(entry["status"].get(s.pk))}
        for s in statuses
    ]
    if None in entry["status"]:  # commitments recorded before the plan had statuses
        rows.append(
            {"name": NO_STATUS, "tone": "neutral", "completed": False, **_share(entry["status"][None])}
        )
    return rows


def rag_shares(entry: dict) -> list[dict]:
    return [{"rag": str(rag), **_share(entry["rag"].get(rag.value))} for rag in RAG_ORDER]


def _share(found: tuple[int, int] | None) -> dict:
    count, percent = found or (0, 0)
    return {"count": count, "percent": percent}


def count_rows(counts: dict, groups, *, kind: str, statuses: list[DeliveryStatus]) -> list[dict]:
    """One row of shares per objective (or plan) given as (key, label)."""
    rows = []
    for key, label in groups:
        entry = counts[key]
        shares = status_shares(entry, statuses) if kind == "status" else rag_shares(entry)
        rows.append({"label": label, "total": entry["total"], "shares": shares})
    return rows


def objectives_counted(plan: Plan) -> list[Objective]:
    """A plan's objectives in order, each with its number of commitments (one query)."""
    # Ordered here: Django leaves Meta.ordering out of a query that groups, as this count does.
    counted = plan.objectives.annotate(commitment_count=Count("commitments"))
    return list(counted.order_by("order", "sort_key", "pk"))


# How many Red and Amber commitments the plan overview lists: enough for a quarter's
# exceptions to be read at a glance; the commitment list has the rest.
EXCEPTIONS_SHOWN = 20


def quarter_exceptions(plan: Plan, period: ReportingPeriod, *, limit: int = EXCEPTIONS_SHOWN) -> list:
    """The quarter's updates rated Red or Amber, Red first, each in plan order, with their
    commitment: at most `limit`, sorted and cut in the database (one query), so the page
    holds the same number of rows however many the plan has."""
    severity = Case(*(When(rag=rag, then=Value(n)) for rag, n in RAG_SEVERITY.items()), default=Value(9))
    return list(
        ProgressUpdate.objects.filter(commitment__plan=plan, period=period)
        .needing_attention()
        .select_related("commitment__objective", "commitment__status")
        .order_by(
            severity,
            "commitment__objective__order",
            "commitment__objective__sort_key",
            "commitment__objective_id",
            "commitment__sort_key",
            "commitment_id",
        )[:limit]
    )


def plan_quarter(plan: Plan, period: ReportingPeriod | None) -> dict:
    """A plan's objectives, its counts by delivery status and by RAG in one quarter (per
    objective and for the plan), and the quarter's exceptions: the first Red and Amber, and
    how many there are in all. Never every commitment: the page stays the same size as the
    plan grows.

    Four queries, whatever the size of the plan: statuses, objectives with their number of
    commitments, the counts and, when the quarter has any, the exceptions.
    """
    statuses = list(plan.statuses.all())
    objectives = objectives_counted(plan)
    counts = delivery_counts(plan.commitments.all(), period=period, statuses=statuses)
    groups = [(("objective", o.pk), o.label) for o in objectives] + [(("plan", plan.pk), "Whole plan")]
    rated = counts["plan", plan.pk]["rag"]
    red, amber = (rated.get(rag.value, (0, 0))[0] for rag in (Rag.RED, Rag.AMBER))
    exceptions = quarter_exceptions(plan, period) if period is not None and red + amber else []
    return {
        "statuses": statuses,
        "objectives": objectives,
        "by_status": count_rows(counts, groups, kind="status", statuses=statuses),
        "by_rag": count_rows(counts, groups, kind="rag", statuses=statuses),
        "exceptions": exceptions,
        "exceptions_total": red + amber,
        "exceptions_red": red,
        "exceptions_amber": amber,
        "exceptions_not_shown": red + amber - len(exceptions),
    }


def measures_of(plans) -> list[Measure]:
    """Measures of the given plans with their values, oldest period first (two queries)."""
    return list(
        Measure.objects.filter(plan__in=plans)
        .select_related("objective", "plan")
        # The plan's own objectives first, the national measures after them.
        .order_by(
            "plan",
            F("objective__order").asc(nulls_last=True),
            F("objective__sort_key").asc(nulls_last=True),
            "order",
            "name",
        )
        .prefetch_related(
            Prefetch(
                "values",
                queryset=MeasureValue.objects.select_related("period").order_by(
                    "period__start_year", F("period__quarter").asc(nulls_first=True)
                ),
            )
        )
    )
