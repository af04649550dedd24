"""Demo data of the delivery plan: the Safer West Mercia Plan delivery plan of the panel
report, loaded once for each OPCC in context.owners, its commitments once for each of the
owner's sets of records (DemoContext.sets). Idempotent: matched on natural keys."""

import datetime
from decimal import Decimal
from pathlib import Path

from assurance.demo import DemoContext, numbered, read_yaml, upsert, upsert_many
from assurance.models import Organisation, Rag, ReportingPeriod
from assurance.text import sort_key
from delivery_plans.models import (
    Commitment,
    DeliveryStatus,
    Measure,
    MeasureValue,
    Objective,
    OversightScheduleEntry,
    Plan,
    ProgressUpdate,
)

HOME_SLUG = "west-mercia-opcc"
IN_PROGRESS = "In progress"


def load_demo(context: DemoContext) -> None:
    data = read_yaml(Path(__file__).with_name("plan.yaml"))
    periods = {(p.start_year, p.quarter): p for p in ReportingPeriod.objects.all()}
    for owner in context.owners:
        _load_for(owner, data, context, periods)


def _period(periods: dict, label: str) -> ReportingPeriod:
    key = ReportingPeriod.parse(label)
    if key not in periods:
        periods[key] = ReportingPeriod.objects.get_or_create(start_year=key[0], quarter=key[1])[0]
    return periods[key]


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _date(value) -> datetime.date | None:
    # YAML reads an unquoted ISO date as a date already.
    return value if value is None or isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _sets_of_commitments(rows: list[dict], numbers: range) -> list[dict]:
    """The plan's commitments once for each set of the owner's records, each set's refs and
    cross-references numbered; everything else, their updates and schedule among it, as the
    originals have it."""
    return [
        {**row, "ref": numbered(row["ref"], n), "related": [numbered(r, n) for r in row.get("related", [])]}
        for n in numbers
        for row in rows
    ]


def _load_for(owner: Organisation, data: dict, context: DemoContext, periods: dict) -> None:
    # A copy OPCC stands where West Mercia stands; its ally stays Warwickshire.
    def org(slug: str) -> Organisation:
        return owner if slug == HOME_SLUG else context.organisations[slug]

    data = {**data, "commitments": _sets_of_commitments(data["commitments"], context.sets(owner))}

    spec = data["plan"]
    plan = upsert(
        Plan,
        {"owner": owner, "title": spec["title"]},
        {"start_year": spec["start_year"], "end_year": spec["end_year"]},
    )
    plan.organisations.set([org(slug) for slug in spec["areas"]])

    saved_statuses = upsert_many(
        DeliveryStatus,
        [
            (
                {"plan_id": plan.pk, "name": row["name"]},
                {"order": order, "tone": row["tone"], "is_completed": row.get("completed", False)},
            )
            for order, row in enumerate(data["statuses"], start=1)
        ],
        existing={(plan.pk, s.name): s for s in plan.statuses.all()},
    )
    statuses = {s.name: s for s in saved_statuses}

    objectives = {}
    for order, row in enumerate(data["objectives"], start=1):
        ref = str(row["ref"])
        objectives[ref] = upsert(
            Objective,
            {"plan": plan, "ref": ref},
            {
                "sort_key": sort_key(ref),
                "title": row["title"],
                "short_name": row["short_name"],
                "outcomes": row.get("outcomes", ""),
                "order": order,
            },
        )

    saved = upsert_many(
        Commitment,
        [
            (
                {"plan_id": plan.pk, "ref": row["ref"]},
                {
                    "sort_key": sort_key(row["ref"]),
                    "objective_id": objectives[str(row["objective"])].pk,
                    "kind": row.get("kind", Commitment.Kind.POLICING),
                    "text": row["text"],
                    "supporting_activity": row.get("supporting", ""),
                    "oversight_mechanism": row.get("oversight", ""),
                    "lead_officer": row.get("lead", ""),
                    "timescale": row.get("timescale", ""),
                    "target_date": _date(row.get("target")),
                    "status_id": statuses[row.get("status", IN_PROGRESS)].pk,
                    "completed_on": _date(row.get("completed")),
                },
            )
            for row in data["commitments"]
        ],
        existing={(plan.pk, c.ref): c for c in plan.commitments.all()},
    )
    commitments = {c.ref: c for c in saved}
    _link(plan, data["commitments"], commitments, org, owner)
    _load_updates(plan, data, commitments, periods, context)
    _load_schedule(plan, data, commitments, periods)
    _load_measures(plan, data["measures"], objectives, periods)


