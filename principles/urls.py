app_name = "principles"

urlpatterns: list = []
