from assurance.registry import Area, register
from delivery_plans.dashboard import checks, snapshot
from delivery_plans.demo import load_demo

register(
    Area(
        key="delivery_plans",
        title="Delivery plan",
        order=20,
        nav_url="delivery_plans:plans",
        load_demo=load_demo,
        snapshot=snapshot,
        section_template="delivery_plans/dashboard_section.html",
        appendix_template="delivery_plans/dashboard_appendix.html",
        appendix_title="Delivery plan: commitments and progress",
        checks=checks,
    )
)
