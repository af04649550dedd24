from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from delivery_plans.models import (
    Commitment,
    Measure,
    MeasureValue,
    Objective,
    OversightScheduleEntry,
    Plan,
    ProgressUpdate,
)


class MeasureValueInline(admin.TabularInline):
    model = MeasureValue
    extra = 1


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "plan", "objective", "unit", "higher_is_better"]
    list_filter = ["plan"]
    inlines = [MeasureValueInline]


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["ref", "plan", "objective", "kind"]
    list_filter = ["plan", "kind"]
    search_fields = ["ref", "text"]


for model in (Plan, Objective, OversightScheduleEntry, ProgressUpdate):
    admin.site.register(model, SimpleHistoryAdmin)
