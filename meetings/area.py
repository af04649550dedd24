"""The meetings area's entry in the registry, and the panels it shows on commitment pages."""

from django.db.models import Count
from django.urls import reverse

from assurance.registry import Area, Panel, form_pages, register
from assurance.scope import Scope
from meetings import dashboard, selectors
from meetings.demo import load_demo
from meetings.models import AgendaItem, OversightBody


class MeetingsArea(Area):
    key = "meetings"
    title = "Meetings and actions"
    order = 30
    nav_url = "meetings:list"
    section_template = "meetings/section.html"
    appendix_template = "meetings/appendix.html"
    appendix_title = "Oversight meetings, actions and assurance coverage"
    glossary_template = "meetings/glossary.html"

    snapshot = staticmethod(dashboard.snapshot)
    checks = staticmethod(dashboard.checks)
    load_demo = staticmethod(load_demo)

    def bench_pages(self, scope: Scope) -> list[tuple[str, str]]:
        pages = [
            ("Oversight bodies", reverse("meetings:list") + f"?{scope.query}"),
            ("Action tracker", reverse("meetings:actions") + f"?{scope.query}"),
            ("Action tracker, overdue only", reverse("meetings:actions") + f"?{scope.query}&overdue=yes"),
            ("Assurance coverage", reverse("meetings:coverage") + f"?{scope.query}"),
            ("Assurance coverage, every commitment", reverse("meetings:coverage_list") + f"?{scope.query}"),
        ]
        # The body that has met most: its page lists its meetings, and they grow with the years.
        body = (
            OversightBody.objects.filter(owner=scope.organisation)
            .annotate(meeting_count=Count("meetings"))
            .order_by("-meeting_count", "pk")
            .first()
        )
        item = AgendaItem.objects.filter(meeting__body__owner=scope.organisation).order_by("pk").first()
        pages += form_pages(
            "an oversight body",
            body,
            detail="meetings:detail",
            edit="meetings:update",
            add="meetings:create",
            add_args=lambda _: [],
        )
        if item is not None:
            pages.append(("Page of a meeting", reverse("meetings:meeting_detail", args=[item.meeting_id])))
        return pages + form_pages(
            "an agenda item",
            item,
            edit="meetings:item_update",
            add="meetings:item_create",
            add_args=lambda item: [item.meeting_id],
        )

    def panels(self) -> list[Panel]:
        return [
            Panel(
                on="delivery_plans.commitment",
                title="Overseen by",
                template="meetings/panels/commitment_bodies.html",
                records=selectors.bodies_overseeing,
                order=30,
            ),
            Panel(
                on="delivery_plans.commitment",
                title="Scrutinised at",
                template="meetings/panels/commitment_items.html",
                records=selectors.items_scrutinising,
                order=31,
                limit=selectors.LATEST_ITEMS,
            ),
        ]


register(MeetingsArea())
