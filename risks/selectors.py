"""Reads shared by the pages, the panels, the exports and the dashboard snapshot; each a fixed
number of queries whatever the size of the registers."""

import datetime
from collections.abc import Callable, Mapping

from django.db.models import F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet, Subquery

from assurance.charts import trend_svg
from assurance.permissions import can_see_restricted
from delivery_plans.models import Commitment
from risks.models import Risk, RiskAction, RiskMatrix, RiskRegister, RiskReview


def registers_of(organisation) -> list[RiskRegister]:
    return list(
        RiskRegister.objects.for_organisation(organisation)
        .select_related("owner")
        .order_by("owner__name", "order", "name")
    )


def _newest_review(on_or_before: datetime.date | None = None):
    reviews = RiskReview.objects.filter(risk=OuterRef("pk"))
    if on_or_before is not None:
        reviews = reviews.filter(date__lte=on_or_before)
    return reviews.order_by("-date", "-pk")


def with_latest_review(queryset):
    """Risks with the date and Direction of Travel of their latest review annotated."""
    newest = _newest_review()
    return queryset.annotate(
        last_reviewed=Subquery(newest.values("date")[:1]),
        last_direction=Subquery(newest.values("direction")[:1]),
    )


def with_review_as_at(risks: QuerySet[Risk], on_or_before: datetime.date) -> QuerySet[Risk]:
    """Risks each with `latest_review`, its latest review as at a day, joined to the risk
    rather than read apart. A risk with no review by then has no such attribute."""
    newest = Subquery(_newest_review(on_or_before).values("pk")[:1])
    return (
        risks.annotate(newest_review=newest)
        .annotate(latest_review=FilteredRelation("reviews", condition=Q(reviews__pk=F("newest_review"))))
        .select_related("latest_review")
    )


def register_risks(organisation, *, user=None, include_restricted: bool | None = None):
    """The risks of the registers an organisation keeps or shares, visible to the reader."""
    registers = RiskRegister.objects.for_organisation(organisation).values("pk")
    risks = Risk.objects.filter(register__in=registers)
    restricted = can_see_restricted(user) if include_restricted is None else include_restricted
    return risks if restricted else risks.public()


def heat_map_grid(
    counts: Mapping[tuple[int, int], int],
    *,
    matrix: RiskMatrix,
    url: Callable[[int, int], str] | None = None,
) -> dict:
    """A likelihood × impact grid of counts, JSON-safe: rows from the highest likelihood down,
    each cell with its score, the band's name and RAG, and (for staff pages) a link."""
    size = max([matrix.size, *(max(key) for key in counts)])
    rows = []
    for likelihood in range(size, 0, -1):
        cells = []
        for impact in range(1, size + 1):
            rating = matrix.rate(likelihood, impact)
            cells.append(
                {
                    "likelihood": likelihood,
                    "impact": impact,
                    "score": rating.score,
                    "count": counts.get((likelihood, impact), 0),
                    "level": rating.level,
                    "rag": str(rating.rag),
                    "url": url(likelihood, impact) if url else "",
                }
            )
        rows.append({"likelihood": likelihood, "cells": cells})
    heads = "|".join(["Likelihood", *(f"#Impact {i}" for i in range(1, size + 1))])
    return {"size": size, "rows": rows, "total": sum(counts.values()), "heads": heads}


def grid_counts(queryset, likelihood: str, impact: str) -> dict[tuple[int, int], int]:
    """How many risks of a queryset score each (likelihood, impact): one grouped query."""
    from django.db.models import Count

    rows = queryset.order_by().values_list(likelihood, impact).annotate(n=Count("pk"))
    return {(l_, i): n for l_, i, n in rows}


def _panel_risks(**lookup) -> QuerySet[Risk]:
    return (
        Risk.objects.filter(**lookup).select_related("register").order_by("status", "register__name", "ref")
    )


def risks_bearing_on(commitment: Commitment, *, user) -> QuerySet[Risk]:
    """The risks linked to a commitment, for its page (the Panel narrows them to the user)."""
    return _panel_risks(commitments=commitment)


def risks_overseen_by(body, *, user) -> QuerySet[Risk]:
    """The risks an oversight body oversees, for its page (the Panel narrows them to the user)."""
    return _panel_risks(bodies=body)


def risk_page(risk: Risk) -> dict:
    """What the risk page shows beyond the risk: reviews oldest first (for the score history),
    controls and actions, linked commitments and bodies. Five queries."""
    reviews = list(risk.reviews.order_by("date", "pk"))
    actions = list(risk.actions.order_by("due_date", "pk"))
    commitments = list(risk.commitments.select_related("plan").order_by("plan__title", "ref"))
    bodies = list(risk.bodies.order_by("name"))
    matrix = RiskMatrix.objects.of(risk.register.owner)
    controls = [a for a in actions if a.kind == RiskAction.Kind.CONTROL]
    further = [a for a in actions if a.kind == RiskAction.Kind.ACTION]
    return {
        "reviews": reviews,
        "latest_review": reviews[-1] if reviews else None,
        "score_chart": trend_svg(
            [(f"{r.date:%-d %b %Y}", r.score) for r in reviews],
            target=risk.target_score,
            title=f"Residual score of {risk.ref} at each review",
        ),
        "action_groups": [
            ("Controls", controls, RiskAction.Kind.CONTROL.value),
            ("Further actions", further, RiskAction.Kind.ACTION.value),
        ],
        "commitments": commitments,
        "bodies": bodies,
        "matrix": matrix,
    }


def prefetch_links():
    return [
        Prefetch("commitments", queryset=Commitment.objects.only("id", "ref", "plan_id")),
        "bodies",
    ]
