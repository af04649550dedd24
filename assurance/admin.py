from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from simple_history.admin import SimpleHistoryAdmin

from assurance.models import Organisation, ReportingPeriod
from assurance.security import log_event
from assurance.sessions import end_sessions_of


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "is_home"]
    list_filter = ["kind"]
    prepopulated_fields = {"slug": ["short_name"]}
    search_fields = ["name", "short_name"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "start_year", "quarter"]
    list_filter = ["start_year"]


admin.site.site_header = "Assurance administration"
admin.site.site_title = "Assurance administration"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    """Users are deactivated, never deleted: the audit history keeps who made each change."""

    list_display = ["username", "first_name", "last_name", "is_active", "last_login"]
    list_filter = ["is_active", "groups", "is_superuser"]
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "is_active" in form.base_fields:
            form.base_fields["is_active"].help_text = (
                "Users are deactivated, never deleted, so the history keeps their names. "
                "Untick this to deactivate a user: they are signed out at once and cannot sign in."
            )
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            end_sessions_of(obj)
            log_event("user_deactivated", request=request, deactivated=obj.get_username())

    @admin.action(description="Deactivate the selected users (they are signed out at once)")
    def deactivate(self, request, queryset):
        for user in queryset.filter(is_active=True):
            user.is_active = False
            user.save(update_fields=["is_active"])
            end_sessions_of(user)
            log_event("user_deactivated", request=request, deactivated=user.get_username())
        self.message_user(request, "The selected users are deactivated. Their history keeps their names.")
