"""The risk registers' entry in the registry, and the panels they show on commitment and
oversight body pages."""

from django.urls import reverse

from assurance.registry import Area, Panel, form_pages, register
from assurance.scope import Scope
from risks import dashboard, selectors
from risks.demo import load_demo
from risks.models import Risk


class RisksArea(Area):
    key = "risks"
    title = "Strategic risks"
    order = 40
    nav_url = "risks:list"
    section_template = "risks/section.html"
    appendix_template = "risks/appendix.html"
    appendix_title = "Strategic risk registers"

    snapshot = staticmethod(dashboard.snapshot)
    checks = staticmethod(dashboard.checks)
    load_demo = staticmethod(load_demo)

    def bench_pages(self, scope: Scope) -> list[tuple[str, str]]:
        pages = [
            ("Risk registers", reverse("risks:registers") + f"?{scope.query}"),
            ("Risks", reverse("risks:list") + f"?{scope.query}"),
            ("Risk heat map", reverse("risks:heat_map") + f"?{scope.query}"),
        ]
        risk = Risk.objects.filter(register__owner=scope.organisation).order_by("pk").first()
        return pages + form_pages(
            "a risk",
            risk,
            detail="risks:detail",
            edit="risks:update",
            add="risks:create",
            add_args=lambda risk: [risk.register_id],
        )

    def panels(self) -> list[Panel]:
        return [
            Panel(on=on, title=title, template="risks/panels/risks.html", records=records, order=40)
            for on, title, records in (
                ("delivery_plans.commitment", "Risks", selectors.risks_bearing_on),
                ("meetings.oversightbody", "Risks overseen", selectors.risks_overseen_by),
            )
        ]


register(RisksArea())
