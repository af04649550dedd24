from assurance.admin import AuditedAdmin, register_audited
from assurance.views import form_links
from meetings import services
from meetings.models import Action, ActionUpdate, AgendaItem, Meeting, OversightBody

register_audited(
    OversightBody,
    list_display=["name", "owner", "frequency", "held_in_public", "notes_published"],
    list_filter=["owner", "frequency"],
)
register_audited(Meeting, list_display=["body", "date", "status", "ad_hoc"], list_filter=["status", "body"])
register_audited(
    Action,
    list_display=["description", "owner_role", "due_date", "status", "visibility"],
    list_filter=["status", "visibility"],
)
register_audited(ActionUpdate)


class AgendaItemAdmin(AuditedAdmin):
    list_display = ["title", "meeting", "kind", "visibility", "deferred"]
    list_filter = ["visibility", "kind"]

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # As the service's own page does: moving an item into the closed part restricts its actions first.
        services.agenda_item_update(
            item=obj, loaded_version=obj.version, by=request.user, links=form_links(form)
        )


register_audited(AgendaItem, admin_class=AgendaItemAdmin)
