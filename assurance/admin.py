from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assurance.models import Organisation, ReportingPeriod


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
