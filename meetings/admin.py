from assurance.admin import register_audited
from meetings.models import Action, ActionUpdate, AgendaItem, Meeting, OversightBody

register_audited(
    OversightBody,
    list_display=["name", "owner", "frequency", "held_in_public", "notes_published"],
    list_filter=["owner", "frequency"],
)
register_audited(Meeting, list_display=["body", "date", "status", "ad_hoc"], list_filter=["status", "body"])
register_audited(
    AgendaItem,
    list_display=["title", "meeting", "kind", "visibility", "deferred"],
    list_filter=["visibility", "kind"],
)
register_audited(
    Action,
    list_display=["description", "owner_role", "due_date", "status", "visibility"],
    list_filter=["status", "visibility"],
)
register_audited(ActionUpdate)
