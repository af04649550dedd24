"""Administrators edit an office's risk categories and registers here; risks, reviews and the
risk matrix are edited on the service's own pages, where their services re-rate them."""

from django.contrib import admin

from assurance.admin import AuditedAdmin, register_audited
from risks.models import RiskCategory, RiskRegister

register_audited(RiskCategory, list_display=["name", "organisation", "order"], list_filter=["organisation"])


@admin.register(RiskRegister)
class RiskRegisterAdmin(AuditedAdmin):
    list_display = ["name", "owner", "order"]
    list_filter = ["owner"]

    def get_readonly_fields(self, request, obj=None):
        # The owner's matrix scores the risks: a register keeps its owner.
        return ["owner"] if obj is not None else []
