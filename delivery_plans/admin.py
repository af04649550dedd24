"""The delivery plan in Django's admin. Plans, objectives and commitments are saved through
the area's services, as in the browser: a new plan gets its delivery statuses, and a ref its
sort key."""

from assurance.admin import AuditedAdmin, register_audited
from assurance.views import form_links
from delivery_plans import models, services


class PlanAdmin(AuditedAdmin):
    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.plan_create(plan=obj, by=request.user, links=form_links(form))


class PlanRecordAdmin(AuditedAdmin):
    """Objectives and commitments: saved with the sort key of their ref."""

    def save_model(self, request, obj, form, change):
        # The form's clean() compared the versions and holds the row's lock until this save.
        services.plan_record_save(
            record=obj,
            by=request.user,
            loaded_version=obj.version if change else None,
            links=form_links(form),
        )


register_audited(
    models.Plan, admin_class=PlanAdmin, list_display=["title", "owner", "start_year", "end_year"]
)
register_audited(
    models.Objective, admin_class=PlanRecordAdmin, list_display=["ref", "title", "plan"], list_filter=["plan"]
)
register_audited(
    models.Commitment,
    admin_class=PlanRecordAdmin,
    list_display=["ref", "plan", "objective", "kind", "status"],
    list_filter=["plan", "kind"],
    search_fields=["ref", "text"],
)
register_audited(
    models.Measure,
    list_display=["name", "plan", "objective", "unit", "higher_is_better"],
    list_filter=["plan"],
)
register_audited(
    models.MeasureValue, list_display=["measure", "period", "value"], list_filter=["measure__plan"]
)
register_audited(
    models.DeliveryStatus, list_display=["name", "plan", "order", "is_completed"], list_filter=["plan"]
)
register_audited(models.OversightScheduleEntry, models.ProgressUpdate)
