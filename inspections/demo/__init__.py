"""Demo data of the inspection tracker: the 2017 PEEL reports and their grades, the 2016 stop
and search re-inspection, an internal audit report, and their recommendations and areas for
improvement in every state, for each OPCC in context.owners (the items once for each of its
sets of records, DemoContext.sets). Runs after the delivery plan and risks loaders, so items
link to the demo commitments by ref. Idempotent: matched on natural keys, with target dates
derived as the services derive them."""

import datetime
from pathlib import Path

from assurance.demo import DemoContext, numbered, read_yaml, upsert, upsert_many
from assurance.models import Organisation, Rag, Visibility
from delivery_plans.models import Commitment
from inspections.models import (
    MonitoringPhase,
    PeelGrade,
    Recommendation,
    RecommendationUpdate,
    Report,
    TargetDateRevision,
)

HERE = Path(__file__).parent


def _date(value) -> datetime.date | None:
    if value is None:
        return None
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _report(owner: Organisation, spec: dict) -> Report:
    return upsert(
        Report,
        {"organisation": owner, "title": spec["title"]},
        {
            "source": spec["source"],
            "inspection_type": spec.get("inspection_type", ""),
            "published_on": _date(spec["published_on"]),
            "link": spec.get("link", ""),
            "concerns": spec.get("concerns", "force"),
            "response_required": spec.get("response_required", True),
            "response_on": _date(spec.get("response_on")),
            "response_link": spec.get("response_link", ""),
            "response_public": spec.get("response_public", False),
            "late_explanation": spec.get("late_explanation", ""),
        },
    )


def _item(report: Report, row: dict, reports: dict, commitments: dict, number: int) -> None:
    """One recommendation of a report in set `number` of the demo records, linked to the
    commitments of the same set."""
    revisions = row.get("revisions", [])
    original = _date(row["target"])
    target = _date(revisions[-1]["new_date"]) if revisions else original
    item = upsert(
        Recommendation,
        {"report": report, "ref": numbered(str(row["ref"]), number)},
        {
            "kind": row["kind"],
            "text": row["text"],
            "addressed_to": row.get("addressed_to", ""),
            "owner_role": row["owner"],
            "original_target_date": original,
            "target_date": target,
            "status": row["status"],
            "rag": row.get("rag", Rag.NOT_RATED),
            "rag_reason": row.get("rag_reason", ""),
            "closing_evidence": row.get("closing_evidence", ""),
            "closure_agreed_by": row.get("closure_agreed_by", ""),
            "closed_on": _date(row.get("closed_on")),
            "superseded_by": reports.get(row.get("superseded_by")),
            "visibility": row.get("visibility", Visibility.PUBLIC),
        },
        links={
            "commitments": [
                commitments[ref]
                for ref in (numbered(r, number) for r in row.get("commitments", []))
                if ref in commitments
            ]
        },
    )
    previous = original
    revision_rows = []
    for revision in revisions:
        new = _date(revision["new_date"])
        revision_rows.append(
            (
                {"recommendation_id": item.pk, "dated": _date(revision["dated"])},
                {
                    "previous_date": previous,
                    "new_date": new,
                    "reason": revision["reason"],
                    "agreed_by": revision["agreed_by"],
                },
            )
        )
        previous = new
    upsert_many(
        TargetDateRevision,
        revision_rows,
        existing={(r.recommendation_id, r.dated): r for r in item.revisions.all()},
    )
    upsert_many(
        RecommendationUpdate,
        [
            (
                {"recommendation_id": item.pk, "dated": _date(u["dated"])},
                {
                    "text": u["text"],
                    "evidence": u.get("evidence", ""),
                    "evidence_links": u.get("evidence_links", ""),
                },
            )
            for u in row.get("updates", [])
        ],
        existing={(u.recommendation_id, u.dated): u for u in item.updates.all()},
    )


def _load_for(owner: Organisation, data: dict, numbers: range) -> None:
    commitments: dict[str, Commitment] = {}
    for commitment in Commitment.objects.for_organisation(owner).in_plan_order():
        commitments.setdefault(commitment.ref, commitment)
    upsert_many(
        MonitoringPhase,
        [
            (
                {"organisation_id": owner.pk, "started_on": _date(p["started_on"])},
                {"phase": p["phase"], "notes": p.get("notes", "")},
            )
            for p in data["monitoring"]
        ],
        existing={
            (p.organisation_id, p.started_on): p for p in MonitoringPhase.objects.filter(organisation=owner)
        },
    )
    reports = {spec["title"]: _report(owner, spec) for spec in data["reports"]}
    for spec in data["reports"]:
        report = reports[spec["title"]]
        upsert_many(
            PeelGrade,
            [
                ({"report_id": report.pk, "area": g["area"]}, {"grade": g["grade"]})
                for g in spec.get("grades", [])
            ],
            existing={(g.report_id, g.area): g for g in report.grades.all()},
        )
        for number in numbers:
            for row in spec.get("items", []):
                _item(report, row, reports, commitments, number)


def load_demo(context: DemoContext) -> None:
    data = read_yaml(HERE / "reports.yaml")
    for owner in context.owners:
        _load_for(owner, data, context.sets(owner))
    count = sum(len(spec.get("items", [])) for spec in data["reports"])
    context.say(
        f"Inspections: {len(data['reports'])} reports, {count} recommendations "
        f"for each of {len(context.owners)} organisation(s)"
    )