def _link(plan, rows, commitments, org, owner) -> None:
    """Areas and cross-references, replaced whole so a second load changes nothing."""
    Areas, Related = Commitment.areas.through, Commitment.related.through
    ids = [c.pk for c in commitments.values()]
    Areas.objects.filter(commitment_id__in=ids).delete()
    Related.objects.filter(from_commitment_id__in=ids).delete()
    areas, related = [], []
    for row in rows:
        commitment = commitments[row["ref"]]
        # The PCC's own commitments come from the local plan, so apply to its own area.
        slugs = row.get("areas") or ([HOME_SLUG] if row.get("kind") == "pcc" else [])
        areas += [Areas(commitment_id=commitment.pk, organisation_id=org(s).pk) for s in slugs]
        related += [
            Related(from_commitment_id=commitment.pk, to_commitment_id=commitments[ref].pk)
            for ref in row.get("related", [])
        ]
    Areas.objects.bulk_create(areas)
    Related.objects.bulk_create(related)


def _quarter_updates(row: dict, texts: dict) -> dict[int, dict]:
    """The four quarters of 2016/17 for one commitment: Q3 as the report gives it."""
    q3 = {"rag": row["rag"], "reason": row.get("reason", ""), "text": row["progress"]}
    q2 = {
        "rag": row.get("q2", row["rag"]),
        "reason": row.get("q2_reason", row.get("reason", "") if "q2" not in row else ""),
        "text": texts["q2"]["text"],
    }
    q1 = {**q2, "text": texts["q1"]["text"]}
    q4 = {
        "rag": row.get("q4", row["rag"]),
        "reason": row.get("q4_reason", row.get("reason", "") if "q4" not in row else ""),
        "text": row.get("q4_progress", texts["q4"]["text"]),
    }
    if row["rag"] == Rag.NOT_RATED:
        # Cross-references report under the commitment they point to, every quarter.
        q1 = q2 = q4 = q3
    return {1: q1, 2: q2, 3: q3, 4: q4}


def _load_updates(plan, data, commitments, periods, context) -> None:
    texts = data["illustrative_updates"]
    author = context.users.get("editor")
    rows = []
    for row in data["commitments"]:
        if "progress" not in row:
            continue  # Warwickshire-only rows are reported by Warwickshire
        commitment = commitments[row["ref"]]
        for quarter, values in _quarter_updates(row, texts).items():
            period = _period(periods, f"2016/17 Q{quarter}")
            rows.append(
                (
                    {"commitment_id": commitment.pk, "period_id": period.pk},
                    {
                        "rag": values["rag"],
                        "rag_reason": values["reason"] if Rag.needs_reason(values["rag"]) else "",
                        "text": values["text"],
                        "date": datetime.date.fromisoformat(texts[f"q{quarter}"]["date"]),
                        "author_id": author.pk if author else None,
                    },
                )
            )
    existing = {
        (u.commitment_id, u.period_id): u for u in ProgressUpdate.objects.filter(commitment__plan=plan)
    }
    upsert_many(ProgressUpdate, rows, existing=existing)


def _load_schedule(plan, data, commitments, periods) -> None:
    spec = data["schedule"]
    first = ReportingPeriod.parse(spec["every_quarter_from"])
    quarters = [
        _period(periods, f"{y}/{(y + 1) % 100:02d} Q{q}")
        for y in range(plan.start_year, plan.end_year + 1)
        for q in (1, 2, 3, 4)
    ]
    rows = []
    for row in data["commitments"]:
        if "progress" not in row or row["rag"] == Rag.NOT_RATED:
            continue
        commitment = commitments[row["ref"]]
        body = row.get("schedule_body", "")
        for period in quarters:
            if body:
                planned = (period.start_year, period.quarter) >= first
            else:
                planned = period.quarter in spec["half_yearly_quarters"]
            if planned:
                rows.append(({"commitment_id": commitment.pk, "period_id": period.pk}, {"body_name": body}))
    existing = {
        (e.commitment_id, e.period_id): e
        for e in OversightScheduleEntry.objects.filter(commitment__plan=plan)
    }
    upsert_many(OversightScheduleEntry, rows, existing=existing)


def _load_measures(plan, rows, objectives, periods) -> None:
    values = []
    for order, row in enumerate(rows, start=1):
        objective = objectives.get(str(row["objective"])) if "objective" in row else None
        measure = upsert(
            Measure,
            {"plan": plan, "name": row["name"]},
            {
                "objective": objective,
                "unit": row.get("unit", ""),
                "higher_is_better": row.get("higher_is_better", True),
                "baseline": _decimal(row.get("baseline")),
                "target": _decimal(row.get("target")),
                "source": row.get("source", ""),
                "order": order,
            },
        )
        for value in row.get("values", []):
            period = _period(periods, value["period"])
            values.append(
                (
                    {"measure_id": measure.pk, "period_id": period.pk},
                    {
                        "value": _decimal(value["value"]),
                        "note": value.get("note", ""),
                        # A withheld figure gives its public reason in place of the figure.
                        "withheld": "withheld" in value,
                        "withheld_reason": value.get("withheld", ""),
                    },
                )
            )
    existing = {(v.measure_id, v.period_id): v for v in MeasureValue.objects.filter(measure__plan=plan)}
    upsert_many(MeasureValue, values, existing=existing)
