from assurance.registry import Area, register
from delivery_plans.bench import bench_import
from delivery_plans.dashboard import checks, snapshot
from delivery_plans.demo import load_demo


def import_benchmark() -> dict:
    """For `make bench`: the import target of 1,000 commitments in under 10 seconds."""
    seconds = bench_import(1000)
    return {"Import of 1,000 commitments (XLSX)": (f"{seconds:.2f} s", "< 10 s", seconds < 10)}


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
        extra={"benchmarks": [import_benchmark]},
    )
)
