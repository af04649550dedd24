"""Administrators correct reports and monitoring phases here; recommendations, their target
date revisions and updates are edited on the service's own pages, where the services keep
the target date in step."""

from assurance.admin import register_audited
from inspections.models import MonitoringPhase, Report

register_audited(
    Report, list_display=["title", "organisation", "source", "published_on"], list_filter=["source"]
)
register_audited(MonitoringPhase, list_display=["organisation", "phase", "started_on", "ended_on"])
