"""Reads shared by the pages, the panels, the exports and the dashboard snapshot; each a fixed
number of queries whatever the size of the tracker."""

import calendar
import datetime
from collections import Counter

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import ExtractQuarter, ExtractYear, Length

from assurance.charts import trend_svg
from assurance.models import Rag
from assurance.permissions import can_see_restricted
from delivery_plans.models import Commitment
from inspections.models import (
    GRADE_SCORE,
    RESPONSE_DAYS,
    Grade,
    MonitoringPhase,
    PeelGrade,
    Recommendation,
    RecommendationUpdate,
    Report,
    Source,
    Status,
    quarter_label,
)
from inspections.rows import ITEM_FIELDS, item_rows
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


def quarter_dates(year: int, calendar_quarter: int) -> tuple[datetime.date, datetime.date]:
    """The first and last days of a calendar quarter (each is one financial quarter)."""
    first = datetime.date(year, 3 * calendar_quarter - 2, 1)
    return first, month_bounds(datetime.date(year, 3 * calendar_quarter, 1))[1]


def revised_target() -> Q:
    return ~Q(target_date=F("original_target_date"))


def timeline(organisation, *, user, today: datetime.date) -> dict:
    """The closedown timeline: how many open items are due to close in each quarter, how many
    of those have had their target moved and how many are overdue, counted in one grouped
    query; and the open items whose target has moved, soonest target first, to be cut."""
    still_open = tracked(organisation, user=user).still_open()
    by_quarter = (
        still_open.order_by()
        .values(year=ExtractYear("target_date"), calendar_quarter=ExtractQuarter("target_date"))
        .annotate(
            items=Count("pk"),
            revised=Count("pk", filter=revised_target()),
            overdue=Count("pk", filter=Q(target_date__lt=today)),
        )
        .order_by("year", "calendar_quarter")
    )
    quarters = []
    for row in by_quarter:
        first, last = quarter_dates(row["year"], row["calendar_quarter"])
        quarters.append(
            {
                "label": quarter_label(first),
                "first": first,
                "last": last,
                "items": row["items"],
                "revised": row["revised"],
                "overdue": row["overdue"],
            }
        )
    revised = (
        still_open.filter(revised_target())
        .order_by("target_date", "report__title", Length("ref"), "ref")
        .values(*ITEM_FIELDS)
    )
    return {
        "quarters": quarters,
        "open_total": sum(q["items"] for q in quarters),
        "revised": revised,
        "revised_total": sum(q["revised"] for q in quarters),
        "overdue_total": sum(q["overdue"] for q in quarters),
    }


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def monthly_review(organisation, *, user, month: datetime.date) -> dict:
    """The monthly review of the tracker: how many open items are due in the month, overdue
    before it and awaiting closure evidence (one query of conditional counts), each list in
    target order to be cut, and the reports whose statutory response is due by the month's
    end and not recorded."""
    first, last = month_bounds(month)
    still_open = tracked(organisation, user=user).still_open()
    due_filter = Q(target_date__gte=first, target_date__lte=last)
    overdue_filter = Q(target_date__lt=first)
    awaiting_filter = Q(status=Status.AWAITING_CLOSURE)
    totals = still_open.aggregate(
        due=Count("pk", filter=due_filter),
        overdue=Count("pk", filter=overdue_filter),
        awaiting=Count("pk", filter=awaiting_filter),
    )
    rows = (
        with_latest_update(still_open)
        .order_by("target_date", Length("ref"), "ref")
        .values(*ITEM_FIELDS, "last_updated")
    )
    return {
        "first": first,
        "last": last,
        "due": rows.filter(due_filter),
        "overdue": rows.filter(overdue_filter),
        "awaiting": rows.filter(awaiting_filter),
        "totals": totals,
        "responses": Report.objects.of(organisation).responses_due_by(last).order_by("published_on", "title"),
    }


def late_responses(organisation, today: datetime.date):
    """Reports whose statutory response is past its 56 days with none recorded by today,
    oldest first (the delay explained or not)."""
    outstanding = Report.objects.of(organisation).responses_outstanding(today)
    return outstanding.filter(published_on__lt=today - datetime.timedelta(days=RESPONSE_DAYS)).order_by(
        "published_on", "title"
    )


def report_page(report: Report, *, user, today: datetime.date) -> dict:
    """What the report page shows beyond the report: grades, and its items with their latest
    update date, as the tracker's rows (read as values, made once for the page). Two queries."""
    items = with_latest_update(Recommendation.objects.filter(report=report).visible_to(user)).order_by(
        "kind", "ref"
    )
    rows = item_rows(items.values(*ITEM_FIELDS, "last_updated"), today=today, text_length=110)
    return {"grades": list(report.grades.order_by("area")), "items": rows}


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
