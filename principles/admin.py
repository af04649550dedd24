from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from principles.models import Assessment, EvidenceItem, Framework, Principle, SubPrinciple


@admin.register(Framework)
class FrameworkAdmin(SimpleHistoryAdmin):
    list_display = ["name", "edition", "slug"]


@admin.register(Principle)
class PrincipleAdmin(SimpleHistoryAdmin):
    list_display = ["letter", "title", "framework"]
    list_filter = ["framework"]


@admin.register(SubPrinciple)
class SubPrincipleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "principle", "number"]
    list_filter = ["principle__framework"]


class EvidenceInline(admin.TabularInline):
    model = EvidenceItem
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["sub_principle", "owner", "year", "rag", "direction"]
    list_filter = ["owner", "year", "rag", "direction"]
    list_select_related = ["sub_principle__principle", "owner", "year"]
    inlines = [EvidenceInline]
