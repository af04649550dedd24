"""Reads shared by the pages, the CSV download and the dashboard snapshot."""

from django.db.models import Prefetch

from assurance.models import Rag
from principles.models import Assessment, EvidenceItem


def previous_year_by_sub_principle(*, owner, year) -> dict[int, Assessment]:
    """Last year's assessments of the same organisation, by sub-principle id (one query)."""
    if owner is None or year is None:
        return {}
    return {
        a.sub_principle_id: a
        for a in Assessment.objects.filter(
            owner=owner, year__start_year=year.start_year - 1, year__quarter__isnull=True
        ).only("pk", "sub_principle_id", "rag", "rag_reason", "direction")
    }


def significant_issues(*, owner, year, include_restricted: bool = True):
    """Every Amber and Red sub-principle of the year, worst first, with its evidence."""
    evidence = EvidenceItem.objects.order_by("order", "pk")
    if not include_restricted:
        evidence = evidence.public()
    return (
        Assessment.objects.with_framework()
        .filter(owner=owner, year=year, rag__in=[Rag.RED, Rag.AMBER])
        .prefetch_related(Prefetch("evidence", queryset=evidence))
        .order_by("-rag", "sub_principle__principle__order", "sub_principle__number")
    )
