from assurance.admin import register_audited
from delivery_plans import models

register_audited(
    models.Measure,
    list_display=["name", "plan", "objective", "unit", "higher_is_better"],
    list_filter=["plan"],
)
register_audited(
    models.MeasureValue, list_display=["measure", "period", "value"], list_filter=["measure__plan"]
)
register_audited(
    models.Commitment,
    list_display=["ref", "plan", "objective", "kind"],
    list_filter=["plan", "kind"],
    search_fields=["ref", "text"],
)
register_audited(models.Plan, models.Objective, models.OversightScheduleEntry, models.ProgressUpdate)
