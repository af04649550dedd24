from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import Action, ActionUpdate, AgendaItem, Meeting, OversightBody


@admin.register(OversightBody)
class OversightBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "owner", "frequency", "held_in_public", "notes_published"]
    list_filter = ["owner", "frequency"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["body", "date", "status", "ad_hoc"]
    list_filter = ["status", "body"]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "meeting", "kind", "visibility", "deferred"]
    list_filter = ["visibility", "kind"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["description", "owner_role", "due_date", "status", "visibility"]
    list_filter = ["status", "visibility"]


admin.site.register(ActionUpdate, SimpleHistoryAdmin)
