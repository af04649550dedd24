from assurance.admin import register_audited
from delivery_plans.models import (
    Commitment,
    Measure,
    MeasureValue,
    Objective,
    OversightScheduleEntry,
    Plan,
    ProgressUpdate,
)

register_audited(
    Measure, list_display=["name", "plan", "objective", "unit", "higher_is_better"], list_filter=["plan"]
)
register_audited(MeasureValue, list_display=["measure", "period", "value"], list_filter=["measure__plan"])
register_audited(
    Commitment,
    list_display=["ref", "plan", "objective", "kind"],
    list_filter=["plan", "kind"],
    search_fields=["ref", "text"],
)
register_audited(Plan, Objective, OversightScheduleEntry, ProgressUpdate)
