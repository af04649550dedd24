"""Demo data of the risk registers: the joint PCC strategic risk register (1–8) and the
force's alliance level strategic risks (A–H) of the draft assurance framework, reviewed in
each quarter of 2016/17, for each OPCC in context.owners (the risks once for each of its sets
of records, DemoContext.sets). Runs after the delivery plan and meetings loaders, so risks
link to the demo commitments by ref and to bodies by name.
Idempotent: matched on natural keys, with ratings derived as the services derive them."""

import datetime
from pathlib import Path

from assurance.demo import DemoContext, numbered, read_yaml, upsert, upsert_many
from assurance.models import Direction, Organisation, Visibility
from delivery_plans.models import Commitment
from meetings.models import OversightBody
from risks.models import (
    DEFAULT_BANDS,
    Risk,
    RiskAction,
    RiskCategory,
    RiskMatrix,
    RiskRegister,
    RiskReview,
    ScoreBand,
)

HERE = Path(__file__).parent
QUARTERS = ("q1", "q2", "q3", "q4")


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _matrix(owner: Organisation) -> RiskMatrix:
    matrix = upsert(RiskMatrix, {"organisation": owner}, {"size": 5})
    existing = {(b.matrix_id, b.lowest_score): b for b in ScoreBand.objects.filter(matrix=matrix)}
    upsert_many(
        ScoreBand,
        [
            ({"matrix_id": matrix.pk, "lowest_score": b.lowest_score}, {"name": b.name, "rag": b.rag})
            for b in DEFAULT_BANDS[5]
        ],
        existing=existing,
    )
    return RiskMatrix.objects.of(owner)


def _commentary(previous, rating, row: dict, reviewer: str) -> str:
    """A reviewer's note as registers word them, from the scores and the first further action."""
    action = (row.get("actions") or [{}])[0].get("description", "")
    if previous is None:
        opening = f"Scored {rating.score} ({rating.level}) at its first review by the {reviewer}."
    elif rating.score < previous.score:
        opening = (
            f"Score reduced from {previous.score} to {rating.score} ({rating.level}) "
            "as the controls take effect."
        )
    elif rating.score > previous.score:
        opening = (
            f"Score raised from {previous.score} to {rating.score} ({rating.level}): the exposure has grown."
        )
    else:
        opening = f"Score unchanged at {rating.score} ({rating.level}); controls in place and working."
    return f"{opening} Further action: {action[0].lower() + action[1:]}." if action else opening


def _risk(register, row, spec, context, number: int) -> None:
    """One risk of a register in set `number` of the demo records, linked to the
    commitments of the same set."""
    matrix, categories, commitments, bodies, dates = context
    reviews = []
    previous = None
    for quarter in QUARTERS:
        likelihood, impact = row["reviews"][quarter]
        day = _date(dates[quarter])
        rating = matrix.rate(likelihood, impact)
        reviews.append(
            {
                "date": day,
                "likelihood": likelihood,
                "impact": impact,
                "rag": rating.rag,
                "level": rating.level,
                "direction": Direction.between(previous.rag if previous else None, rating.rag),
                "reviewer": spec["reviewer"],
                "commentary": _commentary(previous, rating, row, spec["reviewer"]),
                "next_review_date": matrix.next_review(rating.rag, day),
            }
        )
        previous = rating
    latest = reviews[-1]
    risk = upsert(
        Risk,
        {"register": register, "ref": numbered(str(row["ref"]), number)},
        {
            "title": row["title"],
            "description": row.get("description", ""),
            "cause": row.get("cause", ""),
            "consequence": row.get("consequence", ""),
            "owner_role": row["owner"],
            "category": categories.get(row.get("category")),
            "raised_on": _date(spec["raised_on"]),
            "inherent_likelihood": row["inherent"][0],
            "inherent_impact": row["inherent"][1],
            "residual_likelihood": latest["likelihood"],
            "residual_impact": latest["impact"],
            "target_score": row.get("target"),
            "target_date": _date(row["target_date"]) if row.get("target_date") else None,
            "visibility": row.get("visibility", Visibility.PUBLIC),
            "rag": latest["rag"],
            "level": latest["level"],
            "next_review_due": latest["next_review_date"],
        },
        links={
            "commitments": [
                commitments[ref]
                for ref in (numbered(r, number) for r in row.get("commitments", []))
                if ref in commitments
            ],
            "bodies": [bodies[name] for name in row.get("bodies", []) if name in bodies],
        },
    )
    upsert_many(
        RiskReview,
        [
            ({"risk_id": risk.pk, "date": r["date"]}, {k: v for k, v in r.items() if k != "date"})
            for r in reviews
        ],
        existing={(r.risk_id, r.date): r for r in risk.reviews.all()},
    )
    actions = [(RiskAction.Kind.CONTROL, a) for a in row.get("controls", [])]
    actions += [(RiskAction.Kind.ACTION, a) for a in row.get("actions", [])]
    upsert_many(
        RiskAction,
        [
            (
                {"risk_id": risk.pk, "description": a["description"]},
                {
                    "kind": kind,
                    "owner_role": a["owner"],
                    "due_date": _date(a["due"]),
                    "done_on": _date(a["done"]) if a.get("done") else None,
                },
            )
            for kind, a in actions
        ],
        existing={(a.risk_id, a.description): a for a in risk.actions.all()},
    )


def _load_for(owner: Organisation, data: dict, numbers: range) -> None:
    matrix = _matrix(owner)
    saved = upsert_many(
        RiskCategory,
        [
            ({"organisation_id": owner.pk, "name": name}, {"order": n})
            for n, name in enumerate(data["categories"])
        ],
        existing={(c.organisation_id, c.name): c for c in RiskCategory.objects.filter(organisation=owner)},
    )
    categories = {c.name: c for c in saved}
    commitments: dict[str, Commitment] = {}
    for commitment in Commitment.objects.for_organisation(owner).in_plan_order():
        commitments.setdefault(commitment.ref, commitment)
    bodies = {b.name: b for b in OversightBody.objects.for_organisation(owner)}
    allies = list(owner.allies.all())
    for order, spec in enumerate(data["registers"], start=1):
        register = upsert(
            RiskRegister,
            {"owner": owner, "name": spec["name"]},
            {"order": order},
            links={"organisations": allies if spec.get("shared_with_allies") else []},
        )
        for number in numbers:
            for row in spec["risks"]:
                _risk(
                    register,
                    row,
                    spec,
                    (matrix, categories, commitments, bodies, data["review_dates"]),
                    number,
                )


def load_demo(context: DemoContext) -> None:
    data = read_yaml(HERE / "registers.yaml")
    for owner in context.owners:
        _load_for(owner, data, context.sets(owner))
    count = sum(len(spec["risks"]) for spec in data["registers"])
    context.say(
        f"Risks: {len(data['registers'])} registers, {count} risks "
        f"for each of {len(context.owners)} organisation(s)"
    )
