"""The tracker's part of the governance dashboard: a JSON-safe snapshot of one office's
quarter as at its end (each item with the target date and latest update it had by then), and
the checks before publishing. Restricted items are left out unless the scope includes them."""

import datetime
from collections import Counter

from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.http import urlencode

from assurance.models import Rag, Visibility, status_on
from assurance.registry import Finding, Scope
from assurance.rows import url_of_each, values_by
from assurance.text import cut_at_word
from inspections.models import (
    OPEN_STATUSES,
    Kind,
    Recommendation,
    RecommendationUpdate,
    Report,
    ResponseState,
    Status,
    TargetDateRevision,
)

# Response states the dashboard flags: missing after 56 days, or made after them.
FLAGGED_RESPONSES = (ResponseState.LATE, ResponseState.LATE_EXPLAINED, ResponseState.MADE_LATE)


def _target_at(item: dict, revisions: list[dict], day: datetime.date) -> tuple[datetime.date, list[dict]]:
    """The target date as at the day (the latest revision agreed by then) and those revisions."""
    agreed = [r for r in revisions if r["dated"] <= day]
    target = agreed[-1]["new_date"] if agreed else item["original_target_date"]
    return target, [
        {
            "dated": r["dated"].isoformat(),
            "from": r["previous_date"].isoformat(),
            "to": r["new_date"].isoformat(),
            "reason": r["reason"],
        }
        for r in agreed
    ]


# An item's fields as the snapshot reads them, with its latest update's: plain values (a model
# instance each, and its update's, would be most of the snapshot's time for a long tracker).
RECOMMENDATION_VALUES = (
    "pk",
    "report_id",
    "ref",
    "kind",
    "text",
    "visibility",
    "owner_role",
    "addressed_to",
    "status",
    "rag",
    "rag_reason",
    "original_target_date",
    "closed_on",
    "closing_evidence",
    "latest_update__pk",
    "latest_update__dated",
    "latest_update__text",
    "latest_update__evidence",
)
KIND_LABELS = dict(Kind.choices)


def _row(item: dict, revisions: list[dict], day: datetime.date, url: str) -> dict:
    status = status_on(
        day,
        status=item["status"],
        closed_on=item["closed_on"],
        closed=Status.CLOSED,
        until_closed=Status.IN_PROGRESS,
    )
    target, revisions = _target_at(item, revisions, day)
    still_open = status in OPEN_STATUSES
    closed = status == Status.CLOSED
    return {
        "id": item["pk"],
        "report_id": item["report_id"],
        "ref": item["ref"],
        "kind": item["kind"],
        "kind_label": KIND_LABELS.get(item["kind"], item["kind"]),
        "text": item["text"],
        "restricted": item["visibility"] == Visibility.RESTRICTED,
        "owner": item["owner_role"],
        "addressed_to": item["addressed_to"],
        "status": str(status),
        "status_label": Status(status).label,
        "rag": item["rag"],
        "rag_reason": item["rag_reason"],
        "original_target": item["original_target_date"].isoformat(),
        "target": target.isoformat(),
        "revisions": revisions,
        "overdue": still_open and target < day,
        "closed_on": item["closed_on"].isoformat() if closed and item["closed_on"] else "",
        "closing_evidence": item["closing_evidence"] if closed else "",
        "update": {
            "dated": item["latest_update__dated"].isoformat(),
            "text": item["latest_update__text"],
            "evidence": item["latest_update__evidence"],
        }
        if item["latest_update__pk"] is not None
        else None,
        "url": url,
    }


def _response(report: Report, day: datetime.date, include_restricted: bool) -> dict:
    state = report.response_state_on(day)
    # The PCC's response, its date and any explanation of its lateness are published on the
    # PCC's terms: a publication carries them only once the response is marked public.
    shown = include_restricted or report.response_public
    return {
        "id": report.pk,
        "title": report.title,
        "published_on": report.published_on.isoformat(),
        "due": report.response_due.isoformat(),
        "response_on": report.response_on.isoformat()
        if shown and report.response_on and report.response_on <= day
        else "",
        "response_withheld": not shown,
        "state": str(state),
        "state_label": ResponseState(state).label,
        "explanation": report.late_explanation if shown and state == ResponseState.LATE_EXPLAINED else "",
        "url": reverse("inspections:response", args=[report.pk]),
    }


