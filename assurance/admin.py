"""Django's admin, for administrators, writing audited records the one way every route does.

`AuditedAdmin` puts the version the record was opened at in its form, refuses a save over a
newer one (with who changed what), writes through assurance.writes with the administrator as
author, and leaves deleting to the record's own page in the service, where the same check
applies; the bulk "delete selected" action is not offered.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from simple_history.admin import SimpleHistoryAdmin

from assurance.forms import VersionedFormMixin
from assurance.models import Acronym, AuditedModel, Membership, Organisation, ReportingPeriod
from assurance.security import log_event
from assurance.sessions import end_sessions_of
from assurance.views import form_links
from assurance.writes import record_create, record_update


class VersionedAdminForm(VersionedFormMixin, forms.ModelForm):
    """The admin's form: it compares versions in clean(), inside the admin's transaction."""

    def clean(self):
        cleaned = super().clean() or {}
        if self.instance.pk is None:
            return cleaned
        loaded = cleaned.get("loaded_version")
        # The admin saves inside one transaction: the lock taken here holds until the save.
        model = type(self.instance)
        current = (
            model._default_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .order_by("pk")  # no outer join from a default ordering, which PostgreSQL will not lock
            .values_list("version", flat=True)
            .first()
        )
        if current is None:
            raise forms.ValidationError("This record was deleted by someone else after you opened it.")
        if loaded != current:
            from assurance.history import changes_since

            newer = changes_since(model._default_manager.get(pk=self.instance.pk), loaded or 0)
            who = "; ".join(
                f"{e.who} changed {', '.join(c.label.lower() for c in e.changes) or 'it'} "
                f"on {e.when:%d %B %Y at %H:%M}"
                for e in newer
            )
            raise forms.ValidationError(
                f"This record was changed after you opened it ({who or 'by someone else'}). "
                "Nothing was saved: reload the page to see the current values, then make your change again."
            )
        return cleaned


class AuditedAdmin(SimpleHistoryAdmin):
    form = VersionedAdminForm
    # No bulk actions: "delete selected" would delete without the version check.
    actions = None

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The form's clean() compared the versions and holds the row's lock until this save.
        links = form_links(form)
        if change:
            record_update(instance=obj, loaded_version=obj.version, by=request.user, links=links)
        else:
            record_create(instance=obj, by=request.user, links=links)

    def save_related(self, request, form, formsets, change):
        # The links were set by save_model, through the write path; only inline rows remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


def register_audited(*models: type[AuditedModel], admin_class=AuditedAdmin, **options) -> None:
    """Register models with the audited admin (or a subclass of it), optionally with options."""
    if options:
        admin_class = type(f"{models[0].__name__}Admin", (admin_class,), options)
    for model in models:
        admin.site.register(model, admin_class)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "is_home"]
    list_filter = ["kind"]
    prepopulated_fields = {"slug": ["short_name"]}
    search_fields = ["name", "short_name"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(AuditedAdmin):
    list_display = ["label", "start_year", "quarter"]
    list_filter = ["start_year"]


register_audited(
    Acronym,
    list_display=["term", "meaning", "organisation"],
    list_filter=["organisation"],
    search_fields=["term", "meaning"],
)


admin.site.site_header = "Assurance administration"
admin.site.site_title = "Assurance administration"


register_audited(
    Membership,
    list_display=["user", "organisation", "role"],
    list_filter=["organisation", "role"],
    search_fields=["user__username", "user__first_name", "user__last_name"],
)


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
