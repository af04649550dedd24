from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Inspections and audit"

    def ready(self):
        from inspections import area  # noqa: F401 - registers the area
