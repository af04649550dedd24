app_name = "delivery_plans"

urlpatterns: list = []
