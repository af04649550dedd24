from django.apps import AppConfig


class PrinciplesConfig(AppConfig):
    name = "principles"
    verbose_name = "Governance principles"

    def ready(self):
        # Registers the area with the core (navigation, dashboard, demo data).
        from principles import area  # noqa: F401
