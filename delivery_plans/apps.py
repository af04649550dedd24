from django.apps import AppConfig


class DeliveryPlansConfig(AppConfig):
    name = "delivery_plans"
    verbose_name = "Delivery plan"

    def ready(self):
        from delivery_plans import area  # noqa: F401 - registers the area
