"""The risk registers' part of the governance dashboard: a JSON-safe snapshot of one OPCC's
quarter as at its end (each risk as its latest review by then left it), and the checks
before publishing. Restricted risks are left out unless the scope includes them."""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from functools import cache, partial

from django.urls import reverse
from django.utils.http import urlencode

from assurance.models import RAG_SEVERITY, Rag, Visibility, status_on
from assurance.registry import Finding, Scope
from assurance.rows import linked, url_of_each, values_by
from assurance.text import cut_at_word
from risks import selectors
from risks.models import Rating, Risk, RiskAction, RiskMatrix, RiskReview, RiskStatus, rate_with

# How many risks the dashboard section lists: the appendix has every one.
HIGHEST = 5


def _action(action: dict, day: datetime.date) -> dict:
    done = action["done_on"] is not None and action["done_on"] <= day
    return {
        "description": action["description"],
        "owner": action["owner_role"],
        "due_date": action["due_date"].isoformat(),
        "done": done,
        "overdue": not done and action["due_date"] < day,
    }


# A risk's fields as the snapshot reads them, with its register's, category's and latest
# review's: plain values (four model instances a risk would be most of the snapshot's time).
RISK_VALUES = (
    "pk",
    "register_id",
    "register__name",
    "register__owner_id",
    "ref",
    "title",
    "visibility",
    "owner_role",
    "category__name",
    "status",
    "closed_on",
    "closing_note",
    "inherent_likelihood",
    "inherent_impact",
    "residual_likelihood",
    "residual_impact",
    "target_score",
    "target_date",
    "next_review_due",
    *(
        f"latest_review__{name}"
        for name in (
            "pk",
            "date",
            "likelihood",
            "impact",
            "direction",
            "reviewer",
            "commentary",
            "next_review_date",
        )
    ),
)


def _row(
    risk: dict,
    rate: Callable[[int, int], Rating],
    day: datetime.date,
    *,
    actions: list[dict],
    commitments: list[str],
    url: str,
) -> dict:
    """A risk as at `day`, as its latest review by then left it, with its actions, commitments'
    refs and URL (read for every risk at once)."""
    reviewed = risk["latest_review__pk"] is not None
    likelihood, impact = (
        (risk["latest_review__likelihood"], risk["latest_review__impact"])
        if reviewed
        else (risk["residual_likelihood"], risk["residual_impact"])
    )
    rating = rate(likelihood, impact)
    status = status_on(
        day,
        status=risk["status"],
        closed_on=risk["closed_on"],
        closed=RiskStatus.CLOSED,
        until_closed=RiskStatus.OPEN,
    )
    next_review = risk["latest_review__next_review_date"] if reviewed else risk["next_review_due"]
    controls, further = [], []
    for action in actions:
        (controls if action["kind"] == RiskAction.Kind.CONTROL else further).append(_action(action, day))
    return {
        "id": risk["pk"],
        "register_id": risk["register_id"],
        "register": risk["register__name"],
        "ref": risk["ref"],
        "title": risk["title"],
        "restricted": risk["visibility"] == Visibility.RESTRICTED,
        "owner": risk["owner_role"],
        "category": risk["category__name"] or "",
        "status": str(status),
        "status_label": RiskStatus(status).label,
        "closing_note": risk["closing_note"] if status == RiskStatus.CLOSED else "",
        "inherent": {
            "likelihood": risk["inherent_likelihood"],
            "impact": risk["inherent_impact"],
            "score": risk["inherent_likelihood"] * risk["inherent_impact"],
        },
        "residual": {"likelihood": likelihood, "impact": impact, "score": rating.score},
        "rag": str(rating.rag),
        "level": rating.level,
        "target_score": risk["target_score"],
        "target_date": risk["target_date"].isoformat() if risk["target_date"] else "",
        "direction": risk["latest_review__direction"] if reviewed else "",
        "controls": controls,
        "actions": further,
        "review": {
            "date": risk["latest_review__date"].isoformat(),
            "reviewer": risk["latest_review__reviewer"],
            "commentary": risk["latest_review__commentary"],
            "next": risk["latest_review__next_review_date"].isoformat(),
        }
        if reviewed
        else None,
        "next_review": next_review.isoformat() if next_review else "",
        "overdue": status != RiskStatus.CLOSED and next_review is not None and next_review < day,
        "commitments": commitments,
        "url": url,
    }


