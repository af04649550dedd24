"""Reads shared by the pages, the panels, the exports and the dashboard snapshot; each a fixed
number of queries whatever the size of the tracker."""

import calendar
import datetime
from collections import Counter

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from assurance.charts import trend_svg
from assurance.models import Rag
from assurance.permissions import can_see_restricted
from delivery_plans.models import Commitment
from inspections.models import (
    GRADE_SCORE,
    Grade,
    MonitoringPhase,
    PeelGrade,
    Recommendation,
    RecommendationUpdate,
    Report,
    ResponseState,
    Source,
    Status,
    TargetDateRevision,
)
from risks.models import Risk


def tracked(organisation, *, user=None, include_restricted: bool | None = None):
    """The recommendations of an office's reports, as the reader may see them."""
    items = Recommendation.objects.of(organisation)
    restricted = can_see_restricted(user) if include_restricted is None else include_restricted
    return items if restricted else items.public()


def _newest_update():
    return RecommendationUpdate.objects.filter(recommendation=OuterRef("pk")).order_by("-dated", "-pk")


def with_latest_update(queryset):
    """Recommendations with the date of their latest update annotated."""
    return queryset.annotate(last_updated=Subquery(_newest_update().values("dated")[:1]))


def counts(queryset) -> dict:
    """How many of a (filtered) queryset have each status and each RAG: two grouped queries."""
    by_status = Counter(dict(queryset.order_by().values_list("status").annotate(n=Count("pk"))))
    by_rag = Counter(dict(queryset.order_by().values_list("rag").annotate(n=Count("pk"))))
    return {
        "status": [{"value": s, "label": label, "count": by_status.get(s, 0)} for s, label in Status.choices],
        "rag": [{"value": r, "label": label, "count": by_rag.get(r, 0)} for r, label in Rag.choices],
        "total": sum(by_status.values()),
    }


def revisions_prefetch():
    return Prefetch("revisions", queryset=TargetDateRevision.objects.order_by("dated", "pk"))


def timeline(organisation, *, user) -> list[dict]:
    """Open items by target date, grouped by the quarter of their target, with their slips
    (two queries)."""
    items = (
        tracked(organisation, user=user)
        .still_open()
        .select_related("report")
        .prefetch_related(revisions_prefetch())
        .order_by("target_date", "report__title", "ref")
    )
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.target_quarter, []).append(item)
    return [{"quarter": quarter, "items": rows} for quarter, rows in groups.items()]


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def monthly_review(organisation, *, user, month: datetime.date) -> dict:
    """The monthly review of the tracker: items due in the month, overdue items, items
    awaiting closure evidence, and statutory responses due by the month's end. Four queries."""
    first, last = month_bounds(month)
    still_open = tracked(organisation, user=user).still_open().select_related("report")
    latest = with_latest_update(still_open)
    due = list(latest.filter(target_date__gte=first, target_date__lte=last).order_by("target_date", "ref"))
    overdue = list(latest.filter(target_date__lt=first).order_by("target_date", "ref"))
    awaiting = list(latest.filter(status=Status.AWAITING_CLOSURE).order_by("target_date", "ref"))
    reports = [
        r
        for r in Report.objects.of(organisation).filter(response_required=True, response_on__isnull=True)
        if r.response_due <= last
    ]
    reports.sort(key=lambda r: r.response_due)
    return {
        "first": first,
        "last": last,
        "due": due,
        "overdue": overdue,
        "awaiting": awaiting,
        "responses": reports,
    }


def late_responses(organisation) -> list[Report]:
    """Reports whose statutory response is past its 56 days with none recorded (one query)."""
    today = timezone.localdate()
    late = (ResponseState.LATE, ResponseState.LATE_EXPLAINED)
    outstanding = Report.objects.of(organisation).responses_outstanding(today).order_by("published_on")
    return [r for r in outstanding if r.response_state_on(today) in late]


def report_page(report: Report, *, user) -> dict:
    """What the report page shows beyond the report: grades, and its items with their latest
    update date. Two queries."""
    items = with_latest_update(Recommendation.objects.filter(report=report).visible_to(user)).order_by(
        "kind", "ref"
    )
    return {"grades": list(report.grades.order_by("area")), "items": list(items)}


def recommendation_page(item: Recommendation) -> dict:
    """Updates and revisions in one timeline, newest first, and the linked records. Four queries."""
    updates = list(item.updates.order_by("dated", "pk"))
    revisions = list(item.revisions.order_by("dated", "pk"))
    events = [{"kind": "update", "date": u.dated, "record": u} for u in updates]
    events += [{"kind": "revision", "date": r.dated, "record": r} for r in revisions]
    events.sort(key=lambda e: (e["date"], e["kind"] == "update"), reverse=True)
    return {
        "events": events,
        "updates": updates,
        "revisions": revisions,
        "commitments": list(item.commitments.select_related("plan").order_by("plan__title", "ref")),
        "risks": list(item.risks.select_related("register").order_by("register__name", "ref")),
    }


def grades_over_time(organisation) -> dict:
    """Each area's PEEL grades, oldest first, with a small chart of each (1 inadequate to
    5 outstanding) and a table; the monitoring phases. Two queries."""
    grades = list(
        PeelGrade.objects.filter(report__organisation=organisation)
        .select_related("report")
        .order_by("report__published_on", "area")
    )
    areas: dict[str, list[PeelGrade]] = {}
    for grade in grades:
        areas.setdefault(grade.area, []).append(grade)
    rows = [
        {
            "area": area,
            "grades": found,
            "chart": trend_svg(
                [(f"{g.report.published_on:%b %Y}", g.score) for g in found],
                title=f"PEEL grades of {area} over time",
            ),
        }
        for area, found in areas.items()
    ]
    return {
        "areas": rows,
        "scale": [(Grade(g).label, n) for g, n in GRADE_SCORE.items()],
        "phases": list(MonitoringPhase.objects.filter(organisation=organisation).order_by("-started_on")),
    }


def _panel_items(**lookup) -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.filter(**lookup)
        .select_related("report")
        .order_by("status", "target_date", "ref")
    )


def recommendations_on_commitment(commitment: Commitment, *, user) -> QuerySet[Recommendation]:
    """The recommendations linked to a commitment, for its page (the Panel narrows them)."""
    return _panel_items(commitments=commitment)


def recommendations_on_risk(risk, *, user) -> QuerySet[Recommendation]:
    """The recommendations linked to a risk, for its page (the Panel narrows them)."""
    return _panel_items(risks=risk)


def public_reports(organisation) -> list[Report]:
    """Reports for the public page, newest first (one query): those HMICFRS published, and
    others (internal audit among them) only once their response is marked public; the page
    shows a response only where it is marked public."""
    return list(
        Report.objects.of(organisation)
        .filter(Q(source=Source.HMICFRS) | Q(response_public=True))
        .order_by("-published_on", "title")
    )


def prefetch_links():
    return [
        Prefetch("commitments", queryset=Commitment.objects.only("id", "ref")),
        Prefetch("risks", queryset=Risk.objects.only("id", "ref", "register_id")),
    ]
