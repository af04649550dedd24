"""The risk registers' entry in the registry, and the panels they show on commitment and
oversight body pages."""

from assurance.registry import Area, Panel, register
from risks import dashboard, selectors
from risks.demo import load_demo


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

    def panels(self) -> list[Panel]:
        return [
            Panel(
                on="delivery_plans.commitment",
                title="Risks",
                template="risks/panels/risks.html",
                records=selectors.risks_bearing_on,
                order=40,
            ),
            Panel(
                on="meetings.oversightbody",
                title="Risks overseen",
                template="risks/panels/risks.html",
                records=selectors.risks_overseen_by,
                order=40,
            ),
        ]


register(RisksArea())