def snapshot(scope: Scope) -> dict:
    """The registers in scope as at the quarter's end: a heat map of residual scores, the
    highest risks with their latest review, and every risk for the appendix. Six queries."""
    organisation, period = scope.organisation, scope.period
    day = scope.status_date
    registers = selectors.registers_of(organisation)
    risks = Risk.objects.filter(register__in=[r.pk for r in registers], raised_on__lte=day).exclude(
        closed_on__lt=period.start_date
    )
    if not scope.include_restricted:
        risks = risks.public()
    read = risks
    risks = list(selectors.with_review_as_at(read, day).in_register_order().values(*RISK_VALUES))
    owners = {r.owner_id: r.owner for r in registers} | {organisation.pk: organisation}
    matrices = RiskMatrix.objects.of_many(list(owners.values()))
    # Each matrix's bands made once, and each score's rating once, not once a risk.
    bands_of = {owner_id: m.band_list for owner_id, m in matrices.items()}
    rate_of = {owner_id: cache(partial(rate_with, bands)) for owner_id, bands in bands_of.items()}
    # Their links and actions asked of the same risks in the database, not of a list of ids.
    refs_of = linked(Risk.commitments, read.values("pk"), "ref", order_by=["ref"])
    actions_of = values_by(
        RiskAction.objects.filter(risk__in=read.values("pk"))
        .order_by("kind", "due_date", "pk")
        .values("risk_id", "kind", "description", "owner_role", "due_date", "done_on"),
        "risk_id",
    )
    url_of = url_of_each("risks:detail")
    rows = [
        _row(
            r,
            rate_of[r["register__owner_id"]],
            day,
            actions=actions_of[r["pk"]],
            commitments=refs_of[r["pk"]],
            url=url_of(r["pk"]),
        )
        for r in risks
    ]
    current = [r for r in rows if r["status"] != RiskStatus.CLOSED]

    counts = Counter((r["residual"]["likelihood"], r["residual"]["impact"]) for r in current)
    matrix = matrices[organisation.pk]
    highest = sorted(
        current, key=lambda r: (-r["residual"]["score"], RAG_SEVERITY[Rag(r["rag"])], r["register"])
    )
    by_register: dict[int, list[dict]] = {reg.pk: [] for reg in registers}
    for row in rows:
        by_register[row["register_id"]].append(row)
    totals = Counter(r["rag"] for r in current)
    return {
        "period": period.label,
        "as_at": day.isoformat(),
        "matrix": {"size": matrix.size, "bands": [asdict(b) | {"rag": str(b.rag)} for b in matrix.band_list]},
        "heat_map": selectors.heat_map_grid(counts, matrix=matrix),
        "totals": [{"rag": str(rag), "count": totals.get(rag, 0)} for rag in (Rag.RED, Rag.AMBER, Rag.GREEN)],
        "current": len(current),
        "overdue": sum(r["overdue"] for r in current),
        "highest": highest[:HIGHEST],
        "registers": [
            {"name": reg.name, "owner": reg.owner.short_name, "risks": by_register[reg.pk]}
            for reg in registers
        ],
        "items": [
            {
                "key": f"risk:{r['id']}",
                "label": cut_at_word(f"{r['register']} {r['ref']}: {r['title']}", 120),
                "rag": r["rag"],
                "status": r["status"],
                "restricted": r["restricted"],
            }
            for r in rows
        ],
        # What the publication holds, so that restricting or deleting it later can be flagged.
        "records": Risk.record_refs_of(risk["pk"] for risk in risks)
        + RiskReview.record_refs_of(risk["latest_review__pk"] for risk in risks),
    }


def _list_url(scope: Scope, **filters) -> str:
    return reverse("risks:list") + "?" + urlencode({"organisation": scope.organisation.slug, **filters})


def _refs(rows: list[dict]) -> str:
    return ", ".join(f"{r['register']} {r['ref']}" for r in rows)


def checks(scope: Scope) -> list[Finding]:
    """Before publishing: a Red risk with no further action still to do (an error); overdue
    reviews, open risks with no owner and risks not reviewed in the quarter (warnings)."""
    data = snapshot(scope=scope)
    period = scope.period
    rows = [r for reg in data["registers"] for r in reg["risks"] if r["status"] != RiskStatus.CLOSED]
    findings = []
    for row in rows:
        if row["rag"] == Rag.RED and not any(not a["done"] for a in row["actions"]):
            findings.append(
                Finding(
                    "error",
                    f"Risk {row['register']} {row['ref']} is rated Red but has no further action "
                    "still to do: record the action that will bring it down",
                    reverse("risks:action_create", args=[row["id"]]) + "?kind=action",
                )
            )
    overdue = [r for r in rows if r["overdue"]]
    if overdue:
        findings.append(
            Finding(
                "warning",
                f"{len(overdue)} risk review{'s are' if len(overdue) != 1 else ' is'} overdue at "
                f"{datetime.date.fromisoformat(data['as_at']):%-d %B %Y}: {_refs(overdue)}",
                _list_url(scope, overdue="yes"),
            )
        )
    ownerless = [r for r in rows if not r["owner"].strip()]
    if ownerless:
        findings.append(
            Finding(
                "warning",
                f"{len(ownerless)} open risk(s) have no owner: {_refs(ownerless)}",
                _list_url(scope, status="current"),
            )
        )
    start = period.start_date.isoformat()
    unreviewed = [r for r in rows if r["review"] is None or r["review"]["date"] < start]
    if unreviewed:
        findings.append(
            Finding(
                "warning",
                f"{len(unreviewed)} open risk(s) have no review in {period}: {_refs(unreviewed)}",
                _list_url(scope, status="current"),
            )
        )
    return findings
