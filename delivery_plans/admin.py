"""The delivery plan in Django's admin. Plans, objectives and commitments are saved through
the area's services, as in the browser: a new plan gets its delivery statuses, and a ref its
sort key."""

from django.contrib import admin

from assurance.admin import AuditedAdmin, register_audited
from assurance.views import form_links
from delivery_plans import services
from delivery_plans.models import (
    Commitment,
    DeliveryStatus,
    Measure,
    MeasureValue,
    Objective,
    OversightScheduleEntry,
    Plan,
    ProgressUpdate,
)


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["title", "owner", "start_year", "end_year"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.plan_create(plan=obj, by=request.user, links=form_links(form))


@admin.register(Objective)
class ObjectiveAdmin(AuditedAdmin):
    list_display = ["ref", "title", "plan", "order"]
    list_filter = ["plan"]

    def save_model(self, request, obj, form, change):
        # The form's clean() compared the versions and holds the row's lock until this save.
        services.objective_save(
            objective=obj, by=request.user, loaded_version=obj.version if change else None
        )


@admin.register(Commitment)
class CommitmentAdmin(AuditedAdmin):
    list_display = ["ref", "plan", "objective", "kind", "status"]
    list_filter = ["plan", "kind"]
    search_fields = ["ref", "text"]

    def save_model(self, request, obj, form, change):
        services.commitment_save(
            commitment=obj,
            by=request.user,
            loaded_version=obj.version if change else None,
            links=form_links(form),
        )


register_audited(
    Measure, list_display=["name", "plan", "objective", "unit", "higher_is_better"], list_filter=["plan"]
)
register_audited(MeasureValue, list_display=["measure", "period", "value"], list_filter=["measure__plan"])
register_audited(DeliveryStatus, list_display=["name", "plan", "order", "is_completed"], list_filter=["plan"])
register_audited(OversightScheduleEntry, ProgressUpdate)