def snapshot(scope: Scope) -> dict:
    """The tracker as at the quarter's end: counts by status and RAG, overdue items, the
    statutory responses flagged, and every item grouped by report for the appendix. Three queries."""
    organisation, period = scope.organisation, scope.period
    day = scope.status_date
    reports = list(
        Report.objects.of(organisation).filter(published_on__lte=day).order_by("-published_on", "title")
    )
    items = Recommendation.objects.filter(report__in=[r.pk for r in reports]).exclude(
        closed_on__lt=period.start_date
    )
    if not scope.include_restricted:
        items = items.public()
    # Only the latest update by the day is shown: it is joined to its item, not read apart.
    newest = RecommendationUpdate.objects.filter(recommendation=OuterRef("pk"), dated__lte=day).order_by(
        "-dated", "-pk"
    )
    read = items
    items = list(
        read.annotate(newest_update=Subquery(newest.values("pk")[:1]))
        .annotate(latest_update=FilteredRelation("updates", condition=Q(updates__pk=F("newest_update"))))
        .in_tracker_order()
        .values(*RECOMMENDATION_VALUES)
    )
    # The items' target date revisions as plain values, asked of the same items in the database.
    revisions_of = values_by(
        TargetDateRevision.objects.filter(recommendation__in=read.values("pk"))
        .order_by("dated", "pk")
        .values("recommendation_id", "dated", "previous_date", "new_date", "reason"),
        "recommendation_id",
    )
    url_of = url_of_each("inspections:detail")
    rows = [_row(item, revisions_of[item["pk"]], day, url_of(item["pk"])) for item in items]
    by_report: dict[int, list[dict]] = {r.pk: [] for r in reports}
    for row in rows:
        by_report[row["report_id"]].append(row)
    still_open = [r for r in rows if r["status"] in OPEN_STATUSES]
    statuses = Counter(r["status"] for r in rows)
    rags = Counter(r["rag"] for r in still_open)
    responses = [_response(r, day, scope.include_restricted) for r in reports if r.response_required]
    return {
        "period": period.label,
        "as_at": day.isoformat(),
        "by_status": [
            {"status": s, "label": label, "count": statuses.get(s, 0)} for s, label in Status.choices
        ],
        "by_rag": [{"rag": r, "count": rags.get(r, 0)} for r in Rag.values],
        "open": len(still_open),
        "overdue": [r for r in still_open if r["overdue"]],
        "responses_flagged": [r for r in responses if r["state"] in FLAGGED_RESPONSES],
        "responses_due": [r for r in responses if r["state"] == ResponseState.NOT_YET_DUE],
        "reports": [
            {
                "id": report.pk,
                "title": report.title,
                "source": report.get_source_display(),
                "published_on": report.published_on.isoformat(),
                "items": by_report[report.pk],
            }
            for report in reports
            if by_report[report.pk]
        ],
        "items": [
            {
                "key": f"recommendation:{r['id']}",
                "label": cut_at_word(f"{r['ref']}: {r['text']}", 120),
                "rag": r["rag"],
                "status": r["status"],
                "restricted": r["restricted"],
            }
            for r in rows
        ],
        # What the publication holds, so that restricting or deleting it later can be flagged.
        "records": Recommendation.record_refs_of(item["pk"] for item in items),
    }


def checks(scope: Scope) -> list[Finding]:
    """Before publishing: a statutory response past its 56 days by the quarter's end with none
    recorded yet and no explanation (an error); overdue items with no update in the quarter (a warning)."""
    data = snapshot(scope)
    findings = []
    # A response recorded since the quarter's end lifts the block: the section still says it was
    # late at the quarter's end, which is what publishing the quarter needs to be true.
    responded = set(
        Report.objects.of(scope.organisation)
        .filter(response_required=True, response_on__gt=scope.status_date)
        .values_list("pk", flat=True)
    )
    for response in data["responses_flagged"]:
        if response["state"] == ResponseState.LATE and response["id"] not in responded:
            findings.append(
                Finding(
                    "error",
                    f"The PCC's response to ‘{response['title']}’ was due on "
                    f"{datetime.date.fromisoformat(response['due']):%-d %B %Y}, 56 days after publication: "
                    "record the response, or explain why it is late",
                    response["url"],
                )
            )
    start = scope.period.start_date.isoformat()
    stale = [r for r in data["overdue"] if r["update"] is None or r["update"]["dated"] < start]
    if stale:
        refs = ", ".join(r["ref"] for r in stale)
        findings.append(
            Finding(
                "warning",
                f"{len(stale)} overdue recommendation{'s have' if len(stale) != 1 else ' has'} no update in "
                f"{scope.period}: {refs}",
                reverse("inspections:tracker")
                + "?"
                + urlencode({"organisation": scope.organisation.slug, "overdue": "yes"}),
            )
        )
    return findings
