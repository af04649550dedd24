"""The principles area's entry in the registry: navigation, demo data, the dashboard section,
the panel paper appendix and the checks before publishing."""

from django.db.models import Prefetch
from django.urls import reverse

from assurance.models import Direction, Rag, ReportingPeriod
from assurance.registry import Area, Finding, Scope, register
from principles.demo import load_demo
from principles.models import Assessment, EvidenceItem, Framework, SubPrinciple


def _year_assessments(scope: Scope, *, include_restricted: bool) -> list[Assessment]:
    evidence = EvidenceItem.objects.order_by("order", "pk")
    if not include_restricted:
        evidence = evidence.public()
    return list(
        Assessment.objects.filter(
            owner=scope.organisation, year__start_year=scope.period.start_year, year__quarter__isnull=True
        )
        .select_related("sub_principle__principle__framework")
        .prefetch_related(Prefetch("evidence", queryset=evidence))
    )


def _frameworks_for(assessments: list[Assessment]) -> list[int]:
    """The frameworks assessed that year; before any assessment, the latest one loaded."""
    ids = sorted({a.sub_principle.principle.framework_id for a in assessments})
    if not ids:
        latest = Framework.objects.order_by("-created_at").values_list("pk", flat=True).first()
        ids = [latest] if latest else []
    return ids


def _sub_principles(framework_ids: list[int]) -> list[SubPrinciple]:
    return list(
        SubPrinciple.objects.filter(principle__framework_id__in=framework_ids)
        .select_related("principle__framework")
        .order_by("principle__framework_id", "principle__order", "number")
    )


def snapshot(scope: Scope) -> dict:
    """The year's principles grid and appendix for one OPCC, JSON-safe, in 3 or 4 queries."""
    assessments = _year_assessments(scope, include_restricted=scope.include_restricted)
    by_sub = {a.sub_principle_id: a for a in assessments}
    principles: list[dict] = []
    items = []
    frameworks: dict[str, dict] = {}
    for sub in _sub_principles(_frameworks_for(assessments)):
        principle, framework = sub.principle, sub.principle.framework
        frameworks.setdefault(
            framework.slug, {"slug": framework.slug, "name": framework.name, "edition": framework.edition}
        )
        if not principles or principles[-1]["id"] != principle.pk:
            principles.append(
                {
                    "id": principle.pk,
                    "framework": framework.slug,
                    "letter": principle.letter,
                    "title": principle.title,
                    "sub_principles": [],
                }
            )
        a = by_sub.get(sub.pk)
        rag = a.rag if a else Rag.NOT_RATED
        row = {
            "ref": sub.ref,
            "title": sub.title,
            "expected_behaviours": list(sub.expected_behaviours),
            "assessed": a is not None,
            "url": a.get_absolute_url() if a else "",
            "rag": str(rag),
            "rag_label": Rag(rag).label,
            "rag_reason": a.rag_reason if a else "",
            "direction": a.direction if a else "",
            "direction_label": Direction(a.direction).label if a else "",
            "direction_override_reason": a.direction_override_reason if a else "",
            "evidence": [
                {"text": item.text, "link": item.link, "owner": item.owner} for item in a.evidence.all()
            ]
            if a
            else [],
        }
        principles[-1]["sub_principles"].append(row)
        items.append(
            {
                "key": f"subprinciple:{framework.slug}:{sub.ref}",
                "label": f"{sub.ref} {sub.title}",
                "rag": str(rag),
                "status": "",
            }
        )
    counts = {str(r): sum(1 for item in items if item["rag"] == r) for r in Rag.values}
    return {
        "year": ReportingPeriod(start_year=scope.period.start_year).year_label,
        "frameworks": list(frameworks.values()),
        "principles": principles,
        "counts": counts,
        "items": items,
        # What the publication holds, so that restricting or deleting it later can be flagged.
        "records": [a.record_ref for a in assessments]
        + [item.record_ref for a in assessments for item in a.evidence.all()],
    }


def checks(scope: Scope) -> list[Finding]:
    """Before publishing: reasons for Amber and Red, web links only, every sub-principle rated."""
    assessments = _year_assessments(scope, include_restricted=True)
    by_sub = {a.sub_principle_id: a for a in assessments}
    year = ReportingPeriod(start_year=scope.period.start_year).year_label
    findings = []
    for sub in _sub_principles(_frameworks_for(assessments)):
        a = by_sub.get(sub.pk)
        if a is None or a.rag == Rag.NOT_RATED:
            findings.append(
                Finding(
                    "warning",
                    f"Principles: {sub.ref} {sub.title} is not rated for {year}.",
                    a.get_absolute_url() if a else "",
                )
            )
            continue
        if Rag.needs_reason(a.rag) and not a.rag_reason.strip():
            findings.append(
                Finding(
                    "error",
                    f"Principles: {sub.ref} {sub.title} is rated {a.get_rag_display()} without a reason.",
                    a.get_absolute_url(),
                )
            )
        for item in a.evidence.all():
            if item.link and not item.link.startswith(("http://", "https://")):
                findings.append(
                    Finding(
                        "error",
                        f"Principles: evidence ‘{item}’ of {sub.ref} does not link to a web page.",
                        item.get_absolute_url(),
                    )
                )
    return findings


class PrinciplesArea(Area):
    key = "principles"
    title = "Governance principles"
    order = 10
    nav_url = "principles:list"
    section_template = "principles/section.html"
    appendix_template = "principles/appendix.html"
    appendix_title = "Governance dashboard: applying the seven principles of good governance"

    snapshot = staticmethod(snapshot)
    checks = staticmethod(checks)
    load_demo = staticmethod(load_demo)

    def bench_pages(self, scope: Scope) -> list[tuple[str, str]]:
        year = f"?organisation={scope.organisation.slug}&period={ReportingPeriod(start_year=scope.year).slug}"
        return [
            ("Principles grid", reverse("principles:list") + year),
            ("Significant governance issues", reverse("principles:issues") + year),
        ]


register(PrinciplesArea())
