"""The import benchmark that `make bench` runs: 1,000 commitments from an XLSX file."""

import time

from django.db import transaction

from assurance.tables import write_table
from delivery_plans import tables


class _Rollback(Exception):
    pass


def bench_import(n: int = 1000) -> float:
    """Seconds to check and import n commitments (with areas and cross-references) from XLSX.

    Runs in a transaction that is rolled back, so the database is left as it was.
    """
    from assurance.models import Organisation
    from delivery_plans import services
    from delivery_plans.models import Objective, Plan

    rows = [
        ["ref", "objective", "kind", "text", "supporting_activity", "areas", "related", "oversight_mechanism"]
    ]
    for i in range(1, n + 1):
        objective = i % 4 + 1
        rows.append(
            [
                f"{objective}.{i}",
                str(objective),
                "pcc" if i % 5 == 0 else "policing",
                f"Benchmark commitment {i}: make sure officers and staff have the skills to support victims.",
                "Audit and review of knowledge, skills and attitudes. " * 4,
                "Bench area" if i % 7 == 0 else "",
                f"{(i - 1) % 4 + 1}.{i - 1}" if i > 1 else "",
                "Victims' Board. KPI monitoring.",
            ]
        )
    content = write_table(rows, "xlsx")
    elapsed = 0.0
    try:
        with transaction.atomic():
            org = Organisation.objects.create(
                name="Benchmark OPCC", short_name="Bench area", slug="bench-opcc"
            )
            plan = services.plan_create(
                plan=Plan(owner=org, title="Benchmark plan", start_year=2016, end_year=2020),
                by=None,
                links={"organisations": [org]},
            )
            for number in (1, 2, 3, 4):
                objective = Objective(plan=plan, ref=str(number), title=f"Objective {number}", order=number)
                services.plan_record_save(record=objective, by=None)
            started = time.perf_counter()
            result = tables.CommitmentImport(plan=plan).run(content, "bench.xlsx")
            elapsed = time.perf_counter() - started
            if not result.ok or result.created != n:
                raise RuntimeError(f"Benchmark import failed: {result.errors[:3]}")
            raise _Rollback
    except _Rollback:
        pass
    return elapsed
