"""The delivery plan's entry in the registry."""

from django.urls import reverse

from assurance.registry import Area, Benchmark, form_pages, register
from assurance.scope import Scope
from delivery_plans import dashboard
from delivery_plans.bench import bench_import
from delivery_plans.demo import load_demo


def import_benchmark() -> tuple[str, str, bool]:
    """The import target: 1,000 commitments from an Excel file in under 10 seconds."""
    seconds = bench_import(1000)
    return f"{seconds:.2f} s", "< 10 s", seconds < 10


class DeliveryPlanArea(Area):
    key = "delivery_plans"
    title = "Delivery plan"
    order = 20
    nav_url = "delivery_plans:plans"
    section_template = "delivery_plans/dashboard_section.html"
    appendix_template = "delivery_plans/dashboard_appendix.html"
    appendix_title = "Delivery plan: commitments and progress"
    # 2: plans each with their delivery statuses, counts and percentages by status and by RAG,
    # and commitment details; measures with their baseline, target and withheld figures.
    schema_version = 2

    snapshot = staticmethod(dashboard.snapshot)
    checks = staticmethod(dashboard.checks)
    load_demo = staticmethod(load_demo)

    def templates_for(self, schema_version: int) -> tuple[str, str]:
        if schema_version == 1:
            # Dashboards published before plans had statuses, as they were published.
            return "delivery_plans/dashboard_section_v1.html", "delivery_plans/dashboard_appendix_v1.html"
        return self.section_template, self.appendix_template

    def benchmarks(self) -> list[Benchmark]:
        return [Benchmark("Import of 1,000 commitments (XLSX)", import_benchmark)]

    def bench_pages(self, scope: Scope) -> list[tuple[str, str]]:
        plan = dashboard.plans_of(scope.organisation).filter(owner=scope.organisation).last()
        pages = [
            ("Plans", reverse("delivery_plans:plans") + f"?{scope.query}"),
            ("Commitments", reverse("delivery_plans:list") + f"?{scope.query}"),
            ("Commitments, Red only", reverse("delivery_plans:list") + f"?{scope.query}&rag=red"),
        ]
        if plan is not None:
            pages += [
                ("Plan overview", reverse("delivery_plans:plan", args=[plan.pk]) + f"?{scope.query}"),
                ("Oversight schedule", reverse("delivery_plans:schedule", args=[plan.pk])),
                ("Measures", reverse("delivery_plans:measures", args=[plan.pk])),
            ]
            pages += form_pages(
                "a commitment",
                plan.commitments.order_by("pk").first(),
                detail="delivery_plans:detail",
                edit="delivery_plans:update",
                add="delivery_plans:create",
                add_args=lambda commitment: [commitment.plan_id],
            )
        return pages


register(DeliveryPlanArea())
