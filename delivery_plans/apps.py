from django.apps import AppConfig


class DeliveryPlansConfig(AppConfig):
    name = "delivery_plans"
    verbose_name = "Delivery plan"
