"""The inspection tracker's entry in the registry, and the panels it shows on commitment and
risk pages."""

from django.urls import reverse

from assurance.registry import Area, Panel, form_pages, register
from assurance.scope import Scope
from inspections import dashboard, selectors
from inspections.demo import load_demo
from inspections.models import Recommendation


class InspectionsArea(Area):
    key = "inspections"
    title = "Inspections and audit"
    order = 50
    nav_url = "inspections:tracker"
    section_template = "inspections/section.html"
    appendix_template = "inspections/appendix.html"
    appendix_title = "Recommendations of inspections and audits"

    snapshot = staticmethod(dashboard.snapshot)
    checks = staticmethod(dashboard.checks)
    load_demo = staticmethod(load_demo)

    def bench_pages(self, scope: Scope) -> list[tuple[str, str]]:
        query = f"?organisation={scope.organisation.slug}"
        pages = [
            ("Recommendation tracker", reverse("inspections:tracker") + query),
            ("Closedown timeline", reverse("inspections:timeline") + query),
            ("Monthly review", reverse("inspections:monthly_review") + query),
        ]
        item = Recommendation.objects.filter(report__organisation=scope.organisation).order_by("pk").first()
        if item is not None:
            # A report's page lists every one of its items.
            pages.append(
                ("Page of an inspection report", reverse("inspections:report_detail", args=[item.report_id]))
            )
        return pages + form_pages(
            "an inspection item",
            item,
            detail="inspections:detail",
            edit="inspections:update",
            add="inspections:create",
            add_args=lambda item: [item.report_id],
        )

    def panels(self) -> list[Panel]:
        return [
            Panel(
                on=on,
                title="Inspection and audit recommendations",
                template="inspections/panels/recommendations.html",
                records=records,
                order=50,
            )
            for on, records in (
                ("delivery_plans.commitment", selectors.recommendations_on_commitment),
                ("risks.risk", selectors.recommendations_on_risk),
            )
        ]


register(InspectionsArea())
