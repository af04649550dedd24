"""The meetings area's entry in the registry."""

from assurance.registry import Area, register
from meetings import dashboard
from meetings.demo import load_demo

register(
    Area(
        key="meetings",
        title="Meetings and actions",
        order=30,
        nav_url="meetings:list",
        load_demo=load_demo,
        snapshot=dashboard.snapshot,
        section_template="meetings/section.html",
        appendix_template="meetings/appendix.html",
        appendix_title="Oversight meetings, actions and assurance coverage",
        checks=dashboard.checks,
    )
)
